"""Worked examples the pages show as tables and metrics: softmax and cross-entropy by hand for one set of
logits, the finite-difference check of p − q, and the SymPy optimum next to the NumPy one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_logits
from .closed_form import optimal_logit_gap
from .comparison import initial_logits
from .losses import _cross_entropy, cross_entropy_grad, log_odds, numerical_gradient, softmax
from .targets import one_hot, smooth_targets

UP, DOWN = "↑", "↓"   # the two answers of predict-then-reveal


@dataclass(frozen=True)
class HandExample:
    """One row of logits with class `label` true: p = softmax(z), both target vectors, both losses, the
    step -(p - q) one gradient step of rate 1 moves each logit, and the log-odds log(p_k / p_label)."""

    logits: np.ndarray
    label: int
    p: np.ndarray
    one_hot: np.ndarray
    smoothed: np.ndarray
    loss_one_hot: float
    loss_smoothed: float
    step_one_hot: np.ndarray
    step_smoothed: np.ndarray
    log_odds: np.ndarray

    @property
    def p_true(self) -> float:
        return float(self.p[self.label])


def by_hand(logits, label: int, eps: float, prior: str) -> HandExample:
    """Everything the by-hand page shows for one set of logits.

    >>> h = by_hand([0.0, 0.0], 0, 0.0, "uniform")
    >>> h.p.tolist(), round(h.loss_one_hot, 6), h.step_one_hot.tolist()
    ([0.5, 0.5], 0.693147, [0.5, -0.5])
    """
    z = check_logits(logits)
    k = z.size
    hot, smoothed = one_hot(label, k), smooth_targets(label, k, eps, prior)
    return HandExample(z, int(label), softmax(z), hot, smoothed, float(_cross_entropy(z, hot)),
                       float(_cross_entropy(z, smoothed)), -cross_entropy_grad(z, hot), -cross_entropy_grad(z, smoothed),
                       log_odds(z))


def shift_logits(logits, delta: float, low: float, high: float) -> tuple[float, ...] | None:
    """Every logit moved by `delta` (rounded to the sliders' 0.01), or None if one would leave [low, high].

    >>> shift_logits((1.0, 9.5), 1.0, -10.0, 10.0) is None, shift_logits((1.0, 2.0), -1.0, -10.0, 10.0)
    (True, (0.0, 1.0))
    """
    moved = tuple(round(float(z) + delta, 2) for z in logits)
    return moved if all(low <= z <= high for z in moved) else None


@dataclass(frozen=True)
class GuessScore:
    right: int      # answers that match the sign of the step
    total: int      # logits whose step has a sign
    unscored: int   # logits whose step is exactly 0 (p = q there): neither answer is right, so not scored


def guess_score(guesses, step) -> GuessScore:
    """Score predicted directions ("↑" / "↓" / None per class) against the step each logit takes.

    >>> guess_score(["↑", "↓", "↓"], np.array([0.4, -0.3, 0.0]))
    GuessScore(right=2, total=2, unscored=1)
    """
    step = np.asarray(step, dtype=np.float64)
    signed = step != 0
    answers = np.where(step > 0, UP, DOWN)
    right = sum(bool(s) and g == a for g, a, s in zip(guesses, answers, signed))
    return GuessScore(int(right), int(signed.sum()), int((~signed).sum()))


@dataclass(frozen=True)
class GradientCheck:
    """Seeded random logits z, p = softmax(z), targets q for class 0, the central-difference gradient and
    the analytic p - q, per class."""

    z: np.ndarray
    p: np.ndarray
    q: np.ndarray
    numeric: np.ndarray
    analytic: np.ndarray

    @property
    def difference(self) -> np.ndarray:
        return self.numeric - self.analytic

    @property
    def worst(self) -> float:
        """The largest |numeric - analytic| over classes."""
        return float(np.abs(self.difference).max())

    @property
    def analytic_sum(self) -> float:
        """Σ (p_i - q_i): 0 up to rounding, since both p and q sum to 1."""
        return float(self.analytic.sum())


def gradient_check(num_classes: int, seed: int, eps: float, prior: str) -> GradientCheck:
    """The derivation page's numeric check (random logits of scale 2, class 0 true).

    >>> gradient_check(4, 0, 0.1, "uniform").worst < 1e-8
    True
    """
    z = initial_logits(num_classes, "random", seed, 2.0)
    q = smooth_targets(0, num_classes, eps, prior)
    return GradientCheck(z, softmax(z), q, numerical_gradient(z, q), cross_entropy_grad(z, q))


@dataclass(frozen=True)
class OptimumCheck:
    """The SymPy optimum formula and `optimal_logit_gap` at the same (K, eps) cases."""

    classes: np.ndarray
    eps: np.ndarray
    sympy: np.ndarray
    numpy: np.ndarray

    @property
    def difference(self) -> np.ndarray:
        return self.sympy - self.numpy


def optimum_check(prior: str, cases, derivation=None) -> OptimumCheck:
    """The SymPy optimum formula for `prior` evaluated at each (K, eps) of `cases`, next to NumPy's
    (`derivation`: `optimum_derivation(prior)` if already derived).

    >>> bool(abs(optimum_check("uniform", ((3, 0.1),)).difference[0]) < 1e-12)
    True
    """
    from .symbolic import optimum_derivation

    if derivation is None:
        derivation = optimum_derivation(prior)
    elif derivation.prior != prior:
        raise ValueError(f"the derivation is for prior {derivation.prior!r}, not {prior!r}")
    cases = tuple((int(k), float(eps)) for k, eps in cases)
    return OptimumCheck(np.array([k for k, _ in cases]), np.array([eps for _, eps in cases]),
                        np.array([derivation.gap_value(k, eps) for k, eps in cases]),
                        np.array([optimal_logit_gap(k, eps, prior) for k, eps in cases]))
