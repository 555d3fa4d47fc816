"""Checks made once, at the public boundary of `lsr_core` (inside, inputs are trusted)."""

from __future__ import annotations

import numpy as np

PRIOR_NAMES = ("uniform", "others")


def check_num_classes(num_classes) -> int:
    """Return `num_classes` as an int, or raise if it is not a whole number >= 2."""
    if isinstance(num_classes, (bool, np.bool_)) or not isinstance(num_classes, (int, np.integer)):
        raise ValueError(f"num_classes must be a whole number >= 2, got {num_classes!r}")
    if num_classes < 2:
        raise ValueError(f"num_classes must be >= 2 (one class leaves nothing to classify), got {num_classes}")
    return int(num_classes)


def check_fraction(name: str, value) -> float:
    """Return `value` as a float in [0, 1], or raise naming it."""
    number = float(value)
    if not np.isfinite(number) or not 0.0 <= number <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    return number


def check_eps(eps) -> float:
    """Return `eps` as a float in [0, 1], or raise."""
    return check_fraction("eps", eps)


def check_prior_name(prior) -> str:
    if not isinstance(prior, str) or prior not in PRIOR_NAMES:
        raise ValueError(f"prior must be one of {PRIOR_NAMES}, got {prior!r}")
    return prior


def check_prior_array(prior, num_classes: int) -> np.ndarray:
    """Return a prior as a float64 vector of K non-negative numbers summing to 1, or raise."""
    values = np.asarray(prior, dtype=np.float64)
    if values.shape != (num_classes,):
        raise ValueError(f"a prior array must have shape ({num_classes},), got {values.shape}")
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("a prior array must hold finite, non-negative numbers")
    if abs(values.sum() - 1.0) > 1e-9:
        raise ValueError(f"a prior array must sum to 1, got a sum of {values.sum():.12g}")
    return values


def check_labels(labels, num_classes: int) -> np.ndarray:
    """Return integer labels as an int64 array, or raise if any is out of range."""
    values = np.asarray(labels)
    if values.dtype == np.bool_ or not np.issubdtype(values.dtype, np.integer):
        raise ValueError(f"labels must be integers, got dtype {values.dtype}")
    if values.size and (values.min() < 0 or values.max() >= num_classes):
        raise ValueError(f"labels must lie in 0 .. {num_classes - 1}, got values from {values.min()} to {values.max()}")
    return values.astype(np.int64)


def check_logits(logits) -> np.ndarray:
    """Return logits as a float64 array with a class axis last, or raise."""
    values = np.asarray(logits, dtype=np.float64)
    if values.ndim == 0 or values.shape[-1] < 2:
        raise ValueError(f"logits need a last (class) axis of size >= 2, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("logits must be finite")
    return values


def check_targets(targets, shape=None) -> np.ndarray:
    """Return target distributions (..., K) as float64, or raise if a row is not a distribution."""
    values = np.asarray(targets, dtype=np.float64)
    if values.ndim == 0 or values.shape[-1] < 2:
        raise ValueError(f"targets need a last (class) axis of size >= 2, got shape {values.shape}")
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("targets must be finite and non-negative")
    if np.any(np.abs(values.sum(axis=-1) - 1.0) > 1e-9):
        raise ValueError("every target row must sum to 1")
    if shape is not None and np.broadcast_shapes(values.shape, shape) != tuple(shape):
        raise ValueError(f"targets of shape {values.shape} do not fit logits of shape {tuple(shape)}")
    return values


def check_positive(name: str, value) -> float:
    number = float(value)
    if not np.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return number


def check_count(name: str, value, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)
