"""Predict-then-reveal (pages/ui/predict.py, issue 25 item 4) and "Look for" / "Try this" (pages/ui/prompts.py).

The truth of every item is checked against a result the test computes on its own (its own softmax, closed forms,
descent loop and ECE) at random reachable settings; the widget is driven in AppTest on each page it is on, in
both languages: guess, reveal, one feedback line per item (right / wrong, and the true value), try again."""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import lsr_core as core
from pages.ui import predict
from pages.ui.i18n import LANGUAGES, lookup
from pages.ui.lesson import NAMES
from tests.apptest_checks import no_exception

SLIDER_EPS = st.integers(0, 100).map(lambda n: n / 100)   # what the ε slider reaches (step 0.01)
PRIORS = st.sampled_from(("uniform", "others"))


# ---------------------------------------------------------------- truths, against independent arithmetic

def closed_form_gap(num_classes: int, eps: float, prior: str) -> float:
    """The optimal gap written out again: log(1 + K(1−ε)/ε) for ε/K, log((K−1)(1−ε)/ε) for ε/(K−1)."""
    if eps == 0:
        return math.inf
    if prior == "uniform":
        return math.log1p(num_classes * (1 - eps) / eps)
    return -math.inf if eps == 1 else math.log((num_classes - 1) * (1 - eps) / eps)


def own_bracket(gap: float) -> str:
    shown = round(gap, 2) if math.isfinite(gap) else gap
    return ("below_0" if shown < 0 else "0_3" if shown < 3 else "3_6" if shown < 6 else "6_9" if shown < 9
            else "above_9")


@settings(max_examples=200, deadline=None)
@given(SLIDER_EPS, PRIORS)
@example(0.0, "uniform").via("ε = 0: no finite optimum, +∞")
@example(1.0, "others").via("ε = 1 with ε/(K−1): −∞")
@example(0.99, "others").via("the true class no longer favoured: a negative gap")
def test_the_gap_for_k_100_is_the_bracket_of_the_closed_form(eps, prior):
    gap = core.scene_optimal_gap(100, eps, prior)
    expected = closed_form_gap(100, eps, prior)
    assert gap == pytest.approx(expected, abs=1e-9) or gap == expected
    assert predict.gap_bracket(gap) == own_bracket(expected)


def test_gap_bracket_edges_by_hand():
    assert [predict.gap_bracket(g) for g in (-1e-9, 0.0, 2.994, 2.995, 5.999, 6.0, 8.999, 9.0)] == [
        "0_3", "0_3", "0_3", "3_6", "6_9", "6_9", "above_9", "above_9"]   # decided as shown, 2 decimals
    with pytest.raises(ValueError, match="not a number"):
        predict.gap_bracket(float("nan"))


def own_softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 10).flatmap(lambda k: st.tuples(
    st.lists(st.integers(-100, 100).map(lambda n: n / 10), min_size=k, max_size=k),
    st.integers(0, k - 1), SLIDER_EPS, PRIORS)))
def test_each_logit_direction_is_the_sign_of_its_step(case):
    logits, label, eps, prior = case
    z = np.array(logits)
    k = z.size
    q = np.full(k, eps / k if prior == "uniform" else eps / (k - 1))
    q[label] = 1 - eps + (eps / k if prior == "uniform" else 0.0)
    own_step = -(own_softmax(z) - q)
    example = core.by_hand(tuple(logits), label, eps, prior)
    for own, step in zip(own_step, example.step_smoothed):
        truth = predict.step_direction(float(step))
        if abs(own) > 1e-12:   # an exact 0 is unscored; around it the two roundings may disagree
            assert truth == ("↑" if own > 0 else "↓")
        if truth is None:
            assert abs(own) <= 1e-12


def own_path_end(eps: float, prior: str, start, lr: float, steps: int) -> np.ndarray:
    """The smoothed K = 3 path's last gaps (g1, g2), from this test's own descent loop."""
    q = np.array([1 - eps + eps / 3, eps / 3, eps / 3]) if prior == "uniform" else np.array([1 - eps, eps / 2, eps / 2])
    g1, g2 = start
    z = np.array([0.0, -g1, -g2])
    z -= z.mean()
    for _ in range(steps):
        z = z - lr * (own_softmax(z) - q)
    return z[0] - z[1:]


@settings(max_examples=12, deadline=None)
@given(SLIDER_EPS, PRIORS, st.sampled_from((-4.0, 0.0, 2.0, 11.5)), st.sampled_from((-2.0, 2.0, 12.0)),
       st.sampled_from((0.1, 0.5, 2.0, 3.9)), st.sampled_from((100, 1000)))
