"""One way to put a chart on a page: presenter styling when presenter mode is on, and one Plotly config
(no logo, a PNG export button that names the file after the chart and renders it at twice the size)."""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict

import plotly.graph_objects as go
import streamlit as st

from . import figures
from .exports import csv_text
from .i18n import t

PRESENT_KEY = "present"


# presenter mode sets the root font size this many times the browser's 16 px (app.PRESENTER_CSS): every rem-sized
# length, Streamlit's text and its table rows among them, grows with it
PRESENTER_TEXT_SCALE = 1.3


def presenting() -> bool:
    return bool(st.session_state.get(PRESENT_KEY, False))


def config(key: str | None) -> dict:
    """Plotly's options for a chart: on a screen the toolbar only while the mouse is over the chart (always shown, it
    sat over the title of a narrow chart); on the projector none (it covered the title whenever the teacher's mouse
    was over the chart, and nobody exports a PNG from the projector)."""
    return {"displaylogo": False, "displayModeBar": False if presenting() else "hover",
            "toImageButtonOptions": {"format": "png", "filename": key or "label_smoothing_lab", "scale": 2}}


class SentFigure(go.Figure):
    """A figure as Streamlit sends it, made once: `st.plotly_chart` calls `to_dict()` (a deep copy of every
    trace and frame: ~60 ms for the logits chart with its Run frames) and encodes the result; this one returns
    the dict it was made with. Streamlit only reads it; nothing else should use it."""

    def __init__(self, spec: dict):
        super().__init__()
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


class Prepared:
    """A finished figure kept for many renders and sessions (a cached object): its plain and presenter forms are
    each made into a `SentFigure` once, when first drawn, so a render costs the server only the JSON text."""

    def __init__(self, fig: go.Figure):
        self.figure = fig
        self.title = fig.layout.title.text or ""
        self._sent: dict[bool, SentFigure] = {}
        self._lock = threading.Lock()

    def sent(self, presenter: bool) -> SentFigure:
        with self._lock:
            if presenter not in self._sent:
                styled = figures.for_presenter(self.figure) if presenter else self.figure
                self._sent[presenter] = SentFigure(styled.to_dict())
            return self._sent[presenter]


FIGURE_MEMORY = 64   # finished figures kept by `built` (least recently used dropped first): ~0.3 MB each on average
_built: OrderedDict[bytes, Prepared] = OrderedDict()
_built_lock = threading.Lock()


def built(builder, *args, **kwargs) -> Prepared:
    """`builder(*args, **kwargs)` as a `Prepared` figure, built once for equal arguments and kept for every session.

    Building a Plotly figure (its validation, mostly) costs more than most of the computations behind it, and a
    page redraws every chart on every rerun; the key is a digest of the arguments themselves (the core's arrays and
    dataclasses, the chart's texts), so it holds everything the figure is made from, and nothing can be stale."""
    try:
        key = hashlib.blake2b(pickle.dumps((builder.__module__, builder.__qualname__, args, kwargs), protocol=5),
                              digest_size=20).digest()
    except (pickle.PicklingError, TypeError, AttributeError):
        return Prepared(builder(*args, **kwargs))
    with _built_lock:
        if key in _built:
            _built.move_to_end(key)
            return _built[key]
    prepared = Prepared(builder(*args, **kwargs))
    with _built_lock:
        _built[key] = prepared
        while len(_built) > FIGURE_MEMORY:
            _built.popitem(last=False)
    return prepared


def show(where, fig, key: str | None, summary: str | None = None, visible: bool = True):
    """Draw `fig` (a figure, or a cached `Prepared` one) in `where` (st, a column, a container). `summary` is
    what the chart shows in words and numbers: it becomes the chart's alternative text for screen readers and,
    if `visible` and not in presenter mode (where the room reads the chart itself), a caption below it."""
    if isinstance(fig, Prepared):
        title, fig = fig.title, fig.sent(presenting())
    else:
        title = fig.layout.title.text or ""
        if presenting():
            fig = figures.for_presenter(fig)
    where.plotly_chart(fig, key=key, config=config(key), alt=f"{title}. {summary}" if summary else title)
    if summary and visible and not presenting():
        where.caption(summary)


def csv_download(where, columns, file_name: str, key: str) -> None:
    """A download button for a CSV file; `columns` is a no-argument function returning the columns, called
    only when the button is clicked (on Streamlit's download thread), and the click does not rerun the page."""
    where.download_button(t("export.csv"), data=lambda: csv_text(columns()), file_name=file_name, mime="text/csv",
                          key=key, on_click="ignore", icon=":material/download:", help=t("export.csv_help"))
