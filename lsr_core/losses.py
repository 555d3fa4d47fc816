"""Softmax, cross-entropy and its gradient, side by side (the gradient next to the loss)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_eps, check_logits, check_num_classes, check_targets
from .targets import one_hot, prior_distribution


def log_softmax(logits) -> np.ndarray:
    """log p = z - logsumexp(z) over the last axis, `(..., K)` -> `(..., K)`.

    Subtracting the row maximum first means exp never overflows, so logits of size 1e6 are fine.

    >>> log_softmax(np.array([1e6, 1e6]))
    array([-0.69314718, -0.69314718])
    """
    z = np.asarray(logits, dtype=np.float64)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits) -> np.ndarray:
    """p_i = exp(z_i) / sum_j exp(z_j) over the last axis, computed stably.

    >>> softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    """
    z = np.asarray(logits, dtype=np.float64)
    exps = np.exp(z - z.max(axis=-1, keepdims=True))
    return exps / exps.sum(axis=-1, keepdims=True)


def log_odds(logits) -> np.ndarray:
    """Each class's log-odds log(p_i / (1 - p_i)) = z_i - logsumexp(z_j, j != i), `(..., K)`.

    Computed from the logits, not from p, so it stays finite where p rounds to 0 or 1.
    With two classes it is exactly z_i - z_j: a logit difference is a log-odds.

    >>> log_odds(np.array([2.0, -1.0]))
    array([ 3., -3.])
    """
    z = check_logits(logits)
    k = z.shape[-1]
    others = np.where(np.eye(k, dtype=bool), -np.inf, z[..., None, :])  # row i: the logits without z_i
    top = others.max(axis=-1)
    rest = top + np.log(np.exp(others - top[..., None]).sum(axis=-1))
    return z - rest


def entropy(distribution) -> np.ndarray:
    """H(q) = -sum_k q_k log q_k over the last axis, with 0 log 0 = 0.

    >>> float(entropy(np.array([0.5, 0.5])))
    0.6931471805599453
    """
    q = np.asarray(distribution, dtype=np.float64)
    safe = np.where(q > 0, q, 1.0)
    return -(q * np.log(safe)).sum(axis=-1)


def _cross_entropy(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    # where q_k = 0 the term is 0 even if log p_k is very negative; avoid 0 * -inf
    log_p = log_softmax(logits)
    return -np.where(targets > 0, targets * log_p, 0.0).sum(axis=-1)


def _cross_entropy_grad(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    return softmax(logits) - targets


def cross_entropy(logits, targets) -> np.ndarray:
    """Per-row cross-entropy H(q, softmax(z)) = -sum_k q_k log p_k; `(..., K), (..., K)` -> `(...)`.

    >>> float(cross_entropy(np.zeros(4), np.array([1.0, 0, 0, 0])))  # log 4
    1.3862943611198906
    """
    z = check_logits(logits)
    q = check_targets(targets, z.shape)
    return _cross_entropy(z, q)


def cross_entropy_grad(logits, targets) -> np.ndarray:
    """Gradient of the per-row cross-entropy with respect to the logits: dL/dz = softmax(z) - q.

    Each entry lies in [-1, 1] and every row sums to 0 (when q sums to 1).

    >>> cross_entropy_grad(np.zeros(2), np.array([1.0, 0.0]))
    array([-0.5,  0.5])
    """
    z = check_logits(logits)
    q = check_targets(targets, z.shape)
    return _cross_entropy_grad(z, q)


def numerical_gradient(logits, targets, step: float = 1e-6) -> np.ndarray:
    """Central finite differences of the per-row cross-entropy, `(K,)` -> `(K,)`: an independent
    check of `cross_entropy_grad` that knows nothing about p - q.

    >>> g = numerical_gradient(np.array([0.5, -1.0, 2.0]), np.array([0.8, 0.1, 0.1]))
    >>> bool(np.allclose(g, cross_entropy_grad(np.array([0.5, -1.0, 2.0]), np.array([0.8, 0.1, 0.1])), atol=1e-8))
    True
    """
    z = check_logits(logits)
    q = check_targets(targets, z.shape)
    if z.ndim != 1:
        raise ValueError(f"numerical_gradient takes one row of logits, got shape {z.shape}")
    shifts = step * np.eye(z.size)
    return (_cross_entropy(z + shifts, q) - _cross_entropy(z - shifts, q)) / (2 * step)


@dataclass(frozen=True)
class LossDecomposition:
    """The smoothed loss split as (1 - eps) * H(q, p) + eps * H(u, p); arrays of shape `(...)`."""

    data_term: np.ndarray   # H(q, p): the ordinary one-hot cross-entropy
    prior_term: np.ndarray  # H(u, p): cross-entropy against the smoothing prior
    eps: float

    @property
    def total(self) -> np.ndarray:
        return (1.0 - self.eps) * self.data_term + self.eps * self.prior_term

    def __iter__(self):
        yield self.data_term
        yield self.prior_term


def loss_decomposition(logits, labels, eps: float, prior="uniform") -> LossDecomposition:
    """The two terms H(q, p) and H(u, p) whose mix (1 - eps, eps) is the smoothed loss H(q', p).

    >>> parts = loss_decomposition(np.zeros(4), 0, 0.1)
    >>> round(float(parts.data_term), 6), round(float(parts.prior_term), 6)
    (1.386294, 1.386294)
    """
    z = check_logits(logits)
    eps = check_eps(eps)
    num_classes = check_num_classes(z.shape[-1])
    q = one_hot(labels, num_classes)
    u = prior_distribution(labels, num_classes, prior)
    return LossDecomposition(_cross_entropy(z, q), _cross_entropy(z, u), eps)
