"""Benchmarks: core timings and peak memory, and each page's script time for a rerun after a slider move.

Run with `make bench` (or `.venv/bin/python bench/run_all.py`). Prints a Markdown table and writes it to
bench/results.md. Numbers are medians of repeated runs on whatever machine runs this; the README
quotes one run and names the machine.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lsr_core as core  # noqa: E402


def median_seconds(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_megabytes(function) -> float:
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def core_rows() -> list[tuple[str, str, str]]:
    rows = []
    cases = [
        ("dynamics scene K=10, 2,000 steps (both runs)", lambda: core.compare_runs(10, 0.1, "uniform", 1.0, 2000, np.zeros(10)), 5),
        ("dynamics scene K=10, 100,000 steps", lambda: core.compare_runs(10, 0.1, "uniform", 1.0, 100_000, np.zeros(10)), 3),
        ("dynamics scene K=1000, 2,000 steps", lambda: core.compare_runs(1000, 0.1, "uniform", 1.0, 2000, np.zeros(1000)), 3),
        ("dynamics scene K=1000, 100,000 steps", lambda: core.compare_runs(1000, 0.1, "uniform", 1.0, 100_000, np.zeros(1000)), 1),
    ]
    eps = np.geomspace(1e-4, 1.0, 200)
    sweep_targets = (1 - eps[:, None]) * core.one_hot(0, 10) + eps[:, None] / 10
    cases.append(("explorer sweep: 200 values of ε, K=10, 5,000 steps (core.gap_sweep)",
                  lambda: core.gap_sweep(10, np.geomspace(1e-3, 0.9, 200)), 3))
    cases.append(("ε sweep: 200 values × K=10, 2,000 steps, one descend call",
                  lambda: core.descend(np.zeros(10), sweep_targets, 1.0, 2000), 3))
    for k in (2, 5, 8):
        cases.append((f"SymPy gradient derivation, K={k} (first time; the page caches it)",
                      lambda k=k: core.gradient_derivation(k), 1))
    cases.append(("SymPy optimum derivations, both conventions, and the regulariser identity",
                  lambda: (core.optimum_derivation("uniform"), core.optimum_derivation("others"),
                           core.regulariser_identity()), 1))
    cases.append(("training experiment, default (K=5, 1,000 points, 60 epochs; both runs + temperature)",
                  lambda: core.run_experiment(5, 0.4, 0.0, 1000, 0, 0.1, "uniform", 60), 3))
    cases.append(("training experiment, largest (K=10, 5,000 points, 100 epochs)",
                  lambda: core.run_experiment(10, 0.4, 0.0, 5000, 0, 0.1, "uniform", 100), 1))
    for name, function, repeat in cases:
        seconds = median_seconds(function, repeat)
        megabytes = peak_megabytes(function)
        rows.append((name, f"{seconds * 1000:,.0f} ms", f"{megabytes:,.1f} MB"))
    return rows


def page_rows(repeat: int = 7) -> list[tuple[str, str]]:
    from streamlit.runtime import pages_manager
    from streamlit.testing.v1 import AppTest

    original = pages_manager.PagesManager.__init__

    def init(self, *args, **kwargs):  # as on a running server: see tests/conftest.py
        original(self, *args, **kwargs)
        pages_manager.PagesManager.uses_pages_directory = False

    pages_manager.PagesManager.__init__ = init
    rows = []
    for page, slider, values in (("home", "home_eps", (0.2, 0.3)), ("dynamics", "dyn_eps", (0.2, 0.3)),
                                 ("derivation", "deriv_eps", (0.2, 0.3)), ("regulariser", "reg_eps", (0.2, 0.3)),
                                 ("conventions", "conv_eps", (0.2, 0.3)), ("by_hand", "hand_eps", (0.2, 0.3)),
                                 ("gap_explorer", "gap_eps", (0.2, 0.3)), ("landscape", "land_eps", (0.2, 0.3))):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.switch_page(f"pages/{page}.py")
        at.run()
        first, cached = [], []
        for i in range(repeat):
            value = round(0.05 + 0.01 * i, 2)  # a new value: computed for the first time
            at.slider(key=slider).set_value(value)
            start = time.perf_counter()
            at.run()
            first.append(time.perf_counter() - start)
            at.slider(key=slider).set_value(values[i % 2])  # a value seen before: from the cache
            start = time.perf_counter()
            at.run()
            cached.append(time.perf_counter() - start)
        assert not at.exception
        rows.append((page, f"{statistics.median(first) * 1000:,.0f} ms", f"{statistics.median(cached) * 1000:,.0f} ms"))
    rows.append(training_row(at_factory=lambda: AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)))
    return rows


def training_row(at_factory, repeat: int = 5) -> tuple[str, str, str]:
    """The training page: a new setting (submitted with the form: retrains) and a view change (does not)."""
    at = at_factory()
    at.switch_page("pages/training.py")
    at.run()
    trained, viewed = [], []
    for i in range(repeat):
        at.number_input(key="train_seed").set_value(100 + i)
        at.button[0].click()
        start = time.perf_counter()
        at.run()
        trained.append(time.perf_counter() - start)
        at.multiselect(key="train_classes").set_value([0, 1, 2] if i % 2 else [1, 2, 3])
        start = time.perf_counter()
        at.run()
        viewed.append(time.perf_counter() - start)
    assert not at.exception
    return ("training: new seed, retrains (first column) · new classes picked, view only (second column)",
            f"{statistics.median(trained) * 1000:,.0f} ms", f"{statistics.median(viewed) * 1000:,.0f} ms")


def main() -> None:
    lines = [f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
             f"NumPy {np.__version__}, {__import__('os').cpu_count()} cores.", "",
             "| core computation | median time | peak memory (tracemalloc) |", "|---|---:|---:|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in core_rows()]
    lines += ["", "| page (AppTest, rerun after an ε slider move) | new value | value seen before (cached) |", "|---|---:|---:|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in page_rows()]
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
