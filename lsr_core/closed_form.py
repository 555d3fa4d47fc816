"""Closed forms: where gradient descent on free logits ends up, and how fast one-hot targets run away."""

from __future__ import annotations

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
            gap = np.log1p(num_classes * (1.0 - eps_array) / eps_array)
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


def saturation_gap(num_classes: int, dtype=np.float64) -> float:
    """The floating-point point of no return: the smallest gap at which p_true rounds to exactly 1.

    With all wrong logits equal and the true logit ahead by the gap, the stable softmax is evaluated in
    `dtype` (float64 or float32) and the gap is found by bisection to 1e-9. Beyond it, the one-hot loss
    is 0 in floating point while the logits keep moving. Roughly log((K - 1) * 2**54) for float64.

    >>> round(saturation_gap(2), 3), round(saturation_gap(2, np.float32), 3)
    (36.737, 16.636)
    """
    num_classes = check_num_classes(num_classes)
    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ValueError(f"dtype must be float64 or float32, got {dtype}")

    def saturated(gap: float) -> bool:
        logits = np.zeros(num_classes, dtype=dtype)
        logits[0] = dtype.type(gap)
        exps = np.exp(logits - logits.max())
        return bool((exps / exps.sum())[0] == dtype.type(1.0))

    low, high = 0.0, 200.0
    while high - low > 1e-9:
        middle = 0.5 * (low + high)
        low, high = (low, middle) if saturated(middle) else (middle, high)
    return high


__all__ = [
    "optimal_logits",
    "optimal_logit_gap",
    "one_hot_gap_curve",
    "one_hot_steps_to_gap",
    "saturation_gap",
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


def gap_sweep(num_classes: int, eps_values, prior: str = "uniform", lr: float = 3.9, steps: int = 5000):
    """Gradient descent from zero logits for every eps at once (one batched `descend` call).

    Returns (reached gaps, closed-form gaps), both shaped like `eps_values`.
    """
    from .dynamics import descend
    from .targets import smooth_targets

    num_classes = check_num_classes(num_classes)
    eps_values = np.asarray(eps_values, dtype=np.float64)
    targets = np.stack([smooth_targets(0, num_classes, float(eps), prior) for eps in eps_values.ravel()])
    run = descend(np.zeros(num_classes), targets, lr, steps, num_records=2)
    reached = run.gap()[-1].reshape(eps_values.shape)
    return reached, optimal_logit_gap(num_classes, eps_values, prior)
