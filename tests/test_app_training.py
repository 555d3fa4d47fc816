"""The training page: its figures hold the core's arrays, and the page works in AppTest in both languages."""

import numpy as np
import pytest

import lsr_core as core
from pages.ui import figures
from tests.apptest_checks import assert_url_values_ignored, no_exception

TEXT = {key: key for key in ("title x y y_accuracy y_count accuracy confidence diagonal count loss one_hot smoothed "
                             "train test optimum").split()} | {"class": "class {k}"}
DEFAULT = (5, 0.4, 0.0, 1000, 0, 0.1, "uniform", 60)


@pytest.fixture(scope="module")
def small():
    return core.run_experiment(4, 0.5, 0.1, 200, 3, 0.2, "others", epochs=5)


# ---------- figures (pure) ----------

def test_reliability_figure_draws_exactly_the_filled_bins(small):
    rel = core.reliability(small.one_hot.test_probabilities(), small.data.y_test)
    fig = figures.reliability_figure(rel, "one_hot", TEXT)
    filled = rel.counts > 0
    bars, diagonal, confidence, counts = fig.data
    np.testing.assert_array_equal(bars.y, rel.accuracy[filled])
    np.testing.assert_array_equal(counts.y, rel.counts[filled])
    np.testing.assert_array_equal(confidence.y, rel.confidence[filled])
    assert list(diagonal.x) == [0.0, 1.0] and list(diagonal.y) == [0.0, 1.0]
    assert sum(counts.y) == small.data.y_test.size


def test_learning_curves_figure_holds_the_curves(small):
    fig = figures.learning_curves_figure({"one_hot": small.one_hot, "smoothed": small.smoothed}, TEXT)
    by_name = {}
    for trace in fig.data:
        by_name.setdefault(trace.name, []).append(trace)
    loss, accuracy = by_name["smoothed · test"]
    np.testing.assert_array_equal(loss.y, small.smoothed.test_loss)
    np.testing.assert_array_equal(accuracy.y, small.smoothed.test_accuracy)
    assert loss.line.dash == "dashdot" and by_name["one_hot · train"][0].line.dash == "solid"
    assert len(fig.data) == 8


def test_projection_figure_one_trace_per_class_with_equal_axes(small):
    p = core.template_projection(small.smoothed.test_features, small.smoothed.model.templates, small.data.y_test,
                                 (0, 2, 3))
    fig = figures.projection_figure(p, TEXT)
    assert [trace.name for trace in fig.data] == ["class 0", "class 2", "class 3"]
    np.testing.assert_array_equal(fig.data[1].x, p.points[p.labels == 2, 0])
    assert len({trace.marker.symbol for trace in fig.data}) == 3   # shape, not colour alone
    assert fig.layout.yaxis.scaleanchor == "x"


def test_gap_histogram_figure(small):
    gaps = [core.logit_gaps(r.test_logits, small.data.y_test) for r in (small.one_hot, small.smoothed)]
    edges, counts = core.common_histogram(gaps, bins=30)
    fig = figures.gap_histogram_figure(edges, counts, small.optimal_gap(), TEXT)
    np.testing.assert_array_equal(fig.data[0].y, counts[0])
    assert fig.data[-1].name == "optimum" and fig.data[-1].x[0] == small.optimal_gap()
    no_line = figures.gap_histogram_figure(edges, counts, float("inf"), TEXT)
    assert len(no_line.data) == 2


def test_cluster_shape_of_a_hand_made_projection():
    # three tight clusters at the corners of an equilateral triangle of side 1
    corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2]])
    offsets = np.array([[0.1, 0.0], [-0.1, 0.0]])
    points = np.concatenate([c + offsets for c in corners])
    p = core.TemplateProjection((0, 1, 2), points, np.repeat([0, 1, 2], 2), corners)
    spread, unevenness = p.cluster_shape()
    assert spread == pytest.approx(0.1) and unevenness == pytest.approx(0.0, abs=1e-12)


