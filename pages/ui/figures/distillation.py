"""The distillation page: each teacher's average wrong-class probabilities, as two K×K heat maps."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .style import HEIGHTS, layout


def similarity_figure(similarity: np.ndarray, text: dict[str, str]) -> go.Figure:
    """Heat maps of `similarity (2, K, K)` (`lsr_core.Distillation.similarity`), one-hot teacher left, smoothed
    right, on one colour scale from 0 to the larger maximum: row i is class i's average distribution over its
    wrong classes (its diagonal cell is 0: the true class is left out). text: title, one_hot, smoothed, x, y,
    colour."""
    classes = [str(k) for k in range(similarity.shape[1])]
    top = float(similarity.max())
    fig = make_subplots(rows=1, cols=2, subplot_titles=(text["one_hot"], text["smoothed"]), horizontal_spacing=0.12)
    for col, (matrix, name) in enumerate(zip(similarity, (text["one_hot"], text["smoothed"])), start=1):
        fig.add_trace(go.Heatmap(z=matrix, x=classes, y=classes, zmin=0.0, zmax=top, colorscale="Blues", name=name,
                                 showscale=col == 2, colorbar=dict(title=dict(text=text["colour"], side="right")),
                                 hovertemplate=f"{text['y']} %{{y}} · {text['x']} %{{x}}: %{{z:.3f}}<extra>{name}</extra>"),
                      row=1, col=col)
        fig.update_yaxes(autorange="reversed", scaleanchor=f"x{col if col > 1 else ''}", type="category", row=1, col=col)
        fig.update_xaxes(type="category", constrain="domain", row=1, col=col)
    fig = layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["similarity"])
    return fig.update_layout(hovermode="closest", margin=dict(t=80))
