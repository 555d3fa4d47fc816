"""The cross-entropy landscape for K = 3. Softmax ignores a shared shift, so three logits live on a
plane; its natural coordinates are the two gaps g1 = z_0 - z_1 and g2 = z_0 - z_2 (class 0 true)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_eps, check_prior_name
from .closed_form import optimal_logit_gap
from .dynamics import descend
from .losses import _cross_entropy
from .targets import one_hot, smooth_targets


MINIMUM_TOLERANCE = 1e-6   # nats: a path this close to the closed-form minimum has reached it


@dataclass(frozen=True)
class Landscape:
    """Loss on a square grid of gaps, `(n, n)` indexed [g2, g1], for one-hot and smoothed targets,
    and gradient-descent paths `(R, 2)` (g1, g2) for each; the smoothed minimum (g*, g*) or None."""

    gaps: np.ndarray
    loss_one_hot: np.ndarray
    loss_smoothed: np.ndarray
    path_one_hot: np.ndarray
    path_smoothed: np.ndarray
    path_steps: np.ndarray
    optimal_gap: float

    @property
    def finite_optimum(self) -> bool:
        """Whether the smoothed loss has a finite minimum to mark (not eps = 0, not eps = 1 with eps/(K-1))."""
        return bool(np.isfinite(self.optimal_gap))

    @property
    def shading(self) -> tuple[np.ndarray, np.ndarray]:
        """log(1 + loss) for each run: the contour heights, which keep the valley floor readable next to
        the steep walls."""
        return np.log1p(self.loss_one_hot), np.log1p(self.loss_smoothed)

    @property
    def shading_top(self) -> float:
        """The highest contour height of both runs, so the two panels share one colour scale."""
        return float(np.log1p(max(self.loss_one_hot.max(), self.loss_smoothed.max())))

    def path_inside(self, path: np.ndarray) -> np.ndarray:
        """The points of a path `(R, 2)` that lie on the drawn grid (a one-hot path leaves it for ever)."""
        inside = np.all((path >= self.gaps[0]) & (path <= self.gaps[-1]), axis=1)
        return path[inside]

    @property
    def smoothed_reached_minimum(self) -> bool:
        """Whether the smoothed path ended within `MINIMUM_TOLERANCE` of (g*, g*) in both gaps (never where
        the minimum is not finite: eps = 0, or eps = 1 with eps/(K-1))."""
        end = self.path_smoothed[-1]
        return bool(np.all(np.isfinite(end)) and np.isfinite(self.optimal_gap)
                    and np.abs(end - self.optimal_gap).max() <= MINIMUM_TOLERANCE)


def gaps_to_logits(g1, g2) -> np.ndarray:
    """Logits with mean 0 whose gaps are g1 = z0 - z1, g2 = z0 - z2, `(...)` -> `(..., 3)`.

    >>> gaps_to_logits(3.0, 0.0)
    array([ 1., -2.,  1.])
    """
    g1, g2 = np.broadcast_arrays(np.asarray(g1, dtype=np.float64), np.asarray(g2, dtype=np.float64))
    z = np.stack([np.zeros_like(g1), -g1, -g2], axis=-1)
    return z - z.mean(axis=-1, keepdims=True)


def loss_landscape(eps: float, prior: str, start: tuple[float, float], lr: float, steps: int,
                   low: float = -4.0, high: float = 16.0, size: int = 81) -> Landscape:
    """The loss over the gap plane and the descent paths from `start` = (g1, g2).

    >>> scape = loss_landscape(0.1, "uniform", (0.0, 0.0), 2.0, 5000)
    >>> bool(abs(scape.path_smoothed[-1, 0] - scape.optimal_gap) < 1e-9), bool(scape.path_one_hot[-1, 0] > 8)
    (True, True)
    """
    eps = check_eps(eps)
    check_prior_name(prior)
    gaps = np.linspace(low, high, size)
    g1, g2 = np.meshgrid(gaps, gaps)
    z = gaps_to_logits(g1, g2)
    q = np.stack([one_hot(0, 3), smooth_targets(0, 3, eps, prior)])
    run = descend(gaps_to_logits(*start), q, lr, steps, num_records=400)
    path = run.logits[..., :1] - run.logits[..., 1:]  # (R, 2 runs, 2 gaps)
    return Landscape(gaps=gaps, loss_one_hot=_cross_entropy(z, q[0]), loss_smoothed=_cross_entropy(z, q[1]),
                     path_one_hot=path[:, 0], path_smoothed=path[:, 1], path_steps=run.steps,
                     optimal_gap=optimal_logit_gap(3, eps, prior))
