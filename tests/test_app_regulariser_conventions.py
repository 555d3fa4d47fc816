"""AppTest: the regulariser and the conventions pages, at their extremes, in both languages."""

import numpy as np
import pytest

import lsr_core as core
from lsr_core import conventions
from pages.ui.formatting import number
from pages.ui.i18n import lookup
from tests.apptest_checks import assert_url_values_ignored, metric, no_exception



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
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    u = core.prior_distribution(0, k, prior)
    data, prior_ce = -np.log(p[0]), -(u * np.log(p)).sum()
    assert metric(at, "regulariser.metric_data", lang) == number((1 - eps) * data, 4)
    assert metric(at, "regulariser.metric_prior", lang) == number(eps * prior_ce, 4)
    assert metric(at, "regulariser.metric_total", lang) == number((1 - eps) * data + eps * prior_ce, 4)
    kl = (u[u > 0] * np.log(u[u > 0] / p[u > 0])).sum()
    assert metric(at, "regulariser.metric_kl", lang) == number(kl, 4)
    assert len(at.get("plotly_chart")) == 2
    assert (lookup(lang, "regulariser.eps_zero") in [i.value for i in at.info]) == (eps == 0)


def test_regulariser_controls_move_the_numbers(app_test):
    at = app_test("regulariser")
    before = metric(at, "regulariser.metric_total")
    at.slider(key="reg_gap").set_value(10.0).run()
    at.select_slider(key="reg_draws").set_value(1000).run()
    at.number_input(key="reg_seed").set_value(9999).run()
    no_exception(at)
    assert metric(at, "regulariser.metric_total") != before
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
    np.testing.assert_allclose(table[lookup(lang, "conventions.col_true")].to_numpy(), [row.true_target for row in rows])
    np.testing.assert_allclose(table[lookup(lang, "conventions.col_wrong")].to_numpy(), [row.wrong_target for row in rows])
    assert list(table.columns) == [lookup(lang, f"conventions.col_{name}") for name in ("library", "convention", "true", "wrong", "gap")]
    # each library's call, listed under the table (a column of calls made it wider than the page)
    calls = next(e for e in at.main.expander if e.label == lookup(lang, "conventions.calls_title")).markdown[0].value
    assert all(f"**{row.library}**: `{row.call}`" in calls for row in rows) and calls.count("\n- ") == len(rows) - 1
    if 0 < eps < 1:
        assert len([e for e in at.main.expander if e.label[:1].isdigit()]) == 5   # the errata
        errata = {"alpha": conventions.alpha_inside_log(k, eps, 2.0), "q_inside": conventions.q_inside_log(k, eps),
                  "code": conventions.formula_versus_code(k, eps), "constant": conventions.true_logit_is_not_constant(k),
                  "split": conventions.loss_split(k, eps)}
        for name, erratum in errata.items():
            assert metric(at, f"errata.{name}.claimed_label", lang) == number(erratum.claimed)
            assert metric(at, f"errata.{name}.correct_label", lang) == number(erratum.correct)
    no_equivalent = lookup(lang, "conventions.no_equivalent", eps=f"{eps:.2f}", limit=number((k - 1) / k, 4))
    assert ([w.value for w in at.warning] == [no_equivalent]) == (query.get("conv") == "others" and eps > (k - 1) / k)


@pytest.mark.parametrize("page,query", [("conventions", {"K": "zero"}), ("regulariser", {"gap": "99"}),
                                        ("regulariser", {"draws": "7"})])
def test_garbage_query_falls_back_with_a_notice(app_test, page, query):
    at = app_test(page, **query)
    assert_url_values_ignored(at, query)
