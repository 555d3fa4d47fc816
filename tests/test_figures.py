"""Each figure shows exactly the arrays the core returned (scikit-learn's display test habit)."""

import numpy as np
import pytest

import lsr_core as core
from pages.ui import figures, palette

LABELS = {key: key for key in (
    "title x y one_hot smoothed true_class wrong_class optimum theory true_logit wrong_mean wrong_band mean_logit "
    "y_prob y_loss target floor prob_title loss_title logits_title probs_title y_logit play pause step").split()}


def by_name(fig, name):
    matches = [trace for trace in fig.data if trace.name == name]
    assert len(matches) == 1, f"{name}: {[t.name for t in fig.data]}"
    return matches[0]


@pytest.fixture(scope="module")
def comparison():
    start = core.initial_logits(12, "random", seed=3, scale=1.5)
    return core.compare_runs(12, 0.2, "others", 1.0, 3000, start, num_records=301)


def test_targets_figure_holds_the_target_vectors():
    one_hot, smoothed = core.one_hot(0, 5), core.smooth_targets(0, 5, 0.3)
    fig = figures.targets_figure(one_hot, smoothed, LABELS)
    np.testing.assert_array_equal(by_name(fig, "one_hot").y, one_hot)
    np.testing.assert_array_equal(by_name(fig, "smoothed").y, smoothed)
    assert by_name(fig, "one_hot").marker.color == palette.ONE_HOT
    assert by_name(fig, "smoothed").marker.pattern.shape == palette.SMOOTHED_PATTERN  # not colour alone


@pytest.mark.parametrize("log_steps", [False, True])
def test_gap_figure(comparison, log_steps):
    c = comparison
    fig = figures.gap_figure(c, LABELS, log_steps)
    keep = slice(1, None) if log_steps else slice(None)
    np.testing.assert_array_equal(by_name(fig, "one_hot").x, c.steps[keep])
    np.testing.assert_array_equal(by_name(fig, "one_hot").y, c.gap[keep, 0])
    np.testing.assert_array_equal(by_name(fig, "smoothed").y, c.gap[keep, 1])
    np.testing.assert_array_equal(by_name(fig, "theory").y, c.theory_gap[keep])
    optimum = by_name(fig, "optimum")
    assert list(optimum.y) == [c.optimal_gap, c.optimal_gap] and optimum.line.dash == palette.OPTIMUM_DASH
    assert fig.layout.xaxis.type == ("log" if log_steps else "linear")
    expected = [0.0, np.log10(c.total_steps)] if log_steps else [0, c.total_steps]
    np.testing.assert_allclose(fig.layout.xaxis.range, expected)
    assert by_name(fig, "one_hot").line.dash != by_name(fig, "smoothed").line.dash


def test_gap_figure_without_finite_optimum():
    c = core.compare_runs(4, 0.0, "uniform", 1.0, 100, np.zeros(4))
    names = [trace.name for trace in figures.gap_figure(c, LABELS).data]
    assert "optimum" not in names
    for trace in figures.gap_figure(c, LABELS).data:
        assert np.all(np.isfinite(np.asarray(trace.y, dtype=float)))


def test_logits_figure(comparison):
    c = comparison
    fig = figures.logits_figure(c, LABELS)
    np.testing.assert_array_equal(by_name(fig, "one_hot · true_logit").y, c.true_logit[:, 0])
    np.testing.assert_array_equal(by_name(fig, "smoothed · wrong_mean").y, c.wrong_mean[:, 1])
    np.testing.assert_array_equal(by_name(fig, "smoothed · wrong_band").y, c.wrong_min[:, 1])
    np.testing.assert_array_equal(by_name(fig, "mean_logit").y, c.mean_logit[:, 0])
    assert by_name(fig, "one_hot · true_logit").line.color == palette.TRUE_CLASS
    assert by_name(fig, "one_hot · wrong_mean").line.color == palette.WRONG_CLASS


def test_probability_loss_and_gradient_figures(comparison):
    c = comparison
    fig = figures.probability_loss_figure(c, LABELS)
    p_traces = [trace for trace in fig.data if trace.name == "one_hot" and trace.xaxis == "x"]
    np.testing.assert_array_equal(p_traces[0].y, c.p_true[:, 0])
    loss = [trace for trace in fig.data if trace.xaxis == "x2" and trace.legendgroup == "smoothed" and len(trace.y) > 2]
    np.testing.assert_array_equal(loss[0].y, c.loss[:, 1])
    assert list(by_name(fig, "smoothed · floor").y) == [c.loss_floor[1]] * 2
    grad = figures.wrong_gradient_figure(c, LABELS)
    np.testing.assert_array_equal(by_name(grad, "smoothed").y, c.wrong_gradient[:, 1])
    assert grad.layout.yaxis.type == "log" and np.all(c.wrong_gradient > 0)


def test_replay_figure_frames_hold_the_recorded_bars(comparison):
    c = comparison
    fig = figures.replay_figure(c, LABELS)
    assert len(fig.frames) == c.frame_steps.size <= 60
    middle = len(fig.frames) // 2
    frame = fig.frames[middle]
    np.testing.assert_array_equal(frame.data[0].y, c.frame_logits[middle, 0])
    np.testing.assert_array_equal(frame.data[3].y, c.frame_probs[middle, 1])
    assert fig.layout.xaxis.type == "category" and list(fig.data[0].x)[0] == "0★"
    assert [step.label for step in fig.layout.sliders[0].steps][-1] == f"{c.frame_steps[-1]:,}"
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    # each panel's y axis names what it shows: logits on the left, probabilities on the right
    assert fig.layout.yaxis.title.text == LABELS["y_logit"] and fig.layout.yaxis2.title.text == LABELS["y_prob"]


def test_large_scene_keeps_figures_small():
    c = core.compare_runs(1000, 0.1, "uniform", 1.0, 5000, np.zeros(1000), num_records=2001)
    assert c.frame_logits.shape == (c.frame_steps.size, 2, 20)
    size = len(figures.replay_figure(c, LABELS).to_json()) + len(figures.gap_figure(c, LABELS).to_json())
    assert size < 1_000_000
