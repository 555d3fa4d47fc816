"""Closed forms: where gradient descent on free logits ends up, and how fast one-hot targets run away."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_eps, check_num_classes, check_positive, check_prior_name, check_targets


def optimal_logits(targets) -> np.ndarray:
    """The minimiser over free logits of H(q, softmax(z)): z* = log q - mean(log q), `(..., K)`.

    Setting the gradient softmax(z) - q to zero gives softmax(z*) = q, so z* = log q + alpha for any
    shift alpha; alpha is chosen so that the mean logit is 0 (the mean gradient descent conserves from
    an all-zero start). A class with q = 0 has no finite optimum: it gets -inf, and alpha then makes the
    mean of the finite logits 0.

    >>> optimal_logits(np.array([0.5, 0.25, 0.25]))
    array([ 0.46209812, -0.23104906, -0.23104906])
    """
    q = check_targets(targets)
    positive = q > 0
    with np.errstate(divide="ignore"):
        log_q = np.log(q)
    finite_mean = np.where(positive, log_q, 0.0).sum(axis=-1, keepdims=True) / positive.sum(axis=-1, keepdims=True)
    return np.where(positive, log_q - finite_mean, -np.inf)


def optimal_logit_gap(num_classes: int, eps, prior="uniform"):
    """The optimal gap z*_true - z*_false for smoothed targets (a float, or an array for an array of eps).

    - ``"uniform"`` (eps/K on every class):   log(1 + K (1 - eps) / eps)
    - ``"others"``  (eps/(K-1) on the others): log((K - 1)(1 - eps) / eps)

    ``inf`` at eps = 0 (one-hot: no finite optimum). With "others" the gap is 0 at eps = (K-1)/K,
    negative beyond, and -inf at eps = 1 (the true class's target is then 0).

    >>> round(optimal_logit_gap(10, 0.1), 6), round(optimal_logit_gap(10, 0.1, "others"), 6)
    (4.51086, 4.394449)
    """
    num_classes = check_num_classes(num_classes)
    check_prior_name(prior)
    eps_array = np.asarray(eps, dtype=np.float64)
    for value in np.atleast_1d(eps_array).ravel():
        check_eps(value)
    with np.errstate(divide="ignore"):
        if prior == "uniform":
            # log1p is accurate near eps = 1; for a subnormal eps the ratio overflows, and there
            # log(K (1 - eps) + eps) - log(eps) is still finite (e.g. ~719 nats at eps = 1e-313)
            with np.errstate(over="ignore"):
                ratio = num_classes * (1.0 - eps_array) / eps_array
            gap = np.where(np.isfinite(ratio) | (eps_array == 0), np.log1p(ratio),
                           np.log(num_classes * (1.0 - eps_array) + eps_array) - np.log(eps_array))
        else:
            gap = np.log((num_classes - 1) * (1.0 - eps_array)) - np.log(eps_array)
    return float(gap) if gap.ndim == 0 else gap


def _solve_gap(right_hand_side: np.ndarray, wrong_count: int) -> np.ndarray:
    # Solve e^g + m g = c for g; f is convex and increasing, so Newton converges from any start
    # (from the left one step overshoots to the right, from the right it descends monotonically).
    c = right_hand_side
    m = float(wrong_count)
    gap = np.where(c > 1.0, np.minimum(np.log(np.maximum(c, 1.0)), c / m), (c - 1.0) / m)
    for _ in range(100):
        exp_gap = np.exp(gap)
        step = (exp_gap + m * gap - c) / (exp_gap + m)
        gap = gap - step
        if np.all(np.abs(step) <= 1e-15 * np.maximum(1.0, np.abs(gap))):
            break
    return gap


def one_hot_gap_curve(num_classes: int, lr: float, t, initial_gap: float = 0.0):
    """Theory for one-hot targets with all wrong logits equal: the gap g(t) after t steps of rate lr.

    In continuous time dg/dt = lr K / (e^g + K - 1), whose solution satisfies

    .. math:: e^{g} + (K - 1) g = \\eta K t + e^{g_0} + (K - 1) g_0

    so g grows like log(lr K t), without bound. `t` a number or an array; the same shape comes out.

    >>> round(float(one_hot_gap_curve(2, 1.0, 0.0)), 12)
    0.0
    >>> bool(abs(one_hot_gap_curve(10, 1.0, 1e6) - np.log(10 * 1e6)) < 1e-4)  # ~ log(lr K t)
    True
    """
    num_classes = check_num_classes(num_classes)
    lr = check_positive("lr", lr)
    steps = np.asarray(t, dtype=np.float64)
    if np.any(steps < 0) or not np.all(np.isfinite(steps)):
        raise ValueError("t must be finite and >= 0")
    g0 = float(initial_gap)
    m = num_classes - 1
    gap = _solve_gap(lr * num_classes * steps + np.exp(g0) + m * g0, m)
    return float(gap) if gap.ndim == 0 else gap


def one_hot_steps_to_gap(num_classes: int, lr: float, gap, initial_gap: float = 0.0):
    """The inverse of `one_hot_gap_curve`: how many steps one-hot targets need to reach a gap.

    >>> round(one_hot_steps_to_gap(2, 1.0, float(one_hot_gap_curve(2, 1.0, 500.0))), 6)
    500.0
    """
    num_classes = check_num_classes(num_classes)
    lr = check_positive("lr", lr)
    g = np.asarray(gap, dtype=np.float64)
    g0 = float(initial_gap)
    m = num_classes - 1
    steps = (np.exp(g) + m * g - np.exp(g0) - m * g0) / (lr * num_classes)
    return float(steps) if steps.ndim == 0 else steps


def _rounding_half_gap(dtype) -> float:
    # p rounds to 1.0 (round to nearest, ties to even) iff p >= 1 - u, u = half the spacing below 1 = eps/4
    return float(np.finfo(np.dtype(dtype)).eps) / 4.0


def _check_float_type(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ValueError(f"dtype must be float64 or float32, got {dtype}")
    return dtype


def rounding_gap(num_classes: int, dtype=np.float64) -> float:
    """The smallest gap at which p_true, computed exactly and correctly rounded to `dtype`, is 1.0.

    With the K - 1 wrong logits equal and the true one ahead by g, p_true = 1 / (1 + (K - 1) e^(-g)).
    The float just below 1 is 1 - 2u and halfway to it is 1 - u, with u = 2^-54 in float64 and 2^-25
    in float32, so p_true rounds to 1 exactly when (K - 1) e^(-g) <= u / (1 - u):

    .. math:: g \\ge \\log\\big((K - 1)(1/u - 1)\\big) \\approx \\log\\big((K - 1)\\,2^{54}\\big)

    This is a property of the number, not of any code: a softmax that sums its exponentials in
    another order may round to 1 a little earlier (see `freeze_gap` for what this code's run does).

    >>> round(rounding_gap(2), 4), round(float(np.log(2.0**54)), 4), round(rounding_gap(2, np.float32), 4)
    (37.4299, 37.4299, 17.3287)
    """
    num_classes = check_num_classes(num_classes)
    u = _rounding_half_gap(_check_float_type(dtype))
    return float(np.log(num_classes - 1) + np.log(1.0 / u - 1.0))


def freeze_gap(num_classes: int, lr: float, dtype=np.float64, resolution: float = 0.01) -> float:
    """Where this code's one-hot gradient descent, evaluated in `dtype`, stops moving: the smallest
    gap (on a grid of `resolution` nats) from which one step leaves every logit exactly unchanged.

    The logits are those of a run from zeros: mean 0 (gradient descent conserves it), wrong logits
    equal, z_true = (K - 1) g / K, z_wrong = -g / K. One step is this code's own arithmetic:
    p = exp(z - max z) / sum, z <- z - lr (p - one_hot), every operation rounded to `dtype`. Once
    p_true is exactly 1.0 the true logit's step is 0, and once lr p_k is below half the spacing of
    floats near z_k a wrong logit's step rounds away: from then on the run is frozen for good.
    Returns inf if no grid point up to `rounding_gap` + 10 is frozen.

    >>> round(freeze_gap(2, 10.0, np.float32), 2)
    16.86
    """
    num_classes = check_num_classes(num_classes)
    lr = check_positive("lr", lr)
    dtype = _check_float_type(dtype)
    resolution = check_positive("resolution", resolution)
    grid = np.arange(0.0, rounding_gap(num_classes, dtype) + 10.0, resolution)
    one_hot_row = np.zeros(num_classes, dtype=dtype)
    one_hot_row[0] = 1
    rate = dtype.type(lr)
    chunk = max(1, 2_000_000 // num_classes)
    for begin in range(0, grid.size, chunk):
        gaps = grid[begin:begin + chunk, None]
        z = np.empty((gaps.shape[0], num_classes), dtype=dtype)
        z[:, :1] = ((num_classes - 1) * gaps / num_classes).astype(dtype)
        z[:, 1:] = (-gaps / num_classes).astype(dtype)
        exps = np.exp(z - z.max(axis=-1, keepdims=True))
        p = exps / exps.sum(axis=-1, keepdims=True)
        frozen = np.all(z - rate * (p - one_hot_row) == z, axis=-1)
        if frozen.any():
            return float(grid[begin + int(np.argmax(frozen))])
    return float("inf")


__all__ = [
    "optimal_logits",
    "optimal_logit_gap",
    "one_hot_gap_curve",
    "one_hot_steps_to_gap",
    "freeze_gap",
    "rounding_gap",
]


def zipf_prior(num_classes: int, exponent: float) -> np.ndarray:
    """A Zipf-like prior u_k proportional to (k + 1)^(-exponent); exponent 0 is uniform.

    >>> zipf_prior(3, 1.0).round(4)
    array([0.5455, 0.2727, 0.1818])
    """
    num_classes = check_num_classes(num_classes)
    exponent = float(exponent)
    if not np.isfinite(exponent) or exponent < 0:
        raise ValueError(f"exponent must be a finite number >= 0, got {exponent!r}")
    weights = np.arange(1, num_classes + 1, dtype=np.float64) ** -exponent
    return weights / weights.sum()


def normalised_prior(weights) -> np.ndarray:
    """Non-negative weights scaled to sum to 1 (zeros allowed: those classes get no smoothing mass).

    >>> normalised_prior([2.0, 1.0, 1.0, 0.0])
    array([0.5 , 0.25, 0.25, 0.  ])
    """
    values = np.asarray(weights, dtype=np.float64)
    if values.ndim != 1 or values.size < 2 or not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("weights must be a vector of at least two finite, non-negative numbers")
    total = values.sum()
    if total <= 0:
        raise ValueError("at least one weight must be positive")
    return values / total


@dataclass(frozen=True)
class GapSweep:
    """Gradient descent's end gap next to the closed form, for each eps of `eps` (K classes)."""

    num_classes: int
    eps: np.ndarray
    reached: np.ndarray
    closed: np.ndarray

    @property
    def worst_error(self) -> float:
        """The largest |reached - closed| over the sweep."""
        return float(np.abs(self.reached - self.closed).max())


def gap_sweep(num_classes: int, eps_values, prior: str = "uniform", lr: float = 3.9, steps: int = 5000) -> GapSweep:
    """Gradient descent from zero logits for every eps at once (one batched `descend` call).

    >>> sweep = gap_sweep(3, [0.1, 0.2], steps=3000)
    >>> sweep.worst_error < 1e-9
    True
    """
    from .dynamics import descend
    from .targets import smooth_targets

    num_classes = check_num_classes(num_classes)
    eps_values = np.asarray(eps_values, dtype=np.float64)
    targets = np.stack([smooth_targets(0, num_classes, float(eps), prior) for eps in eps_values.ravel()])
    run = descend(np.zeros(num_classes), targets, lr, steps, num_records=2)
    reached = run.gap()[-1].reshape(eps_values.shape)
    return GapSweep(num_classes, eps_values, reached, optimal_logit_gap(num_classes, eps_values, prior))


@dataclass(frozen=True)
class PriorOptimum:
    """Smoothed targets q' for class 0 with a given prior, and the optimal free logits z* = log q' + alpha
    (-inf for a class the targets give no mass)."""

    targets: np.ndarray
    logits: np.ndarray

    @property
    def excluded(self) -> int:
        """How many classes have z* = -inf (zero target: the logit is pushed down for ever)."""
        return int(np.isinf(self.logits).sum())


def prior_optimum(num_classes: int, eps: float, prior) -> PriorOptimum:
    """The optimum for class 0's smoothed targets under `prior` (a name or K weights summing to 1).

    >>> prior_optimum(3, 1.0, [0.0, 0.0, 1.0]).excluded
    2
    """
    from .targets import smooth_targets

    q = smooth_targets(0, num_classes, eps, prior)
    return PriorOptimum(q, optimal_logits(q))
