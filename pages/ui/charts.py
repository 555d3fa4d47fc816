"""One way to put a chart on a page: presenter styling when presenter mode is on, and one Plotly config
(no logo, a PNG export button that names the file after the chart and renders it at twice the size)."""

from __future__ import annotations

import streamlit as st

from . import figures
from .exports import csv_text
from .i18n import t

PRESENT_KEY = "present"


def presenting() -> bool:
    return bool(st.session_state.get(PRESENT_KEY, False))


def config(key: str | None) -> dict:
    return {"displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": key or "label_smoothing_lab", "scale": 2}}


def show(where, fig, key: str | None, summary: str | None = None, visible: bool = True):
    """Draw `fig` in `where` (st, a column, a container). `summary` is what the chart shows in words and
    numbers: it becomes the chart's alternative text for screen readers and, if `visible`, a caption below it."""
    title = fig.layout.title.text or ""
    if presenting():
        fig = figures.for_presenter(fig)
    where.plotly_chart(fig, key=key, config=config(key), alt=f"{title}. {summary}" if summary else title)
    if summary and visible:
        where.caption(summary)


def csv_download(where, columns, file_name: str, key: str) -> None:
    """A download button for a CSV file; `columns` is a no-argument function returning the columns, called
    only when the button is clicked (on Streamlit's download thread), and the click does not rerun the page."""
    where.download_button(t("export.csv"), data=lambda: csv_text(columns()), file_name=file_name, mime="text/csv",
                          key=key, on_click="ignore", icon=":material/download:", help=t("export.csv_help"))
