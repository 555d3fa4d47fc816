"""Benchmark for issues 16 and 23, on one core: the training page's default digits run (both models, temperature
scaling), one distillation seed (two teachers, ten students: the two controls and two per temperature), the
distillation page's default in the core (5 seeds, every temperature), and the page's whole first visit in
AppTest (a fresh cache: every seed trained, the page drawn), as CPU seconds of this process (issue 23's target:
under 10 s on one core). BLAS is held to one thread before NumPy loads. Also prints the default's result per
temperature (paired differences with 95 % t-intervals) as the README quotes it.

Run with `.venv/bin/python bench/distillation.py`.
"""

from __future__ import annotations

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lsr_core as core  # noqa: E402


def cpu_seconds(function, repeat: int) -> float:
    """The median CPU time (this process, all threads) of `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return statistics.median(times)


def page_first_visit() -> None:
    """The distillation page at its defaults in AppTest, every cache empty (all 5 seeds trained)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/distillation.py")
    at.run()
    assert not at.exception, at.exception


def main() -> None:
    digits = core.ExperimentSettings.make("digits", 10, 0.4, 0.0, 1000, 0, 0.1)
    rows = [("training page, digits default (1,000 images, 60 epochs; both models + temperature)", digits.run, 3),
            ("distillation, one seed (two teachers, ten students, every temperature)",
             lambda: core.distillation.distil_seed(core.DistillationSettings(), 0), 3),
            ("distillation default in the core (5 seeds, every temperature)", core.DistillationSettings().run, 3),
            ("distillation page, first visit at the defaults (AppTest, empty caches: 5 seeds trained, page drawn)",
             page_first_visit, 3)]
    print("| work, one core | CPU seconds, median of 3 |")
    print("|---|---:|")
    for name, function, repeat in rows:
        print(f"| {name} | {cpu_seconds(function, repeat):.2f} s |")
    d = core.DistillationSettings().run()
    print()
    print(f"| default, {d.count} seeds: smoothed − one-hot teacher's student (points) | mean | 95 % t-interval | verdict |")
    print("|---|---:|---|---|")
    for t in d.temperatures:
        i = d.difference("student_accuracy", t)
        print(f"| T = {t:g} | {i.mean * 100:+.2f} | [{i.low * 100:+.2f}, {i.high * 100:+.2f}] | {i.verdict} |")


if __name__ == "__main__":
    main()
