"""Each figure shows exactly the arrays the core returned, on the axis it belongs to (scikit-learn's
display-test habit): every builder, every trace looked up by name, never by position. Where a builder
draws a derived series (a weighted term, a band), the expected values are computed here independently."""

import base64

import numpy as np
import pytest

import lsr_core as core
from pages.ui import figures, palette
from pages.ui.formatting import compact_count

KEYS = ("title x y one_hot smoothed true_class wrong_class optimum theory true_logit wrong_mean wrong_band mean_logit "
        "y_prob y_loss target floor prob_title loss_title logits_title probs_title y_logit play pause step p data prior "
        "total current y_error mean band exact error reference path start end minimum loss sweep finite infinite "
        "y_accuracy y_count accuracy confidence diagonal count train test error_title run optimum_note one_hot_note").split()
LABELS = {key: key for key in KEYS} | {"class": "class {k}"}


def array(values) -> np.ndarray:
    """A trace's data as an array, also where Plotly holds it as a typed array ({"dtype", "bdata"})."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values)


def by_name(fig, name):
    matches = [trace for trace in fig.data if trace.name == name]
    assert len(matches) == 1, f"{name}: {[t.name for t in fig.data]}"
    return matches[0]


def axes(trace) -> tuple[str, str]:
    return trace.xaxis or "x", trace.yaxis or "y"


def names(fig) -> list[str]:
    return [trace.name for trace in fig.data]


def assert_no_nan_or_inf(fig):
    for trace in fig.data:
        for values in (trace.x, trace.y, getattr(trace, "z", None)):
            if values is not None and len(values) and not isinstance(np.asarray(values).flat[0], str):
                assert np.all(np.isfinite(np.asarray(values, dtype=float))), trace.name


@pytest.fixture(scope="module")
def comparison():
    start = core.initial_logits(12, "random", seed=3, scale=1.5)
    return core.compare_runs(12, 0.2, "others", 1.0, 3000, start, num_records=301)


@pytest.fixture(scope="module")
def small():
    return core.ExperimentSettings(4, 0.5, 0.1, 200, 3, 0.2, "others", epochs=5).run()


# ---------------------------------------------------------------- home

def test_targets_figure_holds_the_target_vectors():
    one_hot, smoothed = core.one_hot(0, 5), core.smooth_targets(0, 5, 0.3)
    fig = figures.targets_figure(one_hot, smoothed, LABELS)
    np.testing.assert_array_equal(by_name(fig, "one_hot").y, [1, 0, 0, 0, 0])
    np.testing.assert_allclose(by_name(fig, "smoothed").y, [0.76, 0.06, 0.06, 0.06, 0.06], rtol=1e-12)
    np.testing.assert_array_equal(by_name(fig, "smoothed").x, np.arange(5))
    assert by_name(fig, "one_hot").marker.color == palette.ONE_HOT
    assert by_name(fig, "smoothed").marker.pattern.shape == palette.SMOOTHED_PATTERN  # not colour alone
    assert list(fig.layout.xaxis.ticktext) == ["0★", "1", "2", "3", "4"]


# ---------------------------------------------------------------- by hand

def test_probabilities_figure_bars_and_targets():
    h = core.by_hand([1.0, 2.0, 0.0], 1, 0.3, "uniform")
    fig = figures.probabilities_figure(h.p, h.one_hot, h.smoothed, 1, LABELS)
    p = np.exp([1.0, 2.0, 0.0]) / np.exp([1.0, 2.0, 0.0]).sum()
    true, wrong = by_name(fig, "p · true_class"), by_name(fig, "p · wrong_class")
    np.testing.assert_allclose(true.y, p[[1]], rtol=1e-14)
    np.testing.assert_allclose(wrong.y, p[[0, 2]], rtol=1e-14)
    assert list(true.x) == ["1★"] and list(wrong.x) == ["0", "2"]
    # each colour has its own legend entry (the legend used to explain only the blue bar)
    assert (true.marker.color, wrong.marker.color) == (palette.TRUE_CLASS, palette.WRONG_CLASS)
    assert list(fig.layout.xaxis.categoryarray) == ["0", "1★", "2"]
    np.testing.assert_array_equal(by_name(fig, "one_hot").y, [0, 1, 0])
    np.testing.assert_allclose(by_name(fig, "smoothed").y, [0.1, 0.8, 0.1], rtol=1e-12)


def test_logit_step_figure_holds_minus_the_gradient():
    h = core.by_hand([0.0, 0.0], 0, 0.2, "others")
    fig = figures.logit_step_figure(h.step_one_hot, h.step_smoothed, 0, LABELS)
    np.testing.assert_allclose(by_name(fig, "one_hot").y, [0.5, -0.5])      # -(p - q) by hand: p = (½, ½)
    np.testing.assert_allclose(by_name(fig, "smoothed").y, [0.3, -0.3])     # q = (0.8, 0.2)
    assert list(fig.layout.yaxis.range) == [-1.15, 1.15]


# ---------------------------------------------------------------- dynamics

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
    assert list(optimum.x) == [c.steps[keep][0], c.total_steps]
    assert optimum.y[0] == pytest.approx(np.log(11 * 0.8 / 0.2))   # K = 12, ε/(K−1): log((K−1)(1−ε)/ε)
    assert fig.layout.xaxis.type == ("log" if log_steps else "linear")
    expected = [0.0, np.log10(c.total_steps)] if log_steps else [0, c.total_steps]
    np.testing.assert_allclose(fig.layout.xaxis.range, expected)
    assert by_name(fig, "one_hot").line.dash != by_name(fig, "smoothed").line.dash
    # the takeaway on the chart: the optimum's note on its dashed line, the one-hot law at the one-hot curve's end,
    # both at the right edge (log10 units on a log axis), on opposite sides so they cannot overlap
    notes = {note.name: note for note in fig.layout.annotations}
    assert set(notes) == {"optimum_note", "one_hot_note"}
    edge = np.log10(c.total_steps) if log_steps else c.total_steps
    assert notes["optimum_note"].text == "optimum_note" and notes["optimum_note"].y == c.optimal_gap
    assert notes["one_hot_note"].text == "one_hot_note" and notes["one_hot_note"].y == c.gap[-1, 0]
    assert all(note.x == pytest.approx(edge) and note.xanchor == "right" for note in notes.values())
    assert c.gap[-1, 0] > c.optimal_gap
    assert (notes["one_hot_note"].yanchor, notes["optimum_note"].yanchor) == ("bottom", "top")
    assert notes["optimum_note"].font.color == palette.SMOOTHED and notes["one_hot_note"].font.color == palette.ONE_HOT


def test_gap_notes_swap_sides_when_the_one_hot_gap_ends_below_the_optimum():
    """A short run: the one-hot gap is still below the optimum at its end; the notes swap sides."""
    c = core.compare_runs(3, 0.01, "uniform", 0.1, 20, np.zeros(3))
    assert c.gap[-1, 0] < c.optimal_gap
    notes = {note.name: note for note in figures.gap_figure(c, LABELS).layout.annotations}
    assert (notes["one_hot_note"].yanchor, notes["optimum_note"].yanchor) == ("top", "bottom")


@pytest.mark.parametrize("builder", [figures.gap_figure, figures.logits_figure])
@pytest.mark.parametrize("log_steps", [False, True])
def test_run_button_draws_the_curves_growing_to_the_finished_chart(comparison, builder, log_steps):
    """The gap and logits charts carry a client-side Run: frames from `Comparison.growth`, each trace drawn at
    the records' steps grows through the frames' indices and ends on its finished data; the optimum stays."""
    c = comparison
    fig = builder(c, LABELS, log_steps)
    x = c.steps[c.drawn(log_steps)]
    growth = c.growth(log_steps)
    assert len(fig.frames) == len(growth) >= 20
    grown = [i for i, trace in enumerate(fig.data) if len(trace.x) == x.size]
    assert len(grown) >= 3 and all(list(frame.traces) == grown for frame in fig.frames)
    if builder is figures.gap_figure:
        assert fig.data[-1].name == "optimum" and len(fig.data) - 1 not in grown
    for frame, index in zip(fig.frames, growth):
        for i, drawn in zip(frame.traces, frame.data):
            np.testing.assert_array_equal(array(drawn.x), x[index])
            finished = np.asarray(fig.data[i].y)[index]
            if frame is fig.frames[-1]:
                assert array(drawn.y).dtype == np.float64
                np.testing.assert_array_equal(array(drawn.y), finished)
            else:   # on the way: float32, half the bytes to send
                assert array(drawn.y).dtype == np.float32
                np.testing.assert_array_equal(array(drawn.y), finished.astype(np.float32))
    for i, drawn in zip(fig.frames[-1].traces, fig.frames[-1].data):
        np.testing.assert_array_equal(array(drawn.y), fig.data[i].y)      # the run ends on the finished chart
    run, pause = fig.layout.updatemenus[0].buttons
    assert (run.label, run.method, pause.label) == ("▶ run", "animate", "▮▮ pause")
    assert run.args[0] is None and run.args[1]["fromcurrent"] is False, "Run starts from step 0"
    assert list(pause.args[0]) == [None]


def test_gap_figure_without_finite_optimum():
    c = core.compare_runs(4, 0.0, "uniform", 1.0, 100, np.zeros(4))
    fig = figures.gap_figure(c, LABELS)
    assert "optimum" not in names(fig)
    assert [note.name for note in fig.layout.annotations] == ["one_hot_note"], "no optimum: no optimum note"
    assert_no_nan_or_inf(fig)


def test_logits_figure(comparison):
    c = comparison
    fig = figures.logits_figure(c, LABELS)
    np.testing.assert_array_equal(by_name(fig, "one_hot · true_logit").y, c.true_logit[:, 0])
    np.testing.assert_array_equal(by_name(fig, "smoothed · true_logit").y, c.true_logit[:, 1])
    np.testing.assert_array_equal(by_name(fig, "one_hot · wrong_mean").y, c.wrong_mean[:, 0])
    np.testing.assert_array_equal(by_name(fig, "smoothed · wrong_mean").y, c.wrong_mean[:, 1])
    np.testing.assert_array_equal(by_name(fig, "smoothed · wrong_band").y, c.wrong_min[:, 1])
    np.testing.assert_array_equal(by_name(fig, "smoothed · wrong_band (max)").y, c.wrong_max[:, 1])
    np.testing.assert_array_equal(by_name(fig, "one_hot · wrong_band").y, c.wrong_min[:, 0])
    np.testing.assert_array_equal(by_name(fig, "mean_logit").y, c.mean_logit[:, 0])
    assert by_name(fig, "one_hot · true_logit").line.color == palette.TRUE_CLASS
    assert by_name(fig, "one_hot · wrong_mean").line.color == palette.WRONG_CLASS
    assert by_name(fig, "smoothed · wrong_band").fill == "tonexty"


def test_logits_figure_has_no_band_when_the_wrong_logits_stay_equal():
    c = core.compare_runs(5, 0.1, "uniform", 1.0, 200, np.zeros(5))
    assert not c.wrong_spread(0) and not c.wrong_spread(1)
    assert not [name for name in names(figures.logits_figure(c, LABELS)) if "wrong_band" in name]


def test_probability_loss_figure_puts_each_series_on_its_panel(comparison):
    c = comparison
    fig = figures.probability_loss_figure(c, LABELS)
    for run, name in enumerate(("one_hot", "smoothed")):
        p = by_name(fig, name)
        assert axes(p) == ("x", "y")
        np.testing.assert_array_equal(p.y, c.p_true[:, run])
        target = by_name(fig, f"{name} · target")
        assert axes(target) == ("x", "y") and list(target.y) == [c.target_true[run]] * 2
        loss = by_name(fig, f"{name} · y_loss")
        assert axes(loss) == ("x2", "y2")
        np.testing.assert_array_equal(loss.y, c.loss[:, run])
        floor = by_name(fig, f"{name} · floor")
        assert axes(floor) == ("x2", "y2") and list(floor.y) == [c.loss_floor[run]] * 2
    # by hand: K = 12, ε = 0.2, ε/(K−1): the true class's target is 0.8, the one-hot target 1
    assert list(by_name(fig, "smoothed · target").y) == [pytest.approx(0.8)] * 2
    assert list(by_name(fig, "one_hot · target").y) == [1.0, 1.0] and list(by_name(fig, "one_hot · floor").y) == [0.0, 0.0]
    assert fig.layout.yaxis.title.text == "y_prob" and fig.layout.yaxis2.title.text == "y_loss"


def test_wrong_gradient_figure(comparison):
    c = comparison
    grad = figures.wrong_gradient_figure(c, LABELS)
    np.testing.assert_array_equal(by_name(grad, "one_hot").y, c.wrong_gradient[:, 0])
    np.testing.assert_array_equal(by_name(grad, "smoothed").y, c.wrong_gradient[:, 1])
    assert grad.layout.yaxis.type == "log" and np.all(c.wrong_gradient > 0)


def replay_bars(fig, panel, name, frame=None):
    """The bars of `panel` and run `name`: the figure's trace, or (with `frame`) what that frame sets on it."""
    matches = [index for index, trace in enumerate(fig.data) if trace.meta == panel and trace.name == name]
    assert len(matches) == 1
    if frame is None:
        return fig.data[matches[0]]
    return frame.data[list(frame.traces).index(matches[0])]


