"""Train a classifier (the training page): reliability diagrams, learning curves, the penultimate
layer's picture, and the histogram of test-set gaps."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import palette
from .style import FONT, HEIGHTS, MARGIN, MODEBAR, PANEL_SPACING, layout

TRAINING_RUNS = {  # run name -> (colour, dash, fill pattern)
    "one_hot": (palette.ONE_HOT, palette.ONE_HOT_DASH, palette.ONE_HOT_PATTERN),
    "smoothed": (palette.SMOOTHED, palette.SMOOTHED_DASH, palette.SMOOTHED_PATTERN),
    "temperature": (palette.REFERENCE, "dash", "x"),
}


def reliability_figure(rel, run: str, text: dict[str, str]) -> go.Figure:
    """Top: accuracy per confidence bin (bars) against the diagonal, with each bin's mean confidence;
    bottom: how many test points fall in each bin (the confidence histogram). Empty bins are not drawn.

    text: title, x, y_accuracy, y_count, accuracy, confidence, diagonal, count.
    """
    colour, _, pattern = TRAINING_RUNS[run]
    filled = rel.filled
    bar_width = rel.width * 0.95
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.06)
    fig.add_trace(go.Bar(x=rel.centres[filled], y=rel.accuracy[filled], width=bar_width, name=text["accuracy"],
                         marker=dict(color=colour, pattern=dict(shape=pattern), line=dict(width=1, color=colour)),
                         customdata=np.stack([rel.counts[filled], rel.confidence[filled]], axis=1),
                         hovertemplate=text["accuracy"] + " %{y:.3f} · " + text["confidence"] + " %{customdata[1]:.3f}"
                                       " · n = %{customdata[0]}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=[0.0, 1.0], y=[0.0, 1.0], mode="lines", name=text["diagonal"], hoverinfo="skip",
                             line=dict(color=palette.REFERENCE, dash=palette.OPTIMUM_DASH, width=2)), row=1, col=1)
    fig.add_trace(go.Scatter(x=rel.confidence[filled], y=rel.confidence[filled], mode="markers", name=text["confidence"],
                             marker=dict(symbol="line-ew-open", size=14, color=palette.WRONG_CLASS, line=dict(width=3)),
                             hoverinfo="skip"), row=1, col=1)
    fig.add_trace(go.Bar(x=rel.centres[filled], y=rel.counts[filled], width=bar_width, name=text["count"],
                         marker=dict(color=colour, opacity=0.55), showlegend=False,
                         hovertemplate="n = %{y}<extra></extra>"), row=2, col=1)
    # the title at the very top and the legend between it and the panels: below the panels the legend ran into
    # the x axis title once text grew (presenter mode); room for three legend rows in a narrow column
    fig.update_layout(title=dict(text=text["title"], x=0.0, xanchor="left", yref="container", y=0.985, yanchor="top"),
                      height=HEIGHTS["reliability"] + 60, margin=dict(MARGIN, t=150), font=FONT, bargap=0.0, modebar=MODEBAR,
                      legend=dict(orientation="h", yanchor="bottom", y=1.03, xanchor="left", x=0.0))
    fig.update_xaxes(range=[0, 1], row=1, col=1)
    fig.update_xaxes(range=[0, 1], title_text=text["x"], row=2, col=1)
    fig.update_yaxes(range=[0, 1.02], title_text=text["y_accuracy"], row=1, col=1)
    # three ticks at most on the short count panel: five overlapped in presenter mode's larger type
    fig.update_yaxes(title_text=text["y_count"], nticks=3, row=2, col=1)
    return fig


def learning_curves_figure(runs: dict, text: dict[str, str]) -> go.Figure:
    """Loss (left) and accuracy (right) per epoch; test thick, train thin; one-hot and smoothed styled as
    everywhere. `runs` maps "one_hot"/"smoothed" to a TrainedModel. Trace names: "<run> · <split>" on the
    left, the same with " · <accuracy>" on the right.

    text: title, x, loss, accuracy, one_hot, smoothed, train, test.
    """
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=PANEL_SPACING)
    for name, run in runs.items():
        colour, dash, _ = TRAINING_RUNS[name]
        for split, loss, acc, width, opacity in (("test", run.test_loss, run.test_accuracy, 3, 1.0),
                                                  ("train", run.train_loss, run.train_accuracy, 1.5, 0.6)):
            label = f"{text[name]} · {text[split]}"
            style = dict(color=colour, dash=dash, width=width)
            fig.add_trace(go.Scatter(x=run.epochs, y=loss, mode="lines", name=label, line=style, opacity=opacity,
                                     legendgroup=label), row=1, col=1)
            fig.add_trace(go.Scatter(x=run.epochs, y=acc, mode="lines", name=f"{label} · {text['accuracy']}", line=style,
                                     opacity=opacity, legendgroup=label, showlegend=False), row=1, col=2)
    fig.update_layout(title=dict(text=text["title"], x=0.0, xanchor="left"), height=HEIGHTS["curves"], margin=MARGIN,
                      font=FONT, hovermode="x unified", modebar=MODEBAR,
                      legend=dict(orientation="h", yanchor="top", y=-0.22, xanchor="left", x=0.0))
    fig.update_xaxes(title_text=text["x"])
    fig.update_yaxes(title_text=text["loss"], rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text=text["accuracy"], range=[0, 1.02], row=1, col=2)
    return fig


def projection_figure(projection, text: dict[str, str]) -> go.Figure:
    """Penultimate activations of three classes in the plane of their templates (equal axis scales),
    each class with its own colour and marker. (The templates are weights, not activations, so they are
    not drawn on the same axes.)

    text: title, x, y, class (a format string with {k}).
    """
    fig = go.Figure()
    for index, k in enumerate(projection.classes):
        mine = projection.labels == k
        fig.add_trace(go.Scatter(x=projection.points[mine, 0], y=projection.points[mine, 1], mode="markers",
                                 name=text["class"].format(k=k),
                                 marker=dict(color=palette.CLASS_COLOURS[index], symbol=palette.CLASS_SYMBOLS[index],
                                             size=5, opacity=0.55), hoverinfo="skip"))
    layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["projection"])
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def gap_histogram_figure(histogram, optimum: float, text: dict[str, str]) -> go.Figure:
    """Histograms (rows of `histogram.counts`: one-hot, smoothed) of the test-set gaps z_true − mean(z_other),
    with the closed-form optimum for free logits as a dashed line when it is finite.

    text: title, x, y, one_hot, smoothed, optimum.
    """
    fig = go.Figure()
    for row, name in enumerate(("one_hot", "smoothed")):
        colour, _, pattern = TRAINING_RUNS[name]
        fig.add_trace(go.Bar(x=histogram.centres, y=histogram.counts[row], width=histogram.width, name=text[name],
                             opacity=0.6, marker=dict(color=colour, pattern=dict(shape=pattern), line=dict(width=0)),
                             hovertemplate="%{x:.2f}: %{y}<extra>" + text[name] + "</extra>"))
    if np.isfinite(optimum):
        fig.add_trace(go.Scatter(x=[optimum, optimum], y=[0.0, histogram.highest], mode="lines", name=text["optimum"],
                                 line=dict(color=palette.REFERENCE, dash=palette.OPTIMUM_DASH, width=3)))
    fig.update_layout(barmode="overlay", bargap=0.0)
    return layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["gap_hist"])


def digits_figure(images: np.ndarray, labels: list[str]) -> go.Figure:
    """Small multiples of 8×8 images `(M, 8, 8)` in [0, 1] (ink dark, paper white), each with its label
    below it (`labels`, one per image; "<br>" breaks lines). Row 0 of an image is drawn at the top."""
    count = images.shape[0]
    fig = make_subplots(rows=1, cols=count, horizontal_spacing=0.02)
    for i in range(count):
        fig.add_trace(go.Heatmap(z=images[i], zmin=0.0, zmax=1.0, colorscale="Greys", showscale=False,
                                 name=labels[i].split("<br>")[0], hovertemplate="%{z:.2f}<extra></extra>"),
                      row=1, col=i + 1)
        fig.update_xaxes(visible=False, constrain="domain", row=1, col=i + 1)
        fig.update_yaxes(visible=False, autorange="reversed", scaleanchor=f"x{i + 1 if i else ''}", row=1, col=i + 1)
    fig.update_layout(height=HEIGHTS["digits"], font=FONT, margin=dict(l=10, r=10, t=10, b=110), showlegend=False,
                      annotations=[dict(text=label, xref=f"x{i + 1 if i else ''} domain", yref="paper", x=0.5, y=-0.04,
                                        xanchor="center", yanchor="top", showarrow=False, font=dict(size=13))
                                   for i, label in enumerate(labels)])
    return fig
