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
pytestmark = pytest.mark.skipif(nginx_binary() is None and not os.environ.get("CI"), reason="nginx is not installed")


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
