"""AppTest: softmax and cross-entropy by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lsr_core as core
from pages.ui.formatting import number
from tests.apptest_checks import assert_url_values_ignored, no_exception



def logits(at, k):
    return np.array([at.slider(key=f"hand_z{i}").value for i in range(k)])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_numbers_match_the_core(app_test, lang):
    at = app_test("by_hand", lang=lang)
    no_exception(at)
    z = logits(at, 4)
    assert at.metric[0].value == number(float(core.cross_entropy(z, core.one_hot(0, 4))), 4)
    assert at.metric[1].value == number(float(core.cross_entropy(z, core.smooth_targets(0, 4, 0.1))), 4)
    table = at.dataframe[0].value
    np.testing.assert_allclose(table.iloc[:, 3].to_numpy(), core.log_odds(z))


def test_shifting_every_logit_changes_nothing(app_test):
    at = app_test("by_hand")
    before, z = [m.value for m in at.metric], logits(at, 4)
    at.button(key="hand_up").click().run()
    no_exception(at)
    np.testing.assert_allclose(logits(at, 4), z + 1.0)
    assert [m.value for m in at.metric] == before
    at.button(key="hand_down").click().run()
    at.button(key="hand_down").click().run()
    assert [m.value for m in at.metric] == before


def test_shift_buttons_disable_at_the_range_edge(app_test):
    at = app_test("by_hand", z0="10")
    assert at.button(key="hand_up").disabled and not at.button(key="hand_down").disabled


@pytest.mark.parametrize("preset", ["example", "equal", "confident", "wrong"])
def test_presets(app_test, preset):
    at = app_test("by_hand")
    at.selectbox(key="hand_preset").set_value(preset).run()
    no_exception(at)
    z = logits(at, 4)
    if preset == "equal":
        assert np.all(z == 0) and at.metric[2].value == number(0.25, 4)
    if preset == "wrong":
        assert z[0] == -2.0 and z[1] == 4.0


def test_predict_then_reveal_scores_against_the_gradient(app_test):
    at = app_test("by_hand")
    at.toggle(key="hand_predict").set_value(True).run()
    assert len(at.get("plotly_chart")) == 1  # the gradient chart is hidden until the reveal
    z = logits(at, 4)
    step = -core.cross_entropy_grad(z, core.smooth_targets(0, 4, 0.1))
    guesses = ["↑" if value > 0 else "↓" for value in step]
    guesses[3] = "↓" if guesses[3] == "↑" else "↑"  # one deliberate mistake
    for k, guess in enumerate(guesses):
        at.segmented_control(key=f"hand_guess_{k}").set_value(guess)
    at.button(key="hand_reveal").click().run()
    no_exception(at)
    assert "3" in at.success[0].value and "4" in at.success[0].value and len(at.get("plotly_chart")) == 2
    at.button(key="hand_again").click().run()
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize("k,label", [(2, 1), (10, 9)])
@pytest.mark.parametrize("eps,conv", [(0.0, "uniform"), (1.0, "others"), (0.5, "uniform")])
def test_extremes(app_test, k, label, eps, conv):
    at = app_test("by_hand", K=k, label=label, eps=eps, conv=conv)
    no_exception(at)
    z = logits(at, k)
    q = core.smooth_targets(label, k, eps, conv)
    assert at.metric[1].value == number(float(core.cross_entropy(z, q)), 4)


@pytest.mark.parametrize("query", [{"z3": "11"}, {"label": "12"}, {"K": "11"}, {"predict": "maybe"}])
def test_garbage_query_falls_back_with_a_notice(app_test, query):
    at = app_test("by_hand", **query)
    assert_url_values_ignored(at, query)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(2, 8), elements=st.floats(-30, 30)))
def test_log_odds_matches_its_definition_and_two_class_difference(z):
    p = core.softmax(z)
    # the naive reference log(p / (1 - p)) itself loses digits as p nears 0 or 1; compare where it is good
    safe = (p > 1e-6) & (p < 1 - 1e-6)
    with np.errstate(divide="ignore"):
        reference = np.log(p / (1 - p))
    np.testing.assert_allclose(core.log_odds(z)[safe], reference[safe], rtol=1e-7, atol=1e-7)
    assert np.all(np.isfinite(core.log_odds(z * 100)))
    if z.size == 2:
        np.testing.assert_allclose(core.log_odds(z), [z[0] - z[1], z[1] - z[0]], atol=1e-12)
