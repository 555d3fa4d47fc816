"""The class's predictions, Streamlit side (issue 25): a student's answer is recorded when the page is the
scene of a lesson this session opened (``?lesson=CODE&scene=N``, see `scenes`); the presenter's view of that
scene shows the class's distribution of guesses, and the truth beside it. Outside a lesson both functions do
nothing. The store (`poll_store`) checks every value; a refusal stores nothing and is said in one line."""

from __future__ import annotations

import logging
import sqlite3

import streamlit as st

from . import scenes
from .charts import show
from .figures.poll import class_predictions_figure
from .i18n import t
from .poll_store import Refusal

LIVE_SECONDS = 3   # the presenter's chart follows the class's answers at this pace

log = logging.getLogger(__name__)


def record_prediction(page: str, item: str, choice: str, choices: tuple[str, ...]) -> None:
    """Record `choice` for `item` on `page` in the current lesson scene, anonymously (one answer per
    session and item; a re-answer replaces it). Does nothing outside a lesson or for the presenter (whose
    guess is not the class's); never raises: a refused answer is stored nowhere and said in one line."""
    try:
        where = scenes.active_scene(page)
        if where is None or where[2] != scenes.STUDENT:
            return
        code, index, _ = where
        scenes.store().record(code, index, page, item, scenes.voter(), choice, tuple(choices) if isinstance(choices, (tuple, list)) else choices)
    except Refusal as refusal:
        st.warning(t("poll.refused", reason=t(f"poll.reason_{refusal.reason}")), icon=":material/block:")
    except sqlite3.Error:   # a locked or broken file: the lesson goes on without this answer
        log.exception("poll: answer not stored")
        st.warning(t("poll.refused", reason=t("poll.reason_busy")), icon=":material/block:")


def show_class_predictions(page: str, item: str, choices: tuple[str, ...], labels: dict[str, str],
                           truth: str | None) -> None:
    """In the presenter's view of a lesson scene: the class's guesses for `item` as a bar chart (count of
    answers), `truth` marked once it is not None; kept up to date while students answer. Draws nothing
    outside a lesson or for a student."""
    where = scenes.active_scene(page)
    if where is None or where[2] != scenes.PRESENTER:
        return
    _live_chart(where[0], where[1], page, item, tuple(choices), dict(labels), truth)


@st.fragment(run_every=LIVE_SECONDS)
def _live_chart(code: str, index: int, page: str, item: str, choices: tuple[str, ...], labels: dict[str, str],
                truth: str | None) -> None:
    try:
        counts = scenes.store().counts(code, index, page, item, choices)
    except (Refusal, sqlite3.Error):
        st.caption(t("poll.unavailable"))
        return
    total = sum(counts.values())
    names = [labels.get(choice, choice) for choice in choices]
    fig = class_predictions_figure(names, [counts[c] for c in choices], choices.index(truth) if truth in choices else None,
                                   {"title": t("poll.title", count=total), "x": t("poll.x"), "truth": t("poll.truth")})
    summary = t("poll.summary", counts=", ".join(f"{name}: {counts[c]}" for name, c in zip(names, choices)))
    show(st, fig, key=f"poll_{page}_{item}", summary=summary)

