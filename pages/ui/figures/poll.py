"""The class's predictions for one item: how many students chose each answer, the truth marked once revealed."""

from __future__ import annotations

import plotly.graph_objects as go

from .. import palette
from .style import MARGIN, layout

GUESS_COLOUR = "#56B4E9"   # sky blue: a guess, neither right nor wrong yet
TRUTH_PATTERN = "x"        # the true answer's bar is also cross-hatched and labelled (never colour alone)


def class_predictions_figure(labels: list[str], counts: list[int], truth: int | None, text: dict[str, str]) -> go.Figure:
    """One horizontal bar per choice (its label, in the order given, top to bottom), as long as the number of
    students who chose it, the count written at its end. `truth`: the index of the true choice once revealed
    (its bar in the true class's colour, hatched, with text["truth"] after the count; the others grey), or None.

    text: title, x (the count axis), truth."""
    fig = go.Figure()
    for index, (label, count) in enumerate(zip(labels, counts)):
        right = truth is not None and index == truth
        colour = GUESS_COLOUR if truth is None else (palette.TRUE_CLASS if right else palette.REFERENCE)
        fig.add_trace(go.Bar(y=[label], x=[int(count)], orientation="h", name=label, showlegend=False,
                             marker=dict(color=colour, pattern=dict(shape=TRUTH_PATTERN if right else "")),
                             text=[f"{int(count)}  ✓ {text['truth']}" if right else f"{int(count)}"],
                             textposition="outside", cliponaxis=False, hovertemplate=f"%{{y}}: %{{x}}<extra></extra>"))
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=list(labels)[::-1], automargin=True)
    # room at the right for the longest count and the truth's mark, and whole numbers on the count axis
    fig.update_xaxes(rangemode="tozero", range=[0, max([1, *counts]) * 1.45], dtick=max(1, -(-max([1, *counts]) // 5)))
    layout(fig, text["title"], text["x"], "", height=max(220, 90 + 60 * len(labels)))
    fig.update_layout(margin=MARGIN | dict(l=20), hovermode="closest", bargap=0.35)
    return fig
