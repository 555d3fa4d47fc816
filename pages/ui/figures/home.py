"""Home page: the one-hot and the smoothed target vectors."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import palette
from .style import HEIGHTS, class_ticks, layout


def targets_figure(one_hot: np.ndarray, smoothed: np.ndarray, text: dict[str, str]) -> go.Figure:
    """Grouped bars of the one-hot and the smoothed target vectors, class 0 being the true class.

    text: title, x, y, one_hot, smoothed, true_class, wrong_class (legend and axis labels).
    """
    classes = np.arange(one_hot.size)
    true = classes == 0
    role = np.where(true, text["true_class"], text["wrong_class"])
    fig = go.Figure()
    for values, name, colour, pattern in (
        (one_hot, text["one_hot"], palette.ONE_HOT, palette.ONE_HOT_PATTERN),
        (smoothed, text["smoothed"], palette.SMOOTHED, palette.SMOOTHED_PATTERN),
    ):
        fig.add_trace(go.Bar(
            x=classes, y=values, name=name, customdata=role,
            marker=dict(color=colour, pattern=dict(shape=pattern),
                        line=dict(width=1.5, color=np.where(true, palette.TRUE_CLASS, palette.WRONG_CLASS))),
            hovertemplate="%{customdata} %{x}: %{y:.4f}<extra>" + name + "</extra>",
            texttemplate="%{y:.3f}" if one_hot.size <= 6 else None, textposition="outside",
        ))
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(range=[0, 1.12])
    fig.update_xaxes(tickmode="array", tickvals=classes, ticktext=class_ticks(one_hot.size))
    return layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["targets"])
