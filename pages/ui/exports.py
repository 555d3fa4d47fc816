"""What a student takes home: CSV files of trajectories and sweeps, and a PyTorch script of the scene.

Pure functions (arrays in, text out), so tests can read back exactly what a download holds.
"""

from __future__ import annotations

import io

import numpy as np

import lsr_core as core

RUN_SUFFIXES = ("one_hot", "smoothed")   # axis 1 of the dynamics arrays


def csv_text(columns: dict[str, np.ndarray]) -> str:
    """Columns of equal length as CSV with a header row; floats written with round-trip precision.

    >>> print(csv_text({"step": np.array([0, 1]), "gap": np.array([0.0, 0.1])}), end="")
    step,gap
    0,0
    1,0.10000000000000001
    """
    names = list(columns)
    table = np.column_stack([np.asarray(columns[name], dtype=np.float64) for name in names])
    buffer = io.StringIO()
    np.savetxt(buffer, table, delimiter=",", fmt="%.17g", header=",".join(names), comments="")
    return buffer.getvalue()


def dynamics_columns(c) -> dict[str, np.ndarray]:
    """Every recorded step of both dynamics runs (a `Comparison`), one column per quantity and run."""
    columns: dict[str, np.ndarray] = {"step": c.steps}
    for field in ("true_logit", "wrong_mean", "gap", "p_true", "loss", "wrong_gradient"):
        for run, suffix in enumerate(RUN_SUFFIXES):
            columns[f"{field}_{suffix}"] = getattr(c, field)[:, run]
    columns["one_hot_theory_gap"] = c.theory_gap
    return columns


def pytorch_snippet(scene: core.Scene) -> str:
    """A runnable script that repeats the smoothed run of the dynamics page with PyTorch and prints the final
    gap next to the closed form. PyTorch's `label_smoothing` is the ε/K convention; the ε/(K−1) convention
    needs explicit soft targets (class-probability targets, PyTorch ≥ 1.10)."""
    num_classes, eps, prior, lr, steps = scene.num_classes, scene.eps, scene.prior, scene.lr, scene.steps
    lines = [
        f"# Label Smoothing Lab: K = {num_classes}, eps = {eps:g} "
        f"({'eps/K, PyTorch' if prior == 'uniform' else 'eps/(K-1), fairseq'} convention), lr = {lr:g}, {steps} steps",
        "import math",
        "",
        "import numpy as np",
        "import torch",
        "",
        f"K, eps, lr, steps = {num_classes}, {eps!r}, {lr!r}, {steps}",
    ]
    if scene.init == "random":
        lines.append(f"start = np.random.default_rng({scene.seed}).standard_normal(K) * {scene.scale!r}   # the app's random start")
    else:
        lines.append("start = np.zeros(K)")
    lines += [
        "z = torch.tensor(start, dtype=torch.float64).unsqueeze(0).requires_grad_()   # free logits, one example",
        "label = torch.tensor([0])                                                   # class 0 is the true class",
    ]
    if prior == "uniform":
        lines += [
            "loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=eps)   # q = (1 - eps) one_hot + eps / K",
            "target = label",
        ]
        closed = "math.log(1 + K * (1 - eps) / eps)"
    else:
        lines += [
            "# PyTorch's label_smoothing spreads eps/K; for eps/(K-1) on the wrong classes pass the soft targets",
            "target = torch.full((1, K), eps / (K - 1), dtype=torch.float64)",
            "target[0, 0] = 1 - eps",
            "loss_fn = torch.nn.CrossEntropyLoss()",
        ]
        closed = "math.log((K - 1) * (1 - eps) / eps)"
    lines += [
        "optimizer = torch.optim.SGD([z], lr=lr)",
        "for step in range(steps):",
        "    optimizer.zero_grad()",
        "    loss = loss_fn(z, target)",
        "    loss.backward()",
        "    optimizer.step()",
        "",
        "gap = (z[0, 0] - z[0, 1:].mean()).item()",
        'print(f"gap z_true - mean(z_wrong) after {steps} steps: {gap:.6f}")',
    ]
    if core.has_finite_optimum(num_classes, eps, prior):
        lines.append(f'print(f"closed-form optimum: {{{closed}:.6f}}")')
    else:
        lines.append('print("no finite optimum at this eps: the gap keeps moving for ever")')
    return "\n".join(lines) + "\n"
