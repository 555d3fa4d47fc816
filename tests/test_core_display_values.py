"""The core fields the pages show and the figures draw, each against a hand value or an independent
computation, and exactly at its boundaries (issue 13: no maths in pages or figure builders)."""

import dataclasses

import numpy as np
import pytest

import lsr_core as core
from lsr_core import experiment, regulariser


# ---------------------------------------------------------------- regulariser terms

def test_terms_at_a_gap_by_hand():
    # K = 2, ε = 0.2, ε/K: q′ = (0.9, 0.1), u = (½, ½); z = (g, 0) with g = log 3: p = (¾, ¼)
    terms = core.regulariser_terms(2, 0.2, "uniform", np.linspace(-1.0, 1.0, 5))
    here = terms.at(np.log(3.0))
    assert here.gap == np.log(3.0)
    assert here.weighted_data == pytest.approx(0.8 * -np.log(0.75), rel=1e-14)
    assert here.weighted_prior == pytest.approx(0.2 * -(np.log(0.75) + np.log(0.25)) / 2, rel=1e-14)
    assert here.total == pytest.approx(-(0.9 * np.log(0.75) + 0.1 * np.log(0.25)), rel=1e-14)
    assert here.kl == pytest.approx(0.5 * np.log(0.5 / 0.75) + 0.5 * np.log(0.5 / 0.25), rel=1e-14)


def test_weighted_terms_sum_to_the_total_and_the_weight_is_eps_over_one_minus_eps():
    terms = core.regulariser_terms(6, 0.25, "others", np.linspace(-5, 15, 81))
    np.testing.assert_allclose(terms.weighted_data, 0.75 * terms.data_term, rtol=1e-15)
    np.testing.assert_allclose(terms.weighted_prior, 0.25 * terms.prior_term, rtol=1e-15)
    np.testing.assert_allclose(terms.weighted_data + terms.weighted_prior, terms.total, rtol=1e-14)
    assert terms.prior_weight == pytest.approx(1 / 3)
    assert core.regulariser_terms(6, 1.0, "uniform", [0.0]).prior_weight == float("inf")
    assert core.regulariser_terms(6, 0.0, "uniform", [0.0]).prior_weight == 0.0
    assert terms.num_classes == 6 and terms.prior == "others"


def test_minimum_gap_is_the_grid_point_nearest_the_closed_form():
    gaps = np.linspace(-5, 15, 401)
    terms = core.regulariser_terms(10, 0.1, "uniform", gaps)
    closed = core.optimal_logit_gap(10, 0.1)
    assert terms.minimum_gap == gaps[np.abs(gaps - closed).argmin()]


def test_point_on_grid_at_the_edges():
    terms = core.regulariser_terms(3, 0.3, "uniform", np.array([-1.0, 0.0, 2.0]))
    assert terms.point_on_grid(-1.0) == (-1.0, terms.at(-1.0).total)
    assert terms.point_on_grid(2.0)[0] == 2.0
    assert terms.point_on_grid(2.0 + 1e-9) is None and terms.point_on_grid(-1.0 - 1e-9) is None
    assert terms.point_on_grid(float("nan")) is None and terms.point_on_grid(float("-inf")) is None


def test_logits_with_gap():
    np.testing.assert_array_equal(core.logits_with_gap(4, [1.5, -2.0]), [[1.5, 0, 0, 0], [-2.0, 0, 0, 0]])


# ---------------------------------------------------------------- label dropout

