"""Smoothed targets q' = (1 - eps) * one_hot + eps * u, for the two common conventions and any prior."""

from __future__ import annotations

import numpy as np

from ._validation import (
    check_eps,
    check_labels,
    check_num_classes,
    check_prior_array,
    check_prior_name,
)


def one_hot(labels, num_classes: int) -> np.ndarray:
    """One-hot rows: `labels (...)` -> `(..., K)` float64.

    >>> one_hot(2, 4)
    array([0., 0., 1., 0.])
    """
    num_classes = check_num_classes(num_classes)
    labels = check_labels(labels, num_classes)
    return (labels[..., None] == np.arange(num_classes)).astype(np.float64)


def prior_distribution(labels, num_classes: int, prior="uniform") -> np.ndarray:
    """The distribution u that smoothing mixes in, `(..., K)`.

    - ``"uniform"``: u(k) = 1/K on every class, the true one included (Inception-v3, PyTorch, Keras, optax).
    - ``"others"``: u(k) = 1/(K - 1) on every class but the label, 0 on the label (fairseq, tensor2tensor).
    - an array of K non-negative numbers summing to 1: that prior, the same for every label.

    >>> prior_distribution(0, 3, "others")
    array([0. , 0.5, 0.5])
    """
    num_classes = check_num_classes(num_classes)
    labels = check_labels(labels, num_classes)
    shape = labels.shape + (num_classes,)
    if isinstance(prior, str):
        check_prior_name(prior)
        if prior == "uniform":
            return np.full(shape, 1.0 / num_classes)
        return (1.0 - one_hot(labels, num_classes)) / (num_classes - 1)
    return np.broadcast_to(check_prior_array(prior, num_classes), shape).copy()


def smooth_targets(labels, num_classes: int, eps: float, prior="uniform") -> np.ndarray:
    """Label-smoothed targets, `labels (...)` -> `(..., K)`.

    .. math:: q'(k) = (1 - \\varepsilon)\\,\\delta_{k,y} + \\varepsilon\\, u(k)

    With ``prior="uniform"`` the label gets 1 - eps + eps/K and every other class eps/K;
    with ``prior="others"`` the label gets exactly 1 - eps and every other class eps/(K - 1).

    >>> smooth_targets(0, 2, 0.1)            # PyTorch's convention: not [0.9, 0.1]
    array([0.95, 0.05])
    >>> smooth_targets(0, 2, 0.1, "others")
    array([0.9, 0.1])
    """
    eps = check_eps(eps)
    return (1.0 - eps) * one_hot(labels, num_classes) + eps * prior_distribution(labels, num_classes, prior)


def uniform_equivalent(eps_others, num_classes: int) -> np.ndarray:
    """For each eps in the eps/(K-1) convention, the eps/K value that gives the same targets,
    eps * K / (K - 1); NaN where there is none (eps_others > (K - 1)/K would need eps/K > 1).

    >>> uniform_equivalent(np.array([0.09, 0.95]), 10)
    array([0.1, nan])
    """
    num_classes = check_num_classes(num_classes)
    eps = np.asarray(eps_others, dtype=np.float64)
    converted = eps * num_classes / (num_classes - 1)
    return np.where(converted <= 1.0 + 1e-12, np.minimum(converted, 1.0), np.nan)


def equivalent_eps(eps: float, num_classes: int, from_prior: str, to_prior: str) -> float:
    """The eps that gives the same targets in the other convention: eps_others = eps_uniform * (K - 1) / K.

    An eps_others above (K - 1)/K has no uniform equivalent (it would need eps_uniform > 1); this raises.

    >>> round(equivalent_eps(0.1, 10, "uniform", "others"), 12)
    0.09
    """
    eps = check_eps(eps)
    num_classes = check_num_classes(num_classes)
    check_prior_name(from_prior)
    check_prior_name(to_prior)
    if from_prior == to_prior:
        return eps
    ratio = (num_classes - 1) / num_classes
    if from_prior == "uniform":
        return eps * ratio
    converted = eps / ratio
    if converted > 1.0 + 1e-12:
        raise ValueError(f"eps = {eps} with prior 'others' has no 'uniform' equivalent for K = {num_classes} "
                         f"(it would need eps = {converted:.4g} > 1)")
    return min(converted, 1.0)
