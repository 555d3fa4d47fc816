"""AppTest: the shell (language switch, URL) and the Home page, every widget at its extremes."""

import json

import numpy as np
import pytest

import lsr_core as core
from pages.ui import compute
from pages.ui.i18n import lookup
from tests.test_figures import array
from pages.ui.formatting import number
from tests.apptest_checks import assert_url_values_ignored, metric, no_exception





def test_home_default_shows_the_core_numbers(app_test):
    at = app_test()
    no_exception(at)
    assert at.title[0].value == "Label Smoothing Lab"
    assert metric(at, "home.metric_true") == f"{core.smooth_targets(0, 10, 0.1)[0]:.4f}" == "0.9100"
    assert metric(at, "home.metric_gap") == number(core.optimal_logit_gap(10, 0.1)) == "4.510860"
    assert len(at.get("plotly_chart")) == 2
    assert any("q'_k" in latex.value for latex in at.latex)


def chart_traces(at, key: str) -> dict:
    spec = json.loads(next(chart for chart in at.get("plotly_chart") if chart.key == key).proto.spec)
    return {trace["name"]: trace for trace in spec["data"]}


def test_home_shows_the_central_picture_from_the_core(app_test):
    """The gap chart is the dynamics scene K = 10, ε = 0.1, lr 1, 10,000 steps on a log-step axis, and the
    sentence under it quotes its one-hot gap and the optimum."""
    at = app_test()
    c = core.compare_runs(10, 0.1, "uniform", 1.0, 10_000, np.zeros(10)).thinned(compute.CHART_RECORDS, True)
    traces = chart_traces(at, "home_gap_chart")
    one_hot, smoothed = traces[lookup("en", "legend.one_hot")], traces[lookup("en", "legend.smoothed")]
    np.testing.assert_allclose(array(one_hot["y"]), c.gap[1:, 0], rtol=1e-15)
    np.testing.assert_allclose(array(smoothed["y"]), c.gap[1:, 1], rtol=1e-15)
    assert c.gap[-1, 0] > 11 and abs(c.gap[-1, 1] - core.optimal_logit_gap(10, 0.1)) < 1e-9
    sentence = lookup("en", "home.picture.favours_true", gap=number(core.optimal_logit_gap(10, 0.1)),
                      one_hot=number(c.gap[-1, 0], 2), steps="10,000")
    assert sentence in [m.value for m in at.markdown]


@pytest.mark.parametrize("eps, tail", [(1e-6, "home.picture_not_yet"), (1e-15, "home.picture_unreachable")])
def test_home_says_when_its_steps_do_not_reach_the_optimum(app_test, eps, tail):
    """A tiny ε from a link: still on its way (ε = 1e-6), or stopped short by float64 for good (ε = 1e-15,
    issue 22: the run stops from gap ≈ 35.68, below the optimum 36.84), never "stops at the optimum"."""
    at = app_test(eps=str(eps))
    no_exception(at)
    c = core.compare_runs(10, eps, "uniform", 1.0, 10_000, np.zeros(10))
    assert abs(c.gap[-1, 1] - c.optimal_gap) > 1e-6
    values = dict(steps="10,000", reached=number(c.gap[-1, 1], 2), gap=number(c.optimal_gap),
                  one_hot=number(c.gap[-1, 0], 2), stall=number(core.float64_stall_gap(10, eps, "uniform", 1.0), 2))
    expected = lookup("en", "home.picture_unconverged", **values) + " " + lookup("en", tail, **values)
    assert expected in [m.value for m in at.markdown]
    if tail == "home.picture_unreachable":
        assert "35.68" in expected
    assert not any("has not come within" in m.value for m in app_test().markdown), "the default run converges"


@pytest.mark.parametrize("K", [2, 20])
@pytest.mark.parametrize("eps", [0.0, 0.01, 0.5, 0.99, 1.0])
@pytest.mark.parametrize("conv", ["uniform", "others"])
def test_home_extremes(app_test, K, eps, conv):
    at = app_test()
    at.number_input(key="home_K").set_value(K)
    at.slider(key="home_eps").set_value(eps)
    at.radio(key="home_conv").set_value(conv)
    at.run()
    no_exception(at)
    gap = core.optimal_logit_gap(K, eps, conv)
    assert metric(at, "home.metric_gap") == number(gap)
    if eps == 0.0:
        assert at.info, "ε = 0 must be explained"
    elif gap <= 0:
        assert at.warning, "a gap of 0 or below must be explained"
    assert at.query_params["K"] == str(K) if K != 10 else "K" not in at.query_params


def test_language_switch_and_url(app_test):
    at = app_test()
    at.segmented_control(key="lang").set_value("zh").run()
    no_exception(at)
    assert at.title[0].value == "标签平滑实验室"
    assert at.query_params["lang"] == "zh"
    at.segmented_control(key="lang").set_value("en").run()
    assert at.title[0].value == "Label Smoothing Lab" and "lang" not in at.query_params


def test_query_params_open_the_exact_scene(app_test):
    at = app_test(lang="zh", K=4, eps=0.25, conv="others")
    no_exception(at)
    assert at.title[0].value == "标签平滑实验室"
    assert at.number_input(key="home_K").value == 4 and at.slider(key="home_eps").value == 0.25
    assert metric(at, "home.metric_gap", "zh") == number(core.optimal_logit_gap(4, 0.25, "others"))
    assert not at.warning


@pytest.mark.parametrize("query", [
    {"K": "abc"}, {"K": "1"}, {"K": "9999"}, {"eps": "5"}, {"eps": "-1"}, {"eps": "nan"},
    {"conv": "bogus"}, {"lang": "xx"}, {"K": "__import__('os').system('true')"}, {"eps": "1e999"},
])
def test_garbage_query_falls_back_with_a_notice(app_test, query):
    at = app_test(**query)
    assert_url_values_ignored(at, query)
    assert at.number_input(key="home_K").value == 10 and at.slider(key="home_eps").value == 0.1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_tiny_eps_shows_its_wrong_class_target_and_no_float64_promise(app_test, lang):
    """At ε = 1e-15 the wrong classes' target is not printed as 0.0000, and the caption's 'converges to the gap'
    says exact arithmetic, since float64 stops the run short of it (the picture's sentence says where)."""
    at = app_test("home", eps="1e-15", K="10", lang=lang)
    no_exception(at)
    wrong = core.smooth_targets(0, 10, 1e-15)[1]
    assert metric(at, "home.metric_wrong", lang) == number(wrong, 4) != "0.0000"
    gap = core.optimal_logit_gap(10, 1e-15)
    expected = lookup(lang, "home.caption.favours_true", true=f"{1 - wrong * 9:.4f}", wrong=number(wrong, 4), gap=number(gap))
    assert expected in [c.value for c in at.caption]
    assert ("exact arithmetic" if lang == "en" else "精确算术") in expected
