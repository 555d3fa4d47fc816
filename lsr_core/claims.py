"""Claims as code: every sentence whose truth depends on a measured result is chosen here, from that result.

Each chooser returns `Sentence`s: a catalogue key and the name of the claim the sentence makes, a predicate
on the measured result listed in `CLAIMS` (None: the sentence is true at every setting; a comment says why
where that is not obvious). `SENTENCES` lists every key a chooser can return with its claim, so a test can
check, for every sentence a page shows, that its claim holds on quantities the test computes on its own
(tests/test_claims.py). Choosers decide on numbers as the page shows them (the same rounding), so a
sentence never contradicts a number printed beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .experiment import NEAR_CHANCE_FACTOR
from .regimes import (
    GAP_TOLERANCE,
    ece_change,
    float64_stall_gap,
    gap_behaviour,
    gap_regime,
    has_finite_optimum,
    scene_optimal_gap,
    step_factor,
    temperature_effect,
)

# name -> the predicate, in words (tests/test_claims.py holds an independent check for each name)
CLAIMS = {
    "converged_monotonically": "the smoothed gap ends within 1e-6 of the optimum and never crossed it",
    "converged_after_oscillating": "the smoothed gap ends within 1e-6 of the optimum and crossed it on the way",
    "oscillating_damped": "the gap still crosses the optimum late in the run, is not within 1e-6, and the "
                          "optimum is a stable point of the step (|1 − ηλ| < 1 for the Hessian's eigenvalues)",
    "never_converges": "the gap still crosses the optimum late in the run, is not within 1e-6, and the optimum "
                       "is an unstable point of the step (|1 − ηλ| ≥ 1): no run that swings around it converges",
    "diverging": "the gap ends farther from the optimum than half-way through the run, or is not finite",
    "frozen_short": "one float64 step from the final logits changes nothing, and the gap is not within 1e-6",
    "approaching": "the gap is not within 1e-6, moved closer over the second half, and float64 does not stop "
                   "it before the optimum",
    "unreachable_in_float64": "from some gap below the optimum minus 1e-6 (the one stated), one float64 step "
                              "of this code's descent changes nothing: the run stops there",
    "converged": "the smoothed gap ends within 1e-6 of the optimum",
    "path_on_its_way": "the landscape's smoothed path ends more than 1e-6 from (g*, g*) in some gap, and float64 "
                       "does not stop a run from zeros before the optimum",
    "not_converged": "the smoothed gap ends more than 1e-6 from the optimum",
    "very_sure": "the one-hot model's confidence is at least 0.9 (as shown, 2 decimals) on every mistake shown",
    "not_very_sure": "the one-hot model's confidence is below 0.9 (as shown) on some mistake shown",
    "no_mistakes": "the one-hot model misreads no test digit",
    "identical_runs": "ε = 0: the two models' test logits are identical",
    "one_hot_gaps_wider": "the one-hot test gaps' 95th percentile exceeds the smoothed one's (as shown, 2 decimals)",
    "one_hot_gaps_not_wider": "the one-hot test gaps' 95th percentile does not exceed the smoothed one's (as shown)",
    "optimum_within_smoothed": "the optimum lies between the smoothed gaps' 5th and 95th percentiles (as shown)",
    "smoothed_below_optimum": "the smoothed gaps' 95th percentile is below the optimum (as shown)",
    "smoothed_above_optimum": "the smoothed gaps' 5th percentile is above the optimum (as shown)",
    "tightening": "the smoothed cluster spread is below 0.9 times the one-hot spread (as shown, 2 decimals)",
    "loosening": "the smoothed cluster spread is above 1.1 times the one-hot spread (as shown)",
    "similar_spread": "the two cluster spreads are within 10 % of each other (as shown)",
    "class_without_points": "one of the three chosen classes has no points in the projected set",
    "temperature_softens": "the fitted T is above 1 as shown (2 decimals), and the validation NLL at T is "
                           "below the NLL at T = 1",
    "temperature_sharpens": "the fitted T is below 1 as shown, and the validation NLL at T is below the NLL at T = 1",
    "temperature_one": "the fitted T shows as 1.00",
    "temperature_ece_falls": "the one-hot model's test ECE at T is below its ECE at T = 1 (as shown, 3 decimals)",
    "temperature_ece_rises": "the one-hot model's test ECE at T is above its ECE at T = 1 (as shown)",
    "temperature_ece_unchanged": "the one-hot model's test ECE at T equals its ECE at T = 1 (as shown)",
    "accuracy_below_chance": "the smoothed model's test accuracy is below 1/K (as shown, 3 decimals)",
    "accuracy_not_below_chance": "the smoothed model's test accuracy is not below 1/K (as shown, 3 decimals)",
    "near_chance": "the one-hot model's test accuracy is below 1.5/K",
    "ece_improved": "the smoothed model's test ECE is below the one-hot model's (as shown, 3 decimals)",
    "ece_worsened": "the smoothed model's test ECE is above the one-hot model's (as shown)",
    "ece_unchanged": "ε > 0 and the two test ECEs are equal as shown",
    "minimum_exists": "the smoothed loss along the gap has a finite minimiser, at the stated gap",
    "minimum_inside": "the smoothed loss has a finite minimiser, at the stated gap, inside the drawn gaps",
    "minimum_outside": "the smoothed loss has a finite minimiser, at the stated gap, outside the drawn gaps",
    "no_minimum_falling": "ε = 0: the loss falls strictly as the gap grows (no minimum)",
    "no_minimum_rising": "the true class's target is 0: the smoothed loss rises strictly with the gap (no minimum)",
}


@dataclass(frozen=True)
class Sentence:
    key: str               # the catalogue key of the text shown
    claim: str | None      # a name in CLAIMS, or None: true at every setting
    values: tuple[tuple[str, float], ...] = ()   # numbers the text states, by field name (unformatted)

    def number(self, name: str) -> float:
        return dict(self.values)[name]


def _sentence(key: str, **values: float) -> Sentence:
    return Sentence(key, SENTENCES[key], tuple((name, float(value)) for name, value in values.items()))


# ---------------------------------------------------------------- dynamics and home

def smoothed_behaviour(num_classes: int, eps: float, prior: str, lr: float, gaps, equal_wrong: bool = True) -> str:
    """`gap_behaviour` of a smoothed run's recorded gaps `(R,)` (finite optimum only), with the step factor at
    the optimum; an "approaching" run that float64 will stop short is "unreachable"."""
    optimum = scene_optimal_gap(num_classes, eps, prior)
    kind = gap_behaviour(gaps, optimum, step_factor(num_classes, eps, prior, lr, equal_wrong))
    if kind == "approaching" and np.isfinite(float64_stall_gap(num_classes, eps, prior, lr)):
        return "unreachable"
    return kind


BEHAVIOUR_CLAIMS = {"monotone": "converged_monotonically", "damped": "converged_after_oscillating",
                    "swinging": "oscillating_damped", "cycle": "never_converges", "diverging": "diverging",
                    "frozen": "frozen_short", "approaching": "approaching", "unreachable": "unreachable_in_float64"}


def _run_values(num_classes: int, eps: float, prior: str, lr: float, steps, gaps, equal_wrong: bool) -> dict:
    """The numbers a sentence about a smoothed run states: the optimum, the final gap, the steps, the step
    factor, the float64 stall gap (inf if none) and the first recorded step within tolerance (-1 if none)."""
    steps, gaps = np.asarray(steps), np.asarray(gaps, dtype=np.float64)
    optimum = scene_optimal_gap(num_classes, eps, prior)
    close = np.abs(gaps - optimum) <= GAP_TOLERANCE
    return dict(optimum=optimum, reached=float(gaps[-1]), steps=float(steps[-1]),
                factor=step_factor(num_classes, eps, prior, lr, equal_wrong),
                stall=float64_stall_gap(num_classes, eps, prior, lr),
                reached_step=float(steps[np.argmax(close)]) if close.any() else -1.0)


def dynamics_sentences(num_classes: int, eps: float, prior: str, lr: float, steps, gaps,
                       equal_wrong: bool = True) -> tuple[Sentence, ...]:
    """What the dynamics page says about the smoothed run (record steps `(R,)`, gaps `(R,)`): nothing without a
    finite optimum (the regime notice speaks) or for a plain monotone convergence (the readouts say it); else
    one sentence, `dynamics.behaviour.<kind>` (`smoothed_behaviour`)."""
    if not has_finite_optimum(num_classes, eps, prior):
        return ()
    kind = smoothed_behaviour(num_classes, eps, prior, lr, gaps, equal_wrong)
    if kind == "monotone":
        return ()
    return (_sentence(f"dynamics.behaviour.{kind}",
                      **_run_values(num_classes, eps, prior, lr, steps, gaps, equal_wrong)),)


def home_sentences(num_classes: int, eps: float, prior: str, lr: float, steps, gaps) -> tuple[Sentence, ...]:
    """The sentence under Home's picture (a run from zeros at rate `lr`), and what is added when the smoothed
    run has not come within 1e-6 of its optimum: still on its way, or stopped short by float64."""
    regime = gap_regime(num_classes, eps, prior)
    if not has_finite_optimum(num_classes, eps, prior):
        return (_sentence(f"home.picture.{regime}"),)
    values = _run_values(num_classes, eps, prior, lr, steps, gaps, True)
    if abs(values["reached"] - values["optimum"]) <= GAP_TOLERANCE:
        return (_sentence(f"home.picture.{regime}", **values),)
    kind = smoothed_behaviour(num_classes, eps, prior, lr, gaps)
    tail = "home.picture_unreachable" if kind == "unreachable" else "home.picture_not_yet"
    return _sentence("home.picture_unconverged", **values), _sentence(tail, **values)


# ---------------------------------------------------------------- training page

VERY_SURE = 0.9


def mistakes_sentence(confidences, digits: int = 2) -> Sentence:
    """The lead above the digits the one-hot model misread (their one-hot confidences `(M,)`), decided on the
    lowest confidence as shown with `digits` decimals: "very sure" only if every one shown is ≥ 0.9.

    >>> mistakes_sentence([0.95, 0.894]).key, mistakes_sentence([0.95, 0.895]).claim, mistakes_sentence([]).key
    ('training.mistakes_lead.unsure', 'very_sure', 'training.mistakes_none')
    """
    confidences = np.asarray(confidences, dtype=np.float64)
    if confidences.size == 0:
        return _sentence("training.mistakes_none")
    return _sentence("training.mistakes_lead.very_sure" if round(float(confidences.min()), digits) >= VERY_SURE
                     else "training.mistakes_lead.unsure")


def gaps_sentences(num_classes: int, eps: float, prior: str, p5, p95, digits: int = 2) -> tuple[Sentence, ...]:
    """The reading of the test-gap histograms, from the percentiles `(one-hot, smoothed)` as shown."""
    regime = gap_regime(num_classes, eps, prior)
    if regime == "one_hot":
        return (_sentence("training.gaps_reading.one_hot"),)
    if regime != "favours_true":
        return (_sentence("training.gaps_reading.other"),)
    optimum = round(scene_optimal_gap(num_classes, eps, prior), digits)
    low, high = round(p5[1], digits), round(p95[1], digits)
    wider = round(p95[0], digits) > high
    where = "around" if low <= optimum <= high else "below" if high < optimum else "above"
    return (_sentence("training.gaps_reading.favours_true"),
            _sentence(f"training.gaps_spread.{'wider' if wider else 'not_wider'}"),
            _sentence(f"training.gaps_position.{where}"))


def spread_sentence(one_hot: float, smoothed: float, digits: int = 2) -> Sentence:
    """Whether the smoothed clusters are tighter than the one-hot ones, on the spreads as shown (10 % margin);
    "unmeasured" where a spread is not a number (a chosen class has no points: a small digits subset).

    >>> [spread_sentence(0.36, b).claim for b in (0.23, 0.36, 0.40, float("nan"))]
    ['tightening', 'similar_spread', 'loosening', 'class_without_points']
    """
    if not (np.isfinite(one_hot) and np.isfinite(smoothed)):
        return _sentence("training.shape_reading.unmeasured")
    a, b = round(float(one_hot), digits), round(float(smoothed), digits)
    kind = "tighter" if b < 0.9 * a else "looser" if b > 1.1 * a else "similar"
    return _sentence(f"training.shape_reading.{kind}")


def wrong_accuracy_sentence(num_classes: int, eps: float, prior: str, accuracy: float,
                            digits: int = 3) -> Sentence | None:
    """Where smoothed targets favour the other classes (`gap_regime` "favours_wrong" or "excludes_true"): whether
    the smoothed model's test accuracy, as shown, is below chance; None in every other regime."""
    if gap_regime(num_classes, eps, prior) not in ("favours_wrong", "excludes_true"):
        return None
    below = round(float(accuracy), digits) < round(1.0 / num_classes, digits)
    return _sentence(f"training.wrong_accuracy.{'below' if below else 'not_below'}")


