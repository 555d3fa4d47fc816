"""AppTest: the dynamics page at defaults, at its extremes, with bad input, in both languages."""

import numpy as np
import pytest

import lsr_core as core
from pages.ui.formatting import count, number
from pages.ui.i18n import lookup
from tests.apptest_checks import assert_url_values_ignored, metric, no_exception



def open_dynamics(app_test, **query):
    at = app_test("dynamics", **query)
    no_exception(at)
    return at


def test_default_scene_matches_the_core(app_test):
    at = open_dynamics(app_test)
    c = core.compare_runs(10, 0.1, "uniform", 1.0, 2000, np.zeros(10))
    assert metric(at, "dynamics.metric_smoothed_gap") == number(c.gap[-1, 1]) == number(core.optimal_logit_gap(10, 0.1))
    assert metric(at, "dynamics.metric_tolerance") == count(c.steps_to_tolerance)
    assert metric(at, "dynamics.metric_one_hot_gap") == number(c.gap[-1, 0])
    # the gap and logits charts and the first tab's: a closed tab's chart is neither built nor sent
    assert [chart.key for chart in at.get("plotly_chart")] == ["dyn_chart_gap", "dyn_chart_logits", "dyn_chart_prob"]
    assert not at.warning and not at.error


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("tab, chart", [("dynamics.tab_gradient", "dyn_chart_grad"), ("dynamics.replay_heading", "dyn_replay"),
                                        ("export.title", None)])
def test_a_tab_is_drawn_when_it_is_opened(app_test, lang, tab, chart):
    """Opening a tab reruns the page with that tab's content only (issue 26: hidden charts cost nothing)."""
    at = open_dynamics(app_test, lang=lang)
    at.session_state["dyn_tabs"] = lookup(lang, tab)
    at.run()
    no_exception(at)
    keys = [c.key for c in at.get("plotly_chart")]
    assert keys == ["dyn_chart_gap", "dyn_chart_logits"] + ([chart] if chart else [])
    downloads = [b.key for b in at.get("download_button")]
    assert downloads == (["dyn_csv"] if chart is None else [])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_run_is_sent_with_the_gap_and_logits_charts(app_test, lang):
    """Run is a button inside the gap and logits charts: the page sends the stored runs with their growth
    frames (on the default log step axis), so pressing it costs the server nothing. The last frame is the
    finished chart; the hint above the charts names it."""
    import json

    from tests.test_figures import array

    at = open_dynamics(app_test, lang=lang)
    assert lookup(lang, "dynamics.run") not in [b.label for b in at.button], "no server-side Run button any more"
    c = core.compare_runs(10, 0.1, "uniform", 1.0, 2000, np.zeros(10)).thinned(600, True)
    growth = c.growth(True)
    for key in ("dyn_chart_gap", "dyn_chart_logits"):
        spec = json.loads(next(chart for chart in at.get("plotly_chart") if chart.key == key).proto.spec)
        assert spec["layout"]["xaxis"]["type"] == "log"
        assert len(spec["frames"]) == len(growth) >= 32
        run, pause = spec["layout"]["updatemenus"][0]["buttons"]
        assert run["label"] == "▶ " + lookup(lang, "dynamics.run") and pause["label"] == "▮▮ " + lookup(lang, "dynamics.pause")
        last = spec["frames"][-1]
        for i, drawn in zip(last["traces"], last["data"]):
            np.testing.assert_array_equal(array(drawn["y"]), array(spec["data"][i]["y"]))
        first = spec["frames"][0]["data"][0]
        np.testing.assert_array_equal(array(first["x"]), c.steps[1:][growth[0]])
    assert lookup(lang, "dynamics.run_hint", steps=count(2000)) in [c.value for c in at.caption]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("settings", [
    dict(K=2, eps=0.0, conv="uniform", lr=0.01, steps=10),
    dict(K=2, eps=1.0, conv="others", lr=10.0, steps=100),
    dict(K=1000, eps=0.01, conv="others", lr=10.0, steps=100000),
    dict(K=3, eps=1.0, conv="uniform", lr=0.01, steps=100000),
    dict(K=1000, eps=1.0, conv="uniform", lr=0.01, steps=10),
])
def test_extremes(app_test, lang, settings):
    at = app_test("dynamics", lang=lang)
    at.number_input(key="dyn_K").set_value(settings["K"])
    at.slider(key="dyn_eps").set_value(settings["eps"])
    at.radio(key="dyn_conv").set_value(settings["conv"])
    at.select_slider(key="dyn_lr").set_value(settings["lr"])
    at.select_slider(key="dyn_steps").set_value(settings["steps"])
    at.run()
    no_exception(at)
    assert len(at.get("plotly_chart")) == 3
    k, eps, prior = settings["K"], settings["eps"], settings["conv"]
    assert (lookup(lang, "dynamics.eps_zero") in [i.value for i in at.info]) == (eps == 0.0)
    if eps == 1.0:   # a gap of 0 (ε/K) or −∞ (ε/(K−1)) is explained by its own sentence
        regime = core.gap_regime(k, eps, prior)
        assert regime == ("no_preference" if prior == "uniform" else "excludes_true")
        expected = lookup(lang, f"dynamics.regime.{regime}", gap=number(core.scene_optimal_gap(k, eps, prior)),
                          boundary=number(core.zero_gap_eps(k, "others"), 4))
        assert expected in [w.value for w in at.warning]


def test_random_start_controls(app_test):
    at = open_dynamics(app_test)
    at.radio(key="dyn_init").set_value("random").run()
    at.number_input(key="dyn_seed").set_value(9999)
    at.slider(key="dyn_scale").set_value(5.0)
    at.toggle(key="dyn_logx").set_value(True)
    at.run()
    no_exception(at)
    start = core.initial_logits(10, "random", 9999, 5.0)
    c = core.compare_runs(10, 0.1, "uniform", 1.0, 2000, start)
    assert metric(at, "dynamics.metric_one_hot_gap") == number(c.gap[-1, 0])
    assert at.query_params["init"] == "random" and at.query_params["seed"] == "9999"


def test_too_large_learning_rate_is_reported(app_test):
    at = open_dynamics(app_test, K=2, eps=0.5, lr=10)
    assert at.error and "10.0" in at.error[0].value


def test_slow_convergence_is_reported(app_test):
    at = open_dynamics(app_test, steps=10, lr=0.01)
    assert any("10⁻⁶" in info.value for info in at.info)


@pytest.mark.parametrize("query", [
    {"K": "abc"}, {"K": "1"}, {"eps": "5"}, {"lr": "3"}, {"steps": "7"}, {"init": "ones"}, {"seed": "-4"},
    {"scale": "0"}, {"logx": "maybe"}, {"conv": "<script>"},
])
def test_garbage_query_falls_back_with_a_notice(app_test, query):
    at = open_dynamics(app_test, **query)
    assert_url_values_ignored(at, query)
    assert at.number_input(key="dyn_K").value == 10 and at.slider(key="dyn_eps").value == 0.1


def test_link_opens_the_exact_scene(app_test):
    at = open_dynamics(app_test, K=7, eps=0.3, conv="others", lr=2.0, steps=5000, logx="True")
    assert not at.warning
    assert at.number_input(key="dyn_K").value == 7
    assert at.select_slider(key="dyn_steps").value == 5000 and at.toggle(key="dyn_logx").value is True
    assert metric(at, "dynamics.metric_smoothed_gap") == number(core.optimal_logit_gap(7, 0.3, "others"))
