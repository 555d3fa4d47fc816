"""The deployment recipe (deploy/): N app processes behind nginx, sticky sessions, WebSocket upgrade and
framing protection, tested for real with protocol-level clients (issue 17's headers; the recipe of issue 15)."""

import http.cookiejar
import os
import sys
import urllib.request

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


def test_every_session_reaches_its_own_process(proxied):
    """A page's media (here the tab icon) lives in the process that ran the page: fetching it through the
    proxy succeeds only if the browser's requests all reach that process."""
    for student in range(12):
        opener, jar = browser_like()
        opener.open(proxied + "/").read()
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        with Session(proxied, headers={"Cookie": cookie}) as session:
            page = session.open("dynamics", f"K={3 + student}")
            assert page.status == "FINISHED_SUCCESSFULLY" and page.count("plotly_chart") == 5
            moved = session.set("dyn_eps", double_array_value=DoubleArray(data=[0.2]))
            assert moved.status == "FINISHED_SUCCESSFULLY"
            assert session.query == ("" if 3 + student == 10 else f"K={3 + student}&") + "eps=0.2"
            assert page.favicon.startswith("/media/"), page.favicon
            icon = opener.open(proxied + page.favicon).read()
            assert icon.startswith(b"\x89PNG"), f"student {student}'s icon came from another process"


DOCKERFILE = (ROOT / "Dockerfile").read_text()


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
