"""The optimal gap explorer: closed-form gap curves, the loss along the gap, the optimal logits."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import palette
from .style import DECADES, HEIGHTS, MAX_BARS, class_ticks, layout

CURVE_SHADES = ("#56B4E9", "#0072B2", "#CC79A7", "#D55E00", "#009E73", "#E69F00")


def gap_curves_figure(curves: list[tuple[str, str, np.ndarray, np.ndarray]], marker: tuple[float, float] | None,
                      text: dict[str, str], log_x: bool = True, sweep: tuple[np.ndarray, np.ndarray] | None = None) -> go.Figure:
    """Closed-form gap curves, `curves` = [(name, prior, x, y)]: ε/K solid, ε/(K−1) dashed. Curves with the
    same name (one K, both conventions) share a colour and one legend entry, and two grey entries explain the
    line styles once (text keys "uniform" and "others"), so the legend stays short; the current point;
    optionally the end points of a gradient-descent sweep as markers. Non-finite points are left out (no NaN
    or inf reaches a chart). text: title, x, y, current, sweep, and uniform / others when curves share names."""
    fig = go.Figure()
    colours: dict[str, str] = {}
    for name, prior, x, y in curves:
        keep = np.isfinite(x) & np.isfinite(y)
        first = name not in colours
        colour = colours.setdefault(name, CURVE_SHADES[len(colours) % len(CURVE_SHADES)])
        fig.add_trace(go.Scatter(x=x[keep], y=y[keep], mode="lines", name=name, legendgroup=name, showlegend=first,
                                 line=dict(color=colour, width=2.5, dash="solid" if prior == "uniform" else palette.OPTIMUM_DASH),
                                 meta=prior))
    if len(colours) < len(curves):   # named pairs: say once which line style is which convention
        for prior, dash in (("uniform", "solid"), ("others", palette.OPTIMUM_DASH)):
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=text[prior],
                                     line=dict(color=palette.REFERENCE, width=2.5, dash=dash)))
    if sweep is not None:
        fig.add_trace(go.Scatter(x=sweep[0], y=sweep[1], mode="markers", name=text["sweep"],
                                 marker=dict(symbol="circle-open", size=7, color=palette.SMOOTHED, line=dict(width=1.5))))
    if marker is not None and np.all(np.isfinite(marker)):
        fig.add_trace(go.Scatter(x=[marker[0]], y=[marker[1]], mode="markers", name=text["current"],
                                 marker=dict(symbol="star", size=16, color=palette.TRUE_CLASS, line=dict(width=1, color="white"))))
    fig.update_xaxes(**(dict(type="log", **DECADES) if log_x else dict(type="linear")))
    return layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["gap"])


def loss_versus_gap_figure(terms, minimum: tuple[float, float] | None, text: dict[str, str]) -> go.Figure:
    """One-hot loss (falls for ever) and the smoothed loss along the gap, the smoothed loss's two weighted
    parts, and `minimum` = (gap, loss) at the closed-form optimum when it is on the drawn range.
    text: title, x, y, one_hot, smoothed, data, prior, minimum."""
    fig = go.Figure()
    for key, values, colour, width, dash in (
            ("one_hot", terms.data_term, palette.ONE_HOT, 3, palette.ONE_HOT_DASH),
            ("smoothed", terms.total, palette.SMOOTHED, 3, palette.SMOOTHED_DASH),
            ("data", terms.weighted_data, palette.TRUE_CLASS, 1.5, palette.THEORY_DASH),
            ("prior", terms.weighted_prior, palette.WRONG_CLASS, 1.5, palette.THEORY_DASH)):
        fig.add_trace(go.Scatter(x=terms.gaps, y=values, mode="lines", name=text[key],
                                 line=dict(color=colour, width=width, dash=dash)))
    if minimum is not None:
        fig.add_trace(go.Scatter(x=[minimum[0]], y=[minimum[1]], mode="markers", name=text["minimum"],
                                 marker=dict(symbol="star", size=16, color=palette.SMOOTHED, line=dict(width=1, color="white"))))
    return layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["gap"])


def optimal_logits_figure(z_star: np.ndarray, text: dict[str, str]) -> go.Figure:
    """Bars of the optimal logits z* = log q' + α (class 0 true, at most `MAX_BARS`); a class with zero
    target has z* = −∞, drawn as a labelled marker below the lowest bar instead of a bar.
    text: title, x, y, finite, infinite."""
    shown = z_star[:MAX_BARS]
    ticks = np.array(class_ticks(shown.size))
    finite = np.isfinite(shown)
    fig = go.Figure(go.Bar(x=ticks[finite], y=shown[finite], name=text["finite"],
                           marker=dict(color=np.where(ticks[finite] == ticks[0], palette.TRUE_CLASS, palette.WRONG_CLASS))))
    if not finite.all():
        # placement only: one unit under the lowest bar (or under 0)
        floor = min(float(shown[finite].min()) if finite.any() else 0.0, 0.0) - 1.0
        excluded = ticks[~finite]
        fig.add_trace(go.Scatter(x=excluded, y=np.full(excluded.size, floor), mode="markers+text",
                                 text=["−∞"] * excluded.size, textposition="top center", name=text["infinite"],
                                 marker=dict(symbol="triangle-down", size=14, color=palette.WRONG_CLASS)))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(ticks))
    return layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["grad"])
