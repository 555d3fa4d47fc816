"""What one interaction costs the server: CPU time of the `streamlit run` process (user + system, not wall
time, so a busy machine does not inflate it) and bytes sent, per page and kind of interaction, beside the
floor (`bench/minimal_app.py`: one slider, one small chart) measured the same way in the same run.

Interactions, each by a protocol-level client (`bench/st_protocol.py`, a browser's messages, no browser):
- first open: the page opened by the first session of a fresh server (imports, caches, first figures);
- open: the page opened by another session once the server is warm;
- new: a slider moved to a value no session has asked for (a new scene on Watch the logits);
- cached: the slider moved back to a value already computed;
- language: the language switched (and back).
Each figure is the median and the 90th percentile over `repeats` interactions. The server's CPU is read a
moment after the run finished, since Streamlit collects garbage after it has sent the page.

    .venv/bin/python bench/interaction_cost.py [repeats=7] [--no-fresh]  (writes bench/interaction_cost.md)

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


def page_costs(url: str, process, page: str, slider: str | None, repeats: int) -> dict[str, list]:
    out = {"open": [], "new": [], "cached": [], "language": []}
    for _ in range(2):   # two more sessions open the page (the first open is measured on a fresh server)
        with Session(url) as session:
            out["open"].append(measured(process, lambda: session.open(page)))
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


def first_open(page: str) -> tuple[float, float]:
    with serve(f"cost_first_{page or 'home'}") as url:
        process = server_process(url)
        with Session(url) as session:
            return measured(process, lambda: session.open(page))


def floor_costs(repeats: int) -> dict[str, list]:
    with serve("cost_floor", str(ROOT / "bench" / "minimal_app.py")) as url:
        process = server_process(url)
        out = {"open": [], "new": [], "cached": []}
        with Session(url) as session:
            out["open"].append(measured(process, lambda: session.open("")))
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


def main(repeats: int = 7, fresh: bool = True) -> str:
    floor = floor_costs(repeats)
    floor_ms = summary(floor["new"])[0]
    floor_kb = summary(floor["new"])[2]
    rows = []
    with serve("cost_pages") as url:
        process = server_process(url)
        for page, slider in PAGES.items():
            costs = page_costs(url, process, page, slider, repeats)
            costs["first open"] = [first_open(page)] if fresh else []
            rows.append((page or "home", costs))
    lines = [f"Floor (`bench/minimal_app.py`, slider move, same run): **{floor_ms:.0f} ms** CPU median, "
             f"{floor_kb:.1f} KB sent; {repeats} interactions per cell; CPU of the server process (user + system).", "",
             "| page | first open ms | open ms | new value ms (p90) | cached ms (p90) | language ms (p90) | KB per rerun (new / cached / language) | new ÷ floor | cached ÷ floor | language ÷ floor |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, costs in rows:
        first = summary(costs["first open"])
        opened = summary(costs["open"])
        new, cached, language = (summary(costs[k]) for k in ("new", "cached", "language"))

        def ratio(cell):
            return "—" if cell[0] != cell[0] else f"{cell[0] / floor_ms:.1f}×"

        def ms(cell):
            return "—" if cell[0] != cell[0] else f"{cell[0]:.0f} ({cell[1]:.0f})"

        def kb(cell):
            return "—" if cell[2] != cell[2] else f"{cell[2]:.0f}"
        lines.append(f"| {name} | {'—' if first[0] != first[0] else f'{first[0]:.0f}'} | {opened[0]:.0f} | {ms(new)} | "
                     f"{ms(cached)} | {ms(language)} | {kb(new)} / {kb(cached)} / {kb(language)} | {ratio(new)} | "
                     f"{ratio(cached)} | {ratio(language)} |")
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "interaction_cost.md").write_text(
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} with `.venv/bin/python bench/interaction_cost.py {repeats}`.\n\n" + text)
    return text


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    print(main(int(args[0]) if args else 7, fresh="--no-fresh" not in sys.argv))
