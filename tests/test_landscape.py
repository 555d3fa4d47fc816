"""The K = 3 loss landscape: core, figure, AppTest."""

import numpy as np
import pytest

import lsr_core as core
from pages.ui import figures
from pages.ui.formatting import number
from pages.ui.i18n import lookup
from tests.apptest_checks import assert_url_values_ignored, metric, no_exception

TEXT = {key: key for key in "title x y one_hot smoothed path start minimum loss".split()}


@pytest.mark.parametrize("prior", ["uniform", "others"])
@pytest.mark.parametrize("start", [(0.0, 0.0), (-3.0, 8.0), (10.0, 10.0)])
def test_paths_and_grid(prior, start):
    scape = core.loss_landscape(0.2, prior, start, 2.0, 20_000)
    np.testing.assert_allclose(scape.path_smoothed[-1], [scape.optimal_gap] * 2, atol=1e-9)
    np.testing.assert_allclose(scape.path_one_hot[0], start, atol=1e-12)
    assert np.all(np.diff(scape.path_one_hot[-50:].sum(axis=1)) > 0)  # still climbing at the end
    z = core.gaps_to_logits(scape.gaps[10], scape.gaps[30])
    assert scape.loss_smoothed[30, 10] == pytest.approx(float(core.cross_entropy(z, core.smooth_targets(0, 3, 0.2, prior))))
    assert scape.loss_one_hot[30, 10] == pytest.approx(np.log1p(np.exp(-scape.gaps[10]) + np.exp(-scape.gaps[30])))
    # the smoothed grid's lowest point is next to the closed-form minimum
    row, col = np.unravel_index(scape.loss_smoothed.argmin(), scape.loss_smoothed.shape)
    spacing = scape.gaps[1] - scape.gaps[0]
    assert abs(scape.gaps[col] - scape.optimal_gap) <= spacing and abs(scape.gaps[row] - scape.optimal_gap) <= spacing


def test_gaps_to_logits_round_trip():
    z = core.gaps_to_logits(np.array([1.5, -2.0]), np.array([0.5, 3.0]))
    np.testing.assert_allclose(z.mean(axis=-1), 0.0, atol=1e-15)
    np.testing.assert_allclose(z[:, 0] - z[:, 1], [1.5, -2.0])
    np.testing.assert_allclose(z[:, 0] - z[:, 2], [0.5, 3.0])



@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("query", [{}, {"eps": "0"}, {"eps": "1", "conv": "others"}, {"g1": "12", "g2": "-4", "lr": "3.9", "steps": "100000"},
                                   {"lr": "0.1", "steps": "100"}])
def test_page(app_test, lang, query):
    at = app_test("landscape", lang=lang, **query)
    no_exception(at)
    eps, prior = float(query.get("eps", 0.1)), query.get("conv", "uniform")
    assert metric(at, "landscape.metric_minimum", lang) == number(core.optimal_logit_gap(3, eps, prior), 4)
    assert len(at.get("plotly_chart")) == 1
    infos = [i.value for i in at.info]
    assert (lookup(lang, "landscape.eps_zero") in infos) == (eps == 0)
    if query.get("steps") == "100":   # not at the minimum yet
        assert lookup(lang, "landscape.not_there", steps="100") in infos


def test_garbage_query(app_test):
    at = app_test("landscape", g1="99", lr="7")
    assert_url_values_ignored(at, {"g1": "99", "lr": "7"})
    assert len([w for w in at.warning if "=" in w.value]) == 2


def test_smoothed_reached_minimum():
    assert core.loss_landscape(0.1, "uniform", (0.0, 0.0), 2.0, 5000).smoothed_reached_minimum
    assert not core.loss_landscape(0.1, "uniform", (0.0, 0.0), 0.1, 100).smoothed_reached_minimum
    assert not core.loss_landscape(0.0, "uniform", (0.0, 0.0), 2.0, 5000).smoothed_reached_minimum
    assert not core.loss_landscape(1.0, "others", (0.0, 0.0), 2.0, 5000).smoothed_reached_minimum
