"""Predict-then-reveal, one widget for every page: a question with one or more items, each answered from the
same few choices (a radio that shows every choice, wrapping instead of cutting one off in a narrow column), a
Reveal button, and feedback per item after the reveal (which guess was right or wrong, and the true value).

The truth of every item comes from the page's computed result through a named function (`step_direction`,
`gap_bracket`, `path_outcome` below, `lsr_core.ece_change`); the page never writes an answer itself. The reveal
stores the scene the guesses were made for, with the items' truths as they were then, so a later change of the
settings cannot turn a right answer wrong (issue 14); the page is told so. Each guess is also recorded for the
class (`pages.ui.poll`, which does nothing outside a lesson scene), and the teacher's view shows the class's
guesses beside the truth after the reveal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import streamlit as st

from . import poll
from .i18n import t

UP, DOWN = "↑", "↓"   # the by-hand answers, as lsr_core.guess_score scores them


# ---------------------------------------------------------------- truths (pure: a choice among cases)

def step_direction(step: float) -> str | None:
    """Which way one gradient step moves a logit: ↑, ↓, or None for a step of exactly 0 (p = q: neither
    answer is right, so the item is not scored).

    >>> step_direction(0.4), step_direction(-1e-12), step_direction(0.0)
    ('↑', '↓', None)
    """
    return None if step == 0 else UP if step > 0 else DOWN


GAP_EDGES = (0.0, 3.0, 6.0, 9.0)   # the optimal gap's brackets: below 0, [0, 3), [3, 6), [6, 9), 9 and above
GAP_BRACKETS = ("below_0", "0_3", "3_6", "6_9", "above_9")


def gap_bracket(gap: float, digits: int = 2, edges=GAP_EDGES) -> str:
    """The bracket `GAP_BRACKETS` that holds `gap` as shown with `digits` decimals (each bracket closed below,
    open above; ±∞ in the end ones), so the answer never contradicts the number printed beside it.

    >>> [gap_bracket(g) for g in (-0.5, 0.0, 2.99, 2.996, 6.80, 9.0, float("inf"), float("-inf"))]
    ['below_0', '0_3', '0_3', '3_6', '6_9', 'above_9', 'above_9', 'below_0']
    """
    if math.isnan(gap):
        raise ValueError("gap_bracket: the gap is not a number")
    shown = round(gap, digits) if math.isfinite(gap) else gap
    return GAP_BRACKETS[sum(shown >= edge for edge in edges)]


PATH_OUTCOMES = ("stops", "more_steps", "never")   # the choices; "frozen" is a case with no choice


def path_outcome(regime: str, reached: bool, stall: float) -> str:
    """What a descent path on the landscape does, from its targets' `gap_regime`, whether it `reached` its
    minimum (within the landscape's tolerance) and the float64 stall gap (`lsr_core.float64_stall_gap`, inf
    if float64 never stops it): "never" (no finite minimum: one-hot targets, or ε = 1 with ε/(K−1)), "stops"
    (it ended at the minimum), "more_steps" (a finite minimum it has not reached yet), or "frozen" (float64
    stops it short of the minimum: a tiny ε from a link; no choice says that, so the page asks nothing).

    >>> [path_outcome(*case) for case in (("one_hot", False, math.inf), ("favours_true", True, math.inf),
    ...                                   ("favours_true", False, math.inf), ("favours_true", False, 35.7))]
    ['never', 'stops', 'more_steps', 'frozen']
    """
    if regime in ("one_hot", "excludes_true"):
        return "never"
    if reached:
        return "stops"
    return "frozen" if math.isfinite(stall) else "more_steps"


# ---------------------------------------------------------------- the widget

@dataclass(frozen=True)
class Item:
    name: str            # stable id: the guess control's key suffix and the poll's item
    label: str           # the question for this item, as shown
    truth: str | None    # the right choice (None: not scored)
    value: str           # the true value as the feedback states it


@dataclass(frozen=True)
class Question:
    page: str                       # the page's catalogue section (and the poll's page)
    key: str                        # the page's key prefix: <key>_guess_<item>, <key>_reveal, <key>_again
    prompt: str                     # what to predict, above the controls
    choices: tuple[str, ...]
    labels: dict[str, str]          # choice -> its label
    items: tuple[Item, ...]
    scene: tuple                    # what the guesses are about (compared after the reveal)
    columns: int = 1                # items side by side
    texts: dict[str, str] = field(default_factory=dict)   # the page's own score / unscored / other-scene keys

    def text(self, name: str) -> str:
        return self.texts.get(name, f"predict.{name}")


def revealed(key: str) -> bool:
    return st.session_state.get(f"{key}_revealed") is not None


def _guess_key(key: str, item: str) -> str:
    return f"{key}_guess_{item}"


def _record(page: str, key: str, item: str, choices: tuple[str, ...]) -> None:
    choice = st.session_state.get(_guess_key(key, item))
    if choice is not None:
        poll.record_prediction(page, item, choice, choices)


def _reveal(question: Question) -> None:
    """Keep the guesses with the scene and the truths they were made for (the guess controls are not drawn
    once revealed, so Streamlit forgets their values)."""
    guesses = tuple(st.session_state.get(_guess_key(question.key, item.name)) for item in question.items)
    st.session_state[f"{question.key}_revealed"] = (question.scene, question.items, guesses)


def _again(key: str) -> None:
    st.session_state[f"{key}_revealed"] = None


def ask(question: Question) -> None:
    """The guess controls: one radio per item (every choice shown, none chosen yet) and the Reveal button."""
    st.markdown(question.prompt)
    columns = st.columns(min(question.columns, len(question.items)) or 1)
    for index, item in enumerate(question.items):
        columns[index % len(columns)].radio(
            item.label, question.choices, index=None, key=_guess_key(question.key, item.name),
            format_func=question.labels.get, horizontal=max(map(len, question.labels.values())) <= 12,
            on_change=_record, args=(question.page, question.key, item.name, question.choices))
    st.button(t("predict.reveal"), key=f"{question.key}_reveal", on_click=_reveal, args=(question,), type="primary",
              icon=":material/visibility:")


@dataclass(frozen=True)
class Feedback:
    right: int        # guesses equal to the truth
    total: int        # items with a truth
    unscored: int     # items without one (neither answer right)
    lines: tuple[tuple[str, str], ...]   # per item: (kind, text) with kind right / wrong / none / unscored


def feedback(items: tuple[Item, ...], guesses: tuple, labels: dict[str, str]) -> Feedback:
    """Per item: was the guess right, and the true value; and the score over the scored items."""
    lines, right = [], 0
    for item, guess in zip(items, guesses):
        said = labels.get(guess, "")
        truth = labels.get(item.truth, "")
        if item.truth is None:
            kind = "unscored"
        elif guess is None:
            kind = "none"
        else:
            kind = "right" if guess == item.truth else "wrong"
        right += kind == "right"
        lines.append((kind, t(f"predict.item_{kind}", item=item.label, guess=said, truth=truth, value=item.value)))
    scored = sum(item.truth is not None for item in items)
    return Feedback(right, scored, len(items) - scored, tuple(lines))


def show_feedback(question: Question) -> None:
    """After the reveal: the score, one line per item, the class's guesses (in a lesson), and Try again."""
    scene, items, guesses = st.session_state[f"{question.key}_revealed"]
    result = feedback(items, guesses, question.labels)
    st.success(t(question.text("score"), right=result.right, total=result.total))
    columns = st.columns(min(question.columns, len(items)) or 1)
    for index, (_, line) in enumerate(result.lines):
        columns[index % len(columns)].markdown(line)
    if result.unscored:
        st.caption(t(question.text("unscored"), n=result.unscored))
    if tuple(scene) != tuple(question.scene):
        st.caption(t(question.text("other_scene")))
    for item in items:
        poll.show_class_predictions(question.page, item.name, question.choices, question.labels, item.truth)
    st.button(t("predict.again"), key=f"{question.key}_again", on_click=_again, args=(question.key,),
              icon=":material/replay:")


def show(question: Question) -> bool:
    """The whole widget: the guess controls, or after the reveal the feedback. Returns whether revealed."""
    if revealed(question.key):
        show_feedback(question)
        return True
    ask(question)
    return False
