"""The loss landscape for K = 3: contours over the gap plane with both descent paths."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import palette
from .style import HEIGHTS, PANEL_SPACING, layout


def landscape_figure(scape, text: dict[str, str]) -> go.Figure:
    """Contours of log(1 + loss) over the gap plane, one-hot (left) and smoothed (right), with each run's
    gradient-descent path (the part on the grid) and, on the right, the closed-form minimum.
    text: title, x, y, one_hot, smoothed, path, start, end, minimum, loss."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(text["one_hot"], text["smoothed"]), horizontal_spacing=PANEL_SPACING)
    shade_one_hot, shade_smoothed = scape.shading   # a property that computes both: read it once
    for col, key, shading, path, colour, dash in (
            (1, "one_hot", shade_one_hot, scape.path_one_hot, palette.ONE_HOT, palette.ONE_HOT_DASH),
            (2, "smoothed", shade_smoothed, scape.path_smoothed, palette.SMOOTHED, palette.SMOOTHED_DASH)):
        # the surface goes as float32: half the bytes of a page's largest element, and 24 contour levels cannot
        # show the difference (relative 6e-8)
        fig.add_trace(go.Contour(x=scape.gaps, y=scape.gaps, z=shading.astype(np.float32), zmin=0.0, zmax=scape.shading_top,
                                 colorscale="Cividis", ncontours=24, showscale=col == 2, name=f"{text['loss']} ({text[key]})",
                                 colorbar=dict(title=dict(text="log(1 + L)")), hovertemplate="g1 %{x:.2f}, g2 %{y:.2f}<extra></extra>"),
                      row=1, col=col)
        shown = scape.path_inside(path)
        fig.add_trace(go.Scatter(x=shown[:, 0], y=shown[:, 1], mode="lines", name=f"{text['path']} ({text[key]})",
                                 line=dict(color=colour, width=4, dash=dash)), row=1, col=col)
        fig.add_trace(go.Scatter(x=path[:1, 0], y=path[:1, 1], mode="markers", name=text["start"] if col == 1 else
                                 f"{text['start']} ({text[key]})", showlegend=col == 1,
                                 marker=dict(symbol="circle-open", size=13, color="white", line=dict(width=3))), row=1, col=col)
    if scape.finite_optimum:
        fig.add_trace(go.Scatter(x=[scape.optimal_gap], y=[scape.optimal_gap], mode="markers", name=text["minimum"],
                                 marker=dict(symbol="star", size=18, color=palette.TRUE_CLASS, line=dict(width=1.5, color="white"))),
                      row=1, col=2)
    fig.update_xaxes(range=[scape.gaps[0], scape.gaps[-1]])
    fig.update_yaxes(range=[scape.gaps[0], scape.gaps[-1]])
    fig = layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["replay"])
    # one y title, on the left: the right panel's (the same gap) lay over the left panel's plot
    fig.update_yaxes(title_text=None, row=1, col=2)
    return fig.update_layout(hovermode="closest")
