"""AppTest: softmax and cross-entropy by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lsr_core as core
from pages.ui.formatting import number
from pages.ui.i18n import lookup
from tests.apptest_checks import assert_url_values_ignored, metric, no_exception


def logits(at, k):
    return np.array([at.slider(key=f"hand_z{i}").value for i in range(k)])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_numbers_match_the_core(app_test, lang):
    at = app_test("by_hand", lang=lang)
    no_exception(at)
    z = logits(at, 4)
    p = np.exp(z) / np.exp(z).sum()
    assert metric(at, "by_hand.loss_one_hot", lang) == number(-np.log(p[0]), 4)
    assert metric(at, "by_hand.loss_smoothed", lang) == number(-(0.925 * np.log(p[0]) + 0.025 * np.log(p[1:]).sum()), 4)
    assert metric(at, "by_hand.p_true", lang) == number(p[0], 4)
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
        assert np.all(z == 0) and metric(at, "by_hand.p_true") == number(0.25, 4)
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
        at.radio(key=f"hand_guess_{k}").set_value(guess)
    at.button(key="hand_reveal").click().run()
    no_exception(at)
    assert [s.value for s in at.success] == [lookup("en", "by_hand.score", right=3, total=4)]
    assert len(at.get("plotly_chart")) == 2
    at.button(key="hand_again").click().run()
    assert len(at.get("plotly_chart")) == 1 and not at.success


def test_a_right_guess_stays_right_when_the_scene_changes(app_test):
    """Issue 14: guess right, reveal, then nudge ε or press +1: the score is for the scene guessed about."""
    at = app_test("by_hand")
    at.toggle(key="hand_predict").set_value(True).run()
    step = -core.cross_entropy_grad(logits(at, 4), core.smooth_targets(0, 4, 0.1))
    for k, value in enumerate(step):
        at.radio(key=f"hand_guess_{k}").set_value("↑" if value > 0 else "↓")
    at.button(key="hand_reveal").click().run()
    right = lookup("en", "by_hand.score", right=4, total=4)
    assert [s.value for s in at.success] == [right]
    assert lookup("en", "by_hand.score_other_scene") not in [c.value for c in at.caption]
    at.button(key="hand_up").click().run()
    at.slider(key="hand_eps").set_value(0.95).run()
    at.slider(key="hand_z1").set_value(-9.0).run()   # now the step of z1 points the other way
    no_exception(at)
    assert step[1] < 0 < -core.cross_entropy_grad(logits(at, 4), core.smooth_targets(0, 4, 0.95))[1]
    assert [s.value for s in at.success] == [right]
    assert lookup("en", "by_hand.score_other_scene") in [c.value for c in at.caption]


def test_a_step_of_exactly_zero_is_not_scored(app_test):
    # equal logits and ε = 1 with ε/K: q = p = uniform, every step is 0
    at = app_test("by_hand", eps="1", z0="0", z1="0", z2="0", z3="0")
    at.toggle(key="hand_predict").set_value(True).run()
    at.button(key="hand_reveal").click().run()
    no_exception(at)
    assert [s.value for s in at.success] == [lookup("en", "by_hand.score", right=0, total=0)]
    assert lookup("en", "by_hand.score_unmoved", n=4) in [c.value for c in at.caption]


@pytest.mark.parametrize("k,label", [(2, 1), (10, 9)])
@pytest.mark.parametrize("eps,conv", [(0.0, "uniform"), (1.0, "others"), (0.5, "uniform")])
def test_extremes(app_test, k, label, eps, conv):
    at = app_test("by_hand", K=k, label=label, eps=eps, conv=conv)
    no_exception(at)
    z = logits(at, k)
    q = core.smooth_targets(label, k, eps, conv)
    assert metric(at, "by_hand.loss_smoothed") == number(float(core.cross_entropy(z, q)), 4)


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
