"""Benchmark for issue 16, on one core: the training page's default digits run (both models, temperature
scaling) and the distillation page's default (per seed two teachers and two students; 5 seeds), plus one
seed alone. BLAS is held to one thread before NumPy loads. Also prints the distillation default's result
(mean ± standard deviation over the seeds) as the README quotes it.

Run with `.venv/bin/python bench/distillation.py`.
"""

from __future__ import annotations

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lsr_core as core  # noqa: E402
from bench.run_all import median_seconds  # noqa: E402


def main() -> None:
    digits = core.ExperimentSettings.make("digits", 10, 0.4, 0.0, 1000, 0, 0.1)
    rows = [("training page, digits default (1,000 images, 60 epochs; both models + temperature)", digits.run),
            ("distillation, one seed (two teachers, two students)", core.DistillationSettings(seeds=1).run),
            ("distillation page default (5 seeds)", core.DistillationSettings().run)]
    print("| work, one core | median of 3 |")
    print("|---|---:|")
    for name, function in rows:
        print(f"| {name} | {median_seconds(function, 3):.2f} s |")
    d = core.DistillationSettings().run()
    print()
    print("| default distillation, 5 seeds | one-hot teacher | smoothed teacher | smoothed − one-hot | verdict |")
    print("|---|---:|---:|---:|---|")
    for name in ("teacher_accuracy", "teacher_nll", "student_accuracy", "student_nll", "structure", "variation"):
        a, b = d.summary(name)
        diff = d.difference(name)
        scale = 100.0 if name.endswith("accuracy") else 1.0
        print(f"| {name} | {a.mean * scale:.3f} ± {a.std * scale:.3f} | {b.mean * scale:.3f} ± {b.std * scale:.3f} | "
              f"{diff.mean * scale:+.3f} ± {diff.sem * scale:.3f} (s.e.) | {d.verdict(name)} |")


if __name__ == "__main__":
    main()
