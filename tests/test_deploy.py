"""The deployment recipe (deploy/): N app processes behind nginx, sticky sessions, WebSocket upgrade and
framing protection, tested for real with protocol-level clients (issue 17's headers; the recipe of issue 15)."""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, ROOT, _free_port

sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "deploy"))

from run_behind_nginx import cluster, nginx_binary  # noqa: E402
from st_protocol import Session  # noqa: E402
from streamlit.proto.Common_pb2 import DoubleArray  # noqa: E402

# on CI (.ci/run installs nginx-light) a missing nginx is a failure, not a skip
pytestmark = [pytest.mark.skipif(nginx_binary() is None and not os.environ.get("CI"), reason="nginx is not installed"),
              pytest.mark.server]   # real servers and nginx: not in the fast subset


@pytest.fixture(scope="module")
def proxied():
    ARTIFACTS.mkdir(exist_ok=True)
    with cluster(2, _free_port(), log_dir=ARTIFACTS) as url:
        yield url


def browser_like():
    """An opener with its own cookie jar: one browser."""
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def test_no_other_site_can_frame_the_app(proxied):
    opener, jar = browser_like()
    response = opener.open(proxied + "/")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert any(cookie.name == "lsr_route" for cookie in jar)


def test_nginx_does_not_announce_its_version(proxied):
    import socket

    for path in ("/", "/_stcore/health"):
        assert urllib.request.urlopen(proxied + path).headers["Server"] == "nginx"
    # nginx's own error pages too (a pinned browser whose process is down gets one, see below)
    host, port = proxied.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port))) as raw:
        raw.sendall(b"BREW\r\n\r\n")
        reply = raw.recv(4096).decode("latin-1")
    assert reply.startswith("HTTP/1.1 400") and "\r\nServer: nginx\r\n" in reply, reply
    assert not re.search(r"nginx/\d", reply), reply


def test_the_route_cookie_is_random_and_set_only_when_absent(proxied):
    values = []
    for _ in range(2):   # two browsers on the same address
        opener, jar = browser_like()
        opener.open(proxied + "/").read()
        value = next(cookie.value for cookie in jar if cookie.name == "lsr_route")
        assert "127.0.0.1" not in value and re.fullmatch(r"[0-9a-f]{32}", value), value
        values.append(value)
        again = opener.open(proxied + "/_stcore/health")   # the browser now sends it: nothing is set again
        assert not any(c.startswith("lsr_route=") for c in again.headers.get_all("Set-Cookie") or [])
    assert values[0] != values[1]


def test_every_session_reaches_its_own_process(proxied):
    """A page's media (here the tab icon) lives in the process that ran the page: fetching it through the
    proxy succeeds only if the browser's requests all reach that process."""
    for student in range(12):
        opener, jar = browser_like()
        opener.open(proxied + "/").read()
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        with Session(proxied, headers={"Cookie": cookie}) as session:
            page = session.open("dynamics", f"K={3 + student}")
            assert page.status == "FINISHED_SUCCESSFULLY" and page.count("plotly_chart") == 3
            moved = session.set("dyn_eps", double_array_value=DoubleArray(data=[0.2]))
            assert moved.status == "FINISHED_SUCCESSFULLY"
            assert session.query == ("" if 3 + student == 10 else f"K={3 + student}&") + "eps=0.2"
            assert page.favicon.startswith("/media/"), page.favicon
            icon = opener.open(proxied + page.favicon).read()
            assert icon.startswith(b"\x89PNG"), f"student {student}'s icon came from another process"


DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_a_large_frontend_file_arrives_whole_to_a_slow_browser(proxied):
    """Plotly's chart code (the largest file the frontend loads) read slowly through nginx, as a busy browser
    reads it, arrives byte for byte as the app serves it. It arrived truncated (no chart on any page) while nginx
    spooled large responses to a temporary file its worker could not write."""
    import hashlib
    import socket

    import streamlit

    static = Path(streamlit.__file__).parent / "static"
    chunk = max((static / "static" / "js").glob("PlotlyChart*.js"), key=lambda p: p.stat().st_size)
    path = "/" + chunk.relative_to(static).as_posix()
    host, port = proxied.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as raw:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)   # a small window: nginx's buffers fill up
        raw.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n".encode())
        received = bytearray()
        while data := raw.recv(16384):
            received += data
            time.sleep(0.004)
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head[:200]
    assert b"chunked" not in head.lower(), "the test reads a plain body"
    assert len(body) == chunk.stat().st_size and hashlib.sha256(body).digest() == hashlib.sha256(chunk.read_bytes()).digest()