@example(0.1, "uniform", 0.0, 2.0, 2.0, 1000).via("the page's defaults (steps 1000 here, the test's loop is slow)")
@example(0.0, "uniform", 0.0, 2.0, 2.0, 100).via("one-hot on both sides")
@example(1.0, "others", 0.0, 2.0, 2.0, 100).via("the true class's target is 0")
def test_whether_each_landscape_path_stops(eps, prior, g1, g2, lr, steps):
    scape = core.loss_landscape(eps, prior, (g1, g2), lr, steps)
    regime = core.gap_regime(3, eps, prior)
    truth = predict.path_outcome(regime, scape.smoothed_reached_minimum, core.float64_stall_gap(3, eps, prior, lr))
    optimum = closed_form_gap(3, eps, prior)
    if not math.isfinite(optimum):
        assert truth == "never"
        return
    end = own_path_end(eps, prior, (g1, g2), lr, steps)
    reached = bool(np.abs(end - optimum).max() <= 1e-6)
    if abs(np.abs(end - optimum).max() - 1e-6) > 1e-9:   # not on the tolerance's edge, where roundings differ
        assert truth == ("stops" if reached else "more_steps")
    assert predict.path_outcome("one_hot", False, math.inf) == "never"   # one-hot targets: no lowest point, ever


