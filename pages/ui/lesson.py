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
# calibration (training) → distillation → conventions
LESSON = (
    Step("home", ":material/home:"),
    Step("by_hand", ":material/calculate:"),
    Step("derivation", ":material/function:"),
    Step("dynamics", ":material/show_chart:"),
    Step("gap_explorer", ":material/stacked_line_chart:"),
    Step("landscape", ":material/landscape:"),
    Step("regulariser", ":material/balance:"),
    Step("training", ":material/model_training:"),
    Step("distillation", ":material/school:"),
    Step("conventions", ":material/rule:"),
)
NAMES = tuple(step.name for step in LESSON)
# the formula sheet: reachable from every page (the sidebar and every page's footer) but not a step of the lesson
SHEET = Step("formulas", ":material/functions:")
DEFAULT_PATH = "start"   # reserved by Home, which is served at the root URL


def path(name: str) -> str:
    return f"pages/{name}.py"


def neighbours(name: str) -> tuple[Step | None, Step | None]:
    """The steps before and after `name` in the lesson (None at either end).

    >>> [s and s.name for s in neighbours("home")], [s and s.name for s in neighbours("conventions")]
    ([None, 'by_hand'], ['distillation', None])
    """
    index = NAMES.index(name)
    return (LESSON[index - 1] if index else None), (LESSON[index + 1] if index + 1 < len(LESSON) else None)


def pages() -> list:
    """The st.Page objects in lesson order (Home is the default page, at the root URL), and /home, which
    only sends a bookmarked /home to the root URL: the navigation is drawn by `sidebar`, so that alias is
    never listed, and /home no longer shows Streamlit's "Page not found" first."""
    # the default page is served at the root but still reserves its url_path: give it one nobody types
    listed = [st.Page(path(step.name), title=t(f"nav.{step.name}"), icon=step.icon,
                      url_path=DEFAULT_PATH if step.name == "home" else step.name, default=step.name == "home")
              for step in LESSON]
    listed.append(st.Page(path(SHEET.name), title=t("formulas.nav"), icon=SHEET.icon, url_path=SHEET.name))
    return listed + [st.Page(_home_alias, title=t("nav.home"), icon=LESSON[0].icon, url_path=LESSON[0].name)]


def _home_alias() -> None:
    st.switch_page(path(LESSON[0].name), query_params=st.query_params.to_dict())


def sidebar() -> None:
    """The navigation, in lesson order and numbered (Home first, unnumbered)."""
    for number, step in enumerate(LESSON):
        title = t(f"nav.{step.name}")
        st.sidebar.page_link(path(step.name), label=f"{number}. {title}" if number else title, icon=step.icon)
    st.sidebar.page_link(path(SHEET.name), label=t("formulas.nav"), icon=SHEET.icon)


def footer(name: str) -> None:
    """Previous / next at the bottom of page `name`, after a link to the formula sheet; the last page closes
    with the lesson's summary. The formula sheet itself, not a step, leads back to the start."""
    st.divider()
    if name == SHEET.name:
        st.page_link(path(LESSON[0].name), label=t("lesson.again"), icon=LESSON[0].icon)
        return
    before, after = neighbours(name)
    if after is None:
        st.subheader(t("lesson.summary_title"))
        st.markdown(t("lesson.summary"))
    st.page_link(path(SHEET.name), label=t("formulas.link"), icon=SHEET.icon)
    left, right = st.columns(2)
    if before is not None:
        left.page_link(path(before.name), label=t("lesson.previous", page=t(f"nav.{before.name}")), icon=before.icon)
    if after is not None:
        right.page_link(path(after.name), label=t("lesson.next", page=t(f"nav.{after.name}")), icon=after.icon)
    else:
        right.page_link(path(LESSON[0].name), label=t("lesson.again"), icon=LESSON[0].icon)
