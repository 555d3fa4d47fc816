"""Softmax by hand: p next to both targets, and the step one gradient step gives each logit."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import palette
from .style import HEIGHTS, class_ticks, layout


def probabilities_figure(p: np.ndarray, one_hot: np.ndarray, smoothed: np.ndarray, label: int, text: dict[str, str]) -> go.Figure:
    """Bars of softmax(z), the true class's in blue and the wrong classes' in vermillion (two legend entries),
    next to the one-hot and the smoothed targets as markers.

    text: title, x, y, p, true_class, wrong_class, one_hot, smoothed."""
    ticks = np.array(class_ticks(p.size, label))
    true = np.arange(p.size) == label
    fig = go.Figure()
    for mine, role, colour in ((true, "true_class", palette.TRUE_CLASS), (~true, "wrong_class", palette.WRONG_CLASS)):
        fig.add_trace(go.Bar(x=ticks[mine], y=p[mine], name=f"{text['p']} · {text[role]}", marker=dict(color=colour)))
    fig.add_trace(go.Scatter(x=ticks, y=one_hot, mode="markers", name=text["one_hot"],
                             marker=dict(symbol="line-ew-open", size=28, color=palette.ONE_HOT, line=dict(width=3))))
    fig.add_trace(go.Scatter(x=ticks, y=smoothed, mode="markers", name=text["smoothed"],
                             marker=dict(symbol="diamond-open", size=12, color=palette.SMOOTHED, line=dict(width=2.5))))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(ticks))
    fig.update_yaxes(range=[0, 1.05])
    return layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["grad"])


def logit_step_figure(step_one_hot: np.ndarray, step_smoothed: np.ndarray, label: int, text: dict[str, str]) -> go.Figure:
    """Where one gradient step moves each logit: -(p - q), for one-hot and smoothed targets, always
    within [-1, 1]. text: title, x, y, one_hot, smoothed."""
    ticks = class_ticks(step_one_hot.size, label)
    fig = go.Figure()
    for values, key, colour, pattern in ((step_one_hot, "one_hot", palette.ONE_HOT, palette.ONE_HOT_PATTERN),
                                         (step_smoothed, "smoothed", palette.SMOOTHED, palette.SMOOTHED_PATTERN)):
        fig.add_trace(go.Bar(x=ticks, y=values, name=text[key], marker=dict(color=colour, pattern=dict(shape=pattern)),
                             texttemplate="%{y:+.3f}", textposition="auto", textangle=-90,
                             insidetextfont=dict(color=palette.INK)))
    # every label the same size and never under 14 px: Plotly shrank each to its bar's width (10 px on a projector).
    # Upright, inside a long bar or just past a short one: side by side, 14 px labels over neighbouring bars overlapped
    fig.update_layout(barmode="group", bargap=0.15, bargroupgap=0.05, uniformtext=dict(minsize=14, mode="show"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[-1.15, 1.15], zeroline=True)
    return layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["grad"])
