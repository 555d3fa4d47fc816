"""The training page in AppTest, in both languages (its figures: tests/test_figures.py)."""

import dataclasses

import numpy as np
import pytest

import lsr_core as core
from pages.ui import compute
from pages.ui.formatting import number
from pages.ui.i18n import lookup
from tests.apptest_checks import assert_url_values_ignored, no_exception
from tests.conftest import default_training

DEFAULT = default_training()


@pytest.fixture(autouse=True)
def _default_experiment_stored(default_experiment):
    """The page finds the session's default experiment in its store, as it would after one student trained it."""
    compute._stored_experiment(DEFAULT, default_experiment)

def test_cluster_shape_of_a_hand_made_projection():
    # three tight clusters at the corners of an equilateral triangle of side 1
    corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2]])
    offsets = np.array([[0.1, 0.0], [-0.1, 0.0]])
    points = np.concatenate([c + offsets for c in corners])
    p = core.TemplateProjection((0, 1, 2), points, np.repeat([0, 1, 2], 2), corners)
    spread, unevenness = p.cluster_shape()
    assert spread == pytest.approx(0.1) and unevenness == pytest.approx(0.0, abs=1e-12)


def test_smoothing_tightens_the_training_clusters_on_the_default_seed(default_experiment):
    e = default_experiment
    spreads = [core.template_projection(r.train_features, r.model.templates, e.data.y_train, (0, 1, 2)).cluster_shape()[0]
               for r in (e.one_hot, e.smoothed)]
    assert spreads[1] < 0.8 * spreads[0]


# ---------- the page (AppTest) ----------

def settings_of(at) -> core.ExperimentSettings:
    return core.ExperimentSettings(
        num_classes=at.number_input(key="train_K").value, overlap=at.slider(key="train_overlap").value,
        noise=at.slider(key="train_noise").value, train_size=at.select_slider(key="train_size").value,
        seed=at.number_input(key="train_seed").value, eps=at.slider(key="train_eps").value,
        prior=at.radio(key="train_conv").value, epochs=at.select_slider(key="train_epochs").value)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_page_shows_every_result(app_test, lang, default_experiment):
    at = app_test("training", lang=lang)
    no_exception(at)
    assert settings_of(at) == DEFAULT
    # 2 reliability diagrams + temperature (in the expander) + learning curves + 2 projections + gap histogram
    assert len(at.get("plotly_chart")) == 7
    e = default_experiment
    table = at.table[0].value
    assert table.shape == (5, 4)
    assert f"{e.one_hot.metrics.ece:.3f}" in table.iloc[4].tolist()
    assert f"{e.smoothed.metrics.ece:.3f}" in table.iloc[4].tolist()
    captions = " ".join(c.value for c in at.caption)
    assert f"{e.one_hot.metrics.ece:.3f}" in captions and f"{e.smoothed.metrics.mean_confidence:.3f}" in captions


def test_changing_the_view_does_not_retrain(app_test, monkeypatch):
    at = app_test("training")
    calls = []
    original = core.ExperimentSettings.run
    monkeypatch.setattr(core.ExperimentSettings, "run", lambda settings, *a, **k: calls.append(settings) or original(settings, *a, **k))
    at.multiselect(key="train_classes").set_value([1, 3, 4]).run()
    at.radio(key="train_split").set_value("test").run()
    no_exception(at)
    assert calls == []
    # a new setting, submitted with the form's button, does train
    at.slider(key="train_eps").set_value(0.2)
    at.button[0].click().run()
    no_exception(at)
    assert calls == [dataclasses.replace(DEFAULT, eps=0.2)]
    assert at.query_params["eps"] == "0.2"