def near_chance_sentence(num_classes: int, accuracy: float) -> Sentence | None:
    """The notice that the one-hot model is near chance (test accuracy below `NEAR_CHANCE_FACTOR` / K), or None."""
    return _sentence("training.near_chance") if accuracy < NEAR_CHANCE_FACTOR / num_classes else None


def temperature_sentences(temperature: float, ece_before: float, ece_after: float) -> tuple[Sentence, Sentence]:
    """What the fitted temperature does (`temperature_effect`, on T as shown with 2 decimals) and what it does to
    the one-hot model's test ECE (`ece_change`, as shown with 3 decimals)."""
    return (_sentence(f"training.temperature.{temperature_effect(temperature, 2)}"),
            _sentence(f"training.ece.{ece_change(ece_before, ece_after, 3)}"))


def smoothing_ece_sentence(eps: float, ece_one_hot: float, ece_smoothed: float, digits: int = 3) -> Sentence:
    """What smoothing did to the test ECE, as shown; at ε = 0 nothing was smoothed."""
    if eps == 0.0:
        return _sentence("training.smoothing_ece.nothing")
    return _sentence(f"training.smoothing_ece.{ece_change(ece_one_hot, ece_smoothed, digits)}")


# ---------------------------------------------------------------- regulariser and landscape

