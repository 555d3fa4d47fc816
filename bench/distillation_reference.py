"""The distillation page's 20-seed reference (issue 23), on one core: the page's default settings (ε = 0.1,
ε/K, every temperature) over 20 seeds, written to `assets/distillation_reference.json` (the page reads it
and shows it beside the live run, and takes its presets from it) and printed as the README's table
(also written to `bench/distillation_reference_results.md`). BLAS is held to one thread before NumPy loads.

Run with `.venv/bin/python bench/distillation_reference.py` (about a minute on one core); `--eps 0.1,0.3`
adds references at other ε (each its own entry in the file; the page shows the one matching its settings).
"""

from __future__ import annotations

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lsr_core as core  # noqa: E402
from lsr_core import distillation as D  # noqa: E402

RESULTS = Path(__file__).with_name("distillation_reference_results.md")


def table(d: D.Distillation, seconds: float) -> list[str]:
    s = d.settings
    lines = [f"ε = {s.eps:g} ({s.prior}), {d.count} seeds, teachers {s.epochs} epochs, students {s.student_epochs} "
             f"epochs, {s.train_size} training images; {seconds:.0f} s of CPU on one core. Accuracy in percentage "
             "points; [95 % t-interval], paired per seed.",
             "",
             f"Labels-only student: {d.control()[0].mean * 100:.2f} %; student trained with smoothing directly, minus "
             f"labels only: {d.direct_benefit.mean * 100:+.2f} [{d.direct_benefit.low * 100:+.2f}, "
             f"{d.direct_benefit.high * 100:+.2f}].",
             "",
             "| T | smoothed − one-hot teacher's student | verdict | one-hot teacher's student − labels only | "
             "smoothed teacher's student − labels only | student NLL raw: one-hot → smoothed | calibrated | "
             "similarity structure: one-hot → smoothed [95 % interval of the difference] |",
             "|---:|---|---|---|---|---|---|---|"]
    for t in d.temperatures:
        diff = d.difference("student_accuracy", t)
        b = [d.benefit(i, t) for i in range(2)]
        raw, cal = d.summary("student_nll", t), d.summary("student_nll_calibrated", t)
        shape, shape_diff = d.summary("structure", t), d.difference("structure", t)
        lines.append(f"| {t:g} | {diff.mean * 100:+.2f} [{diff.low * 100:+.2f}, {diff.high * 100:+.2f}] | {diff.verdict} | "
                     + " | ".join(f"{x.mean * 100:+.2f} [{x.low * 100:+.2f}, {x.high * 100:+.2f}]" for x in b)
                     + f" | {raw[0].mean:.3f} → {raw[1].mean:.3f} | {cal[0].mean:.3f} → {cal[1].mean:.3f} | "
                     f"{shape[0].mean:.3f} → {shape[1].mean:.3f} [{shape_diff.low:+.3f}, {shape_diff.high:+.3f}] |")
    info = d.summary("information")
    diff = d.difference("information")
    lines += ["", f"Per-example information (nats; the teachers, training images, 1-pixel shifts): one-hot "
              f"{info[0].mean:.3f}, smoothed {info[1].mean:.3f}, difference {diff.mean:+.3f} [{diff.low:+.3f}, {diff.high:+.3f}].",
              "", f"Presets chosen from this table: {D.reference_presets(d.temperature_axis)}."]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--eps", default="0.1")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--output", default=str(D.REFERENCE_FILE))
    args = parser.parse_args()
    records, lines = [], ["# Distillation reference (`bench/distillation_reference.py`)", ""]
    for eps in (float(e) for e in args.eps.split(",")):
        start = time.process_time()
        d = core.DistillationSettings(eps=eps, seeds=args.seeds).run()
        seconds = time.process_time() - start
        records.append(D.reference_record(d))
        lines += table(d, seconds) + [""]
    Path(args.output).write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