def test_dockerfile_is_pinned_non_root_and_health_checked():
    base = next(line.split()[1] for line in DOCKERFILE.splitlines() if line.startswith("FROM "))
    assert ":" in base and base.split(":")[1][0].isdigit(), "the base image is pinned to a version"
    assert "pip install -r requirements.txt" in DOCKERFILE
    assert all("==" in line for line in (ROOT / "requirements.txt").read_text().splitlines()
               if line.strip() and not line.startswith("#")), "the app's requirements are pinned"
    user = [line.split()[1] for line in DOCKERFILE.splitlines() if line.startswith("USER ")]
    assert user and user[-1] not in ("root", "0")
    assert "HEALTHCHECK" in DOCKERFILE and "/_stcore/health" in DOCKERFILE


def test_the_image_holds_everything_the_app_needs(tmp_path):
    """Docker cannot run on the test machine, so the image's file list is checked directly: only what the
    Dockerfile COPYs is placed in an empty folder, the app is started there, and every page must render."""
    import shutil
    import subprocess

    from run_behind_nginx import wait_healthy
    from tests.conftest import _free_port

    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY "):
            *sources, _ = [part for part in line.split()[1:] if not part.startswith("--")]
            for source in sources:
                if source == "requirements.txt":
                    continue
                origin, target = ROOT / source, tmp_path / source
                target.parent.mkdir(parents=True, exist_ok=True)
                if origin.is_dir():
                    shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy2(origin, target)
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "image-files.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                "--server.address", "127.0.0.1", "--server.headless", "true"],
                               cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url)
        for name in ("", "dynamics", "by_hand", "gap_explorer", "landscape", "training", "derivation",
                     "regulariser", "distillation", "conventions"):
            with Session(url) as session:
                page = session.open(name, {"training": "n=50&epochs=10", "distillation": "seeds=3"}.get(name, ""))
                assert page.status == "FINISHED_SUCCESSFULLY" and not page.count("exception"), name
                assert page.favicon, "the tab icon file is in the image"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


# ---------------------------------------------------------------- the runner: restarts, Ctrl+C

RESTART_BOUND = 45   # seconds from kill -9 to serving again (restart delay + Streamlit's start on a loaded 2-core machine)
STOP_BOUND = 12      # seconds from Ctrl+C, with a WebSocket open, to every process gone


def session_process(proxied: str, cookie: str, ports: list[int]) -> int:
    """The app port that holds the session of a browser with route cookie `cookie`: its page's tab icon (a media
    file that lives only in the process that drew the page) is served by that port alone."""
    with Session(proxied, headers={"Cookie": f"lsr_route={cookie}"}) as session:
        favicon = session.open("", "").favicon
        owners = []
        for port in ports:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{favicon}", timeout=10).read()
                owners.append(port)
            except urllib.error.HTTPError:
                pass
    assert len(owners) == 1, owners
    return owners[0]


def pinned_health(proxied: str, cookie: str) -> int:
    request = urllib.request.Request(proxied + "/_stcore/health", headers={"Cookie": f"lsr_route={cookie}"})
    try:
        return urllib.request.urlopen(request, timeout=5).status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def runner(tmp_path):
    """`python deploy/run_behind_nginx.py 2 PORT` as a terminal would run it: its own process group."""
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    output = ARTIFACTS / "run_behind_nginx.log"
    process = subprocess.Popen([sys.executable, str(ROOT / "deploy" / "run_behind_nginx.py"), "2", str(port)],
                               cwd=ROOT, stdout=open(output, "w"), stderr=subprocess.STDOUT, start_new_session=True,
                               env=os.environ | {"LSR_LOG_DIR": str(tmp_path)})
    deadline = time.time() + 120
    while "processes behind nginx at" not in output.read_text():
        assert process.poll() is None and time.time() < deadline, output.read_text()
        time.sleep(0.3)
    try:
        yield process, f"http://127.0.0.1:{port}", [port + 1, port + 2], output, tmp_path
    finally:
        if process.poll() is None:   # as Ctrl+C would, then by force
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=STOP_BOUND)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def answers(port: int) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def test_nothing_outlives_a_killed_runner(runner):
    """kill -9 of the runner (no clean-up runs) still takes nginx and every app process with it: each child asks
    the kernel for SIGTERM when its parent dies, so none keeps its port."""
    process, proxied, ports, output, logs = runner
    nginx_port = int(proxied.rsplit(":", 1)[1])
    assert all(answers(port) for port in [nginx_port, *ports])
    process.kill()
    process.wait()
    deadline = time.monotonic() + STOP_BOUND
    while any(answers(port) for port in [nginx_port, *ports]):
        assert time.monotonic() < deadline, [port for port in [nginx_port, *ports] if answers(port)]
        time.sleep(0.2)