def regulariser_sentence(num_classes: int, eps: float, prior: str, low: float, high: float) -> Sentence:
    """Where the smoothed loss along the gap is lowest, for a chart drawn over gaps [low, high].

    >>> [regulariser_sentence(10, e, p, -5, 15).claim for e, p in ((0.0, "uniform"), (1.0, "others"), (0.1, "uniform"))]
    ['no_minimum_falling', 'no_minimum_rising', 'minimum_inside']
    """
    regime = gap_regime(num_classes, eps, prior)
    if regime == "one_hot":
        return _sentence("summary.regulariser.no_minimum_falling")
    if regime == "excludes_true":
        return _sentence("summary.regulariser.no_minimum_rising")
    gap = scene_optimal_gap(num_classes, eps, prior)
    return _sentence("summary.regulariser." + ("inside" if low <= gap <= high else "outside"))


def landscape_sentence(eps: float, prior: str) -> Sentence:
    """The landscape's summary (K = 3): where each loss has its minimum, if anywhere."""
    regime = gap_regime(3, eps, prior)
    return _sentence("summary.landscape." + (regime if regime in ("one_hot", "excludes_true") else "finite"))


def landscape_progress_sentence(eps: float, prior: str, lr: float, reached: bool) -> Sentence | None:
    """Where the landscape's smoothed path (K = 3, a positive optimum) ended short of its minimum (`reached`
    False): more steps would get it there, or float64 stops it first (`float64_stall_gap`, values: stall)."""
    if reached or gap_regime(3, eps, prior) != "favours_true":
        return None
    stall = float64_stall_gap(3, eps, prior, lr)
    if np.isfinite(stall):
        return _sentence("landscape.unreachable", stall=stall)
    return _sentence("landscape.not_there")


