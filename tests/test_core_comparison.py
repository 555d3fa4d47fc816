"""The classroom experiment reduced for display: every readout checked against an independent computation."""

import numpy as np
import pytest

import lsr_core as core


@pytest.mark.parametrize("k,eps,prior,lr", [(10, 0.1, "uniform", 1.0), (3, 0.3, "others", 2.0), (50, 0.05, "uniform", 4.0)])
def test_readouts_agree_with_direct_computation(k, eps, prior, lr):
    start = core.initial_logits(k, "random", seed=1, scale=0.5)
    c = core.compare_runs(k, eps, prior, lr, 20_000, start, num_records=400)
    q = np.stack([core.one_hot(0, k), core.smooth_targets(0, k, eps, prior)])
    run = core.descend(start, q, lr, 20_000, num_records=400)
    np.testing.assert_array_equal(c.steps, run.steps)
    np.testing.assert_allclose(c.true_logit, run.logits[..., 0], rtol=0, atol=0)
    np.testing.assert_allclose(c.wrong_mean, run.logits[..., 1:].mean(-1), atol=1e-13)
    np.testing.assert_allclose(c.p_true, core.softmax(run.logits)[..., 0], rtol=1e-12)
    wrong_gradient = np.abs(core.softmax(run.logits)[..., 1:] - q[None, :, 1:]).max(-1)
    np.testing.assert_allclose(c.wrong_gradient, np.maximum(wrong_gradient, 1e-17), rtol=1e-9, atol=1e-17)
    np.testing.assert_allclose(c.loss_floor, core.entropy(q))
    assert c.optimal_gap == core.optimal_logit_gap(k, eps, prior)
    assert c.final_gap_error < 1e-9 and c.steps_to_tolerance is not None
    assert abs(c.gap[c.steps == c.steps_to_tolerance, 1][0] - c.optimal_gap) <= 1e-6
    before = c.steps < c.steps_to_tolerance
    assert np.all(np.abs(c.gap[before, 1] - c.optimal_gap) > 1e-6)
    assert c.mean_logit_drift < 1e-12
    np.testing.assert_allclose(c.frame_probs[-1], core.softmax(run.logits[-1])[:, : c.shown_classes.size])


def test_eps_zero_has_no_finite_optimum():
    c = core.compare_runs(4, 0.0, "uniform", 1.0, 500, np.zeros(4))
    assert c.optimal_gap == np.inf and c.final_gap_error == np.inf and c.steps_to_tolerance is None
    np.testing.assert_array_equal(c.gap[:, 0], c.gap[:, 1])


def test_float_limits_readout_matches_the_theory_curve():
    c = core.compare_runs(10, 0.1, "uniform", 1.0, 100, np.zeros(10))
    limits = c.float_limits(np.float64)
    assert limits.rounding_gap == core.rounding_gap(10) and limits.freeze_gap == core.freeze_gap(10, 1.0)
    assert core.one_hot_gap_curve(10, 1.0, limits.steps_to_freeze) == pytest.approx(limits.freeze_gap, abs=1e-9)
    assert c.float_limits(np.float32).freeze_gap < limits.freeze_gap


@pytest.mark.parametrize("k, lr", [(2, 1.0), (10, 1.0), (10, 0.1), (1000, 1.0), (2, 10.0)])
def test_discrete_descent_runs_ahead_of_the_continuous_law_and_the_lead_shrinks_like_one_over_t(k, lr):
    """What the page says of the dotted curve: GD is ahead (equal wrong logits), each step adds more than
    lr K to e^g + (K - 1) g, about lr K / 2t more for large t, and the lead shrinks roughly like 1/t."""
    c = core.compare_runs(k, 0.1, "uniform", lr, 100_000, np.zeros(k))
    assert c.wrong_logits_start_equal
    lead = c.gap[:, 0] - c.theory_gap
    assert np.all(lead[1:] > 0) and c.flow_lead == lead[-1]
    def at(t):
        return lead[np.searchsorted(c.steps, t)] * c.steps[np.searchsorted(c.steps, t)]
    # lead * t changes by less than the log factor between t = 1e4 and 1e5
    assert 0.5 < at(100_000) / at(10_000) < 1.5
    # the excess per step, from the discrete map g <- g + lr K / (e^g + K - 1), at a large t
    g = float(c.gap[-1, 0])
    step = lr * k / (np.exp(g) + k - 1)
    excess = np.exp(g) * np.expm1(step) + (k - 1) * step - lr * k
    assert excess > 0 and excess == pytest.approx(lr * k / (2 * c.steps[-1]), rel=0.1)


