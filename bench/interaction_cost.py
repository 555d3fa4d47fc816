"""What one interaction costs the server: CPU time of the `streamlit run` process (user + system, not wall
time, so a busy machine does not inflate it) and bytes sent, per page and kind of interaction, beside the
floor (`bench/minimal_app.py`: one slider, one small chart) measured the same way in the same run.

Interactions, each by a protocol-level client (`bench/st_protocol.py`, a browser's messages, no browser):
- first open: the page opened by the first session of a fresh server (imports, caches, first figures), the
  median over `--first=N` fresh servers (3 unless told);
- open: the page opened by a new session on a server where it has been opened before;
- new: a slider moved to a value no session has asked for (a new scene on Watch the logits);
- cached: the slider moved back to a value already computed;
- language: the language switched (and back).
Each figure is the median and the 90th percentile over `repeats` interactions. The server's CPU is read a
moment after the run finished, since Streamlit collects garbage after it has sent the page.

First opens and opens are also measured with Streamlit's file watcher off (`server.fileWatcherType = "none"`,
set here through its environment variable; every other interaction is measured as configured). With the
watcher on, `streamlit run` watches the app's folder recursively, here with the virtual environment inside
it (2,769 folders): it handles an inotify event for every file the first run's imports open, and every new
session scans all ~5,000 imported modules for files to watch. A container built from the Dockerfile has no
environment under /app; `make run` in this checkout has.

    .venv/bin/python bench/interaction_cost.py [repeats=7] [--first=3] [--no-fresh]  (writes bench/interaction_cost.md)

Loopback only; every server is started here and stopped at the end.
"""

from __future__ import annotations

import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from st_protocol import Session  # noqa: E402
from streamlit.proto.Common_pb2 import DoubleArray, StringArray  # noqa: E402

from tests.conftest import _serve, server_process  # noqa: E402

