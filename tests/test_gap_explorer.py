"""The optimal gap explorer: core helpers, figures, AppTest, in both languages."""

import numpy as np
import pytest

import lsr_core as core
from pages.ui import figures
from pages.ui.formatting import number
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
    reached, closed = core.gap_sweep(10, eps, prior)
    assert reached.shape == (200,)
    np.testing.assert_allclose(closed, core.optimal_logit_gap(10, eps, prior))
    assert np.abs(reached - closed).max() < 1e-7


def test_aligned_conventions_coincide():
    """The page's alignment claim: eps/(K-1) curves drawn at eps*K/(K-1) lie on the eps/K curve."""
    for k in (2, 10, 1000):
        eps_others = np.geomspace(1e-4, (k - 1) / k, 50)
        np.testing.assert_allclose(core.optimal_logit_gap(k, eps_others, "others"),
                                   core.optimal_logit_gap(k, eps_others * k / (k - 1), "uniform"), rtol=1e-10, atol=1e-10)


def test_gap_curves_figure_holds_the_arrays_and_drops_infinities():
    eps = np.array([0.0, 0.1, 0.5, 1.0])
    y = core.optimal_logit_gap(5, eps, "others")  # inf at 0, -inf at 1
    fig = figures.gap_curves_figure([("c", "others", eps, y)], (0.1, float(y[1])), TEXT,
                                    sweep=(eps[1:3], y[1:3]))
    np.testing.assert_array_equal(fig.data[0].x, eps[1:3])
    np.testing.assert_array_equal(fig.data[0].y, y[1:3])
    assert fig.data[0].line.dash != "solid"
    for trace in fig.data:
        assert np.all(np.isfinite(np.asarray(trace.y, dtype=float)))


def test_optimal_logits_figure_marks_minus_infinity():
    q = core.smooth_targets(0, 4, 0.2, core.normalised_prior([1, 1, 0, 1]))
    z = core.optimal_logits(q)
    fig = figures.optimal_logits_figure(z, TEXT)
    np.testing.assert_allclose(fig.data[0].y, z[np.isfinite(z)])
    assert list(fig.data[1].x) == ["2"] and list(fig.data[1].text) == ["−∞"]
    assert np.isfinite(fig.data[1].y[0])


def test_loss_versus_gap_has_its_minimum_at_the_closed_form():
    terms = core.regulariser_terms(10, 0.1, "uniform", np.linspace(-5, 15, 4001))
    gap = core.optimal_logit_gap(10, 0.1)
    assert terms.gaps[terms.total.argmin()] == pytest.approx(gap, abs=0.006)
    assert np.all(np.diff(terms.data_term) < 0)  # one-hot: falls for ever
    fig = figures.loss_versus_gap_figure(terms, gap, TEXT)
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
    if query.get("w2") == "0":
        assert any("1" in w.value for w in at.warning)  # one class with no smoothing mass: -inf explained
    if query.get("eps") == "0":
        assert at.info


def test_all_zero_weights_are_explained(app_test):
    at = app_test("gap_explorer", K="3", prior="custom", w0="0", w1="0", w2="0")
    no_exception(at)
    assert at.warning and len(at.get("plotly_chart")) == 4


def test_sweep_caption_reports_the_worst_error(app_test):
    at = app_test("gap_explorer", K="7", conv="others")
    reached, closed = core.gap_sweep(7, np.geomspace(1e-3, 0.9, 200), "others")
    assert any(number(float(np.abs(reached - closed).max())) in c.value for c in at.caption)


@pytest.mark.parametrize("query", [{"prior": "beta"}, {"zipf": "9"}, {"w1": "2"}, {"align": "yes"}])
def test_garbage_query(app_test, query):
    at = app_test("gap_explorer", **query)
    assert_url_values_ignored(at, query)