def test_smoothing_tightens_the_training_clusters_on_the_default_seed():
    e = core.run_experiment(*DEFAULT)
    spreads = [core.template_projection(r.train_features, r.model.templates, e.data.y_train, (0, 1, 2)).cluster_shape()[0]
               for r in (e.one_hot, e.smoothed)]
    assert spreads[1] < 0.8 * spreads[0]


# ---------- the page (AppTest) ----------

def settings_of(at) -> tuple:
    return (at.number_input(key="train_K").value, at.slider(key="train_overlap").value,
            at.slider(key="train_noise").value, at.select_slider(key="train_size").value,
            at.number_input(key="train_seed").value, at.slider(key="train_eps").value,
            at.radio(key="train_conv").value, at.select_slider(key="train_epochs").value)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_page_shows_every_result(app_test, lang):
    at = app_test("training", lang=lang)
    no_exception(at)
    assert settings_of(at) == DEFAULT
    # 2 reliability diagrams + temperature (in the expander) + learning curves + 2 projections + gap histogram
    assert len(at.get("plotly_chart")) == 7
    e = core.run_experiment(*DEFAULT)
    table = at.table[0].value
    assert table.shape == (5, 4)
    assert f"{e.one_hot.metrics.ece:.3f}" in table.iloc[4].tolist()
    assert f"{e.smoothed.metrics.ece:.3f}" in table.iloc[4].tolist()
    captions = " ".join(c.value for c in at.caption)
    assert f"{e.one_hot.metrics.ece:.3f}" in captions and f"{e.smoothed.metrics.mean_confidence:.3f}" in captions


def test_changing_the_view_does_not_retrain(app_test, monkeypatch):
    at = app_test("training")
    calls = []
    original = core.run_experiment
    monkeypatch.setattr(core, "run_experiment", lambda *a, **k: calls.append(a) or original(*a, **k))
    at.multiselect(key="train_classes").set_value([1, 3, 4]).run()
    at.radio(key="train_split").set_value("test").run()
    no_exception(at)
    assert calls == []
    # a new setting, submitted with the form's button, does train
    at.slider(key="train_eps").set_value(0.2)
    at.button[0].click().run()
    no_exception(at)
    assert len(calls) == 1 and calls[0][5] == 0.2
    assert at.query_params["eps"] == "0.2"


def test_fewer_than_three_classes_asks_for_three(app_test):
    at = app_test("training")
    at.multiselect(key="train_classes").set_value([0, 1]).run()
    no_exception(at)
    assert any("three" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 5


@pytest.mark.parametrize("query, message", [
    ({"eps": "0"}, "info"),                                        # both runs identical: said so
    ({"eps": "1", "epochs": "10", "n": "200"}, "warning"),         # uniform targets teach nothing: said so
    ({"K": "10", "n": "50", "epochs": "10"}, "warning"),           # tiny data
    ({"noise": "0.5", "n": "200", "epochs": "10"}, "info"),       # heavy label noise
    ({"overlap": "1.5", "K": "10", "n": "100", "epochs": "10"}, "warning"),   # near chance
])
def test_extremes_are_explained(app_test, query, message):
    at = app_test("training", **query)
    no_exception(at)
    assert getattr(at, message), query
    assert len(at.get("plotly_chart")) == 7


def test_shrinking_k_keeps_valid_classes(app_test):
    at = app_test("training", K="5", epochs="10", n="100")
    at.multiselect(key="train_classes").set_value([2, 3, 4]).run()
    at.number_input(key="train_K").set_value(3)
    at.button[0].click().run()
    no_exception(at)
    assert at.multiselect(key="train_classes").value == [0, 1, 2]
    assert not at.warning   # (no "value set via Session State and a default" warning either)


@pytest.mark.parametrize("query", [{"K": "2"}, {"K": "11"}, {"noise": "0.9"}, {"n": "7"}, {"epochs": "x"},
                                   {"overlap": "0"}, {"seed": "-1"}, {"conv": "fairseq"}])
def test_garbage_query(app_test, query):
    at = app_test("training", **query)
    assert_url_values_ignored(at, query)
