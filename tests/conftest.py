"""Shared fixtures: the repo on sys.path, AppTest factories, and a real `streamlit run` server + Chromium."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ARTIFACTS = ROOT / "test-artifacts"
APP = str(ROOT / "app.py")


# ---------------------------------------------------------------- test kinds

# Tests are marked by what they need, so the fast subset (`make mutate`) can leave out the slow kinds:
# "apptest" runs the app in AppTest, "server" starts a real server (and maybe Chromium or nginx).
SLOW_FIXTURES = {"app_test": "apptest", "server": "server", "fresh_server": "server", "page": "server",
                 "browser": "server", "proxied": "server"}


def pytest_collection_modifyitems(items):
    for item in items:
        for marker in {kind for fixture, kind in SLOW_FIXTURES.items() if fixture in getattr(item, "fixturenames", ())}:
            item.add_marker(marker)


# ---------------------------------------------------------------- shared results

def default_training():
    """The training page's default settings (also the README's benchmark scene)."""
    import lsr_core as core

    return core.ExperimentSettings(num_classes=5, overlap=0.4, noise=0.0, train_size=1000, seed=0, eps=0.1,
                                   prior="uniform", epochs=60)


@pytest.fixture(scope="session")
def default_experiment():
    """The default experiment, trained once for the whole test session (it takes a few seconds)."""
    return default_training().run()


# ---------------------------------------------------------------- AppTest

def server_like_app_test():
    """AppTest, but run like a server: AppTest switches Streamlit's legacy pages/ mode back on before every
    run (`PagesManager.uses_pages_directory`), while a server reads it once and `st.navigation` switches it
    off for good. So the first run takes the fresh server's path (the page, run on its own, reruns itself
    inside the shell: `pages/ui/shell.require_shell`) and later runs find the mode off, as on a running
    server. (The same path in a real browser: tests/test_browser.py, the deep link on a fresh server.)"""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    class ServerLikeAppTest(AppTest):
        _runs = 0

        def _run(self, widget_state=None, timeout=None):
            original = PagesManager.__init__

            def running_server(manager, *args, **kwargs):
                original(manager, *args, **kwargs)
                PagesManager.uses_pages_directory = False

            if self._runs:
                PagesManager.__init__ = running_server
            self._runs += 1
            try:
                return super()._run(widget_state, timeout)
            finally:
                PagesManager.__init__ = original

    return ServerLikeAppTest


@pytest.fixture
def app_test():
    """Return a function that builds and runs the app at a page with given query parameters."""
    app_test_class = server_like_app_test()

    def make(page: str | None = None, **query):
        at = app_test_class(APP, default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = str(value)
        if page is not None:  # open the page directly, as a link to it would
            at.switch_page(f"pages/{page}.py")
        at.run()
        assert at._runs == 1 and not legacy_pages_mode(), "the first run ended outside the shell"
        return at

    return make


def legacy_pages_mode() -> bool:
    from streamlit.runtime.pages_manager import PagesManager

    return bool(PagesManager.uses_pages_directory)


# ---------------------------------------------------------------- browser

def find_chromium() -> str | None:
    """The system Chromium (or $LSR_CHROMIUM); None means: use Playwright's own build if it has one."""
    candidates = [os.environ.get("LSR_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser",
                  shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")]
    for path in candidates:
        if path and os.path.exists(path):
            return path
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(name: str, script: str = APP, address: str = "127.0.0.1", env: dict | None = None):
    """Run `streamlit run script` on a free port; yield its loopback URL (a generator: fixtures and bench use it).
    `address` is where it listens (loopback unless a test needs "0.0.0.0"); `env` adds environment variables."""
    port = _free_port()
    log = open(ARTIFACTS.mkdir(exist_ok=True) or ARTIFACTS / f"{name}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port), "--server.address", address,
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=os.environ | (env or {}))
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            pass
        if time.time() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail(f"streamlit did not start; see {ARTIFACTS / name}.log")
        time.sleep(0.3)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def server_process(url: str):
    """The `streamlit run` process serving `url` (for its CPU time and resident memory)."""
    import psutil

    port = url.rsplit(":", 1)[1]
    return next(p for p in psutil.process_iter(["cmdline"])
                if p.info["cmdline"] and "streamlit" in " ".join(p.info["cmdline"]) and port in p.info["cmdline"])


@pytest.fixture(scope="session")
def server():
    """A real `streamlit run app.py` on a free loopback port, shared by the browser tests."""
    yield from _serve("server")


@pytest.fixture
def fresh_server():
    """A server no session has visited yet (Streamlit's legacy pages/ mode is still on)."""
    yield from _serve("fresh-server")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import Error, sync_playwright

    executable = find_chromium()
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"]
    with sync_playwright() as playwright:
        try:
            instance = playwright.chromium.launch(executable_path=executable, args=args)
        except Error as error:
            pytest.fail("No Chromium to run the browser tests. Install one with `sudo apt-get install chromium` "
                        "(or set LSR_CHROMIUM to a Chromium binary, or run `.venv/bin/playwright install chromium`). "
                        f"Playwright said: {str(error).splitlines()[0]}")
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.js_errors = errors
    yield tab
    context.close()
