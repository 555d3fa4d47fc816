"""The distillation page: the temperature axis (the paired accuracy difference of the two teachers' students,
with 95 % intervals, live and from the 20-seed reference) and each teacher's average probabilities as two
K×K heat maps."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import palette
from .style import HEIGHTS, PANEL_SPACING, layout

TEMPERATURE_HEIGHT = 420   # pixels


def temperature_figure(live, reference, text: dict[str, str]) -> go.Figure:
    """Grouped bars, one group per temperature: the mean paired difference (smoothed − one-hot teacher's
    student accuracy, in points) with its 95 % interval as an error bar, for the live run `live` and, if given,
    the reference `reference` (both `lsr_core.distillation.TemperatureAxis.in_points()`; the reference hatched).
    text: title, x, y, live, reference (trace names), zero (the line at 0)."""
    fig = go.Figure()
    ticks = [f"T = {t:g}" for t in live.temperatures]
    for axis, name, colour, pattern in ((live, text["live"], palette.ONE_HOT, palette.ONE_HOT_PATTERN),
                                        (reference, text["reference"], palette.REFERENCE, palette.SMOOTHED_PATTERN)):
        if axis is None:
            continue
        fig.add_trace(go.Bar(
            x=[f"T = {t:g}" for t in axis.temperatures], y=axis.mean, name=name,
            marker=dict(color=colour, pattern=dict(shape=pattern)),
            error_y=dict(type="data", symmetric=False, array=axis.above, arrayminus=axis.below, thickness=2, width=8),
            customdata=np.stack([axis.low, axis.high], axis=1),
            hovertemplate="%{x}: %{y:+.2f} [%{customdata[0]:+.2f}, %{customdata[1]:+.2f}]<extra>" + name + "</extra>"))
    fig.add_hline(y=0.0, line=dict(color=palette.REFERENCE, width=1.5, dash=palette.OPTIMUM_DASH))
    fig.update_layout(barmode="group", bargap=0.3)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=ticks)
    fig = layout(fig, text["title"], text["x"], text["y"], height=TEMPERATURE_HEIGHT)
    return fig.update_layout(hovermode="closest")


def similarity_figure(similarity: np.ndarray, text: dict[str, str]) -> go.Figure:
    """Heat maps of `similarity (2, K, K)` (`lsr_core.Distillation.wrong_probabilities`: each teacher's average
    probability of every wrong class, the diagonal, the true class, drawn as 0), one-hot teacher left, smoothed
    right, on one colour scale from 0 to the larger maximum. text: title, one_hot, smoothed, x, y, colour."""
    classes = [str(k) for k in range(similarity.shape[1])]
    top = float(similarity.max())
    fig = make_subplots(rows=1, cols=2, subplot_titles=(text["one_hot"], text["smoothed"]), horizontal_spacing=PANEL_SPACING)
    for col, (matrix, name) in enumerate(zip(similarity, (text["one_hot"], text["smoothed"])), start=1):
        fig.add_trace(go.Heatmap(z=matrix, x=classes, y=classes, zmin=0.0, zmax=top, colorscale="Blues", name=name,
                                 showscale=col == 2, colorbar=dict(title=dict(text=text["colour"], side="right")),
                                 hovertemplate=f"{text['y']} %{{y}} · {text['x']} %{{x}}: %{{z:.4f}}<extra>{name}</extra>"),
                      row=1, col=col)
        fig.update_yaxes(autorange="reversed", scaleanchor=f"x{col if col > 1 else ''}", type="category", row=1, col=col)
        fig.update_xaxes(type="category", constrain="domain", row=1, col=col)
    fig = layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["similarity"])
    # one y title, on the left: the right panel's (the same classes) was drawn over the left panel in larger type
    fig.update_yaxes(title_text=None, row=1, col=2)
    return fig.update_layout(hovermode="closest", margin=dict(t=80))
