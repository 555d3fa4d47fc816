"""The optimal gap explorer: core helpers, figures, AppTest, in both languages."""

import numpy as np
import pytest

import lsr_core as core
from pages.ui import figures
from pages.ui.formatting import number
from pages.ui.i18n import lookup
from tests.apptest_checks import assert_url_values_ignored, no_exception

TEXT = {key: key for key in "title x y current sweep one_hot smoothed data prior minimum finite infinite".split()}


def test_zipf_and_normalised_priors():
    np.testing.assert_allclose(core.zipf_prior(4, 0.0), [0.25] * 4)
    u = core.zipf_prior(5, 2.0)
    assert u.sum() == pytest.approx(1.0) and np.all(np.diff(u) < 0)
    assert u[0] / u[1] == pytest.approx(4.0)
    np.testing.assert_allclose(core.normalised_prior([0, 3, 1]), [0, 0.75, 0.25])
    for bad in ([0, 0], [1, -1], [np.nan, 1], [1]):
        with pytest.raises(ValueError):
            core.normalised_prior(bad)
    with pytest.raises(ValueError):
        core.zipf_prior(3, -1.0)


@pytest.mark.parametrize("prior", ["uniform", "others"])
def test_one_vectorised_sweep_lands_on_the_closed_form(prior):
    eps = np.geomspace(1e-3, 0.9, 200)
    sweep = core.gap_sweep(10, eps, prior)
    assert sweep.reached.shape == (200,) and sweep.num_classes == 10
    np.testing.assert_allclose(sweep.closed, core.optimal_logit_gap(10, eps, prior))
    assert np.abs(sweep.reached - sweep.closed).max() < 1e-7
    assert sweep.worst_error == np.abs(sweep.reached - sweep.closed).max()


def test_aligned_conventions_coincide():
    """The page's alignment claim: eps/(K-1) curves drawn at `uniform_equivalent` lie on the eps/K curve,
    because the targets are the same (checked on the targets themselves, then on the gaps)."""
    for k in (2, 10, 1000):
        eps_others = np.geomspace(1e-4, (k - 1) / k, 50)
        aligned = core.uniform_equivalent(eps_others, k)
        assert np.all(np.isfinite(aligned)) and np.all(aligned <= 1.0)
        for e_others, e_uniform in zip(eps_others[::7], aligned[::7]):
            np.testing.assert_allclose(core.smooth_targets(0, k, e_uniform, "uniform"),
                                       core.smooth_targets(0, k, e_others, "others"), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(core.optimal_logit_gap(k, eps_others, "others"),
                                   core.optimal_logit_gap(k, aligned, "uniform"), rtol=1e-10, atol=1e-10)


def test_uniform_equivalent_by_hand_and_where_none_exists():
    # K = 10: eps/(K-1) = 0.09 gives the wrong classes 0.01 each, as eps/K = 0.1 does; 0.95 > 9/10 has no equivalent
    out = core.uniform_equivalent(np.array([0.0, 0.09, 0.9, 0.95, 1.0]), 10)
    np.testing.assert_allclose(out[:3], [0.0, 0.1, 1.0], rtol=1e-15)
    assert np.isnan(out[3]) and np.isnan(out[4])
    assert core.uniform_equivalent(0.5, 2) == 1.0   # K = 2: eps/(K-1) = 0.5 is eps/K = 1, both [0.5, 0.5]


def test_loss_versus_gap_has_its_minimum_at_the_closed_form():
    terms = core.regulariser_terms(10, 0.1, "uniform", np.linspace(-5, 15, 4001))
    gap = core.optimal_logit_gap(10, 0.1)
    assert terms.gaps[terms.total.argmin()] == pytest.approx(gap, abs=0.006)
    assert np.all(np.diff(terms.data_term) < 0)  # one-hot: falls for ever
    fig = figures.loss_versus_gap_figure(terms, terms.point_on_grid(gap), TEXT)
    assert [trace.name for trace in fig.data][-1] == "minimum" and fig.data[-1].x[0] == gap



@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("query", [{}, {"align": "True"}, {"eps": "0"}, {"eps": "1", "conv": "others"},
                                   {"K": "1000", "prior": "custom"}, {"K": "2", "prior": "zipf", "zipf": "3"},
                                   {"K": "5", "prior": "custom", "w2": "0"}])
def test_page(app_test, lang, query):
    at = app_test("gap_explorer", lang=lang, **query)
    no_exception(at)
    charts = len(at.get("plotly_chart"))
    assert charts == (4 if query.get("prior") == "custom" and query.get("K") == "1000" else 5)
    warnings = [w.value for w in at.warning]
    # one class with no smoothing mass: its −∞ explained
    assert (lookup(lang, "gap_explorer.zero_prior", n=1) in warnings) == (query.get("w2") == "0")
    assert (lookup(lang, "gap_explorer.eps_zero") in [i.value for i in at.info]) == (query.get("eps") == "0")


def test_all_zero_weights_are_explained(app_test):
    at = app_test("gap_explorer", K="3", prior="custom", w0="0", w1="0", w2="0")
    no_exception(at)
    assert at.warning and len(at.get("plotly_chart")) == 4


def test_sweep_caption_reports_the_worst_error(app_test):
    at = app_test("gap_explorer", K="7", conv="others")
    sweep = core.gap_sweep(7, np.geomspace(1e-3, 0.9, 200), "others")
    assert any(number(sweep.worst_error) in c.value for c in at.caption)


@pytest.mark.parametrize("query", [{"prior": "beta"}, {"zipf": "9"}, {"w1": "2"}, {"align": "yes"}])
def test_garbage_query(app_test, query):
    at = app_test("gap_explorer", **query)
    assert_url_values_ignored(at, query)
