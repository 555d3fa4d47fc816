"""The lesson: one teaching order across the pages, used for the sidebar, the previous / next links at the
bottom of every page, Home's "start the lesson" entry and the closing summary. Every page stays reachable
on its own and by its URL."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from .i18n import t


@dataclass(frozen=True)
class Step:
    name: str      # the page's file (pages/<name>.py), URL path and catalogue section
    icon: str


# targets → softmax by hand → derivation → watch the logits → optimum explorer → landscape → regulariser →
# calibration (training) → conventions
LESSON = (
    Step("home", ":material/home:"),
    Step("by_hand", ":material/calculate:"),
    Step("derivation", ":material/function:"),
    Step("dynamics", ":material/show_chart:"),
    Step("gap_explorer", ":material/stacked_line_chart:"),
    Step("landscape", ":material/landscape:"),
    Step("regulariser", ":material/balance:"),
    Step("training", ":material/model_training:"),
    Step("conventions", ":material/rule:"),
)
NAMES = tuple(step.name for step in LESSON)


def path(name: str) -> str:
    return f"pages/{name}.py"


def neighbours(name: str) -> tuple[Step | None, Step | None]:
    """The steps before and after `name` in the lesson (None at either end).

    >>> [s and s.name for s in neighbours("home")], [s and s.name for s in neighbours("conventions")]
    ([None, 'by_hand'], ['training', None])
    """
    index = NAMES.index(name)
    return (LESSON[index - 1] if index else None), (LESSON[index + 1] if index + 1 < len(LESSON) else None)


def pages() -> list:
    """The st.Page objects in lesson order (Home is the default page, at the root URL)."""
    return [st.Page(path(step.name), title=t(f"nav.{step.name}"), icon=step.icon, url_path=step.name,
                    default=step.name == "home") for step in LESSON]


def footer(name: str) -> None:
    """Previous / next at the bottom of page `name`; the last page closes with the lesson's summary."""
    before, after = neighbours(name)
    st.divider()
    if after is None:
        st.subheader(t("lesson.summary_title"))
        st.markdown(t("lesson.summary"))
    left, right = st.columns(2)
    if before is not None:
        left.page_link(path(before.name), label=t("lesson.previous", page=t(f"nav.{before.name}")), icon=before.icon)
    if after is not None:
        right.page_link(path(after.name), label=t("lesson.next", page=t(f"nav.{after.name}")), icon=after.icon)
    else:
        right.page_link(path(LESSON[0].name), label=t("lesson.again"), icon=LESSON[0].icon)