def test_standard_error_uses_the_sample_variance_from_the_draws_themselves():
    """The draws are recoverable from the running mean gradient (p − counts/N), so the loss's sample
    variance (with N − 1) can be computed independently of the running sums the core uses."""
    z = np.array([1.0, 0.0, -0.5])
    d = core.label_dropout(z, 0, 0.6, max_draws=400, seed=4, checkpoints=20)
    p = core.softmax(z)
    losses = -np.log(p)
    for index, n in enumerate(d.draws):
        counts = np.rint((p - d.mean_gradient[index]) * n).astype(int)
        assert counts.sum() == n
        mean = (counts * losses).sum() / n
        assert d.mean_loss[index] == pytest.approx(mean, rel=1e-12)
        if n > 1:
            variance = (counts * (losses - mean) ** 2).sum() / (n - 1)
            assert d.standard_error[index] == pytest.approx(np.sqrt(variance / n), rel=1e-9, abs=1e-15)
    assert d.draws[0] == 1 and d.standard_error[0] == 0.0


def test_band_reference_and_log_axis_floor():
    d = core.label_dropout(np.array([0.5, 0.0]), 0, 0.4, max_draws=1000, seed=1)
    np.testing.assert_array_equal(d.band_low, d.mean_loss - 2 * d.standard_error)
    np.testing.assert_array_equal(d.band_high, d.mean_loss + 2 * d.standard_error)
    np.testing.assert_allclose(d.reference_error, 1 / np.sqrt(d.draws))
    assert d.reference_error[0] == 1.0
    # the floor only lifts exact zeros (a checkpoint whose counts match q′ exactly has one)
    np.testing.assert_array_equal(d.gradient_error_for_log_axis, np.where(d.gradient_error == 0, 1e-12, d.gradient_error))
    assert np.all((d.gradient_error == 0) | (d.gradient_error > 1e-6))
    zero = core.label_dropout(np.array([0.5, 0.0]), 0, 0.0, max_draws=10, seed=1)
    assert np.all(zero.gradient_error == 0) and np.all(zero.gradient_error_for_log_axis == 1e-12)


# ---------------------------------------------------------------- gap explorer

def test_gap_sweep_worst_error_is_the_largest_absolute_difference():
    sweep = core.GapSweep(3, np.array([0.1, 0.2, 0.3]), np.array([1.0, 2.0, 3.0]), np.array([1.5, 1.0, 3.25]))
    assert sweep.worst_error == 1.0


def test_prior_optimum_counts_the_excluded_classes():
    result = core.prior_optimum(4, 0.2, core.normalised_prior([1, 0, 0, 1]))
    np.testing.assert_allclose(result.targets, [0.9, 0.0, 0.0, 0.1])
    assert result.excluded == 2 and np.isneginf(result.logits[1:3]).all()
    assert np.isfinite(result.logits[[0, 3]]).all() and result.logits[0] - result.logits[3] == pytest.approx(np.log(9))
    assert core.prior_optimum(4, 0.2, "uniform").excluded == 0
    assert core.prior_optimum(4, 0.0, "uniform").excluded == 3   # ε = 0: one-hot, every wrong class excluded


def test_uniform_equivalent_round_trips_equivalent_eps():
    for k in (2, 3, 10, 1000):
        for eps in (0.0, 0.05, 0.5, 1.0):
            others = core.equivalent_eps(eps, k, "uniform", "others")
            assert core.uniform_equivalent(others, k) == pytest.approx(eps, abs=1e-15)


# ---------------------------------------------------------------- by hand

def test_hand_example_by_hand():
    h = core.by_hand([0.0, 0.0], 0, 0.2, "others")
    np.testing.assert_array_equal(h.p, [0.5, 0.5])
    np.testing.assert_allclose(h.smoothed, [0.8, 0.2])
    assert h.loss_one_hot == pytest.approx(np.log(2)) and h.loss_smoothed == pytest.approx(np.log(2))
    np.testing.assert_allclose(h.step_one_hot, [0.5, -0.5])
    np.testing.assert_allclose(h.step_smoothed, [0.3, -0.3])
    np.testing.assert_allclose(h.log_odds, [0.0, 0.0], atol=1e-15)
    assert h.p_true == 0.5 and h.label == 0
    other = core.by_hand([3.0, 1.0, 1.0], 2, 0.0, "uniform")
    assert other.p_true == pytest.approx(np.exp(1) / (np.exp(3) + 2 * np.exp(1)))
    assert other.loss_one_hot == pytest.approx(-np.log(other.p_true))