def test_random_start_has_unequal_wrong_logits():
    start = core.initial_logits(5, "random", 3, 1.0)
    assert not core.compare_runs(5, 0.1, "uniform", 1.0, 10, start).wrong_logits_start_equal


def test_log_rate_time_is_finite_and_exact_after_step_zero():
    c = core.compare_runs(10, 0.1, "uniform", 0.5, 1000, np.zeros(10))
    assert np.all(np.isfinite(c.log_rate_time))
    np.testing.assert_allclose(c.log_rate_time[1:], np.log(0.5 * 10 * c.steps[1:]))


def test_initial_logits_and_bad_settings():
    np.testing.assert_array_equal(core.initial_logits(3), np.zeros(3))
    a, b = core.initial_logits(5, "random", 7, 2.0), core.initial_logits(5, "random", 7, 2.0)
    np.testing.assert_array_equal(a, b)
    for bad in (dict(kind="ones"), dict(kind="random", scale=0.0), dict(kind="random", seed=-1)):
        with pytest.raises(ValueError):
            core.initial_logits(4, **bad)
    with pytest.raises(ValueError):
        core.compare_runs(1, 0.1, "uniform", 1.0, 10, np.zeros(1))
    with pytest.raises(ValueError):
        core.compare_runs(3, 0.1, "uniform", -1.0, 10, np.zeros(3))


def test_every_chart_array_is_finite_at_the_extremes():
    for k, eps, prior, lr, steps in [(2, 1.0, "others", 10.0, 1000), (1000, 0.01, "others", 10.0, 2000),
                                     (3, 0.0, "uniform", 0.01, 10), (2, 0.5, "uniform", 10.0, 500)]:
        c = core.compare_runs(k, eps, prior, lr, steps, np.zeros(k))
        for name in ("true_logit", "wrong_mean", "wrong_min", "wrong_max", "mean_logit", "gap", "p_true", "loss",
                     "wrong_gradient", "theory_gap", "log_rate_time", "frame_logits", "frame_probs"):
            assert np.all(np.isfinite(getattr(c, name))), (name, k, eps, prior)


def test_thinned_keeps_both_ends_and_exact_records():
    c = core.compare_runs(5, 0.1, "others", 1.0, 50_000, np.zeros(5))
    thin = c.thinned(300)
    assert thin.steps.size == 300 and thin.steps[0] == 0 and thin.steps[-1] == 50_000
    index = np.searchsorted(c.steps, thin.steps)
    np.testing.assert_array_equal(thin.gap, c.gap[index])
    np.testing.assert_array_equal(thin.theory_gap, c.theory_gap[index])
    np.testing.assert_array_equal(thin.frame_logits, c.frame_logits)  # replay frames untouched
    assert c.thinned(5000) is c
    assert thin.optimal_gap == c.optimal_gap and thin.steps[-1] == c.total_steps


def test_needs_more_steps_only_when_more_steps_would_help():
    """The dynamics page's "give it more steps" notice: a slow run, not a finished one, not a bouncing one,
    not one without a finite optimum."""
    slow = core.compare_runs(10, 0.1, "uniform", 0.01, 100, np.zeros(10))
    assert slow.finite_optimum and slow.needs_more_steps
    assert not core.compare_runs(10, 0.1, "uniform", 1.0, 2000, np.zeros(10)).needs_more_steps
    bouncing = core.compare_runs(2, 0.3, "uniform", 10.0, 2000, np.zeros(2))
    assert bouncing.steps_to_tolerance is None and not bouncing.needs_more_steps
    for eps, prior in ((0.0, "uniform"), (1.0, "others")):
        c = core.compare_runs(3, eps, prior, 1.0, 100, np.zeros(3))
        assert not c.finite_optimum and not c.needs_more_steps


