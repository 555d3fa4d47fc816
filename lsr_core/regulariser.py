"""Label smoothing as label dropout (Inception-v3): replace the label by a draw from u with probability
eps; averaged over many draws, the one-hot loss and gradient become the smoothed ones."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_count, check_eps, check_labels, check_logits
from .losses import _cross_entropy, log_softmax, softmax
from .targets import prior_distribution, smooth_targets


BAND_STANDARD_ERRORS = 2.0   # the label-dropout chart's band: mean ± 2 standard errors
LOG_AXIS_FLOOR = 1e-12       # an exact 0 drawn on a logarithmic axis


@dataclass(frozen=True)
class LabelDropout:
    """Running Monte-Carlo averages at `draws` (N,) checkpoints; K classes.

    mean_loss (N,), standard_error (N,) of that mean, mean_gradient (N, K); the exact smoothed loss
    and gradient p - q' they converge to.
    """

    draws: np.ndarray
    mean_loss: np.ndarray
    standard_error: np.ndarray
    mean_gradient: np.ndarray
    smoothed_loss: float
    smoothed_gradient: np.ndarray

    @property
    def loss_error(self) -> np.ndarray:
        return np.abs(self.mean_loss - self.smoothed_loss)

    @property
    def gradient_error(self) -> np.ndarray:
        """Largest |mean gradient - (p - q')| over classes, at each checkpoint."""
        return np.abs(self.mean_gradient - self.smoothed_gradient).max(axis=-1)

    @property
    def band_low(self) -> np.ndarray:
        """The running mean minus `BAND_STANDARD_ERRORS` standard errors (the chart's band)."""
        return self.mean_loss - BAND_STANDARD_ERRORS * self.standard_error

    @property
    def band_high(self) -> np.ndarray:
        return self.mean_loss + BAND_STANDARD_ERRORS * self.standard_error

    @property
    def reference_error(self) -> np.ndarray:
        """1/sqrt(N): the Monte-Carlo rate the gradient error follows."""
        return 1.0 / np.sqrt(self.draws)

    @property
    def gradient_error_for_log_axis(self) -> np.ndarray:
        """`gradient_error`, raised to `LOG_AXIS_FLOOR` where it is exactly 0 (eps = 0: every draw is
        the label) so that a logarithmic axis can draw it."""
        return np.maximum(self.gradient_error, LOG_AXIS_FLOOR)


def label_dropout(logits, label: int, eps: float, prior="uniform", max_draws: int = 100_000, seed: int = 0,
                  checkpoints: int = 60) -> LabelDropout:
    """Monte-Carlo label dropout for one example: with probability eps the label y becomes a draw c ~ u.

    Each draw contributes the one-hot loss -log p_c and gradient p - e_c; their running means
    converge to H(q', p) and p - q' at rate 1/sqrt(N).

    >>> md = label_dropout(np.array([2.0, 0.0, -1.0]), 0, 0.3, max_draws=200_000, seed=1)
    >>> bool(md.loss_error[-1] < 4 * md.standard_error[-1] + 1e-12)
    True
    """
    z = check_logits(logits)
    if z.ndim != 1:
        raise ValueError(f"label_dropout takes one row of logits, got shape {z.shape}")
    k = z.size
    y = int(check_labels(label, k))
    eps = check_eps(eps)
    max_draws = check_count("max_draws", max_draws, 1)
    u = prior_distribution(y, k, prior)
    rng = np.random.default_rng(check_count("seed", seed, 0))
    replaced = rng.random(max_draws) < eps
    labels = np.where(replaced, rng.choice(k, size=max_draws, p=u), y)
    losses = -log_softmax(z)[labels]
    at = np.unique(np.geomspace(1, max_draws, check_count("checkpoints", checkpoints, 2)).round().astype(np.int64))
    loss_sum = np.cumsum(losses)[at - 1]
    square_sum = np.cumsum(losses**2)[at - 1]
    mean = loss_sum / at
    variance = np.maximum(square_sum / at - mean**2, 0.0) * at / np.maximum(at - 1, 1)
    counts = np.stack([np.cumsum(labels == c)[at - 1] for c in range(k)], axis=-1)  # (N, K)
    p = softmax(z)
    q = smooth_targets(y, k, eps, prior)
    return LabelDropout(draws=at, mean_loss=mean, standard_error=np.sqrt(variance / at),
                        mean_gradient=p - counts / at[:, None], smoothed_loss=float(_cross_entropy(z, q)),
                        smoothed_gradient=p - q)


def logits_with_gap(num_classes: int, gaps) -> np.ndarray:
    """Logits (g, 0, ..., 0): class 0 ahead of the K - 1 others by each gap g, `(...)` -> `(..., K)`.

    >>> logits_with_gap(3, 2.5)
    array([2.5, 0. , 0. ])
    """
    gaps = np.asarray(gaps, dtype=np.float64)
    logits = np.zeros(gaps.shape + (int(num_classes),))
    logits[..., 0] = gaps
    return logits


@dataclass(frozen=True)
class RegulariserTerms:
    """The smoothed loss split along a line of logits z = (g, 0, ..., 0), for gaps g `(G,)`.

    data_term H(q, p), prior_term H(u, p) = kl + prior_entropy, total = (1 - eps) H(q, p) + eps H(u, p).
    """

    gaps: np.ndarray
    data_term: np.ndarray
    prior_term: np.ndarray
    kl: np.ndarray
    prior_entropy: float
    total: np.ndarray
    eps: float
    num_classes: int
    prior: str

    @property
    def weighted_data(self) -> np.ndarray:
        """(1 - eps) H(q, p): the data term as it enters the smoothed loss."""
        return (1.0 - self.eps) * self.data_term

    @property
    def weighted_prior(self) -> np.ndarray:
        """eps H(u, p): the prior term as it enters the smoothed loss."""
        return self.eps * self.prior_term

    @property
    def minimum_gap(self) -> float:
        """The grid gap where `total` is lowest."""
        return float(self.gaps[int(np.argmin(self.total))])

    @property
    def prior_weight(self) -> float:
        """eps / (1 - eps), the weight of H(u, p) against H(q, p); +inf at eps = 1."""
        return self.eps / (1.0 - self.eps) if self.eps < 1.0 else float("inf")

    def point_on_grid(self, gap: float) -> tuple[float, float] | None:
        """(gap, smoothed loss there) if `gap` is finite and within the drawn gaps, else None (for marking
        the closed-form minimum on a chart).

        >>> t = regulariser_terms(2, 0.5, "uniform", np.linspace(-1, 1, 3))
        >>> t.point_on_grid(0.0), t.point_on_grid(float("inf")), t.point_on_grid(2.0)
        ((0.0, 0.6931471805599453), None, None)
        """
        if not (np.isfinite(gap) and self.gaps[0] <= gap <= self.gaps[-1]):
            return None
        return float(gap), self.at(gap).total

    def at(self, gap: float) -> TermsAt:
        """Every term at one gap, computed there exactly (not read off the grid)."""
        one = regulariser_terms(self.num_classes, self.eps, self.prior, np.array([float(gap)]))
        return TermsAt(gap=float(gap), weighted_data=float(one.weighted_data[0]),
                       weighted_prior=float(one.weighted_prior[0]), total=float(one.total[0]), kl=float(one.kl[0]))


@dataclass(frozen=True)
class TermsAt:
    """The smoothed loss's parts at one gap: (1 - eps) H(q, p), eps H(u, p), their sum, KL(u || p)."""

    gap: float
    weighted_data: float
    weighted_prior: float
    total: float
    kl: float


def regulariser_terms(num_classes: int, eps: float, prior: str, gaps) -> RegulariserTerms:
    """H(q', p) = (1 - eps) H(q, p) + eps H(u, p) and H(u, p) = KL(u || p) + H(u), with the true logit
    ahead of all the others by each gap.

    >>> terms = regulariser_terms(4, 0.2, "uniform", np.array([0.0]))
    >>> bool(np.isclose(terms.total[0], np.log(4))), bool(np.isclose(terms.kl[0], 0.0))
    (True, True)
    """
    from .losses import entropy, loss_decomposition

    gaps = np.asarray(gaps, dtype=np.float64)
    k = int(num_classes)
    logits = logits_with_gap(k, gaps)
    parts = loss_decomposition(logits, np.zeros(gaps.shape, dtype=int), eps, prior)
    u = prior_distribution(0, k, prior)
    prior_entropy = float(entropy(u))
    return RegulariserTerms(gaps=gaps, data_term=parts.data_term, prior_term=parts.prior_term,
                            kl=parts.prior_term - prior_entropy, prior_entropy=prior_entropy,
                            total=parts.total, eps=float(eps), num_classes=k, prior=prior)
