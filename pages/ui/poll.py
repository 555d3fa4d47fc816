"""The class's predictions, Streamlit side: a student's answer is recorded when the page belongs to a
lesson scene (``?lesson=CODE&scene=N``); the teacher's presenter view of that scene shows the class's
distribution of guesses. Outside a lesson both functions do nothing. (Stub: interface first.)"""

from __future__ import annotations


def record_prediction(page: str, item: str, choice: str, choices: tuple[str, ...]) -> None:
    """Record `choice` for `item` on `page` in the current lesson scene, anonymously (one answer per
    session and item; a re-answer replaces it). Does nothing outside a lesson; never raises."""
    return None


def show_class_predictions(page: str, item: str, choices: tuple[str, ...], labels: dict[str, str],
                           truth: str | None) -> None:
    """In the teacher's presenter view of a lesson scene: the class's guesses for `item` as a bar chart
    (count of answers), `truth` marked once it is not None. Draws nothing outside a lesson."""
    return None