@pytest.mark.parametrize("log_steps", [False, True])
@pytest.mark.parametrize("total", [10, 2000, 100_000])
def test_growth_frames_grow_evenly_to_the_finished_run(log_steps, total):
    """A run drawn growing in the browser: each frame ends later than the one before, draws few points plus
    its last, and the last frame draws every record (the animation ends on the finished chart)."""
    c = core.compare_runs(10, 0.1, "uniform", 1.0, total, np.zeros(10)).thinned(600, log_steps)
    x = c.steps[c.drawn(log_steps)]
    frames = c.growth(log_steps)
    assert frames[-1].tolist() == list(range(x.size))
    ends = [int(f[-1]) for f in frames]
    assert ends == sorted(set(ends)) and len(frames) == len(ends)
    assert len(frames) == min(core.comparison.GROWTH_FRAMES, x.size if not log_steps else len(frames))
    for frame in frames[:-1]:
        assert frame.size <= core.comparison.GROWTH_POINTS + 1 and np.all(np.diff(frame) > 0) and frame[0] == 0
    if total == 2000:
        assert len(frames) >= 32, "enough distinct drawn states for a smooth run"
        shown = x[ends].astype(float)
        pace = np.diff(np.log10(shown[shown >= 10])) if log_steps else np.diff(shown)  # whole steps below 10
        assert pace.max() <= 2.5 * np.median(pace), "the frames advance at an even pace on the axis drawn"


def test_growth_frames_hand_cases():
    assert [f.tolist() for f in core.growth_frames(np.arange(3), frames=10)] == [[0], [0, 1], [0, 1, 2]]
    assert [f.tolist() for f in core.growth_frames(np.array([0, 5]), frames=2)] == [[0], [0, 1]]
    log = core.growth_frames(np.array([1, 10, 100, 1000, 10000]), log_steps=True, frames=3)
    assert [f.tolist() for f in log] == [[0], [0, 1, 2], [0, 1, 2, 3, 4]]


def test_log_thinning_keeps_the_first_decades():
    c = core.compare_runs(10, 0.1, "uniform", 1.0, 100_000, np.zeros(10))
    linear, log = c.thinned(600), c.thinned(600, log_steps=True)
    assert log.steps.size <= 600 and log.steps[0] == 0 and log.steps[-1] == 100_000
    assert np.sum((log.steps >= 1) & (log.steps <= 100)) > 2 * np.sum((linear.steps >= 1) & (linear.steps <= 100))
    assert np.all(np.diff(log.steps) > 0)


def test_log_chart_indices_and_growth_frames_exactly():
    """Hand-checked: for steps 0 … 1000 and 10 records on a log axis, 5 evenly spaced records (0, 250, …, 1000)
    and 5 spaced evenly in log step from the first positive step (1, 10^0.75 ≈ 5.6 → 6, 31.6 → 32, 178, 1000)."""
    from lsr_core.comparison import _chart_indices

    assert _chart_indices(np.arange(1001), 10, True).tolist() == [0, 1, 6, 32, 178, 250, 500, 750, 1000]
    assert _chart_indices(np.arange(1001), 10, False).tolist() == [0, 111, 222, 333, 444, 556, 667, 778, 889, 1000]
    # frames end at steps 1, 10, 100 (and 1000); each draws the log pool's records before its end, then its end:
    # the pool is evenly [0, 500, 999] plus log-spaced [0, 31, 999] (a linear pool would skip index 31)
    log = core.growth_frames(np.arange(1, 1001), log_steps=True, frames=4, points=6)
    assert [f.tolist() for f in log[:3]] == [[0], [0, 9], [0, 31, 99]]
    linear = core.growth_frames(np.arange(1, 1001), log_steps=False, frames=4, points=6)
    assert [f.tolist() for f in linear[:3]] == [[0, 200, 249], [0, 200, 400, 499], [0, 200, 400, 599, 749]]


def test_a_two_record_run_drops_step_0_on_a_log_axis():
    c = core.compare_runs(3, 0.1, "uniform", 1.0, 1, np.zeros(3))
    assert c.steps.tolist() == [0, 1] and c.drawn(True) == slice(1, None) and c.drawn(False) == slice(None)