def test_shift_logits_stops_exactly_at_the_slider_range():
    assert core.shift_logits((9.0, 0.0), 1.0, -10.0, 10.0) == (10.0, 1.0)
    assert core.shift_logits((9.01, 0.0), 1.0, -10.0, 10.0) is None
    assert core.shift_logits((-9.0, 0.0), -1.0, -10.0, 10.0) == (-10.0, -1.0)
    assert core.shift_logits((-9.01, 0.0), -1.0, -10.0, 10.0) is None
    assert core.shift_logits((0.1, 0.2), 1.0, -10.0, 10.0) == (1.1, 1.2)   # rounded to the sliders' 0.01


@pytest.mark.parametrize("guesses, step, expected", [
    (["↑", "↓", "↓"], [0.4, -0.3, -0.1], (3, 3, 0)),
    (["↓", "↑", "↓"], [0.4, -0.3, -0.1], (1, 3, 0)),
    ([None, None, "↓"], [0.4, -0.3, -0.1], (1, 3, 0)),
    (["↑", "↑", "↓"], [0.0, 0.0, 0.0], (0, 0, 3)),
    (["↑", "↓"], [1e-300, -1e-300], (2, 2, 0)),
])
def test_guess_score(guesses, step, expected):
    assert dataclasses.astuple(core.guess_score(guesses, np.array(step))) == expected


# ---------------------------------------------------------------- derivation checks

def test_gradient_check_fields():
    check = core.gradient_check(5, 7, 0.2, "others")
    np.testing.assert_array_equal(check.z, core.initial_logits(5, "random", 7, 2.0))
    np.testing.assert_allclose(check.p, np.exp(check.z) / np.exp(check.z).sum(), rtol=1e-14)
    np.testing.assert_allclose(check.q, [0.8, 0.05, 0.05, 0.05, 0.05])
    np.testing.assert_allclose(check.analytic, check.p - check.q, rtol=1e-14)
    np.testing.assert_array_equal(check.difference, check.numeric - check.analytic)
    assert check.worst == np.abs(check.numeric - check.analytic).max() and 0 < check.worst < 1e-8
    assert abs(check.analytic_sum) < 1e-15


def test_optimum_check_compares_sympy_with_numpy():
    check = core.optimum_check("others", ((3, 0.1), (8, 0.5)))
    np.testing.assert_array_equal(check.classes, [3, 8])
    np.testing.assert_array_equal(check.eps, [0.1, 0.5])
    np.testing.assert_allclose(check.numpy, [np.log(2 * 0.9 / 0.1), np.log(7)], rtol=1e-14)
    np.testing.assert_allclose(check.sympy, check.numpy, rtol=1e-12)
    np.testing.assert_array_equal(check.difference, check.sympy - check.numpy)


# ---------------------------------------------------------------- training

def test_experiment_settings_by_name_and_their_thresholds():
    s = core.ExperimentSettings(num_classes=5, overlap=0.4, noise=0.0, train_size=100, seed=0, eps=0.1)
    assert s.chance == 0.2 and s.examples_per_class == 20.0 and not s.tiny_data   # exactly 20 per class is enough
    assert dataclasses.replace(s, train_size=99).tiny_data
    assert hash(s) == hash(dataclasses.replace(s)) and s.prior == "uniform" and s.epochs == 60


def test_settings_run_is_run_experiment_by_name():
    s = core.ExperimentSettings(3, 0.5, 0.1, 60, 1, 0.2, "others", epochs=2)
    seen = []
    a, b = s.run(seen.append), core.run_experiment(3, 0.5, 0.1, 60, 1, 0.2, "others", epochs=2)
    np.testing.assert_array_equal(a.smoothed.test_logits, b.smoothed.test_logits)
    assert (a.eps, a.prior, a.data.num_classes, a.one_hot.epochs.size) == (0.2, "others", 3, 3)
    assert seen[-1] == 1.0


