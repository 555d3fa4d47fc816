"""AppTest: the shell (language switch, URL) and the Home page, every widget at its extremes."""

import pytest

import lsr_core as core
from pages.ui.formatting import number
from tests.apptest_checks import assert_url_values_ignored, metric, no_exception





def test_home_default_shows_the_core_numbers(app_test):
    at = app_test()
    no_exception(at)
    assert at.title[0].value == "Label Smoothing Lab"
    assert metric(at, "home.metric_true") == f"{core.smooth_targets(0, 10, 0.1)[0]:.4f}" == "0.9100"
    assert metric(at, "home.metric_gap") == number(core.optimal_logit_gap(10, 0.1)) == "4.510860"
    assert len(at.get("plotly_chart")) == 1
    assert any("q'_k" in latex.value for latex in at.latex)


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
