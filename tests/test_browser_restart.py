"""A server restart with a page open (issue 17): the next interaction takes effect and the URL stays valid."""

import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import APP, ARTIFACTS, ROOT, _free_port
from tests.test_browser import wait_idle

pytestmark = pytest.mark.browser


def start(port: int, log) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    pytest.fail("streamlit did not start")


def test_a_restart_loses_neither_the_next_change_nor_the_language(page):
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / "restart-server.log", "w") as log:
        server = start(port, log)
        try:
            page.goto(f"http://127.0.0.1:{port}/dynamics?lang=zh&K=12")
            wait_idle(page)
            page.wait_for_timeout(1000)
            server.terminate()
            server.wait(timeout=20)
            server = start(port, log)
            # the page reconnects by itself; then the student presses + on K three times
            page.wait_for_function("() => document.querySelector('[data-testid=\"stStatusWidget\"]') === null "
                                   "|| !document.body.innerText.includes('Connecting')", timeout=30_000)
            page.wait_for_timeout(4000)
            for expected in (13, 14, 15):
                page.locator(".st-key-dyn_K button").last.click()
                page.wait_for_function(f"() => document.querySelector('.st-key-dyn_K input').value === '{expected}'",
                                       timeout=20_000)
                # the URL follows within seconds (after a restart, one extra rerun re-applies adopted values)
                page.wait_for_function(f"() => location.search.includes('K={expected}')", timeout=30_000)
                wait_idle(page)
                page.wait_for_timeout(1500)
                assert page.locator(".st-key-dyn_K input").input_value() == str(expected), "the change must stick"
                assert f"K={expected}" in page.url and "lang=zh" in page.url and "None" not in page.url, page.url
                assert page.locator("h1").first.inner_text() == "观察 logits 的演化"
            # both language buttons are still usable and one of them is selected
            page.get_by_role("radio", name="English").click()
            page.wait_for_function("() => location.search.indexOf('lang=') === -1", timeout=20_000)
            wait_idle(page)
            assert page.locator("h1").first.inner_text() == "Watch the logits"
        finally:
            server.terminate()
            server.wait(timeout=20)
