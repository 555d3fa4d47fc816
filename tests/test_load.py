"""A class on one server, fast version (issue 15): ~20 protocol-level sessions at once against a real server,
no errors, and memory that stops growing once scenes repeat; and a simulated session sees what Chromium sees."""

import sys
import threading
import time

import pytest
from streamlit.proto.Common_pb2 import DoubleArray

from tests.conftest import ROOT, server_process

sys.path.insert(0, str(ROOT / "bench"))

from st_protocol import Session  # noqa: E402

SCENES = [("", "K=5&eps=0.2", "home_eps"), ("dynamics", "K=20&steps=1000", "dyn_eps"),
          ("landscape", "eps=0.3", "land_eps"), ("gap_explorer", "K=30", "gap_eps"), ("by_hand", "eps=0.1", None),
          ("regulariser", "K=4", None), ("conventions", "K=7", None), ("training", "n=200&epochs=10", None),
          ("derivation", "K=3", None), ("dynamics", "K=50&eps=0.4&steps=500", "dyn_eps")]



def student(url: str, scene: tuple, problems: list) -> None:
    page, query, key = scene
    try:
        with Session(url, timeout=120) as session:
            opened = session.open(page, query)
            if opened.status != "FINISHED_SUCCESSFULLY" or opened.count("exception"):
                problems.append((page, opened.status))
            if key:
                moved = session.set(key, double_array_value=DoubleArray(data=[0.25]))
                if moved.status != "FINISHED_SUCCESSFULLY" or moved.count("exception"):
                    problems.append((page, "move", moved.status))
    except Exception as error:  # noqa: BLE001 - the assertion reports it
        problems.append((page, repr(error)))


def wave(url: str, problems: list) -> None:
    threads = [threading.Thread(target=student, args=(url, SCENES[i % len(SCENES)], problems)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)


def test_twenty_sessions_at_once_no_errors_and_memory_stops_growing(fresh_server):
    """On a server nobody has visited yet: a class arriving at once is when import races show."""
    server = fresh_server
    process = server_process(server)
    problems: list = []
    wave(server, problems)                  # the first wave fills the caches with these scenes
    assert not problems, problems
    time.sleep(1)
    after_first = process.memory_info().rss
    for _ in range(3):                      # the same scenes again: open, interact, close
        wave(server, problems)
    assert not problems, problems
    time.sleep(1)
    growth = (process.memory_info().rss - after_first) / 2**20
    assert growth < 25, f"60 repeated sessions added {growth:.0f} MB: something is kept per session"


@pytest.mark.browser
@pytest.mark.parametrize("page_name, query", [("dynamics", "K=12&eps=0.3"), ("", "K=10&eps=0.9&conv=others"),
                                              ("training", "n=200&epochs=10&lang=zh")])
def test_a_simulated_session_sees_what_chromium_sees(server, page, page_name, query):
    """Same scene, same elements and numbers: the load generator measures the page students get."""
    from tests.test_browser import open_page

    with Session(server) as session:
        simulated = session.open(page_name, query)
    open_page(page, f"{server}/{page_name}?{query}")
    page.wait_for_timeout(1000)
    shown = page.evaluate("""() => ({
        charts: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
        metrics: Array.from(document.querySelectorAll('[data-testid="stMetricValue"]')).map(m => m.innerText.trim()),
        alerts: document.querySelectorAll('[data-testid="stAlert"]').length,
        tables: document.querySelectorAll('[data-testid="stTable"], [data-testid="stDataFrame"]').length })""")
    assert simulated.count("plotly_chart") == shown["charts"]
    assert [value for _, value in simulated.metrics().items()] == shown["metrics"]
    assert simulated.count("alert") == shown["alerts"]
    assert simulated.count("table") + simulated.count("arrow_data_frame") == shown["tables"]