def test_replay_figure_frames_hold_the_recorded_bars(comparison):
    c = comparison
    fig = figures.replay_figure(c, LABELS)
    assert len(fig.frames) == c.frame_steps.size <= 60
    for index in (0, len(fig.frames) // 2, len(fig.frames) - 1):
        frame = fig.frames[index]
        assert frame.name == str(index)
        assert sorted(frame.traces) == list(range(len(fig.data))) == list(range(4))
        for run, name in enumerate(("one_hot", "smoothed")):
            logits, probs = replay_bars(fig, "logits", name, frame), replay_bars(fig, "probs", name, frame)
            np.testing.assert_array_equal(array(logits.y), c.frame_logits[index, run])
            np.testing.assert_array_equal(array(probs.y), c.frame_probs[index, run])
            assert (replay_bars(fig, "logits", name).xaxis, replay_bars(fig, "probs", name).xaxis) == ("x", "x2")
    # the figure itself shows the last frame
    np.testing.assert_array_equal(array(replay_bars(fig, "probs", "smoothed").y), c.frame_probs[-1, 1])
    assert fig.layout.xaxis.type == "category" and list(fig.data[0].x)[0] == "0★"
    labels = [step.label for step in fig.layout.sliders[0].steps]
    assert labels == [compact_count(int(step)) for step in c.frame_steps] and labels[-1] == "3k"
    assert fig.layout.sliders[0].active == len(fig.frames) - 1
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    low, high = fig.layout.yaxis.range
    assert low <= min(c.frame_logits.min(), 0) and high >= c.frame_logits.max()
    assert list(fig.layout.yaxis2.range) == [0, 1.05]
    # each panel's y axis names what it shows: logits on the left, probabilities on the right
    assert fig.layout.yaxis.title.text == LABELS["y_logit"] and fig.layout.yaxis2.title.text == LABELS["y_prob"]


def test_large_scene_keeps_figures_small():
    c = core.compare_runs(1000, 0.1, "uniform", 1.0, 5000, np.zeros(1000), num_records=2001)
    assert c.frame_logits.shape == (c.frame_steps.size, 2, 20)
    size = len(figures.replay_figure(c, LABELS).to_json()) + len(figures.gap_figure(c.thinned(600), LABELS).to_json())
    assert size < 1_000_000
    for log_steps in (False, True):   # the Run animation stays small to send (the page thins to 600 records)
        assert len(figures.logits_figure(c.thinned(600, log_steps), LABELS, log_steps).to_json()) < 700_000


# ---------------------------------------------------------------- regulariser

@pytest.mark.parametrize("prior", ["uniform", "others"])
def test_regulariser_terms_figure_draws_the_weighted_terms(prior):
    k, eps = 5, 0.3
    terms = core.regulariser_terms(k, eps, prior, np.linspace(-2.0, 6.0, 9))
    fig = figures.regulariser_terms_figure(terms, 1.5, LABELS)
    # independently: the one-hot and the prior cross-entropies of z = (g, 0, 0, 0, 0), weighted by hand
    z = np.stack([np.r_[g, np.zeros(k - 1)] for g in terms.gaps])
    u = core.prior_distribution(0, k, prior)
    data = np.array([core.cross_entropy(row, core.one_hot(0, k)) for row in z])
    prior_ce = np.array([core.cross_entropy(row, u) for row in z])
    np.testing.assert_allclose(by_name(fig, "data").y, (1 - eps) * data, rtol=1e-13)
    np.testing.assert_allclose(by_name(fig, "prior").y, eps * prior_ce, rtol=1e-13)
    np.testing.assert_allclose(by_name(fig, "total").y, (1 - eps) * data + eps * prior_ce, rtol=1e-13)
    np.testing.assert_array_equal(by_name(fig, "total").x, terms.gaps)
    marker = [shape for shape in fig.layout.shapes if shape.type == "line"]
    assert len(marker) == 1 and marker[0].x0 == marker[0].x1 == 1.5


def test_label_dropout_figure():
    dropout = core.label_dropout(np.array([2.0, 0.0, 0.0]), 0, 0.3, max_draws=5000, seed=2)
    fig = figures.label_dropout_figure(dropout, LABELS)
    n = dropout.draws
    for name in ("mean", "band", "band (+)", "exact"):
        assert axes(by_name(fig, name)) == ("x", "y")
    for name in ("error", "reference"):
        assert axes(by_name(fig, name)) == ("x2", "y2")
    np.testing.assert_array_equal(by_name(fig, "mean").y, dropout.mean_loss)
    np.testing.assert_allclose(by_name(fig, "band").y, dropout.mean_loss - 2 * dropout.standard_error, rtol=1e-15)
    np.testing.assert_allclose(by_name(fig, "band (+)").y, dropout.mean_loss + 2 * dropout.standard_error, rtol=1e-15)
    exact = core.cross_entropy(np.array([2.0, 0.0, 0.0]), core.smooth_targets(0, 3, 0.3))
    np.testing.assert_allclose(by_name(fig, "exact").y, [exact, exact], rtol=1e-14)
    np.testing.assert_array_equal(by_name(fig, "error").y, dropout.gradient_error)
    np.testing.assert_allclose(by_name(fig, "reference").y, [1 / np.sqrt(m) for m in n], rtol=1e-15)
    assert fig.layout.yaxis2.type == "log" and fig.layout.xaxis.type == "log" and fig.layout.xaxis2.type == "log"
    assert fig.layout.yaxis2.title.text == "y_error" and fig.layout.yaxis.title.text == "y_loss"


def test_label_dropout_figure_at_eps_zero_draws_a_zero_error_on_its_log_axis():
    dropout = core.label_dropout(np.array([1.0, 0.0]), 0, 0.0, max_draws=100, seed=0)
    fig = figures.label_dropout_figure(dropout, LABELS)
    assert np.all(dropout.gradient_error == 0)
    np.testing.assert_array_equal(by_name(fig, "error").y, np.full(n := dropout.draws.size, 1e-12))
    assert n > 1


# ---------------------------------------------------------------- landscape

@pytest.mark.parametrize("eps,prior", [(0.1, "uniform"), (0.3, "others")])
def test_landscape_figure_holds_the_core_arrays(eps, prior):
    scape = core.loss_landscape(eps, prior, (-3.0, 8.0), 2.0, 3000)
    fig = figures.landscape_figure(scape, LABELS)
    for name, loss, path, col in (("one_hot", scape.loss_one_hot, scape.path_one_hot, ""),
                                  ("smoothed", scape.loss_smoothed, scape.path_smoothed, "2")):
        contour = by_name(fig, f"loss ({name})")
        assert axes(contour) == (f"x{col}", f"y{col}")
        assert np.asarray(contour.z).dtype == np.float32   # sent in float32: half the bytes
        np.testing.assert_array_equal(contour.z, np.log(1 + loss).astype(np.float32))
        top = np.log(1 + max(scape.loss_one_hot.max(), scape.loss_smoothed.max()))
        assert contour.zmax == pytest.approx(top) and contour.zmin == 0
        drawn = by_name(fig, f"path ({name})")
        assert axes(drawn) == (f"x{col}", f"y{col}")
        inside = np.all((path >= -4.0) & (path <= 16.0), axis=1)   # the grid spans [-4, 16]
        np.testing.assert_array_equal(drawn.x, path[inside, 0])
        np.testing.assert_array_equal(drawn.y, path[inside, 1])
    np.testing.assert_array_equal(by_name(fig, "start").x, [-3.0])
    star = by_name(fig, "minimum")
    assert axes(star) == ("x2", "y2") and list(star.x) == list(star.y) == [scape.optimal_gap]
    assert scape.optimal_gap == pytest.approx(core.optimal_logit_gap(3, eps, prior))
    assert_no_nan_or_inf(fig)


def test_landscape_figure_draws_only_the_part_of_a_path_on_the_grid_and_eps_zero_has_no_minimum():
    scape = core.loss_landscape(0.0, "uniform", (0.0, 20.0), 2.0, 500)   # g2 = 20 starts (and stays) off the grid
    assert scape.path_one_hot[:, 1].min() > 16.0 and scape.path_one_hot.shape[0] > 2
    fig = figures.landscape_figure(scape, LABELS)
    assert "minimum" not in names(fig)
    assert len(by_name(fig, "path (one_hot)").x) == 0 and len(by_name(fig, "path (smoothed)").x) == 0


# ---------------------------------------------------------------- optimal gap explorer

def test_gap_curves_figure_holds_the_arrays_and_drops_infinities():
    eps = np.array([0.0, 0.1, 0.5, 1.0])
    y = core.optimal_logit_gap(5, eps, "others")  # inf at 0, -inf at 1
    fig = figures.gap_curves_figure([("c", "others", eps, y), ("u", "uniform", eps, core.optimal_logit_gap(5, eps))],
                                    (0.1, float(y[1])), LABELS, sweep=(eps[1:3], y[1:3]))
    np.testing.assert_array_equal(by_name(fig, "c").x, eps[1:3])
    np.testing.assert_array_equal(by_name(fig, "c").y, y[1:3])
    np.testing.assert_array_equal(by_name(fig, "u").x, eps[1:])            # ε/K at ε = 1: gap log 1 = 0
    assert by_name(fig, "c").line.dash != "solid" and by_name(fig, "u").line.dash == "solid"
    assert list(by_name(fig, "current").x) == [0.1] and list(by_name(fig, "sweep").y) == list(y[1:3])
    assert fig.layout.xaxis.type == "log"
    assert_no_nan_or_inf(fig)
    no_marker = figures.gap_curves_figure([("c", "others", eps, y)], (np.nan, 1.0), LABELS, log_x=False)
    assert "current" not in names(no_marker) and no_marker.layout.xaxis.type == "linear"


def test_optimal_logits_figure_marks_minus_infinity():
    result = core.prior_optimum(4, 0.2, core.normalised_prior([1, 1, 0, 1]))
    fig = figures.optimal_logits_figure(result.logits, LABELS)
    finite = by_name(fig, "finite")
    assert list(finite.x) == ["0★", "1", "3"]
    np.testing.assert_allclose(finite.y, result.logits[[0, 1, 3]])
    minus = by_name(fig, "infinite")
    assert list(minus.x) == ["2"] and list(minus.text) == ["−∞"]
    assert minus.y[0] < min(finite.y)
    assert_no_nan_or_inf(fig)


def test_loss_versus_gap_figure_draws_both_losses_and_the_weighted_parts():
    k, eps = 10, 0.1
    terms = core.regulariser_terms(k, eps, "uniform", np.linspace(-5, 15, 401))
    gap = core.optimal_logit_gap(k, eps)
    fig = figures.loss_versus_gap_figure(terms, terms.point_on_grid(gap), LABELS)
    g = terms.gaps
    one_hot = np.log1p((k - 1) * np.exp(-g))                              # −log p_true with z = (g, 0, …, 0)
    smoothed = one_hot + eps * (g - g / k)                                 # H(q′,p) = H(q,p) + ε(g − mean z) for ε/K
    np.testing.assert_allclose(by_name(fig, "one_hot").y, one_hot, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(by_name(fig, "smoothed").y, smoothed, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(by_name(fig, "data").y, (1 - eps) * one_hot, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(by_name(fig, "prior").y, smoothed - (1 - eps) * one_hot, rtol=1e-10, atol=1e-12)
    star = by_name(fig, "minimum")
    assert star.x[0] == gap and star.y[0] == pytest.approx(np.log1p((k - 1) * np.exp(-gap)) + eps * gap * (k - 1) / k)
    assert "minimum" not in names(figures.loss_versus_gap_figure(terms, None, LABELS))


# ---------------------------------------------------------------- training

def test_reliability_figure_draws_exactly_the_filled_bins(small):
    rel = core.reliability(small.one_hot.test_probabilities(), small.data.y_test)
    fig = figures.reliability_figure(rel, "one_hot", LABELS)
    filled = rel.counts > 0
    assert 0 < filled.sum() < 15
    centres = np.array([(i + 0.5) / 15 for i in range(15)])[filled]
    accuracy = by_name(fig, "accuracy")
    assert axes(accuracy) == ("x", "y")
    np.testing.assert_allclose(accuracy.x, centres, rtol=1e-14)
    np.testing.assert_array_equal(accuracy.y, rel.accuracy[filled])
    assert accuracy.width == pytest.approx(0.95 / 15)
    counts = by_name(fig, "count")
    assert axes(counts) == ("x2", "y2")
    np.testing.assert_array_equal(counts.y, rel.counts[filled])
    assert sum(counts.y) == small.data.y_test.size
    np.testing.assert_array_equal(by_name(fig, "confidence").y, rel.confidence[filled])
    assert list(by_name(fig, "diagonal").x) == [0.0, 1.0] and list(by_name(fig, "diagonal").y) == [0.0, 1.0]


def test_learning_curves_figure_puts_each_split_and_run_where_it_belongs(small):
    fig = figures.learning_curves_figure({"one_hot": small.one_hot, "smoothed": small.smoothed}, LABELS)
    assert len(fig.data) == 8
    for name, run in (("one_hot", small.one_hot), ("smoothed", small.smoothed)):
        for split, loss, accuracy in (("train", run.train_loss, run.train_accuracy),
                                      ("test", run.test_loss, run.test_accuracy)):
            left, right = by_name(fig, f"{name} · {split}"), by_name(fig, f"{name} · {split} · accuracy")
            assert axes(left) == ("x", "y") and axes(right) == ("x2", "y2")
            np.testing.assert_array_equal(left.y, loss)
            np.testing.assert_array_equal(right.y, accuracy)
            np.testing.assert_array_equal(left.x, np.arange(6))   # epoch 0 (before training) … 5
    assert not np.array_equal(small.one_hot.train_loss, small.one_hot.test_loss)
    assert by_name(fig, "smoothed · test").line.dash == palette.SMOOTHED_DASH
    assert by_name(fig, "one_hot · train").line.width < by_name(fig, "one_hot · test").line.width


def test_projection_figure_one_trace_per_class_with_equal_axes(small):
    p = core.template_projection(small.smoothed.test_features, small.smoothed.model.templates, small.data.y_test,
                                 (0, 2, 3))
    fig = figures.projection_figure(p, LABELS)
    assert names(fig) == ["class 0", "class 2", "class 3"]
    for k in (0, 2, 3):
        np.testing.assert_array_equal(by_name(fig, f"class {k}").x, p.points[p.labels == k, 0])
        np.testing.assert_array_equal(by_name(fig, f"class {k}").y, p.points[p.labels == k, 1])
    assert len({trace.marker.symbol for trace in fig.data}) == 3   # shape, not colour alone
    assert fig.layout.yaxis.scaleanchor == "x"


def test_gap_histogram_figure(small):
    gaps = [core.logit_gaps(r.test_logits, small.data.y_test) for r in (small.one_hot, small.smoothed)]
    summary = core.gap_summary(gaps, bins=30)
    fig = figures.gap_histogram_figure(summary.histogram, small.optimal_gap(), LABELS)
    low = min(g.min() for g in gaps)
    width = (max(g.max() for g in gaps) - low) / 30
    for row, name in enumerate(("one_hot", "smoothed")):
        bars = by_name(fig, name)
        np.testing.assert_array_equal(bars.y, np.histogram(gaps[row], summary.histogram.edges)[0])
        np.testing.assert_allclose(bars.x, low + width * (np.arange(30) + 0.5), rtol=1e-12, atol=1e-12)
        assert bars.width == pytest.approx(width)
    line = by_name(fig, "optimum")
    assert list(line.x) == [small.optimal_gap()] * 2 and list(line.y) == [0.0, summary.histogram.counts.max()]
    assert "optimum" not in names(figures.gap_histogram_figure(summary.histogram, float("inf"), LABELS))


# ---------------------------------------------------------------- presenter mode

def test_presenter_copy_is_larger_and_leaves_the_original_alone(comparison):
    fig = figures.gap_figure(comparison, LABELS)
    big = figures.for_presenter(fig)
    assert big.layout.font.size == round(figures.FONT["size"] * figures.PRESENTER_FONT)
    assert big.layout.height == min(round(fig.layout.height * figures.PRESENTER_HEIGHT), figures.PRESENTER_MAX_HEIGHT)
    assert by_name(big, "one_hot").line.width == by_name(fig, "one_hot").line.width * figures.PRESENTER_LINE
    assert fig.layout.font.size == figures.FONT["size"] and fig.layout.font.color is None
    np.testing.assert_array_equal(by_name(big, "one_hot").y, by_name(fig, "one_hot").y)
    # dark text for a projector, axis titles included (the theme's light grey washes out)
    assert big.layout.font.color == big.layout.xaxis.title.font.color == big.layout.yaxis.title.font.color == "#111111"


def test_gap_curves_figure_groups_each_k_in_one_legend_entry():
    eps = np.array([0.1, 0.5])
    curves = [(f"K = {k}", prior, eps, core.optimal_logit_gap(k, eps, prior)) for k in (2, 10) for prior in ("uniform", "others")]
    fig = figures.gap_curves_figure(curves, None, LABELS | {"uniform": "eps/K", "others": "eps/(K-1)"})
    shown = [trace.name for trace in fig.data if trace.showlegend is not False]
    assert shown == ["K = 2", "K = 10", "eps/K", "eps/(K-1)"]
    pair = [trace for trace in fig.data if trace.name == "K = 10"]
    assert [t.meta for t in pair] == ["uniform", "others"] and pair[0].line.color == pair[1].line.color
    assert pair[0].line.dash == "solid" and pair[1].line.dash == palette.OPTIMUM_DASH
    np.testing.assert_array_equal(pair[1].y, core.optimal_logit_gap(10, eps, "others"))
    assert by_name(fig, "eps/(K-1)").line.dash == palette.OPTIMUM_DASH


@pytest.mark.parametrize("builder", [figures.logits_figure, figures.probability_loss_figure, figures.wrong_gradient_figure])
def test_log_step_axis_starts_at_the_first_positive_step(comparison, builder):
    fig = builder(comparison, LABELS, True)
    for trace in fig.data:
        if len(trace.x) > 2:
            np.testing.assert_array_equal(trace.x, comparison.steps[1:])
    assert fig.layout.xaxis.type == "log"
    np.testing.assert_allclose(fig.layout.xaxis.range, [0.0, np.log10(comparison.total_steps)])


def test_targets_figure_prints_values_only_for_a_few_classes():
    six, seven = (figures.targets_figure(core.one_hot(0, k), core.smooth_targets(0, k, 0.1), LABELS) for k in (6, 7))
    assert by_name(six, "smoothed").texttemplate == "%{y:.3f}" and by_name(seven, "smoothed").texttemplate is None


def test_logit_step_figure_stars_the_chosen_label():
    h = core.by_hand([0.0, 1.0, 2.0], 2, 0.1, "uniform")
    fig = figures.logit_step_figure(h.step_one_hot, h.step_smoothed, 2, LABELS)
    assert list(by_name(fig, "one_hot").x) == ["0", "1", "2★"]


def test_digits_figure_draws_each_image_with_its_label():
    images = np.stack([np.eye(8), np.zeros((8, 8)), np.full((8, 8), 0.5)])
    labels = ["true 1<br>a", "true 2<br>b", "true 3<br>c"]
    fig = figures.digits_figure(images, labels)
    assert [trace.type for trace in fig.data] == ["heatmap"] * 3
    for trace, image in zip(fig.data, images):
        np.testing.assert_array_equal(trace.z, image)
        assert (trace.zmin, trace.zmax, trace.showscale) == (0.0, 1.0, False)
    assert [a.text for a in fig.layout.annotations] == labels
    assert [a.xref for a in fig.layout.annotations] == ["x domain", "x2 domain", "x3 domain"]
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.yaxis3.autorange == "reversed"   # row 0 on top
    assert fig.layout.yaxis2.scaleanchor == "x2"   # square pixels


def test_similarity_figure_draws_both_teachers_on_one_scale():
    sim = np.zeros((2, 3, 3))
    sim[0] = [[0, 0.09, 0.01], [0.05, 0, 0.05], [0.02, 0.08, 0]]
    sim[1] = [[0, 0.05, 0.05]] * 3
    fig = figures.similarity_figure(sim, LABELS | {"colour": "colour"})
    assert [trace.name for trace in fig.data] == ["one_hot", "smoothed"]
    for trace, matrix in zip(fig.data, sim):
        np.testing.assert_array_equal(trace.z, matrix)
        assert (trace.zmin, trace.zmax) == (0.0, 0.09)   # one scale: 0 to the larger maximum
    assert [trace.showscale for trace in fig.data] == [False, True]
    assert list(fig.data[0].x) == ["0", "1", "2"] and fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.xaxis.title.text == "x" and fig.layout.yaxis.title.text == "y"
    assert fig.data[1].colorbar.title.text == "colour"


def test_similarity_figure_draws_the_teachers_actual_probabilities():
    """The page's heat maps: `Distillation.wrong_probabilities` (the teachers' average softmax(z/T), diagonal
    drawn as 0), not shares renormalised over the wrong classes."""
    from tests.test_core_distillation import hand_made

    d = hand_made([(0.9, 0.8), (0.9, 0.81)])
    fig = figures.similarity_figure(d.wrong_probabilities(4.0), LABELS | {"colour": "colour"})
    np.testing.assert_array_equal(by_name(fig, "one_hot").z, [[0, 0.25, 0.25], [0.25, 0, 0.25], [0.6, 0.1, 0]])
    assert by_name(fig, "smoothed").zmax == 0.6
    assert_no_nan_or_inf(fig)


# ---------------------------------------------------------------- distillation: the temperature axis

def test_temperature_figure_draws_each_axis_with_its_interval():
    from lsr_core import distillation as D
    from pages.ui.figures import distillation as distillation_figures

    live = D.TemperatureAxis(np.array([1.0, 2.0, 4.0, 8.0]), np.array([0.1, -0.2, -0.8, -5.0]),
                             np.array([-1.0, -1.5, -2.0, -9.0]), np.array([1.2, 1.0, 0.5, -1.0]), 3,
                             ("unclear", "unclear", "unclear", "lower"))
    reference = D.TemperatureAxis(np.array([1.0, 2.0, 4.0, 8.0]), np.array([0.0, -0.1, -0.8, -5.8]),
                                  np.array([-0.3, -0.4, -1.4, -8.3]), np.array([0.3, 0.3, -0.2, -3.4]), 20,
                                  ("unclear", "unclear", "lower", "lower"))
    text = {"title": "title", "x": "x", "y": "y", "live": "live", "reference": "reference"}
    fig = distillation_figures.temperature_figure(live, reference, text)
    assert names(fig) == ["live", "reference"]
    for name, axis in (("live", live), ("reference", reference)):
        trace = by_name(fig, name)
        assert list(trace.x) == ["T = 1", "T = 2", "T = 4", "T = 8"]
        np.testing.assert_array_equal(trace.y, axis.mean)
        # the error bars reach exactly the interval's ends, computed here from low and high
        np.testing.assert_allclose(np.asarray(trace.y) + np.asarray(trace.error_y.array), axis.high, rtol=1e-12)
        np.testing.assert_allclose(np.asarray(trace.y) - np.asarray(trace.error_y.arrayminus), axis.low, rtol=1e-12)
        assert trace.error_y.symmetric is False
        np.testing.assert_array_equal(np.asarray(trace.customdata), np.stack([axis.low, axis.high], axis=1))
    assert fig.layout.barmode == "group" and list(fig.layout.xaxis.categoryarray) == ["T = 1", "T = 2", "T = 4", "T = 8"]
    assert by_name(fig, "reference").marker.pattern.shape != by_name(fig, "live").marker.pattern.shape  # not colour alone
    assert [s.y0 for s in fig.layout.shapes] == [0.0]
    assert_no_nan_or_inf(fig)
    alone = distillation_figures.temperature_figure(live, None, text)
    assert names(alone) == ["live"]


# ---------------------------------------------------------------- the class's predictions (issue 25)

@pytest.mark.parametrize("truth", [None, 0, 2])
def test_class_predictions_figure_holds_the_counts_by_choice(truth):
    from pages.ui import palette as colours
    from pages.ui.figures.poll import GUESS_COLOUR, class_predictions_figure

    labels, counts = ["grows", "stops", "falls"], [7, 0, 23]
    fig = class_predictions_figure(labels, counts, truth, {"title": "title", "x": "answers", "truth": "true"})
    assert names(fig) == labels
    for index, (label, count) in enumerate(zip(labels, counts)):
        bar = by_name(fig, label)
        assert list(bar.y) == [label] and list(array(bar.x)) == [count]
        right = index == truth
        assert bar.text[0] == (f"{count}  ✓ true" if right else f"{count}")
        assert bar.marker.color == (GUESS_COLOUR if truth is None else colours.TRUE_CLASS if right else colours.REFERENCE)
        assert (bar.marker.pattern.shape == "x") == right   # the truth is not told by colour alone
    assert list(fig.layout.yaxis.categoryarray) == labels[::-1]   # first choice on top
    assert fig.layout.xaxis.range[1] > max(counts) and fig.layout.title.text == "title"


def test_class_predictions_figure_with_no_answers_yet():
    from pages.ui.figures.poll import class_predictions_figure

    fig = class_predictions_figure(["a", "b"], [0, 0], None, {"title": "t", "x": "x", "truth": "true"})
    assert [list(array(trace.x)) for trace in fig.data] == [[0], [0]] and fig.layout.xaxis.range[1] > 0
