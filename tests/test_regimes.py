"""The functions that choose every conditional sentence: each case at, just below and just above each boundary."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lsr_core as core

TINY = 1e-6   # well outside BOUNDARY_TOLERANCE, well inside one slider step (0.01)


@pytest.mark.parametrize("k", [2, 3, 4, 10, 20, 25, 50, 100, 1000])
def test_others_convention_crosses_every_boundary(k):
    boundary = (k - 1) / k
    assert core.zero_gap_eps(k, "others") == boundary
    assert core.gap_regime(k, 0.0, "others") == "one_hot"
    assert core.gap_regime(k, TINY, "others") == "favours_true"
    assert core.gap_regime(k, boundary - TINY, "others") == "favours_true"
    assert core.gap_regime(k, boundary, "others") == "no_preference"
    if boundary + TINY < 1:
        assert core.gap_regime(k, boundary + TINY, "others") == "favours_wrong"
    assert core.gap_regime(k, 1 - TINY, "others") in ("favours_wrong", "no_preference")
    assert core.gap_regime(k, 1.0, "others") == "excludes_true"


@pytest.mark.parametrize("k", [2, 3, 10, 1000])
def test_uniform_convention_never_favours_the_wrong_classes(k):
    assert core.zero_gap_eps(k, "uniform") == 1.0
    assert core.gap_regime(k, 0.0, "uniform") == "one_hot"
    assert core.gap_regime(k, TINY, "uniform") == "favours_true"
    assert core.gap_regime(k, 1 - TINY, "uniform") == "favours_true"
    assert core.gap_regime(k, 1.0, "uniform") == "no_preference"


@pytest.mark.parametrize("k, eps", [(10, 0.9), (20, 0.95), (25, 0.96), (50, 0.98), (100, 0.99), (4, 0.75), (2, 0.5)])
def test_decimal_slider_values_on_the_boundary_count_as_the_boundary(k, eps):
    """0.9 is not 9/10 in binary: the float formula gives ~1e-16, which the page must show as 0."""
    assert core.gap_regime(k, eps, "others") == "no_preference"
    assert core.scene_optimal_gap(k, eps, "others") == 0.0
    q = core.smooth_targets(0, k, eps, "others")
    assert q[0] == pytest.approx(q[1], abs=1e-12)


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 1000), st.floats(0.0, 1.0), st.sampled_from(["uniform", "others"]))
def test_regime_agrees_with_the_targets_and_the_gap(k, eps, prior):
    """The case is what the targets say: true > wrong, equal, or true < wrong (and 0 at eps = 1, others)."""
    regime = core.gap_regime(k, eps, prior)
    q = core.smooth_targets(0, k, eps, prior)
    gap = core.scene_optimal_gap(k, eps, prior)
    difference = q[0] - q[1]
    if regime == "one_hot":
        assert eps == 0 and gap == np.inf
    elif regime == "favours_true":
        assert difference > 0 and 0 < gap < np.inf
    elif regime == "no_preference":
        assert abs(difference) < 1e-8 and gap == 0.0
    elif regime == "favours_wrong":
        assert difference < 0 and -np.inf < gap < 0 and prior == "others"
    else:
        assert regime == "excludes_true" and q[0] == 0 and gap == -np.inf and prior == "others"


def test_loss_rise_kind_at_its_boundary():
    falling = np.linspace(3.0, 1.0, 10)
    assert core.loss_rise_kind(falling) == "none"
    assert core.loss_rise_kind(falling + 1e-14 * np.arange(10)) == "none", "rounding noise is not a rise"
    early = falling.copy()
    early[4] = early[3] + 0.1        # rise between records 3 and 4: ends at record 4 < 10/2
    assert core.loss_rise_kind(early) == "transient"
    late = falling.copy()
    late[5] = late[4] + 0.1          # ends at record 5 = 10/2: the second half
    assert core.loss_rise_kind(late) == "persistent"


def test_loss_rise_kind_on_real_runs():
    """K = 2, eps = 0.5, eta = 5 rises once at step 1 and then converges (the issue's example);
    K = 2, eps = 0.3, eta = 10 keeps bouncing; eta = 1 never rises."""
    transient = core.compare_runs(2, 0.5, "uniform", 5.0, 2000, np.zeros(2))
    assert transient.loss_rise_kinds[1] == "transient" and transient.final_gap_error < 1e-12
    assert transient.loss_increases[1] == 1
    bouncing = core.compare_runs(2, 0.3, "uniform", 10.0, 2000, np.zeros(2))
    assert bouncing.loss_rise_kinds[1] == "persistent" and bouncing.steps_to_tolerance is None
    calm = core.compare_runs(10, 0.1, "uniform", 1.0, 2000, np.zeros(10))
    assert calm.loss_rise_kinds == ("none", "none")


def test_temperature_effect_decides_on_the_shown_value():
    assert core.temperature_effect(1.006) == "softens"      # shows as 1.01
    assert core.temperature_effect(1.004) == "unchanged"    # shows as 1.00
    assert core.temperature_effect(0.996) == "unchanged"
    assert core.temperature_effect(0.994) == "sharpens"     # shows as 0.99
    with pytest.raises(ValueError):
        core.temperature_effect(0.0)


def test_ece_change_decides_on_the_shown_values():
    assert core.ece_change(0.1534, 0.0314) == "falls"
    assert core.ece_change(0.0311, 0.0314) == "unchanged"   # both show as 0.031
    assert core.ece_change(0.0301, 0.0304) == "unchanged"   # both show as 0.030
    assert core.ece_change(0.0200, 0.0310) == "rises"


@pytest.mark.parametrize("settings, effect, change", [
    ((3, 0.1, 0.0, 50, 0, 0.1, "uniform", 10), "sharpens", "falls"),
    ((3, 0.4, 0.0, 200, 0, 0.1, "uniform", 10), "softens", "falls"),
    ((10, 0.1, 0.5, 50, 0, 0.1, "uniform", 10), "sharpens", "rises"),
    ((10, 0.4, 0.5, 50, 0, 0.1, "uniform", 10), "softens", "rises"),
])
def test_every_temperature_sentence_is_reachable_from_the_training_page(settings, effect, change):
    """T < 1 and a test ECE that rises after scaling are real outcomes at settings the page offers."""
    experiment = core.run_experiment(*settings)
    assert core.temperature_effect(experiment.temperature) == effect
    assert core.ece_change(experiment.one_hot.metrics.ece, experiment.temperature_metrics.ece) == change


# ---------------------------------------------------------------- what a run's gap does (issue 22, item 1)

TOL = core.GAP_TOLERANCE


def test_gap_behaviour_on_hand_made_runs():
    """One hand-made run per case; the optimum is 1."""
    assert core.gap_behaviour([0.0, 0.5, 0.9, 1.0], 1.0, 0.5) == "monotone"
    assert core.gap_behaviour([0.0, 1.5, 0.8, 1.0], 1.0, -0.5) == "damped"
    assert core.gap_behaviour([0.0, 0.5, 0.8, 0.9], 1.0, 0.5) == "approaching"
    assert core.gap_behaviour([0.0, 2.0, 0.1, 1.9, 0.2, 1.8], 1.0, -0.9) == "swinging"
    assert core.gap_behaviour([0.0, 2.0, 0.0, 2.0, 0.0, 2.0], 1.0, -1.5) == "cycle"
    assert core.gap_behaviour([0.0, 0.4, 0.4, 0.4], 1.0, 0.5) == "frozen"
    assert core.gap_behaviour([0.5, 0.4, 0.2, -1.0], 1.0, 0.5) == "diverging"
    assert core.gap_behaviour([0.0, np.inf], 1.0, 0.5) == "diverging"
    with pytest.raises(ValueError):
        core.gap_behaviour([0.0, 1.0], np.inf, 0.5)


def test_gap_behaviour_at_its_boundaries():
    # within the tolerance at the end: converged, exactly at it and just past it
    assert core.gap_behaviour([-1.0, -TOL], 0.0, 0.5) == "monotone"
    assert core.gap_behaviour([-1.0, -0.5, -2 * TOL], 0.0, 0.5) == "approaching"
    assert core.gap_behaviour([-1.0, 0.5, 2 * TOL], 0.0, -0.5) == "swinging"
    # rounding noise around the optimum (inside ±tolerance) is not a crossing
    assert core.gap_behaviour([0.0, 0.9, 1.0 + TOL / 2, 1.0 - TOL / 2, 1.0], 1.0, 0.5) == "monotone"
    # swinging against cycle: decided by |factor| < 1, at -1 exactly it is a cycle
    swings = [0.0, 2.0, 0.0, 2.0, 0.0, 2.0]
    assert core.gap_behaviour(swings, 1.0, -0.999) == "swinging"
    assert core.gap_behaviour(swings, 1.0, -1.0) == "cycle"
    assert core.gap_behaviour(swings, 1.0, 1.0) == "cycle"
    # a crossing only in the first half of the records, then approaching from one side
    assert core.gap_behaviour([0.0, 1.5, 0.9, 0.95, 0.97, 0.98], 1.0, 0.5) == "approaching"


@pytest.mark.parametrize("k, eps, prior, lr, expected", [
    (2, 0.55, "uniform", 5.0, 1 - 5 * 2 * 0.725 * 0.275),        # -0.99375: 2 a b for K = 2
    (3, 0.5, "uniform", 10.0, 1 - 10 / 3),                        # q = (2/3, 1/6, 1/6): λ = 1/3
    (10, 0.1, "uniform", 1.0, None),
    (10, 0.3, "others", 2.0, None),
])
def test_step_factor_is_one_minus_rate_times_a_hessian_eigenvalue(k, eps, prior, lr, expected):
    factor = core.step_factor(k, eps, prior, lr)
    if expected is not None:
        assert factor == pytest.approx(expected, abs=1e-12)
    q = core.smooth_targets(0, k, eps, prior)
    values, vectors = np.linalg.eigh(np.diag(q) - np.outer(q, q))
    # the gap's own direction: wrong components equal, not the constant vector
    gap_direction = [v for v, u in zip(values, vectors.T)
                     if np.ptp(u[1:]) < 1e-9 and abs(u.sum()) < 1e-9 and abs(v) > 1e-12]
    assert factor == pytest.approx(1 - lr * gap_direction[0], abs=1e-12)
    everything = max((1 - lr * v for v in values if abs(v) > 1e-12), key=abs)
    assert core.step_factor(k, eps, prior, lr, equal_wrong=False) == pytest.approx(everything, abs=1e-12)


@pytest.mark.parametrize("k, eps, lr, steps, expected", [
    (2, 0.55, 5.0, 10_000, "damped"),     # the URL: sign changes on 2,999 of 3,000 steps, in by 1,904
    (2, 0.3, 10.0, 2000, "cycle"),        # a stable 2-cycle whose loss takes equal values
    (3, 0.5, 10.0, 2000, "cycle"),        # irregular, never settles
    (10, 0.1, 1.0, 2000, "monotone"),
    (10, 0.1, 10.0, 2000, "damped"),
    (10, 1e-9, 1.0, 2000, "approaching"),
])
def test_gap_behaviour_on_real_runs(k, eps, lr, steps, expected):
    c = core.compare_runs(k, eps, "uniform", lr, steps, np.zeros(k))
    factor = core.step_factor(k, eps, "uniform", lr)
    assert core.gap_behaviour(c.gap[:, 1], c.optimal_gap, factor) == expected
    if expected == "damped":
        error = c.gap[:, 1] - c.optimal_gap
        assert np.any(np.diff(np.sign(error[np.abs(error) > TOL])) != 0) and c.steps_to_tolerance is not None
    if expected == "cycle":
        assert abs(factor) >= 1 and c.steps_to_tolerance is None


def _symmetric_logits(k: int, gap: float) -> np.ndarray:
    return np.concatenate(([(k - 1) * gap / k], np.full(k - 1, -gap / k)))


@pytest.mark.parametrize("k, eps, lr, stall", [(10, 1e-15, 1.0, 35.68), (10, 1e-17, 10.0, 38.31)])
def test_float64_stops_a_tiny_eps_run_short_of_its_optimum(k, eps, lr, stall):
    """The issue's settings (Home at ε = 1e-15, the dynamics page at ε = 1e-17, η = 10): this code's own
    descent, one float64 step from the stall gap, changes nothing; a grid step earlier it still moves; and a
    real run started at the stall gap stays there, which `gap_behaviour` calls frozen."""
    found = core.float64_stall_gap(k, eps, "uniform", lr)
    optimum = core.optimal_logit_gap(k, eps)
    assert found == pytest.approx(stall, abs=0.005) and found < optimum - 1
    q = core.smooth_targets(0, k, eps, "uniform")
    at = core.descend(_symmetric_logits(k, found), q, lr, 1)
    np.testing.assert_array_equal(at.logits[1], at.logits[0])
    before = core.descend(_symmetric_logits(k, found - 0.01), q, lr, 1)
    assert np.any(before.logits[1] != before.logits[0])
    run = core.descend(_symmetric_logits(k, found), q, lr, 50)
    assert core.gap_behaviour(run.gap(), optimum, core.step_factor(k, eps, "uniform", lr)) == "frozen"


def test_ordinary_eps_reaches_its_optimum_in_float64():
    assert core.float64_stall_gap(10, 0.1, "uniform", 1.0) == np.inf
    assert core.float64_stall_gap(2, 0.01, "others", 10.0) == np.inf
    assert core.float64_stall_gap(10, 0.0, "uniform", 1.0) == np.inf        # no finite optimum
    assert core.float64_stall_gap(10, 0.95, "others", 1.0) == np.inf        # a negative optimum, reached from above
    # ε = 1e-9: the steps near the optimum are below half a float's spacing before it is within 1e-6
    stall = core.float64_stall_gap(10, 1e-9, "uniform", 1.0)
    optimum = core.optimal_logit_gap(10, 1e-9)
    assert optimum - 0.01 < stall <= optimum - TOL


def test_float64_stops_a_run_from_above_when_one_minus_eps_is_tiny():
    """ε = 1 − 2⁻⁵³·… with ε/(K−1): the true class's target is about 1e-16, the optimum near −36.7; the run
    goes down from 0 and float64 stops it at about −33.9, where one step of this code's descent changes nothing."""
    eps = 0.9999999999999999
    optimum = core.scene_optimal_gap(2, eps, "others")
    found = core.float64_stall_gap(2, eps, "others", 1.0)
    assert -37 < optimum < found < -30
    q = core.smooth_targets(0, 2, eps, "others")
    at = core.descend(_symmetric_logits(2, found), q, 1.0, 1)
    np.testing.assert_array_equal(at.logits[1], at.logits[0])
    before = core.descend(_symmetric_logits(2, found + 0.01), q, 1.0, 1)
    assert np.any(before.logits[1] != before.logits[0])