serve = contextmanager(_serve)
WATCHER_OFF = {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
SETTLE = 0.35   # seconds after a run's last message: Streamlit's garbage collection happens after it
# page -> its slider (an eps slider where the page has one outside a form); None: the page's controls sit
# in a form, so moving one costs the server nothing until the form is sent
PAGES = {"": "home_eps", "by_hand": "hand_eps", "derivation": "deriv_eps", "dynamics": "dyn_eps",
         "gap_explorer": "gap_eps", "landscape": "land_eps", "regulariser": "reg_eps", "training": None,
         "distillation": None, "conventions": "conv_eps"}
FLOOR_SLIDER = "min_eps"


def cpu(process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def measured(process, action):
    """(server CPU ms, KB sent) for one interaction."""
    before = cpu(process)
    page = action()
    assert page.status == "FINISHED_SUCCESSFULLY", page.status
    time.sleep(SETTLE)
    return 1000 * (cpu(process) - before), page.bytes / 1024


def slider_values(repeats: int):
    """`repeats` values no page has been asked for yet (the page opens at 0.1), then a cached one each time."""
    return [round(0.11 + 0.02 * i, 2) for i in range(repeats)]


def opens(url: str, process, page: str, count: int = 2) -> list:
    """`count` new sessions open the page on a server where it has been opened before."""
    out = []
    for _ in range(count):
        with Session(url) as session:
            out.append(measured(process, lambda: session.open(page)))
    return out


def page_costs(url: str, process, page: str, slider: str | None, repeats: int) -> dict[str, list]:
    with Session(url) as session:
        session.open(page)   # the page's first open on this server (its first open on a fresh one: `first_open`)
    out = {"open": opens(url, process, page), "new": [], "cached": [], "language": []}
    with Session(url, remember=True) as session:
        session.open(page)
        if slider:
            values = slider_values(repeats)
            for value in values:
                out["new"].append(measured(process, lambda v=value: session.set(slider, double_array_value=DoubleArray(data=[v]))))
            for value in values:
                out["cached"].append(measured(process, lambda v=value: session.set(slider, double_array_value=DoubleArray(data=[v]))))
        for index in range(repeats):
            language = ("中文", "English")[index % 2]
            out["language"].append(measured(process, lambda lang=language: session.set("lang", string_array_value=StringArray(data=[lang]))))
    return out


def first_open(page: str, env: dict | None = None, script: str | None = None) -> tuple[float, float]:
    """The page opened by the first session of a fresh server (`env`: its extra environment variables)."""
    with serve(f"cost_first_{page or 'home'}", *([script] if script else []), env=env) as url:
        process = server_process(url)
        with Session(url) as session:
            return measured(process, lambda: session.open(page))


def first_opens(page: str, count: int, script: str | None = None) -> dict[str, list]:
    """`count` fresh servers per configuration, as configured and with the file watcher off, alternating."""
    out = {"first open": [], "first open, watcher off": []}
    for _ in range(count):
        out["first open"].append(first_open(page, script=script))
        out["first open, watcher off"].append(first_open(page, WATCHER_OFF, script))
    return out


def floor_costs(repeats: int) -> dict[str, list]:
    with serve("cost_floor", str(ROOT / "bench" / "minimal_app.py")) as url:
        process = server_process(url)
        out = {"open": [], "new": [], "cached": []}
        with Session(url) as session:
            session.open("")   # the server's first session
        out["open"] = opens(url, process, "")
        with Session(url, remember=True) as session:
            session.open("")
            values = slider_values(repeats)
            for key in ("new", "cached"):
                for value in values:
                    out[key].append(measured(process, lambda v=value: session.set(FLOOR_SLIDER, double_array_value=DoubleArray(data=[v]))))
        return out


def summary(samples: list) -> tuple[float, float, float]:
    """(median CPU ms, 90th percentile CPU ms, median KB)."""
    if not samples:
        return float("nan"), float("nan"), float("nan")
    ms = sorted(s[0] for s in samples)
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    return statistics.median(ms), p90, statistics.median(s[1] for s in samples)


def main(repeats: int = 7, fresh: bool = True, first_count: int = 3) -> str:
    floor = floor_costs(repeats)
    floor_ms = summary(floor["new"])[0]
    floor_kb = summary(floor["new"])[2]
    floor_first = first_opens("", first_count, str(ROOT / "bench" / "minimal_app.py")) if fresh else {}
    with serve("cost_floor_unwatched", str(ROOT / "bench" / "minimal_app.py"), env=WATCHER_OFF) as url:
        with Session(url) as session:
            session.open("")
        floor_open_unwatched = opens(url, server_process(url), "")
    rows = []
    with serve("cost_pages") as url:
        process = server_process(url)
        for page, slider in PAGES.items():
            rows.append((page, page_costs(url, process, page, slider, repeats)))
    with serve("cost_pages_unwatched", env=WATCHER_OFF) as url:
        process = server_process(url)
        for page, costs in rows:
            with Session(url) as session:
                session.open(page)   # its first open on this server
            costs["open, watcher off"] = opens(url, process, page)
    for page, costs in rows:
        costs.update(first_opens(page, first_count) if fresh else {"first open": [], "first open, watcher off": []})

    def first_ms(samples) -> str:
        return "—" if not samples else f"{summary(samples)[0]:.0f}"

    lines = [f"Floor (`bench/minimal_app.py`, slider move, same run): **{floor_ms:.0f} ms** CPU median, "
             f"{floor_kb:.1f} KB sent; {repeats} interactions per cell; CPU of the server process (user + system). "
             f"The floor's first open: {first_ms(floor_first.get('first open'))} ms "
             f"({first_ms(floor_first.get('first open, watcher off'))} ms with the file watcher off); a new session's "
             f"open: {summary(floor['open'])[0]:.0f} ms ({summary(floor_open_unwatched)[0]:.0f} ms). First opens: the "
             f"median of {first_count} fresh servers per page and configuration.", "",
             "| page | first open ms | first open ms, watcher off | open ms | open ms, watcher off | new value ms (p90) | cached ms (p90) | language ms (p90) | KB per rerun (new / cached / language) | new ÷ floor | cached ÷ floor | language ÷ floor |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for page, costs in rows:
        name = page or "home"
        opened, unwatched = summary(costs["open"]), summary(costs["open, watcher off"])
        new, cached, language = (summary(costs[k]) for k in ("new", "cached", "language"))

        def ratio(cell):
            return "—" if cell[0] != cell[0] else f"{cell[0] / floor_ms:.1f}×"

        def ms(cell):
            return "—" if cell[0] != cell[0] else f"{cell[0]:.0f} ({cell[1]:.0f})"

        def kb(cell):
            return "—" if cell[2] != cell[2] else f"{cell[2]:.0f}"
        lines.append(f"| {name} | {first_ms(costs['first open'])} | {first_ms(costs['first open, watcher off'])} | "
                     f"{opened[0]:.0f} | {unwatched[0]:.0f} | {ms(new)} | "
                     f"{ms(cached)} | {ms(language)} | {kb(new)} / {kb(cached)} / {kb(language)} | {ratio(new)} | "
                     f"{ratio(cached)} | {ratio(language)} |")
    text = "\n".join(lines) + "\n"
    command = f"bench/interaction_cost.py {repeats}" + ("" if first_count == 3 else f" --first={first_count}") \
        + ("" if fresh else " --no-fresh")
    (ROOT / "bench" / "interaction_cost.md").write_text(
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} with `.venv/bin/python {command}`.\n\n" + text + NOTES)
    return text


NOTES = """
Notes:
- "watcher off": the same app with Streamlit's `server.fileWatcherType = "none"` (through its environment
  variable); every other column is the app as configured. With the watcher on, `streamlit run` from this
  checkout watches its folder recursively, the virtual environment included: the first run's imports (pandas,
  pyarrow, SymPy) open thousands of files, each an inotify event the watcher handles, and each new session
  scans every imported module for files to watch. Other activity in the checkout (another engineer's test
  runs writing files) reaches the same watcher, so the watched columns also vary more between runs.
- Nothing is computed ahead of the first open: no warm-up thread, no stored results; a first open pays for its
  imports, its caches and its computation (Distillation: five seeds of two teachers and ten students).
- CPU time is not wall time, but it still rises when the machine's other core is busy (shared caches): the same
  code measured ~20 % more on a busy day. Compare rows of one run, and the floor measured beside them.
"""


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    first = next((int(a.split("=", 1)[1]) for a in sys.argv[1:] if a.startswith("--first=")), 3)
    print(main(int(args[0]) if args else 7, fresh="--no-fresh" not in sys.argv, first_count=first))
