"""Which case a scene is in: the pure functions that choose every conditional sentence the app shows.

A page never decides a case itself (``if gap < 0`` on a rounded float is how a false sentence gets
shown): it calls one of these functions and looks up the text for the returned case. Each function
decides its case exactly at the closed-form boundaries (or with the tolerance it states), and the
tests check every case at, just below and just above every boundary, for both conventions.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ._validation import check_eps, check_num_classes, check_positive, check_prior_name
from .closed_form import optimal_logit_gap
from .targets import smooth_targets

# A slider moves ε in steps of 0.01 and a URL gives at most ~16 digits, so an ε within 1e-9 of a
# boundary is the boundary the user meant (ε = 0.9 at K = 10 is (K - 1)/K, though 0.9 != 9/10 in floats).
BOUNDARY_TOLERANCE = 1e-9

# gap_regime's cases, in order of growing ε
GAP_REGIMES = ("one_hot", "favours_true", "no_preference", "favours_wrong", "excludes_true")


def zero_gap_eps(num_classes: int, prior: str) -> float:
    """The ε at which the optimal gap is 0: every class gets the same target 1/K.

    (K - 1)/K with ε/(K - 1) on the others; 1 with ε/K on every class.

    >>> zero_gap_eps(10, "others"), zero_gap_eps(10, "uniform")
    (0.9, 1.0)
    """
    num_classes = check_num_classes(num_classes)
    return (num_classes - 1) / num_classes if check_prior_name(prior) == "others" else 1.0


def gap_regime(num_classes: int, eps: float, prior: str) -> str:
    """What smoothed targets ask of the true class, one of `GAP_REGIMES`:

    - ``"one_hot"``: ε = 0; no finite optimum, the gap grows for ever;
    - ``"favours_true"``: 0 < ε < ε₀; a finite, positive optimal gap;
    - ``"no_preference"``: ε = ε₀ (`zero_gap_eps`); every class gets 1/K, the optimal gap is 0;
    - ``"favours_wrong"``: ε₀ < ε < 1 (ε/(K - 1) only); the true class gets less than each other class,
      a finite negative gap;
    - ``"excludes_true"``: ε = 1 with ε/(K - 1); the true class's target is 0, the gap is −∞.

    ε within `BOUNDARY_TOLERANCE` of ε₀ counts as ε₀.

    >>> gap_regime(10, 0.9, "others"), gap_regime(10, 0.91, "others"), gap_regime(10, 0.9, "uniform")
    ('no_preference', 'favours_wrong', 'favours_true')
    """
    num_classes = check_num_classes(num_classes)
    eps = check_eps(eps)
    boundary = zero_gap_eps(num_classes, prior)
    if eps == 0.0:
        return "one_hot"
    if abs(eps - boundary) <= BOUNDARY_TOLERANCE:
        return "no_preference"
    if eps < boundary:
        return "favours_true"
    return "excludes_true" if eps == 1.0 else "favours_wrong"


INFINITE_GAP_REGIMES = ("one_hot", "excludes_true")   # no finite optimal gap: +inf and -inf


def has_finite_optimum(num_classes: int, eps: float, prior: str) -> bool:
    """Whether smoothed targets have a finite optimal gap (every regime but ε = 0 and ε = 1 with ε/(K − 1)).

    >>> has_finite_optimum(3, 0.0, "uniform"), has_finite_optimum(3, 1.0, "uniform"), has_finite_optimum(3, 1.0, "others")
    (False, True, False)
    """
    return gap_regime(num_classes, eps, prior) not in INFINITE_GAP_REGIMES


def scene_optimal_gap(num_classes: int, eps: float, prior: str) -> float:
    """`optimal_logit_gap`, but exactly 0 where `gap_regime` says "no_preference".

    At ε = 0.9, K = 10 (ε/(K - 1)) the float formula gives about -2e-16, because 0.9 is not exactly
    9/10 in binary; the ε a user chose is the boundary, so the gap shown is 0.

    >>> scene_optimal_gap(10, 0.9, "others"), scene_optimal_gap(10, 0.1, "uniform") == optimal_logit_gap(10, 0.1)
    (0.0, True)
    """
    if gap_regime(num_classes, eps, prior) == "no_preference":
        return 0.0
    return optimal_logit_gap(num_classes, eps, prior)


# ---------------------------------------------------------------- dynamics page

LOSS_RISE_KINDS = ("none", "transient", "persistent")


def loss_rise_kind(loss) -> str:
    """How a recorded loss curve `(R,)` rose, if it did: ``"none"``, ``"transient"`` or ``"persistent"``.

    A rise counts when the loss grows by more than 1e-12 relative (rounding noise does not count).
    "transient": every rise lies in the first half of the records and the loss never rises again
    (a too-large step overshot early, then the run settled). "persistent": it still rises in the
    second half of the records: the run keeps bouncing instead of converging.

    No page sentence is chosen by it any more: a loss that stops rising can still belong to a run that swings for
    ever (a 2-cycle's loss takes equal values), so the dynamics page reads the gap instead (`gap_behaviour`).

    >>> loss_rise_kind([3.0, 2.0, 1.0]), loss_rise_kind([3.0, 4.0, 2.0, 1.0, 0.5]), loss_rise_kind([1, 2, 1, 2, 1, 2])
    ('none', 'transient', 'persistent')
    """
    values = np.asarray(loss, dtype=np.float64)
    rises = np.flatnonzero(np.diff(values) > 1e-12 * np.maximum(1.0, np.abs(values[:-1])))
    if rises.size == 0:
        return "none"
    # rise i happens between records i and i + 1; "second half" = ending at a record >= R / 2
    return "persistent" if rises[-1] + 1 >= values.size / 2 else "transient"


# ---------------------------------------------------------------- what a run's gap does

# the dynamics page's tolerance: a run is "at" its optimum once |gap - optimum| <= this
GAP_TOLERANCE = 1e-6

GAP_BEHAVIOURS = ("monotone", "damped", "approaching", "swinging", "cycle", "diverging", "frozen")


def step_factor(num_classes: int, eps: float, prior: str, lr: float, equal_wrong: bool = True) -> float:
    """The linearised gradient-descent step at the smoothed optimum: the error z − z* is multiplied by
    1 − η·λ along each eigenvector of the softmax Hessian diag(q) − q qᵀ (p = q there). Returns the factor
    of largest magnitude; |factor| < 1: the optimum attracts a run that comes close, |factor| > 1: it repels
    it (discrete time; the mean logit, eigenvalue 0, is conserved and left out). With `equal_wrong` only the
    gap's own direction counts (a zero start keeps the wrong logits equal for ever), with eigenvalue
    1 − a² − (K−1)b² − (K−2)b for targets (a, b, …, b); otherwise also b (K ≥ 3), the wrong logits' spread.

    >>> round(step_factor(2, 0.55, "uniform", 5.0), 5)   # 1 - 5 · 2 · 0.725 · 0.275
    -0.99375
    """
    if not has_finite_optimum(num_classes, eps, prior):
        raise ValueError("no finite optimum: there is no step factor at it")
    lr = check_positive("lr", lr)
    q = smooth_targets(0, num_classes, eps, prior)
    a, b = float(q[0]), float(q[1])
    gap_eigenvalue = 1.0 - a * a - (num_classes - 1) * b * b - (num_classes - 2) * b
    factors = [1.0 - lr * gap_eigenvalue]
    if not equal_wrong and num_classes > 2:
        factors.append(1.0 - lr * b)
    return max(factors, key=abs)


def _crossings(error: np.ndarray, tolerance: float) -> np.ndarray:
    """Indices i (of records) at which the error's sign differs from the previous record's that was
    outside ±tolerance: where the run crossed its optimum."""
    outside = np.flatnonzero(np.abs(error) > tolerance)
    signs = np.sign(error[outside])
    return outside[1:][signs[1:] != signs[:-1]]


def gap_behaviour(gaps, optimum: float, factor: float, tolerance: float = GAP_TOLERANCE) -> str:
    """What a recorded run's gap `(R,)` did around its finite `optimum`, one of `GAP_BEHAVIOURS`:

    - ``"monotone"``: it ends within `tolerance` and never crossed the optimum;
    - ``"damped"``: it ends within `tolerance` after crossing the optimum (a damped oscillation);
    - ``"frozen"``: it ends outside, its last three records are exactly equal and it no longer crosses:
      float arithmetic stopped it (every step rounds away) short of the optimum;
    - ``"approaching"``: it ends outside, no longer crosses the optimum and its distance shrank over the
      second half of the records: still on its way;
    - ``"diverging"``: a record is not finite, or it ends outside, no longer crosses and moved away;
    - ``"swinging"``: it ends outside and still crosses the optimum in the second half of the records,
      and the linearised step `factor` (`step_factor`) has |factor| < 1: a damped oscillation not yet
      within `tolerance`;
    - ``"cycle"``: the same, but |factor| ≥ 1: the optimum repels a run that comes near, so the
      oscillation is sustained (a cycle or an irregular one) and the run never converges.

    "Crossing" ignores records within ±`tolerance` (rounding noise at the optimum).

    >>> gap_behaviour([0.0, 0.5, 0.9, 1.0], 1.0, 0.5), gap_behaviour([0.0, 1.5, 0.8, 1.0], 1.0, -0.5)
    ('monotone', 'damped')
    >>> gap_behaviour([0.0, 2.0, 0.0, 2.0, 0.0, 2.0], 1.0, -1.5), gap_behaviour([0.0, 0.4, 0.4, 0.4], 1.0, 0.5)
    ('cycle', 'frozen')
    """
    gaps = np.asarray(gaps, dtype=np.float64)
    if not np.isfinite(optimum):
        raise ValueError("gap_behaviour needs a finite optimum")
    if not np.all(np.isfinite(gaps)):
        return "diverging"
    error = gaps - optimum
    crossings = _crossings(error, tolerance)
    if abs(error[-1]) <= tolerance:
        return "damped" if crossings.size else "monotone"
    middle = gaps.size // 2
    if np.any(crossings >= max(middle, 1)):
        return "cycle" if abs(factor) >= 1.0 else "swinging"
    if gaps.size >= 3 and error[-1] == error[-2] == error[-3]:
        return "frozen"
    return "approaching" if abs(error[-1]) < abs(error[middle]) else "diverging"


@lru_cache(maxsize=256)   # a pure function of a few numbers, called on every rerun of a page
def float64_stall_gap(num_classes: int, eps: float, prior: str, lr: float, resolution: float = 0.01,
                      tolerance: float = GAP_TOLERANCE) -> float:
    """Where float64 stops a smoothed run from zeros before it comes within `tolerance` of its optimum, or inf
    if it does not: the first gap, going from 0 towards the optimum on a grid of `resolution` nats (plus
    optimum ∓ tolerance itself), from which one step of this code's gradient descent
    (`lsr_core.dynamics.descend`: p = exp(z − max z) / sum, z ← z − η (p − q), in float64) leaves every
    logit exactly unchanged.

    The logits are a run's from zeros: mean 0, wrong logits equal. With a tiny ε (or 1 − ε tiny, with
    ε/(K − 1)) the optimum is far out, near where p(true) or p(wrong) rounds to 1, and the steps η (p − q)
    round away before the run gets there: the optimum is then unreachable in float64, however many steps
    are taken.

    >>> float64_stall_gap(10, 0.1, "uniform", 1.0), round(float64_stall_gap(10, 1e-15, "uniform", 1.0), 2)
    (inf, 35.68)
    """
    num_classes = check_num_classes(num_classes)
    lr = check_positive("lr", lr)
    if not has_finite_optimum(num_classes, eps, prior):
        return float("inf")
    optimum = scene_optimal_gap(num_classes, eps, prior)
    distance = abs(optimum) - tolerance
    if distance <= 0.0:
        return float("inf")     # a run from zeros starts within tolerance
    direction = 1.0 if optimum > 0 else -1.0
    grid = direction * np.append(np.arange(0.0, distance, check_positive("resolution", resolution)), distance)
    q = smooth_targets(0, num_classes, eps, prior)
    chunk = max(1, 2_000_000 // num_classes)
    for begin in range(0, grid.size, chunk):
        gaps = grid[begin:begin + chunk, None]
        z = np.empty((gaps.shape[0], num_classes))
        z[:, :1] = (num_classes - 1) * gaps / num_classes
        z[:, 1:] = -gaps / num_classes
        exps = np.exp(z - z.max(axis=-1, keepdims=True))
        frozen = np.all(z - lr * (exps / exps.sum(axis=-1, keepdims=True) - q) == z, axis=-1)
        if frozen.any():
            return float(grid[begin + int(np.argmax(frozen))])
    return float("inf")


# ---------------------------------------------------------------- training page

TEMPERATURE_EFFECTS = ("sharpens", "unchanged", "softens")
ECE_CHANGES = ("falls", "unchanged", "rises")


def temperature_effect(temperature: float, digits: int = 2) -> str:
    """What dividing the logits by T does, decided on T as shown with `digits` decimals:
    ``"softens"`` (T > 1: every prediction less confident), ``"sharpens"`` (T < 1: more confident)
    or ``"unchanged"`` (T shows as 1).

    >>> temperature_effect(1.7), temperature_effect(0.8), temperature_effect(1.004)
    ('softens', 'sharpens', 'unchanged')
    """
    shown = round(check_positive("temperature", temperature), digits)
    return "softens" if shown > 1 else "sharpens" if shown < 1 else "unchanged"


def ece_change(before: float, after: float, digits: int = 3) -> str:
    """Whether the ECE ``"falls"``, ``"rises"`` or is ``"unchanged"``, decided on the values as shown
    with `digits` decimals (so the sentence agrees with the numbers printed next to it).

    >>> ece_change(0.153, 0.034), ece_change(0.020, 0.031), ece_change(0.0301, 0.0304)
    ('falls', 'rises', 'unchanged')
    """
    shown_before, shown_after = round(float(before), digits), round(float(after), digits)
    return "falls" if shown_after < shown_before else "rises" if shown_after > shown_before else "unchanged"


__all__ = [
    "BOUNDARY_TOLERANCE",
    "GAP_BEHAVIOURS",
    "GAP_TOLERANCE",
    "float64_stall_gap",
    "gap_behaviour",
    "step_factor",
    "ECE_CHANGES",
    "GAP_REGIMES",
    "LOSS_RISE_KINDS",
    "TEMPERATURE_EFFECTS",
    "ece_change",
    "gap_regime",
    "loss_rise_kind",
    "scene_optimal_gap",
    "temperature_effect",
    "zero_gap_eps",
]