def test_fewer_than_three_classes_asks_for_three(app_test):
    at = app_test("training")
    at.multiselect(key="train_classes").set_value([0, 1]).run()
    no_exception(at)
    assert any("three" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 5


@pytest.mark.parametrize("query, kind, key, values", [
    ({"eps": "0"}, "info", "training.eps_zero", {}),                           # both runs identical: said so
    ({"K": "10", "n": "50", "epochs": "10"}, "warning", "training.tiny_data", {"per_class": "5"}),
    ({"noise": "0.5", "n": "200", "epochs": "10"}, "info", "training.heavy_noise", {"percent": "50", "n": 200}),
    # heavy overlap and half the labels flipped: test accuracy 0.146 < 1.5 × chance
    ({"overlap": "1.5", "K": "10", "n": "1000", "epochs": "10", "noise": "0.5"}, "warning", "training.near_chance",
     {"chance": "0.10"}),
])
def test_extremes_are_explained(app_test, query, kind, key, values):
    at = app_test("training", **query)
    no_exception(at)
    shown = [a.value for a in getattr(at, kind)]
    if key == "training.heavy_noise":   # the count of flipped labels comes from the data the page trained on
        e = compute.experiment(settings_of(at))
        values = values | {"flipped": e.data.flipped}
        assert 0 < e.data.flipped < 200
    if key == "training.near_chance":   # the notice states the accuracy it was chosen by
        values = values | {"accuracy": f"{compute.experiment(settings_of(at)).one_hot.metrics.test_accuracy:.3f}"}
    assert lookup("en", key, **values) in shown, shown
    assert len(at.get("plotly_chart")) == 7


def test_uniform_targets_are_explained(app_test):
    """ε = 1 with ε/K: every class gets 1/K, so the smoothed model has nothing to prefer (the boundary case)."""
    at = app_test("training", eps="1", epochs="10", n="200")
    no_exception(at)
    expected = lookup("en", "training.regime.no_preference", eps="1.00", chance=number(0.2, 3), true=number(0.2, 3),
                      wrong=number(0.2, 3), boundary=number(0.8, 4))
    assert [w.value for w in at.warning] == [expected]


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


# ---------- the digits ----------

DIGITS = core.ExperimentSettings.make("digits", 10, 0.4, 0.0, 200, 0, 0.1, epochs=10)


@pytest.fixture(scope="module")
def digits_experiment():
    return DIGITS.run()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_digits_page_trains_on_the_digits(app_test, lang, digits_experiment):
    """data=digits: K and the overlap are fixed (no controls), the models are the core's digits models, the
    split sizes are the digits', and the first tab shows the one-hot model's most confident mistakes."""
    import json

    from tests.test_figures import array

    at = app_test("training", lang=lang, data="digits", n=200, epochs=10)
    no_exception(at)
    assert at.radio(key="train_data").value == "digits"
    assert not [w for w in at.number_input if w.key == "train_K"] and not [w for w in at.slider if w.key == "train_overlap"]
    assert lookup(lang, "training.digits_K") in [m.value for m in at.markdown]
    e = digits_experiment
    table = at.table[0].value
    assert f"{e.one_hot.metrics.test_accuracy:.3f}" in table.iloc[1].tolist()
    assert f"{e.smoothed.metrics.ece:.3f}" in table.iloc[4].tolist()
    captions = [c.value for c in at.caption]
    assert lookup(lang, "training.metrics_caption", val="297") in captions
    assert any(lookup(lang, "training.paper_toy.digits", test="500") == m.value for m in at.markdown)
    m = core.confident_mistakes(e)
    chart = next(c for c in at.get("plotly_chart") if c.key == "train_mistakes")
    spec = json.loads(chart.proto.spec)
    assert len(spec["data"]) == m.index.size >= 1
    for trace, image in zip(spec["data"], m.images):
        np.testing.assert_array_equal(array(trace["z"]).reshape(8, 8), image)
    labels = [a["text"] for a in spec["layout"]["annotations"]]
    assert labels[0] == lookup(lang, "training.mistake_label", true=int(m.true[0]), one_hot=int(m.one_hot_class[0]),
                               p_one_hot=f"{m.one_hot_confidence[0]:.2f}", smoothed=int(m.smoothed_class[0]),
                               p_smoothed=f"{m.smoothed_confidence[0]:.2f}")


def test_digits_use_at_most_1000_training_images_and_say_so(app_test, digits_experiment):
    at = app_test("training", data="digits", n=5000, epochs=10)
    no_exception(at)
    assert lookup("en", "training.digits_size", used="1,000") in [c.value for c in at.caption]
    assert lookup("en", "training.digits_size", used="1,000") not in [c.value for c in app_test(
        "training", data="digits", n=200, epochs=10).caption]


def test_clusters_keep_their_controls_and_their_split(app_test):
    at = app_test("training", n=200, epochs=10)
    no_exception(at)
    assert at.number_input(key="train_K").value == 5 and at.slider(key="train_overlap").value == 0.4
    assert lookup("en", "training.metrics_caption", val="1,000") in [c.value for c in at.caption]
    assert not [c for c in at.get("plotly_chart") if c.key == "train_mistakes"]