def own_ece(probabilities: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    confidence, predicted = probabilities.max(axis=1), probabilities.argmax(axis=1)
    right = predicted == labels
    total = 0.0
    for low, high in zip(np.linspace(0, 1, bins + 1)[:-1], np.linspace(0, 1, bins + 1)[1:]):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(right[inside].mean() - confidence[inside].mean())
    return float(total)


def own_ece_truth(e) -> str:
    labels = e.data.y_test
    one_hot, smoothed = (round(own_ece(run.test_probabilities(), labels), 3) for run in (e.one_hot, e.smoothed))
    return "falls" if smoothed < one_hot else "rises" if smoothed > one_hot else "unchanged"


@pytest.mark.parametrize("changes", [{}, {"eps": 0.0}, {"train_size": 200, "epochs": 10, "seed": 3},
                                     {"train_size": 200, "epochs": 10, "eps": 0.5, "prior": "others"}])
def test_whether_smoothing_lowers_the_ece(default_experiment, changes):
    from dataclasses import replace

    from tests.conftest import default_training

    e = default_experiment if not changes else replace(default_training(), **changes).run()
    truth = core.ece_change(e.one_hot.metrics.ece, e.smoothed.metrics.ece, 3)
    assert truth == own_ece_truth(e)
    if changes.get("eps") == 0.0:
        assert truth == "unchanged"


def test_path_outcome_and_step_direction_by_hand():
    assert predict.path_outcome("excludes_true", True, math.inf) == "never"
    assert predict.path_outcome("no_preference", True, math.inf) == "stops"   # a minimum at gap 0 is a minimum
    assert predict.path_outcome("favours_true", False, 35.68) == "frozen"
    assert [predict.step_direction(s) for s in (1e-300, -1e-300, 0.0, -0.0)] == ["↑", "↓", None, None]


# ---------------------------------------------------------------- the widget on each page (AppTest)

# page -> (query, the answers to give, per item, a right one first)
QUERY = {"by_hand": {}, "gap_explorer": {}, "landscape": {}, "training": {"epochs": "10", "n": "200"}}


def guesses(at):
    return [r for r in at.radio if r.key and "_guess_" in r.key]


def feedback_lines(at):
    return [m.value for m in at.markdown if m.value[:1] in "✓✗–○"]


def truths(page: str) -> list[str]:
    """The right answer of each item at the page's defaults, computed here (`predict.ITEM` order)."""
    if page == "by_hand":
        z = np.array([2.0, 1.0, 0.5, 0.0])
        q = np.array([0.9 + 0.025, 0.025, 0.025, 0.025])
        return ["↑" if s > 0 else "↓" for s in -(own_softmax(z) - q)]
    if page == "gap_explorer":
        return [own_bracket(closed_form_gap(100, 0.1, "uniform"))]
    if page == "landscape":   # 10,000 steps from (0, 2) at η = 2: the smoothed path is at its minimum
        return ["never", "stops"]
    from tests.conftest import default_training

    e = default_training().__class__.make("clusters", num_classes=5, overlap=0.4, noise=0.0, train_size=200, seed=0,
                                          eps=0.1, prior="uniform", epochs=10).run()
    return [own_ece_truth(e)]


@pytest.fixture(scope="module")
def page_truths():
    return {page: truths(page) for page in QUERY}


def other(choices, answer):
    return next(c for c in choices if c != answer)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", list(QUERY))
def test_guess_reveal_and_feedback_per_item(app_test, page_truths, page, lang):
    at = app_test(page, predict="True", lang=lang, **QUERY[page])
    no_exception(at)
    radios = guesses(at)
    assert radios and all(r.value is None for r in radios)   # nothing guessed yet
    key = radios[0].key.split("_guess_")[0]
    answers = page_truths[page]
    order = [r.key.split("_guess_")[1] for r in radios]
    by_name = dict(zip(sorted(order, key=lambda n: (len(n), n)) if page == "by_hand" else order, answers))
    mapping = getattr(radios[0].format_func, "__self__", None)
    choices = list(mapping) if isinstance(mapping, dict) else list(radios[0].options)
    # the first item right, every other one wrong (by_hand: the items are listed column by column)
    chosen = {}
    for index, radio in enumerate(radios):
        name = radio.key.split("_guess_")[1]
        chosen[name] = by_name[name] if index == 0 else other(choices, by_name[name])
        radio.set_value(chosen[name])
    at.run()
    at.button(key=f"{key}_reveal").click().run()
    no_exception(at)
    assert not guesses(at)
    lines = feedback_lines(at)
    assert len(lines) == len(radios)   # one line per item
    right = sum(chosen[n] == by_name[n] for n in chosen)
    score_key = "by_hand.score" if page == "by_hand" else "predict.score"
    assert [s.value for s in at.success] == [lookup(lang, score_key, right=right, total=len(radios))]
    marks = [line[0] for line in lines]
    assert marks.count("✓") == right and marks.count("✗") == len(radios) - right
    labels = mapping if isinstance(mapping, dict) else {}
    if labels:   # every wrong line names the true answer, as the page labels it
        for line in lines:
            if line.startswith("✗"):
                assert any(label in line for label in labels.values())
    at.button(key=f"{key}_again").click().run()
    assert guesses(at) and not feedback_lines(at)


def test_gap_explorer_hides_the_k100_curves_until_the_reveal(app_test):
    at = app_test("gap_explorer", predict="True")
    names = [trace.get("name", "") for trace in __import__("json").loads(at.get("plotly_chart")[0].proto.spec)["data"]]
    assert not any("K = 100" == n.split(" (")[0] or n.startswith("K = 100 ") for n in names if "1000" not in n)
    guesses(at)[0].set_value("6_9")
    at.run()
    at.button(key="gap_reveal").click().run()
    names = [trace.get("name", "") for trace in __import__("json").loads(at.get("plotly_chart")[0].proto.spec)["data"]]
    assert any(n.startswith("K = 100") and "1000" not in n for n in names)


def page_texts(at) -> str:
    """Every text the page states (captions, markdown, alerts, metrics, chart titles and alternative texts)."""
    import json

    texts = [e.value for kind in ("caption", "markdown", "info", "success", "warning", "error") for e in getattr(at, kind)]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    for chart in at.get("plotly_chart"):
        texts += [chart.proto.alt if hasattr(chart.proto, "alt") else "",
                  json.loads(chart.proto.spec)["layout"].get("title", {}).get("text", "")]
    return "\n".join(texts)


def chart_keys(at) -> list[str]:
    return [chart.proto.id.rsplit("-", 1)[-1] for chart in at.get("plotly_chart")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_gap_explorer_at_k100_states_no_gap_until_the_reveal(app_test, lang):
    """Setting K = 100 while its optimal gap is to be predicted gives the answer away nowhere: not in the summary
    caption, the sweep (at K = 100), the loss against the gap or the optimal logits; all come back on Reveal."""
    gap = closed_form_gap(100, 0.1, "uniform")
    stated = (f"{gap:.6f}", f"{gap:.2f}", f"{gap:.1f}")   # 6.803505, 6.80, 6.8
    at = app_test("gap_explorer", predict="True", prior="others", zipf="2.0", lang=lang)
    at.number_input(key="gap_K").set_value(100).run()
    no_exception(at)
    texts = page_texts(at)
    assert not [s for s in stated if s in texts], [line for line in texts.split("\n") if any(s in line for s in stated)]
    assert lookup(lang, "predict.gap.pending") in texts
    assert chart_keys(at) == ["gap_eps_chart"]          # the sweep, the loss and the logits wait for the reveal
    assert at.query_params["K"] == "100" and at.query_params["prior"] == "others" and at.query_params["zipf"] == "2.0"
    guesses(at)[0].set_value("6_9")
    at.run()
    at.button(key="gap_reveal").click().run()
    no_exception(at)
    texts = page_texts(at)
    assert lookup(lang, "summary.gap_curves", K=100, eps="0.10", gap=f"{gap:.6f}") in texts
    assert chart_keys(at) == ["gap_eps_chart", "gap_k_chart", "gap_sweep_chart", "gap_loss_chart", "gap_prior_chart"]
    assert at.session_state["gap_prior"] == "others" and at.session_state["gap_zipf"] == 2.0   # kept while hidden
    at.button(key="gap_again").click().run()           # guessing again: hidden again
    assert chart_keys(at) == ["gap_eps_chart"] and not [s for s in stated if s in page_texts(at)]


def test_gap_explorer_hides_the_sweep_capped_at_k100_until_the_reveal(app_test):
    """At K = 1000 the sweep runs at K = 100 (compute.SWEEP_MAX_CLASSES): that is the hidden curve too."""
    at = app_test("gap_explorer", predict="True", K="1000")
    no_exception(at)
    assert chart_keys(at) == ["gap_eps_chart", "gap_loss_chart", "gap_prior_chart"]   # K = 1000's own results stay
    at.button(key="gap_reveal").click().run()
    assert "gap_sweep_chart" in chart_keys(at)
    without = app_test("gap_explorer", K="100")   # not predicting: everything, as before
    assert chart_keys(without) == ["gap_eps_chart", "gap_k_chart", "gap_sweep_chart", "gap_loss_chart", "gap_prior_chart"]
    assert lookup("en", "summary.gap_curves", K=100, eps="0.10", gap=f"{closed_form_gap(100, 0.1, 'uniform'):.6f}") \
        in page_texts(without)


def test_landscape_hides_the_paths_and_their_ends_until_the_reveal(app_test):
    at = app_test("landscape", predict="True")
    assert not at.metric and len(at.get("plotly_chart")) == 1
    at.button(key="land_reveal").click().run()
    assert len(at.metric) == 3
    lines = feedback_lines(at)
    assert len(lines) == 2 and all(line.startswith("–") for line in lines)   # no guess given: it says so


def test_training_hides_the_calibration_until_the_reveal(app_test):
    at = app_test("training", predict="True", epochs="10", n="200")
    assert lookup("en", "training.calibration_title") not in [h.value for h in at.subheader]
    at.button(key="train_reveal").click().run()
    assert lookup("en", "training.calibration_title") in [h.value for h in at.subheader]


def test_guesses_go_to_the_poll(app_test, monkeypatch):
    """Each guess is recorded for the class, and the class's guesses are shown after the reveal, per item."""
    from pages.ui import poll

    recorded, shown = [], []
    monkeypatch.setattr(poll, "record_prediction", lambda *args: recorded.append(args))
    monkeypatch.setattr(poll, "show_class_predictions", lambda *args: shown.append(args))
    at = app_test("gap_explorer", predict="True")
    guesses(at)[0].set_value("3_6")
    at.run()
    assert recorded[-1] == ("gap_explorer", "k100", "3_6", predict.GAP_BRACKETS)
    at.button(key="gap_reveal").click().run()
    page, item, choices, labels, truth = shown[-1]
    assert (page, item, choices, truth) == ("gap_explorer", "k100", predict.GAP_BRACKETS, "6_9")
    assert set(labels) == set(predict.GAP_BRACKETS)


# ---------------------------------------------------------------- Look for / Try this

@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_has_both_lines(lang):
    for name in NAMES:
        for kind in ("look", "try"):
            text = lookup(lang, f"prompts.{name}.{kind}")
            assert 10 <= len(text) <= 110 and "\n" not in text, (name, kind)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", ["home", "dynamics", "conventions"])
def test_the_lines_are_drawn_under_the_title(app_test, name, lang):
    at = app_test(None if name == "home" else name, lang=lang)
    captions = [c.value for c in at.caption]
    expected = "  \n".join(lookup(lang, f"prompts.{kind}_label") + lookup(lang, f"prompts.{name}.{kind}")
                           for kind in ("look", "try"))
    assert captions and captions[0] == expected
