"""Controls that several pages share, with one key pattern (`<page>_K`, `<page>_eps`, `<page>_conv`),
one set of labels and help texts, and the same URL names (`K`, `eps`, `conv`) everywhere."""

from __future__ import annotations

import streamlit as st

import lsr_core as core

from .charts import PRESENTER_TEXT_SCALE, presenting
from .formatting import number
from .i18n import option_labels, t
from .params import Param, float_in, int_in, one_of

PRIORS = ("uniform", "others")


def scene_params(page: str, max_classes: int, default_classes: int = 10,
                 min_classes: int = 2) -> tuple[Param, Param, Param]:
    """The URL parameters behind `classes_input`, `eps_slider` and `convention_radio` on `page`."""
    return (
        Param(f"{page}_K", "K", default_classes, int_in(min_classes, max_classes), f"{min_classes} … {max_classes}", label="controls.K"),
        Param(f"{page}_eps", "eps", 0.1, float_in(0.0, 1.0), "0 … 1", label="controls.eps"),
        Param(f"{page}_conv", "conv", "uniform", one_of(PRIORS), "uniform | others", label="controls.conv"),
    )


def classes_input(where, page: str, max_classes: int, min_classes: int = 2) -> int:
    return int(where.number_input(t("controls.K"), min_value=min_classes, max_value=max_classes, step=1, key=f"{page}_K",
                                  help=t("controls.K_help"), persist_state="session"))


def eps_slider(where, page: str) -> float:
    return float(where.slider(t("controls.eps"), min_value=0.0, max_value=1.0, step=0.01, key=f"{page}_eps",
                              help=t("controls.eps_help"), persist_state="session"))


def convention_radio(where, page: str, horizontal: bool = False) -> str:
    return where.radio(t("controls.conv"), PRIORS, key=f"{page}_conv", format_func=option_labels("conv", PRIORS).get,
                       help=t("controls.conv_help"), horizontal=horizontal, persist_state="session")


def scene_controls(page: str, max_classes: int, horizontal: bool = True,
                   min_classes: int = 2, narrow: bool = False) -> tuple[int, float, str]:
    """The usual row of three controls (K, ε, convention) in the current container; in a `narrow` one (half a
    page), K and ε side by side and the convention's two choices on a line under them (three columns there broke
    "Classes K" and "Convention" inside their words at 1024 pixels)."""
    if narrow:
        c1, c2 = st.columns([2, 3])
        return (classes_input(c1, page, max_classes, min_classes), eps_slider(c2, page),
                convention_radio(st, page, horizontal=True))
    c1, c2, c3 = st.columns([2, 3, 3])
    return (classes_input(c1, page, max_classes, min_classes), eps_slider(c2, page),
            convention_radio(c3, page, horizontal=horizontal))


def heavy_work_callbacks(slot, label: str, seconds: float) -> dict:
    """`on_progress` and `on_wait` for `compute.comparison` / `compute.experiment`, drawing in `slot`: a
    progress bar (with the estimated cost when it is a few seconds or more), or why this session waits."""
    cost = t("compute.cost", seconds=f"{seconds:.0f}") if core.cost.shows_cost(seconds) else ""

    def on_progress(fraction: float) -> None:
        if fraction >= 1.0:
            slot.progress(1.0, text=f"{label} 100 % · {t('compute.drawing')}")
        else:
            slot.progress(max(fraction, 0.0), text=f"{label} {round(100 * fraction)} % {cost}".strip())

    def on_wait(reason: str, waiting: int) -> None:
        slot.info(t(f"compute.wait_{reason}", waiting=waiting), icon=":material/hourglass_top:")

    return {"on_progress": on_progress, "on_wait": on_wait}


def gap_chart_notes(optimal_gap: float) -> dict[str, str]:
    """The takeaway written on a gap chart (Home's, Watch the logits'): the optimum's value and the one-hot law."""
    return {"optimum_note": t("legend.optimum_note", gap=number(optimal_gap, 2)), "one_hot_note": t("legend.one_hot_note")}


WORK_SLOT_KEY = "work_progress"


def metric_columns(count: int, per_row_presenting: int = 2) -> list:
    """Columns for a row of `count` metrics; on the projector at most `per_row_presenting` to a row: four side by side
    broke their labels inside a word ("平滑运行的最终差 / 距")."""
    if not presenting() or count <= per_row_presenting:
        return st.columns(count)
    columns = []
    while len(columns) < count:
        columns += st.columns(per_row_presenting)
    return columns[:count]


TABLE_ROW_REM = 2.1875   # the height of a row of st.dataframe, header included: 35 px at the browser's 16 px
TABLE_BORDER_PX = 2


def table_height(rows: int, presenting_: bool) -> int:
    """The height st.dataframe draws `rows` rows and its header at (46 px a row in presenter mode's larger type),
    given to it up front: the grid's code reaches the browser after the page is drawn, and meanwhile Streamlit holds
    a placeholder of the given height instead of 52 px (on Conventions the page jumped by a quarter of the screen
    when the table came)."""
    root = 16 * (PRESENTER_TEXT_SCALE if presenting_ else 1.0)
    return (rows + 1) * round(TABLE_ROW_REM * root) + TABLE_BORDER_PX


def work_slot():
    """Where a page's heavy work shows its progress bar or its wait: pinned near the top of the window (app.py's
    BASE_CSS), so it is in view wherever the page is scrolled when the work starts (below a long settings form
    on the projector, say). Empty, it takes no room."""
    return st.container(key=WORK_SLOT_KEY).empty()


def controls_box():
    """Where a page draws its controls: a bordered box, or, in presenter mode, a folded "settings" expander,
    so that the page's main chart starts in the projector's first screen (the teacher sets the scene by a
    lesson link or opens the expander)."""
    if presenting():
        return st.expander(t("controls.settings"), icon=":material/tune:")
    return st.container(border=True)


def digits_missing() -> bool:
    """Whether the digits file is missing from this installation; if so, say so (a message, not a traceback)."""
    if core.digits_available():
        return False
    st.error(t("training.digits_missing"), icon=":material/folder_off:")
    return True


class UnderChartOnProjector:
    """What a page shows above its main chart on a screen but under it in presenter mode: "Look for / Try this",
    a paragraph that explains the chart, the ▶ Run hint. On the projector the first screen must hold the main chart
    whole (issue 24); the words that lead to it are read next. Call it like the drawing function it defers
    (`aside(st.markdown, text)`), then `flush()` right after the main chart."""

    def __init__(self) -> None:
        self.pending: list[tuple] = []

    def __call__(self, draw, *args, **kwargs) -> None:
        if presenting():
            self.pending.append((draw, args, kwargs))
        else:
            draw(*args, **kwargs)

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        for draw, args, kwargs in pending:
            draw(*args, **kwargs)
