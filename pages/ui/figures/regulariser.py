"""Label smoothing as a regulariser: the weighted terms along the gap, and label dropout."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import palette
from .style import DECADES, HEIGHTS, PANEL_SPACING, layout


def regulariser_terms_figure(terms, current_gap: float, text: dict[str, str]) -> go.Figure:
    """(1 - eps) H(q, p), eps H(u, p) and their sum along the gap, with the current gap marked.

    text: title, x, y, data, prior, total, current."""
    fig = go.Figure()
    for key, values, colour, dash in (("data", terms.weighted_data, palette.TRUE_CLASS, "solid"),
                                      ("prior", terms.weighted_prior, palette.WRONG_CLASS, palette.THEORY_DASH),
                                      ("total", terms.total, palette.SMOOTHED, palette.SMOOTHED_DASH)):
        fig.add_trace(go.Scatter(x=terms.gaps, y=values, mode="lines", name=text[key],
                                 line=dict(color=colour, dash=dash, width=3)))
    # its label inside the plot, on the side with more room (above the plot it ran into the chart's title)
    side = "right" if current_gap < (terms.gaps[0] + terms.gaps[-1]) / 2 else "left"
    fig.add_vline(x=current_gap, line=dict(color=palette.REFERENCE, dash=palette.OPTIMUM_DASH, width=1.5),
                  annotation_text=text["current"], annotation_position=f"top {side}")
    return layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["gap"])


def label_dropout_figure(dropout, text: dict[str, str]) -> go.Figure:
    """Left: the running mean of the one-hot loss under label dropout, a ±2 standard-error band and the
    exact smoothed loss. Right: the gradient's error against 1/sqrt(N). text: title, x, y_loss, y_error,
    mean, band, exact, error, reference, loss_title, error_title."""
    n = dropout.draws
    fig = make_subplots(rows=1, cols=2, subplot_titles=(text["loss_title"], text["error_title"]), horizontal_spacing=PANEL_SPACING)
    fig.add_trace(go.Scatter(x=n, y=dropout.band_high, mode="lines", line=dict(width=0), name=f"{text['band']} (+)",
                             showlegend=False, hoverinfo="skip"), row=1, col=1)
    fig.add_trace(go.Scatter(x=n, y=dropout.band_low, mode="lines", line=dict(width=0),
                             fill="tonexty", fillcolor="rgba(0,158,115,0.18)", name=text["band"], hoverinfo="skip"),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=n, y=dropout.mean_loss, mode="lines", name=text["mean"],
                             line=dict(color=palette.SMOOTHED, width=3)), row=1, col=1)
    fig.add_trace(go.Scatter(x=[n[0], n[-1]], y=[dropout.smoothed_loss] * 2, mode="lines", name=text["exact"],
                             line=dict(color=palette.REFERENCE, dash=palette.OPTIMUM_DASH, width=2)), row=1, col=1)
    fig.add_trace(go.Scatter(x=n, y=dropout.gradient_error_for_log_axis, mode="lines", name=text["error"],
                             line=dict(color=palette.WRONG_CLASS, width=3)), row=1, col=2)
    fig.add_trace(go.Scatter(x=n, y=dropout.reference_error, mode="lines", name=text["reference"],
                             line=dict(color=palette.REFERENCE, dash=palette.THEORY_DASH, width=2)), row=1, col=2)
    fig.update_xaxes(type="log", **DECADES)
    fig.update_yaxes(type="log", **DECADES, row=1, col=2)
    fig = layout(fig, text["title"], text["x"], text["y_loss"], height=HEIGHTS["prob"])
    return fig.update_yaxes(title_text=text["y_error"], row=1, col=2)