# every key a chooser returns -> its claim (None: true at every setting, see the comments)
SENTENCES = {
    **{f"dynamics.behaviour.{kind}": claim for kind, claim in BEHAVIOUR_CLAIMS.items() if kind != "monotone"},
    # Home at ε = 0 and at ε = 1 with ε/(K−1): the gaps run off without end, a property of the targets
    "home.picture.one_hot": None,
    "home.picture.excludes_true": None,
    "home.picture.favours_true": "converged",
    "home.picture.no_preference": "converged",
    "home.picture.favours_wrong": "converged",
    "home.picture_unconverged": "not_converged",
    "home.picture_not_yet": "approaching",
    "home.picture_unreachable": "unreachable_in_float64",
    "training.mistakes_none": "no_mistakes",
    "training.mistakes_lead.very_sure": "very_sure",
    "training.mistakes_lead.unsure": "not_very_sure",
    "training.gaps_reading.one_hot": "identical_runs",
    # states what the smoothed loss asks of each gap (its per-point optimum), true of the loss at every setting
    "training.gaps_reading.favours_true": None,
    "training.gaps_reading.other": None,
    "training.gaps_spread.wider": "one_hot_gaps_wider",
    "training.gaps_spread.not_wider": "one_hot_gaps_not_wider",
    "training.gaps_position.around": "optimum_within_smoothed",
    "training.gaps_position.below": "smoothed_below_optimum",
    "training.gaps_position.above": "smoothed_above_optimum",
    "training.shape_reading.tighter": "tightening",
    "training.shape_reading.looser": "loosening",
    "training.shape_reading.similar": "similar_spread",
    "training.shape_reading.unmeasured": "class_without_points",
    "training.wrong_accuracy.below": "accuracy_below_chance",
    "training.wrong_accuracy.not_below": "accuracy_not_below_chance",
    "training.near_chance": "near_chance",
    "training.temperature.softens": "temperature_softens",
    "training.temperature.sharpens": "temperature_sharpens",
    "training.temperature.unchanged": "temperature_one",
    "training.ece.falls": "temperature_ece_falls",
    "training.ece.rises": "temperature_ece_rises",
    "training.ece.unchanged": "temperature_ece_unchanged",
    "training.smoothing_ece.falls": "ece_improved",
    "training.smoothing_ece.rises": "ece_worsened",
    "training.smoothing_ece.unchanged": "ece_unchanged",
    "training.smoothing_ece.nothing": "identical_runs",
    "summary.regulariser.inside": "minimum_inside",
    "summary.regulariser.outside": "minimum_outside",
    "summary.regulariser.no_minimum_falling": "no_minimum_falling",
    "summary.regulariser.no_minimum_rising": "no_minimum_rising",
    "landscape.not_there": "path_on_its_way",
    "landscape.unreachable": "unreachable_in_float64",
    "summary.landscape.finite": "minimum_exists",
    "summary.landscape.one_hot": "no_minimum_falling",
    "summary.landscape.excludes_true": "no_minimum_rising",
}

__all__ = [
    "BEHAVIOUR_CLAIMS",
    "CLAIMS",
    "SENTENCES",
    "Sentence",
    "dynamics_sentences",
    "gaps_sentences",
    "home_sentences",
    "landscape_progress_sentence",
    "landscape_sentence",
    "mistakes_sentence",
    "near_chance_sentence",
    "wrong_accuracy_sentence",
    "regulariser_sentence",
    "smoothed_behaviour",
    "smoothing_ece_sentence",
    "temperature_sentences",
    "spread_sentence",
]
