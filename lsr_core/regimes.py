"""Which case a scene is in: the pure functions that choose every conditional sentence the app shows.

A page never decides a case itself (``if gap < 0`` on a rounded float is how a false sentence gets
shown): it calls one of these functions and looks up the text for the returned case. Each function
decides its case exactly at the closed-form boundaries (or with the tolerance it states), and the
tests check every case at, just below and just above every boundary, for both conventions.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_eps, check_num_classes, check_positive, check_prior_name
from .closed_form import optimal_logit_gap

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

    >>> loss_rise_kind([3.0, 2.0, 1.0]), loss_rise_kind([3.0, 4.0, 2.0, 1.0, 0.5]), loss_rise_kind([1, 2, 1, 2, 1, 2])
    ('none', 'transient', 'persistent')
    """
    values = np.asarray(loss, dtype=np.float64)
    rises = np.flatnonzero(np.diff(values) > 1e-12 * np.maximum(1.0, np.abs(values[:-1])))
    if rises.size == 0:
        return "none"
    # rise i happens between records i and i + 1; "second half" = ending at a record >= R / 2
    return "persistent" if rises[-1] + 1 >= values.size / 2 else "transient"


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
