"""What every chart shares: fonts, heights, margins, the legend's place, class tick labels, and the
presenter mode's larger copy. Change the look of all charts here."""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

FONT = dict(size=15)
MAX_BARS = 20  # bar charts over classes show at most this many
HEIGHTS = {"targets": 360, "gap": 460, "logits": 460, "prob": 400, "grad": 380, "replay": 520,
           "reliability": 460, "curves": 400, "projection": 440, "gap_hist": 400, "digits": 300,
           "similarity": 460}  # pixels
MARGIN = dict(l=60, r=20, t=50, b=40)
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.28, xanchor="left", x=0.0)
# between two panels side by side, of the figure's width: room for the right panel's tick labels and axis
# title in presenter mode's larger type (at 0.1 the title was drawn over the left panel)
PANEL_SPACING = 0.2
# a log axis labelled at its decades only, as powers of ten (10⁻⁴, not "100µ"): the small labels between decades
# ("1000 2 5") read as one number from the back of a room
DECADES = dict(dtick=1, exponentformat="power", minor=dict(ticks="outside", ticklen=4, dtick="D1", showgrid=False))
# the toolbar shown while the mouse is over a chart keeps only the PNG export and the reset (drag still zooms):
# with all eight tools it ran across a chart's title, also while a teacher pointed at the chart or pressed Run
MODEBAR = dict(remove=["zoom", "pan", "select", "lasso", "zoomin", "zoomout", "autoscale"])

PRESENTER_FONT = 1.45   # factors for a projector at the back of a classroom
PRESENTER_LINE = 1.6
PRESENTER_MARKER = 1.4
PRESENTER_HEIGHT = 1.15
# ...but never taller than this: at 1024×768, under the compact title and the controls, a taller main chart ran
# past the first screen (issue 24)
PRESENTER_MAX_HEIGHT = 460
PRESENTER_TEXT = "#111111"   # near-black text: the theme's light grey axis titles wash out on a projector


def layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 380) -> go.Figure:
    """Title, height, font, margins and a legend below the plot area (so it never covers the title or
    the curves); every axis gets the given titles."""
    fig.update_layout(
        title=dict(text=title, x=0.0, xanchor="left"),
        height=height,
        margin=MARGIN,
        font=FONT,
        legend=LEGEND_BELOW,
        hovermode="x unified",
        modebar=MODEBAR,
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


GROW_FRAME_MS = 70   # the pace of a run drawn growing: one frame every 70 ms (40 frames: about 3 s)
GROW_TOP_MARGIN = 100   # pixels above the plot of a chart with Run: a line for the title, one for the buttons


def play_pause(play: str, pause: str, frame_ms: int, redraw: bool, from_current: bool, **place) -> dict:
    """Play and Pause buttons for a figure's frames, placed by `place` (x, y, xanchor, yanchor). "▮▮" is in
    the same font block as "▶" (a "⏸" showed as a box where a font is missing)."""
    play_args = dict(frame=dict(duration=frame_ms, redraw=redraw), transition=dict(duration=0),
                     fromcurrent=from_current, mode="immediate")
    return dict(type="buttons", direction="left", showactive=False, **place,
                buttons=[dict(label="▶ " + play, method="animate", args=[None, play_args]),
                         dict(label="▮▮ " + pause, method="animate",
                              args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")])])


def growing(fig: go.Figure, x, frames, play: str, pause: str) -> go.Figure:
    """`fig` with a client-side animation that draws its curves growing from the first record to the last.

    x: the step values the curves are drawn at; frames: per frame, the indices into x it draws
    (`lsr_core.growth_frames`, whose last frame draws everything). Every trace drawn at exactly x grows;
    the others (a constant optimum line, say) stay. The y axes keep the finished chart's range, so the
    run grows into a fixed frame. A "Run" button starts it from step 0.
    """
    grown = [i for i, trace in enumerate(fig.data) if trace.x is not None and len(trace.x) == len(x)
             and np.array_equal(np.asarray(trace.x), x)]
    values = [np.asarray(fig.data[i].y) for i in grown]
    # the title on the first line of a taller top margin, Run and Pause on the second, just above the plot:
    # side by side they covered a long title in presenter mode's larger type
    fig.update_layout(margin=dict(t=GROW_TOP_MARGIN), title=dict(y=1.0, yref="container", yanchor="top", pad=dict(t=8)),
                      updatemenus=[play_pause(play, pause, GROW_FRAME_MS, redraw=False, from_current=False,
                                              x=0.0, xanchor="left", y=1.02, yanchor="bottom")])
    # the frames on the way are drawn in float32 (half the bytes to send; a pixel is far coarser); the last one
    # holds the finished chart's own float64 values, so the animation ends on exactly the chart it started from.
    # Plain dicts of checked arrays, attached without Plotly's per-property validation (~150 ms a chart otherwise)
    # Their arrays go in already encoded as Plotly's typed arrays, which Plotly neither copies nor re-encodes.
    last = len(frames) - 1
    steps = smallest_integers(np.asarray(x))
    grown_frames = [dict(name=str(n), traces=grown,
                         data=[dict(type="scatter", x=typed_array(steps[index]),
                                    y=typed_array(y[index] if n == last else y[index].astype(np.float32)))
                               for y in values])
                    for n, index in enumerate(frames)]
    return Animated(fig, grown_frames)


class _Plain:
    """Read access to a plain dict by attribute, as Plotly's objects give it (None where a key is absent)."""

    __slots__ = ("_spec",)

    def __init__(self, spec: dict):
        self._spec = spec

    def __getattr__(self, name: str):
        value = self._spec.get(name)
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            return [_Plain(item) for item in value]
        return value


class Animated(go.Figure):
    """`fig` with animation frames kept as the plain dicts they were made as.

    A Plotly `Frame` holds a validated copy of every trace it names: building 40 of them cost more than the rest of
    a chart (Frame and Scatter objects made, only to be turned back into dicts when the chart is sent). Here the
    frames are attached as they are; `to_dict` (what Streamlit sends) and `frames` (read-only, for tests) show them.
    The frames' dicts are shared, never modified: a copy of this figure shares them too.
    """

    def __init__(self, fig: go.Figure, frames: list[dict]):
        super().__init__(dict(data=[trace.to_plotly_json() for trace in fig.data], layout=fig.layout.to_plotly_json()),
                         _validate=False)
        self._plain_frames = list(frames)
        self._frame_views = tuple(_Plain(frame) for frame in self._plain_frames)

    @property
    def frames(self) -> tuple:
        return self._frame_views

    def restyled(self, fig: go.Figure) -> "Animated":
        """`fig` (a restyled copy of this figure's data and layout) with this figure's frames."""
        return Animated(fig, self._plain_frames)

    def to_dict(self) -> dict:
        spec = super().to_dict()
        spec["frames"] = list(self._plain_frames)
        return spec


TYPED = {np.dtype(name): name for name in ("f4", "f8", "i1", "i2", "i4", "u1", "u2", "u4")}


def typed_array(values: np.ndarray) -> dict:
    """`values` as Plotly's typed-array spec (little-endian bytes, base64), as Plotly itself sends NumPy arrays.

    >>> typed_array(np.array([1.0, 2.0], dtype=np.float32))
    {'dtype': 'f4', 'bdata': 'AACAPwAAAEA='}
    """
    values = np.asarray(values)
    little = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("<"))
    return {"dtype": TYPED[little.dtype], "bdata": base64.b64encode(little.tobytes()).decode("ascii")}


def smallest_integers(values: np.ndarray) -> np.ndarray:
    """Integer `values` in the smallest of int8, int16, int32 that holds them all (as Plotly packs them); others
    unchanged.

    >>> [smallest_integers(np.array(v)).dtype.name for v in ([0, 127], [-129], [40_000], [2**40], [0.5])]
    ['int8', 'int16', 'int32', 'int64', 'float64']
    """
    if not np.issubdtype(values.dtype, np.integer) or values.size == 0:
        return values
    for dtype in (np.int8, np.int16, np.int32):
        limits = np.iinfo(dtype)
        if limits.min <= values.min() and values.max() <= limits.max:
            return values.astype(dtype)
    return values


def class_ticks(size: int, label: int = 0) -> list[str]:
    """Tick labels 0 … K−1 with a star on the true class."""
    return [f"{k}★" if k == label else str(k) for k in range(size)]


def presenter_height(height: float, capped: bool = True) -> int:
    """A chart's height in presenter mode: taller, up to what the projector's first screen holds (`capped`; a chart
    with a step slider is not: see `for_presenter`)."""
    taller = round(height * PRESENTER_HEIGHT)
    return min(taller, PRESENTER_MAX_HEIGHT) if capped else taller


def for_presenter(fig: go.Figure) -> go.Figure:
    """A copy of `fig` with larger text, thicker lines and bigger markers (the original is left alone:
    it may be a cached object shared by every session)."""
    # an animated figure's frames carry only data: they are kept as they are (no copy into Plotly's Frame objects)
    big = go.Figure(dict(data=fig.data, layout=fig.layout)) if isinstance(fig, Animated) else go.Figure(fig)
    size = big.layout.font.size or FONT["size"]
    height = big.layout.height or 380
    # a chart with a step slider (the replay) is never a page's main chart and keeps its full height: capped, its
    # plot was 210 px under its controls, and Play/Pause sat on its axis title
    big.update_layout(font=dict(size=round(size * PRESENTER_FONT), color=PRESENTER_TEXT),
                      height=presenter_height(height, capped=not big.layout.sliders))
    legend_y = big.layout.legend.y
    if legend_y is not None and legend_y < 0 and big.layout.legend.yanchor == "top":
        # a legend under the plot, in fractions of a plot that got shorter while the tick labels and axis title
        # above the legend got larger: moved down in proportion, so that it stays clear of the axis title
        big.update_layout(legend_y=legend_y * PRESENTER_FONT * round(height * PRESENTER_HEIGHT) / big.layout.height)
    big.update_xaxes(title_font_color=PRESENTER_TEXT, tickfont_color=PRESENTER_TEXT)
    big.update_yaxes(title_font_color=PRESENTER_TEXT, tickfont_color=PRESENTER_TEXT)
    for trace in big.data:
        line = getattr(trace, "line", None)
        if line is not None and getattr(trace, "mode", None) != "markers" and trace.type in ("scatter", "scattergl"):
            trace.line.width = (line.width or 2) * PRESENTER_LINE
        marker = getattr(trace, "marker", None)
        if marker is not None and isinstance(getattr(marker, "size", None), (int, float)):
            trace.marker.size = marker.size * PRESENTER_MARKER
    return fig.restyled(big) if isinstance(fig, Animated) else big