def app_pids(output) -> dict[int, int]:
    """port -> pid of the latest app process the runner started there (from its log)."""
    return {int(port): int(pid) for port, pid in re.findall(r"app on 127\.0\.0\.1:(\d+) started \(pid (\d+)\)",
                                                             output.read_text())}


def test_a_killed_process_is_restarted_and_ctrl_c_stops_everything(runner):
    process, proxied, ports, output, logs = runner
    # a browser, and the process that holds its session
    opener, jar = browser_like()
    opener.open(proxied + "/").read()
    cookie = next(c.value for c in jar if c.name == "lsr_route")
    port = session_process(proxied, cookie, ports)
    victim = app_pids(output)[port]

    os.kill(victim, signal.SIGKILL)
    killed = time.monotonic()
    # while it is down its browsers are not moved to the other process: nginx answers 502 (the page says
    # "Connecting" and retries) and the other process keeps serving its own browsers
    time.sleep(0.3)
    assert pinned_health(proxied, cookie) == 502
    other = next(p for p in ports if p != port)
    assert urllib.request.urlopen(f"http://127.0.0.1:{other}/_stcore/health").read() == b"ok"
    for _ in range(6):   # a new browser (no cookie, no session anywhere) is served by a live process
        assert urllib.request.urlopen(proxied + "/", timeout=10).status == 200
    # and the pinned browser still gets what is the same in every process: the page, the frontend's code
    page = opener.open(proxied + "/dynamics", timeout=10).read().decode()
    script = re.search(r'src="\.?(/static/js/[^"]+\.js)"', page).group(1)
    assert opener.open(proxied + script, timeout=10).status == 200
    assert pinned_health(proxied, cookie) == 502, "the session's own requests still wait for its process"
    while pinned_health(proxied, cookie) != 200:
        assert time.monotonic() - killed < RESTART_BOUND, output.read_text()
        time.sleep(0.2)
    restarted = time.monotonic() - killed
    print(f"restarted and serving again {restarted:.1f} s after kill -9")
    assert app_pids(output)[port] != victim
    assert re.search(rf"app on 127\.0\.0\.1:{port} exited \(code -9\); restarting in", output.read_text())
    # the same browser is served by its own (new) process again, page and media
    assert session_process(proxied, cookie, ports) == port

    # Ctrl+C with a student's WebSocket open: everything stops, promptly, without a traceback
    with Session(proxied, headers={"Cookie": f"lsr_route={cookie}"}) as session:
        assert session.open("dynamics", "K=4").status == "FINISHED_SUCCESSFULLY"
        pids = list(app_pids(output).values())
        os.killpg(process.pid, signal.SIGINT)   # what a terminal's Ctrl+C sends: the whole foreground group
        interrupted = time.monotonic()
        process.wait(timeout=STOP_BOUND + 10)
        stopped = time.monotonic() - interrupted
    print(f"stopped {stopped:.1f} s after Ctrl+C")
    text = output.read_text()
    assert process.returncode == 0, text
    assert "Traceback" not in text
    for log in logs.glob("*.log"):
        assert "Traceback" not in log.read_text(), log.name
    assert stopped < STOP_BOUND, text
    for pid in pids:
        assert not os.path.exists(f"/proc/{pid}") or "zombie" in open(f"/proc/{pid}/status").read().lower()


@pytest.mark.browser
def test_the_student_on_a_killed_process_sees_connecting_then_gets_the_page_back(runner, browser):
    """In Chromium: the tab whose process is killed shows Streamlit's own "Connecting", then reconnects to the
    restarted process with its values (K = 7) and draws its charts (no failed chart code)."""
    process, proxied, ports, output, logs = runner
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.goto(proxied + "/dynamics?K=7")
    tab.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=90_000)
    icon = tab.evaluate("() => new URL(document.querySelector('link[rel*=icon]').href).pathname")
    owner = [port for port in ports if _served(f"http://127.0.0.1:{port}{icon}")]
    assert len(owner) == 1, owner
    os.kill(app_pids(output)[owner[0]], signal.SIGKILL)
    killed = time.monotonic()
    tab.wait_for_selector('[data-testid="stConnectionStatus"]', timeout=20_000)
    status = tab.locator('[data-testid="stConnectionStatus"]').inner_text()
    tab.wait_for_selector('[data-testid="stConnectionStatus"]', state="detached", timeout=RESTART_BOUND * 1000)
    back = time.monotonic() - killed
    tab.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=90_000)
    value = tab.locator(".st-key-dyn_K input").input_value()
    errors = tab.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count()
    context.close()
    print(f"'{status}' for {back:.1f} s")
    assert "CONNECTING" in status.upper()
    assert value == "7" and errors == 0


def _served(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=10).status == 200
    except urllib.error.HTTPError:
        return False