def test_near_chance_boundary(default_experiment):
    e = default_experiment
    accuracy = e.one_hot.metrics.test_accuracy
    at = dataclasses.replace(e.one_hot, metrics=dataclasses.replace(e.one_hot.metrics, test_accuracy=1.5 / 5))
    below = dataclasses.replace(e.one_hot, metrics=dataclasses.replace(e.one_hot.metrics, test_accuracy=0.2999))
    assert not dataclasses.replace(e, one_hot=at).near_chance and dataclasses.replace(e, one_hot=below).near_chance
    assert accuracy > 0.3 and not e.near_chance


def test_best_and_final_test_loss(default_experiment):
    run = default_experiment.one_hot
    assert run.best_test_loss == min(run.test_loss) and run.final_test_loss == run.test_loss[60]
    assert run.best_test_loss < run.final_test_loss   # the one-hot model over-fits its NLL on the default seed


def test_histogram_and_gap_summary_by_hand():
    summary = core.gap_summary([np.array([0.0, 1.0, 2.0, 3.0]), np.array([3.0, 3.0])], bins=3)
    h = summary.histogram
    np.testing.assert_array_equal(h.edges, [0.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(h.counts, [[1, 1, 2], [0, 0, 2]])
    np.testing.assert_array_equal(h.centres, [0.5, 1.5, 2.5])
    assert h.width == 1.0 and h.highest == 2.0
    assert summary.medians == (1.5, 3.0) and summary.p95 == (pytest.approx(2.85), 3.0)
    assert experiment.Histogram(np.array([0.0, 1.0]), np.zeros((0, 1))).highest == 1.0


def test_reliability_bins():
    rel = core.reliability(np.array([[0.95, 0.05], [0.55, 0.45], [0.1, 0.9]]), np.array([0, 1, 1]), n_bins=10)
    np.testing.assert_array_equal(np.flatnonzero(rel.filled), [5, 8, 9])
    np.testing.assert_allclose(rel.centres, np.arange(10) / 10 + 0.05)
    assert rel.width == pytest.approx(0.1)


def test_temperature_is_fitted_on_the_validation_split_and_its_metrics_are_right(default_experiment):
    """Pins the split temperature scaling is fitted on (validation, never test), and the scaled model's NLL
    and ECE against a computation written out here."""
    e = default_experiment
    assert e.temperature == core.fit_temperature(e.one_hot.val_logits, e.data.y_val)
    assert e.temperature != core.fit_temperature(e.one_hot.test_logits, e.data.y_test)
    z, y, T = e.one_hot.test_logits, e.data.y_test, e.temperature
    scaled = z / T
    log_p = scaled - scaled.max(axis=1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    assert e.temperature_metrics.test_nll == pytest.approx(-log_p[np.arange(y.size), y].mean(), rel=1e-12)
    p = np.exp(log_p)
    confidence, predicted = p.max(axis=1), p.argmax(axis=1)
    ece = 0.0
    for low in np.arange(15) / 15:
        inside = (confidence > low) & (confidence <= low + 1 / 15)
        if inside.any():
            ece += inside.mean() * abs((predicted[inside] == y[inside]).mean() - confidence[inside].mean())
    assert e.temperature_metrics.ece == pytest.approx(ece, rel=1e-9)
    assert e.temperature_metrics.test_accuracy == e.one_hot.metrics.test_accuracy
    assert e.temperature_metrics.mean_confidence == pytest.approx(confidence.mean(), rel=1e-12)


@pytest.mark.parametrize("truth", [0.5, 3.0, 15.0])
def test_fit_temperature_reaches_a_large_optimum_and_the_range_edge(truth):
    rng = np.random.default_rng(5)
    z = 4 * rng.standard_normal((4000, 3))
    labels = np.array([rng.choice(3, p=p) for p in core.softmax(z / truth)])
    fitted = core.fit_temperature(z, labels)
    nll = lambda t: core.negative_log_likelihood(z / t, labels)
    assert nll(fitted) <= min(nll(fitted * 1.01), nll(fitted / 1.01)) + 1e-12
    assert fitted == pytest.approx(truth, rel=0.15)
    # all predictions no better than chance: the NLL falls towards T → ∞, so the fit is the range's top
    flat = core.fit_temperature(np.array([[2.0, 0.0]] * 4), np.array([0, 1, 0, 1]))
    assert flat == core.calibration.TEMPERATURE_RANGE[1]


# ---------------------------------------------------------------- dynamics and landscape

def test_scene_by_name():
    scene = core.Scene(num_classes=4, eps=0.1, prior="uniform", lr=1.0, steps=10, init="random", seed=2, scale=0.5)
    np.testing.assert_array_equal(scene.start(), core.initial_logits(4, "random", 2, 0.5))
    assert np.all(core.Scene(3, 0.1, "uniform", 1.0, 10).start() == 0)
    assert {scene: 1}[dataclasses.replace(scene)] == 1   # hashable and equal by value: usable as a cache key


def test_comparison_display_fields():
    c = core.compare_runs(4, 0.1, "uniform", 1.0, 100, np.array([0.0, 1.0, -1.0, 0.0]), num_records=11)
    assert c.wrong_spread(0) and c.wrong_spread(1)
    equal = core.compare_runs(4, 0.1, "uniform", 1.0, 100, np.zeros(4), num_records=11)
    assert not equal.wrong_spread(0) and not equal.wrong_spread(1)
    assert not core.compare_runs(2, 0.1, "uniform", 1.0, 10, np.array([0.0, 3.0])).wrong_spread(0)   # one wrong logit
    low, high = c.frame_logit_range
    lowest, highest = min(c.frame_logits.min(), 0.0), max(c.frame_logits.max(), 0.0)
    pad = 0.05 * (highest - lowest) + 1e-9
    assert (low, high) == (pytest.approx(lowest - pad), pytest.approx(highest + pad))


def test_landscape_display_fields():
    scape = core.loss_landscape(0.2, "uniform", (0.0, 20.0), 1.0, 50)
    one_hot, smoothed = scape.shading
    np.testing.assert_allclose(one_hot, np.log(1 + scape.loss_one_hot), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(smoothed, np.log(1 + scape.loss_smoothed), rtol=1e-12, atol=1e-15)
    assert scape.shading_top == pytest.approx(np.log(1 + max(scape.loss_one_hot.max(), scape.loss_smoothed.max())))
    assert scape.path_inside(scape.path_one_hot).shape == (0, 2)
    edge = np.array([[-4.0, 16.0], [-4.01, 0.0], [0.0, 16.01], [3.0, 3.0]])
    np.testing.assert_array_equal(scape.path_inside(edge), [[-4.0, 16.0], [3.0, 3.0]])
    assert scape.finite_optimum and not core.loss_landscape(1.0, "others", (0, 0), 1.0, 5).finite_optimum


@pytest.mark.parametrize("k", [2, 3, 10])
def test_has_finite_optimum_at_its_boundaries(k):
    assert not core.has_finite_optimum(k, 0.0, "uniform") and not core.has_finite_optimum(k, 0.0, "others")
    assert core.has_finite_optimum(k, 1e-300, "uniform")
    assert core.has_finite_optimum(k, 1.0, "uniform")
    assert not core.has_finite_optimum(k, 1.0, "others")
    assert core.has_finite_optimum(k, np.nextafter(1.0, 0.0), "others")


def test_cluster_shape_of_a_3_4_5_triangle_by_hand():
    # clusters of two points ±(0.1, 0) around corners at distances 3, 4 and 5 from each other
    corners = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 4.0]])
    points = np.concatenate([c + np.array([[0.1, 0.0], [-0.1, 0.0]]) for c in corners])
    p = core.TemplateProjection((0, 1, 2), points, np.repeat([0, 1, 2], 2), corners)
    spread, unevenness = p.cluster_shape()
    assert spread == pytest.approx(0.1 / 4.0, rel=1e-12)
    assert unevenness == pytest.approx(np.sqrt(2 / 3) / 4.0, rel=1e-12)


def test_shift_logits_rounds_to_hundredths():
    assert core.shift_logits((0.123, -0.456), 1.0, -10.0, 10.0) == (1.12, 0.54)


def test_uniform_equivalent_clips_rounding_above_one():
    assert core.uniform_equivalent(0.9 + 1e-14, 10) == 1.0


@pytest.mark.parametrize("eps, prior, expected", [(0.0, "uniform", float("inf")), (0.3, "others", np.log(2 * 0.7 / 0.3)),
                                                   (0.3, "uniform", np.log(1 + 3 * 0.7 / 0.3))])
def test_experiment_optimal_gap(eps, prior, expected):
    e = core.ExperimentSettings(3, 0.5, 0.0, 30, 0, eps, prior, epochs=1).run()
    assert e.optimal_gap() == pytest.approx(expected, rel=1e-12)


def test_replay_frames_sit_at_round_steps_when_every_step_is_recorded():
    c = core.compare_runs(3, 0.1, "uniform", 1.0, 2000, np.zeros(3))
    assert c.frame_steps.tolist() == list(range(0, 2001, 50))
    short = core.compare_runs(3, 0.1, "uniform", 1.0, 7, np.zeros(3))
    assert short.frame_steps.tolist() == list(range(8))
    long = core.compare_runs(3, 0.1, "uniform", 1.0, 100_000, np.zeros(3))
    assert long.frame_steps.size <= 60 and long.frame_steps[0] == 0 and long.frame_steps[-1] == 100_000


def test_default_arguments_the_pages_rely_on():
    sample = [np.linspace(0.0, 1.0, 7)]
    assert core.gap_summary(sample).histogram.counts.shape == (1, 60)
    from lsr_core import conventions
    assert conventions.q_inside_log(4, 0.1) == conventions.q_inside_log(4, 0.1, seed=0)
    assert conventions.q_inside_log(4, 0.1) != conventions.q_inside_log(4, 0.1, seed=1)


def test_logit_gaps_per_row():
    np.testing.assert_allclose(core.logit_gaps(np.array([[3.0, 1.0, 0.0], [0.0, 2.0, 1.0]]), np.array([0, 1])), [2.5, 1.5])


def test_wrong_spread_needs_two_differing_wrong_logits():
    three = core.compare_runs(3, 0.1, "uniform", 1.0, 10, np.array([0.0, 1.0, -1.0]))
    assert three.wrong_spread(0) and three.wrong_spread(1)


def test_normalised_prior_edges():
    np.testing.assert_allclose(core.normalised_prior([0.3, 0.2]), [0.6, 0.4])   # weights summing to less than 1
    with pytest.raises(ValueError):
        core.normalised_prior([2.0, -1.0])                                      # positive sum, one negative weight


@pytest.mark.parametrize("eps", [1e-310, 5e-324])
def test_optimal_gap_for_a_subnormal_eps_is_finite_and_right(eps):
    # K(1 − ε)/ε overflows to inf here; the gap is log(K(1 − ε) + ε) − log ε, by hand about 716 (or 746)
    gap = core.optimal_logit_gap(10, eps)
    assert np.isfinite(gap) and gap == pytest.approx(np.log(10.0) - np.log(eps), rel=1e-15)
    assert core.optimal_logit_gap(10, np.array([eps, 0.5]))[1] == pytest.approx(np.log1p(10 * 0.5 / 0.5))


def test_trained_results_are_read_only_because_sessions_share_them(default_experiment):
    run = default_experiment.smoothed
    for array in (run.test_logits, run.test_features, run.train_features, run.val_logits):
        assert not array.flags.writeable
    assert run.test_features.shape == (2000, 64) and run.train_features.shape == (1000, 64)
