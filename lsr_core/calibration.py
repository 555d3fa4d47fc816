"""Calibration: is a classifier's confidence its accuracy? ECE, reliability bins, temperature scaling.

A prediction's confidence is its largest softmax probability. A model is calibrated when, among the
predictions made with confidence c, a fraction c is right. Guo et al. (2017, "On Calibration of Modern
Neural Networks") measure the miss with the expected calibration error over M equal-width bins
B_m = ((m-1)/M, m/M]:

.. math:: \\mathrm{ECE} = \\sum_m \\frac{|B_m|}{n}\\,\\bigl|\\mathrm{acc}(B_m) - \\mathrm{conf}(B_m)\\bigr|

Müller, Kornblith & Hinton (2019) use the same definition with M = 15.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_count, check_labels, check_logits
from .losses import log_softmax, softmax

TEMPERATURE_RANGE = (0.05, 20.0)   # the inverse temperature is searched in [1/20, 1/0.05]


def _check_predictions(probs, labels) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] < 2 or p.shape[0] == 0:
        raise ValueError(f"probs must have shape (N, K) with N >= 1 and K >= 2, got {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(np.abs(p.sum(axis=1) - 1.0) > 1e-6):
        raise ValueError("every row of probs must be a probability distribution (non-negative, summing to 1)")
    y = check_labels(labels, p.shape[1])
    if y.shape != (p.shape[0],):
        raise ValueError(f"labels must have shape ({p.shape[0]},), got {y.shape}")
    return p, y


class EqualWidthBins:
    """Bin centres and width for a result with equal-width bin `edges (B+1,)` (shared by `Reliability`
    and `experiment.Histogram`)."""

    edges: np.ndarray

    @property
    def centres(self) -> np.ndarray:
        return (self.edges[:-1] + self.edges[1:]) / 2

    @property
    def width(self) -> float:
        return float(self.edges[1] - self.edges[0])


@dataclass(frozen=True)
class Reliability(EqualWidthBins):
    """Per confidence bin: edges `(M+1,)`, counts `(M,)`, accuracy and mean confidence `(M,)`.

    Empty bins hold count 0 and accuracy = confidence = 0 (no NaN), so a display skips them by count.
    """

    edges: np.ndarray
    counts: np.ndarray
    accuracy: np.ndarray
    confidence: np.ndarray
    ece: float

    @property
    def filled(self) -> np.ndarray:
        """Which bins hold at least one point (the only ones a display draws)."""
        return self.counts > 0



def reliability(probs, labels, n_bins: int = 15) -> Reliability:
    """Bin predictions by confidence max_k p_k into `n_bins` equal-width bins ((m-1)/M, m/M].

    >>> r = reliability(np.array([[0.9, 0.1], [0.9, 0.1]]), np.array([0, 1]), n_bins=10)
    >>> int(r.counts[8]), float(r.accuracy[8]), round(r.ece, 12)
    (2, 0.5, 0.4)
    """
    p, y = _check_predictions(probs, labels)
    n_bins = check_count("n_bins", n_bins, 1)
    confidence = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    # bin m holds (m/M, (m+1)/M]: the ceiling puts a confidence of exactly m/M in the lower bin
    index = np.clip(np.ceil(confidence * n_bins).astype(np.int64) - 1, 0, n_bins - 1)
    counts = np.bincount(index, minlength=n_bins)
    safe = np.maximum(counts, 1)
    accuracy = np.bincount(index, weights=correct, minlength=n_bins) / safe
    mean_confidence = np.bincount(index, weights=confidence, minlength=n_bins) / safe
    ece = float(np.sum(counts * np.abs(accuracy - mean_confidence)) / p.shape[0])
    return Reliability(np.linspace(0.0, 1.0, n_bins + 1), counts, accuracy, mean_confidence, ece)


def expected_calibration_error(probs, labels, n_bins: int = 15) -> float:
    """ECE of predictions `probs (N, K)` against integer `labels (N,)`, with `n_bins` equal-width bins.

    A predictor that always says 0.9 and is right half of the time misses by 0.4:

    >>> expected_calibration_error(np.array([[0.9, 0.1], [0.1, 0.9]]), np.array([0, 0]))
    0.4
    """
    return reliability(probs, labels, n_bins).ece


def negative_log_likelihood(logits, labels) -> float:
    """Mean −log p_y over rows of `logits (N, K)`, computed from the logits (finite where p_y rounds to 0).

    >>> negative_log_likelihood(np.zeros((3, 4)), np.array([0, 1, 2]))  # log 4
    1.3862943611198906
    """
    z = check_logits(logits)
    y = check_labels(labels, z.shape[-1])
    return float(-np.take_along_axis(log_softmax(z), y[:, None], axis=1).mean())


def accuracy(logits, labels) -> float:
    """Fraction of rows whose largest logit is the label's."""
    z = check_logits(logits)
    return float(np.mean(z.argmax(axis=1) == check_labels(labels, z.shape[-1])))


def fit_temperature(logits, labels) -> float:
    """The temperature T > 0 minimising the NLL of softmax(z / T) on held-out data (Guo et al. 2017).

    The NLL is convex in β = 1/T (a log-sum-exp of linear functions minus a linear function), so a
    golden-section search over β finds the minimum; the result is clipped to `TEMPERATURE_RANGE`.

    >>> z = np.array([[2.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 0.0]])
    >>> round(fit_temperature(z, np.array([0, 0, 0, 1])), 4)  # right 2 of 4: the best is T → ∞, clipped
    20.0
    """
    z = check_logits(logits)
    y = check_labels(labels, z.shape[-1])
    low, high = 1.0 / TEMPERATURE_RANGE[1], 1.0 / TEMPERATURE_RANGE[0]

    rows = y[:, None]

    def loss(beta: float) -> float:
        # `negative_log_likelihood(beta * z, y)`, without checking z and y again on each of the ~85 evaluations
        return float(-np.take_along_axis(log_softmax(beta * z), rows, axis=1).mean())

    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    a, b = low, high
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = loss(c), loss(d)
    for _ in range(80):   # the bracket shrinks by 0.618 per step: 80 steps reach float precision
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = loss(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = loss(d)
    beta = (a + b) / 2.0
    for edge in (low, high):   # a convex function's minimum over an interval may sit on its edge
        if loss(edge) <= loss(beta):
            beta = edge
    return float(1.0 / beta)


def calibrated_probabilities(logits, temperature: float) -> np.ndarray:
    """softmax(z / T)."""
    return softmax(check_logits(logits) / float(temperature))
