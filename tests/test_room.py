"""The link students can open (issue 25, item 2): an address the room reaches, as text and as a QR code that
reads back as exactly that link; on a server only this computer can reach, a notice instead of a useless link."""

import io
from contextlib import contextmanager

import numpy as np
import pytest
from PIL import Image
from streamlit import config

from pages.ui import room
from pages.ui.i18n import lookup
from tests.conftest import ARTIFACTS, _serve

zxingcpp = pytest.importorskip("zxingcpp")
ROOM = "192.0.2.7"   # a documentation address (RFC 5737): shown in links, never contacted


def read_qr(png: bytes) -> list[str]:
    image = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("listen, given, expected", [
    ("127.0.0.1", None, (None, "local")),
    ("127.0.0.1", ROOM, (None, "local")),            # told a room address, but nobody else can reach it
    ("localhost", ROOM, (None, "local")),
    ("::1", ROOM, (None, "local")),
    ("0.0.0.0", None, (None, "unknown")),
    ("0.0.0.0", "  ", (None, "unknown")),
    ("0.0.0.0", "127.0.0.1", (None, "unknown")),     # a loopback "room" address is no room address
    ("0.0.0.0", ROOM, (f"http://{ROOM}:8501", "room")),
    ("::", "fd00::2", ("http://[fd00::2]:8501", "room")),
    ("10.1.2.3", None, ("http://10.1.2.3:8501", "room")),
    ("10.1.2.3", "lab-pc.school.example", ("http://lab-pc.school.example:8501", "room")),
])
def test_room_address(listen, given, expected):
    assert room.room_address(listen, given, 8501) == room.RoomAddress(*expected)


def test_student_link_encodes_every_value():
    link = room.student_link(f"http://{ROOM}:8501", "dynamics", {"eps": "0.1", "hide": "K,conv", "lang": "zh",
                                                                  "x": "<b>&?#"})
    assert link == f"http://{ROOM}:8501/dynamics?eps=0.1&hide=K,conv&lang=zh&x=%3Cb%3E%26%3F%23"


@pytest.mark.parametrize("link", [
    f"http://{ROOM}:8501/",
    f"http://{ROOM}:8501/dynamics?eps=0.1&steps=100000&logx=True&hide=K,conv,init,lr&present=True&lang=zh",
    f"http://[fd00::2]:8501/training?eps=0.1&hide=K,conv,overlap,noise,n,epochs,seed&present=True&lang=en",
])
def test_the_qr_code_reads_back_as_the_link(link):
    png = room.qr_png(link)
    assert png.startswith(b"\x89PNG")
    assert read_qr(png) == [link]
    size = len(room.qr_matrix(link)) + 8   # the modules and a quiet zone of 4 on each side
    assert Image.open(io.BytesIO(png)).size == (8 * size, 8 * size)


@contextmanager
def server_address(address: str):
    old = config.get_option("server.address")
    config.set_option("server.address", address)
    try:
        yield
    finally:
        config.set_option("server.address", old)


def test_a_server_open_to_the_room_shows_the_students_link_and_its_qr(app_test, monkeypatch):
    monkeypatch.setenv(room.ROOM_ADDRESS_VARIABLE, ROOM)
    with server_address("0.0.0.0"):
        at = app_test("dynamics", eps="0.3", lang="zh")
        codes = [c.value for c in at.sidebar.code]
        port = config.get_option("server.port")
        assert f"http://{ROOM}:{port}/dynamics?eps=0.3&lang=zh" in codes, codes
        at.sidebar.segmented_control(key="room_lang").set_value("en").run()
        assert f"http://{ROOM}:{port}/dynamics?eps=0.3&lang=en" in [c.value for c in at.sidebar.code]
        assert len(at.get("image")) >= 1
        assert not at.exception


@pytest.mark.parametrize("address, case", [("127.0.0.1", "local"), ("0.0.0.0", "unknown")])
def test_a_server_the_room_cannot_reach_says_so_and_shows_no_link(app_test, monkeypatch, address, case):
    monkeypatch.delenv(room.ROOM_ADDRESS_VARIABLE, raising=False)
    with server_address(address):
        at = app_test("dynamics")
        assert lookup("en", f"shell.room_{case}") in [i.value for i in at.sidebar.info]
        assert not any(ROOM in c.value for c in at.sidebar.code) and not at.get("image")


@pytest.fixture(scope="module")
def room_server():
    """A server open to every interface that knows the room's address; the test still reaches it on loopback."""
    yield from _serve("room-server", address="0.0.0.0", env={room.ROOM_ADDRESS_VARIABLE: ROOM})


def test_the_room_sees_the_link_large_and_can_scan_it(room_server, page):
    """In Chromium: the lesson link box shows the students' link and a QR code that decodes to it; "Show to the
    room" opens it large (text at least 28 px) with a larger code that decodes to the same link."""
    port = room_server.rsplit(":", 1)[1]
    page.set_viewport_size({"width": 1400, "height": 1800})   # the whole lesson link box without scrolling
    page.goto(f"{room_server}/dynamics?eps=0.3")
    page.wait_for_selector('[data-test-script-state="notRunning"]', state="attached", timeout=60_000)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    if not sidebar.is_visible():
        page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button').first.click()
    sidebar.get_by_text(lookup("en", "shell.lesson_title")).click()
    link = f"http://{ROOM}:{port}/dynamics?eps=0.3&lang=en"
    sidebar.get_by_text(link).wait_for(timeout=30_000)
    qr = sidebar.locator('[data-testid="stImage"] img').first
    qr.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle(), timeout=30_000)
    shot = qr.screenshot()
    (ARTIFACTS / "room_qr.png").write_bytes(shot)
    assert read_qr(shot) == [link]
    sidebar.get_by_role("button", name=lookup("en", "shell.room_show")).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text(link).wait_for(timeout=30_000)
    size = dialog.get_by_text(link).evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 28
    big = dialog.locator("img").first
    big.wait_for(timeout=30_000)
    assert big.bounding_box()["width"] >= 300
    assert read_qr(big.screenshot()) == [link]
