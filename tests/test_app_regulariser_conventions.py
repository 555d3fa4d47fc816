"""AppTest: the regulariser and the conventions pages, at their extremes, in both languages."""

import numpy as np
import pytest

import lsr_core as core
from lsr_core import conventions
from pages.ui.formatting import number
from tests.apptest_checks import assert_url_values_ignored, no_exception



@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("query", [{}, {"eps": "0"}, {"eps": "1"}, {"K": "20", "gap": "15", "draws": "1000000"},
                                   {"K": "2", "gap": "-5", "conv": "others"}])
def test_regulariser_page(app_test, lang, query):
    at = app_test("regulariser", lang=lang, **query)
    no_exception(at)
    k, eps = int(query.get("K", 10)), float(query.get("eps", 0.1))
    gap, prior = float(query.get("gap", 3.0)), query.get("conv", "uniform")
    z = np.zeros(k)
    z[0] = gap
    total = float(core.cross_entropy(z, core.smooth_targets(0, k, eps, prior)))
    assert at.metric[2].value == number(total, 4)
    assert len(at.get("plotly_chart")) == 2
    if eps == 0:
        assert at.info


def test_regulariser_controls_move_the_numbers(app_test):
    at = app_test("regulariser")
    before = at.metric[2].value
    at.slider(key="reg_gap").set_value(10.0).run()
    at.select_slider(key="reg_draws").set_value(1000).run()
    at.number_input(key="reg_seed").set_value(9999).run()
    no_exception(at)
    assert at.metric[2].value != before
    assert at.query_params["gap"] == "10.0" and at.query_params["draws"] == "1000"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("query", [{}, {"K": "2", "eps": "0.1"}, {"K": "1000", "eps": "0.99", "conv": "others"},
                                   {"K": "5", "eps": "0.9", "conv": "others"}, {"eps": "0"}, {"eps": "1"}])
def test_conventions_page(app_test, lang, query):
    at = app_test("conventions", lang=lang, **query)
    no_exception(at)
    k, eps = int(query.get("K", 10)), float(query.get("eps", 0.1))
    table = at.dataframe[0].value
    rows = core.library_table(k, eps)
    np.testing.assert_allclose(table.iloc[:, 3].to_numpy(), [row.true_target for row in rows])
    if 0 < eps < 1:
        assert len(at.main.expander) == 5
        assert at.metric[-1].value == number(conventions.loss_split(k, eps).correct)
    if query.get("conv") == "others" and eps > (k - 1) / k:
        assert at.warning  # no eps/K equivalent


@pytest.mark.parametrize("page,query", [("conventions", {"K": "zero"}), ("regulariser", {"gap": "99"}),
                                        ("regulariser", {"draws": "7"})])
def test_garbage_query_falls_back_with_a_notice(app_test, page, query):
    at = app_test(page, **query)
    assert_url_values_ignored(at, query)
