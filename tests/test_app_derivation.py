"""AppTest: the derivation page's stepper, K at both ends, the numeric panel, both languages."""

import numpy as np
import pytest

import lsr_core as core
from tests.apptest_checks import assert_url_values_ignored, no_exception



@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("k", [2, 8])
def test_stepper_walks_every_step_verified(app_test, lang, k):
    at = app_test("derivation", lang=lang, K=k)
    no_exception(at)
    assert at.select_slider(key="deriv_K").value == k
    seen = []
    for click in range(7):
        seen.append(at.session_state["deriv_step"])
        assert len(at.success) == 1 and not at.warning  # one step shown, verified
        if click < 6:
            at.button(key="deriv_next").click().run()
            no_exception(at)
    assert seen == list(range(1, 8))
    assert at.button(key="deriv_next").disabled and not at.button(key="deriv_prev").disabled
    at.button(key="deriv_prev").click().run()
    assert at.session_state["deriv_step"] == 6 and at.query_params["step"] == "6"


def test_show_all_lists_seven_verified_steps(app_test):
    at = app_test("derivation")
    at.toggle(key="deriv_all").set_value(True).run()
    no_exception(at)
    assert len(at.success) == 7
    assert len(at.latex) >= 7 + 10 + 2


def test_numeric_panel_matches_the_core(app_test):
    at = app_test("derivation", K=5, seed=42, eps=0.3, conv="others")
    no_exception(at)
    table = at.dataframe[0].value
    z = core.initial_logits(5, "random", 42, 2.0)
    q = core.smooth_targets(0, 5, 0.3, "others")
    np.testing.assert_allclose(table["p − q"].to_numpy(), core.cross_entropy_grad(z, q))
    assert np.abs(table.iloc[:, -1].to_numpy()).max() < 1e-8


@pytest.mark.parametrize("query", [{"K": "1"}, {"K": "9"}, {"step": "99"}, {"all": "sure"}, {"eps": "x"}])
def test_garbage_query_falls_back_with_a_notice(app_test, query):
    at = app_test("derivation", **query)
    assert_url_values_ignored(at, query)
    assert at.select_slider(key="deriv_K").value == 3 and at.session_state["deriv_step"] == 1
