"""Every chart in the app, built by pure functions: arrays (and label texts) in, `go.Figure` out.

No Streamlit here and no arithmetic beyond choosing what to draw, so tests can check that each
trace holds exactly the arrays the core returned.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import palette

FONT = dict(size=15)
MAX_BARS = 20  # bar charts over classes show at most this many
HEIGHTS = {"targets": 360, "gap": 420, "logits": 420, "prob": 400, "grad": 380, "replay": 520,
           "reliability": 460, "curves": 400, "projection": 440, "gap_hist": 400}  # pixels
MARGIN = dict(l=60, r=20, t=50, b=40)


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 380) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0.0, xanchor="left"),
        height=height,
        margin=MARGIN,
        font=FONT,
        # legends below the plot area, so they never cover the title or the curves
        legend=dict(orientation="h", yanchor="top", y=-0.28, xanchor="left", x=0.0),
        hovermode="x unified",
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def targets_figure(one_hot: np.ndarray, smoothed: np.ndarray, text: dict[str, str]) -> go.Figure:
    """Grouped bars of the one-hot and the smoothed target vectors, class 0 being the true class.

    text: title, x, y, one_hot, smoothed, true_class, wrong_class (legend and axis labels).
    """
    classes = np.arange(one_hot.size)
    role = np.where(classes == 0, text["true_class"], text["wrong_class"])
    fig = go.Figure()
    for values, name, colour, pattern in (
        (one_hot, text["one_hot"], palette.ONE_HOT, palette.ONE_HOT_PATTERN),
        (smoothed, text["smoothed"], palette.SMOOTHED, palette.SMOOTHED_PATTERN),
    ):
        fig.add_trace(go.Bar(
            x=classes, y=values, name=name, customdata=role,
            marker=dict(color=colour, pattern=dict(shape=pattern), line=dict(width=1.5, color=np.where(classes == 0, palette.TRUE_CLASS, palette.WRONG_CLASS))),
            hovertemplate="%{customdata} %{x}: %{y:.4f}<extra>" + name + "</extra>",
            texttemplate="%{y:.3f}" if one_hot.size <= 6 else None, textposition="outside",
        ))
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(range=[0, 1.12])
    fig.update_xaxes(tickmode="array", tickvals=classes,
                     ticktext=[f"{c}★" if c == 0 else str(c) for c in classes])
    return _layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["targets"])


# ---------------------------------------------------------------- dynamics page

RUN_STYLE = {  # run index in Comparison arrays -> (colour, dash, legend text key)
    0: (palette.ONE_HOT, palette.ONE_HOT_DASH, "one_hot"),
    1: (palette.SMOOTHED, palette.SMOOTHED_DASH, "smoothed"),
}


def _step_axis(fig: go.Figure, log_steps: bool, total_steps: int) -> None:
    """The step axis always spans the whole run, so a live run grows into a fixed frame."""
    if log_steps:
        fig.update_xaxes(type="log", range=[0.0, float(np.log10(max(total_steps, 10)))])
    else:
        fig.update_xaxes(type="linear", range=[0, total_steps])


def _positive_steps(steps: np.ndarray, log_steps: bool) -> slice:
    # a log axis cannot show step 0; start from the first record instead of letting Plotly drop it
    return slice(1, None) if log_steps and steps.size > 1 else slice(None)


def logits_figure(c, text: dict[str, str], log_steps: bool = False) -> go.Figure:
    """z_true, the mean wrong logit with its min-max band, and the (conserved) mean logit, per run.

    text: title, x, y, one_hot, smoothed, true_logit, wrong_mean, wrong_band, mean_logit.
    """
    keep = _positive_steps(c.steps, log_steps)
    x = c.steps[keep]
    fig = go.Figure()
    for run in (0, 1):
        _, dash, name_key = RUN_STYLE[run]
        run_name = text[name_key]
        if c.num_classes > 2 and np.any(c.wrong_max[:, run] - c.wrong_min[:, run] > 1e-9):
            fig.add_trace(go.Scatter(x=x, y=c.wrong_max[keep, run], mode="lines", line=dict(width=0),
                                     hoverinfo="skip", showlegend=False, legendgroup=f"band{run}"))
            fig.add_trace(go.Scatter(x=x, y=c.wrong_min[keep, run], mode="lines", line=dict(width=0),
                                     fill="tonexty", fillcolor="rgba(213,94,0,0.15)", name=f"{run_name} · {text['wrong_band']}",
                                     legendgroup=f"band{run}", hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=x, y=c.true_logit[keep, run], mode="lines", name=f"{run_name} · {text['true_logit']}",
                                 line=dict(color=palette.TRUE_CLASS, dash=dash, width=3)))
        fig.add_trace(go.Scatter(x=x, y=c.wrong_mean[keep, run], mode="lines", name=f"{run_name} · {text['wrong_mean']}",
                                 line=dict(color=palette.WRONG_CLASS, dash=dash, width=3)))
    fig.add_trace(go.Scatter(x=x, y=c.mean_logit[keep, 0], mode="lines", name=text["mean_logit"],
                             line=dict(color=palette.REFERENCE, dash=palette.THEORY_DASH, width=2)))
    _step_axis(fig, log_steps, c.total_steps)
    return _layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["logits"])


def gap_figure(c, text: dict[str, str], log_steps: bool = False) -> go.Figure:
    """The gap z_true - mean wrong logit for both runs, the closed-form optimum (dashed) and the
    one-hot theory curve (dotted). text: title, x, y, one_hot, smoothed, optimum, theory."""
    keep = _positive_steps(c.steps, log_steps)
    x = c.steps[keep]
    fig = go.Figure()
    for run in (0, 1):
        colour, dash, name_key = RUN_STYLE[run]
        fig.add_trace(go.Scatter(x=x, y=c.gap[keep, run], mode="lines", name=text[name_key],
                                 line=dict(color=colour, dash=dash, width=3)))
    fig.add_trace(go.Scatter(x=x, y=c.theory_gap[keep], mode="lines", name=text["theory"],
                             line=dict(color=palette.REFERENCE, dash=palette.THEORY_DASH, width=2)))
    if np.isfinite(c.optimal_gap):
        fig.add_trace(go.Scatter(x=[x[0], c.total_steps], y=[c.optimal_gap, c.optimal_gap], mode="lines",
                                 name=text["optimum"], line=dict(color=palette.SMOOTHED, dash=palette.OPTIMUM_DASH, width=2)))
    _step_axis(fig, log_steps, c.total_steps)
    return _layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["gap"])


def probability_loss_figure(c, text: dict[str, str], log_steps: bool = False) -> go.Figure:
    """Left: p_true with each run's target; right: the loss with its floor (the targets' entropy).

    text: title, x, y_prob, y_loss, one_hot, smoothed, target, floor, prob_title, loss_title."""
    from plotly.subplots import make_subplots

    keep = _positive_steps(c.steps, log_steps)
    x = c.steps[keep]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(text["prob_title"], text["loss_title"]), horizontal_spacing=0.12)
    end = [x[0], c.total_steps]
    for run in (0, 1):
        colour, dash, name_key = RUN_STYLE[run]
        name = text[name_key]
        fig.add_trace(go.Scatter(x=x, y=c.p_true[keep, run], mode="lines", name=name, legendgroup=name_key,
                                 line=dict(color=colour, dash=dash, width=3)), row=1, col=1)
        fig.add_trace(go.Scatter(x=end, y=[c.target_true[run]] * 2, mode="lines", name=f"{name} · {text['target']}",
                                 legendgroup=name_key, line=dict(color=colour, dash=palette.OPTIMUM_DASH, width=1.5)), row=1, col=1)
        fig.add_trace(go.Scatter(x=x, y=c.loss[keep, run], mode="lines", name=name, legendgroup=name_key, showlegend=False,
                                 line=dict(color=colour, dash=dash, width=3)), row=1, col=2)
        fig.add_trace(go.Scatter(x=end, y=[c.loss_floor[run]] * 2, mode="lines", name=f"{name} · {text['floor']}",
                                 legendgroup=name_key, line=dict(color=colour, dash=palette.OPTIMUM_DASH, width=1.5)), row=1, col=2)
    _step_axis(fig, log_steps, c.total_steps)
    fig.update_xaxes(title_text=text["x"])
    fig.update_yaxes(title_text=text["y_prob"], row=1, col=1)
    fig.update_yaxes(title_text=text["y_loss"], row=1, col=2)
    return _layout(fig, text["title"], text["x"], text["y_prob"], height=HEIGHTS["prob"]).update_yaxes(
        title_text=text["y_loss"], row=1, col=2)


def wrong_gradient_figure(c, text: dict[str, str], log_steps: bool = False) -> go.Figure:
    """max_k |p_k - q_k| over the wrong classes, on a log axis. text: title, x, y, one_hot, smoothed."""
    keep = _positive_steps(c.steps, log_steps)
    fig = go.Figure()
    for run in (0, 1):
        colour, dash, name_key = RUN_STYLE[run]
        fig.add_trace(go.Scatter(x=c.steps[keep], y=c.wrong_gradient[keep, run], mode="lines", name=text[name_key],
                                 line=dict(color=colour, dash=dash, width=3)))
    _step_axis(fig, log_steps, c.total_steps)
    fig.update_yaxes(type="log", exponentformat="power")
    return _layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["grad"])


# the four dynamics charts by kind: (comparison, labels, log_steps) -> figure
DYNAMICS_BUILDERS = {"gap": gap_figure, "logits": logits_figure, "prob": probability_loss_figure,
                     "grad": wrong_gradient_figure}


def replay_figure(c, text: dict[str, str]) -> go.Figure:
    """Client-side replay: bars of the shown classes' logits (left) and probabilities (right) for
    both runs, with Plotly frames, a step slider and Play/Pause buttons; no server round trip.

    text: title, logits_title, probs_title, x, y_logit, y_prob, one_hot, smoothed, play, pause, step."""
    from plotly.subplots import make_subplots

    classes = c.shown_classes
    ticks = [f"{k}★" if k == 0 else str(k) for k in classes]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(text["logits_title"], text["probs_title"]), horizontal_spacing=0.1)

    def bars(frame: int) -> list[dict]:
        traces = []
        for col, values in ((1, c.frame_logits), (2, c.frame_probs)):
            for run in (0, 1):
                colour, _, name_key = RUN_STYLE[run]
                pattern = palette.ONE_HOT_PATTERN if run == 0 else palette.SMOOTHED_PATTERN
                traces.append(dict(type="bar", x=ticks, y=values[frame, run], name=text[name_key], legendgroup=name_key,
                                   showlegend=col == 1, marker=dict(color=colour, pattern=dict(shape=pattern)),
                                   xaxis=f"x{col if col > 1 else ''}", yaxis=f"y{col if col > 1 else ''}"))
        return traces

    last = c.frame_steps.size - 1
    fig.add_traces(bars(last))
    low = min(float(c.frame_logits.min()), 0.0)
    high = max(float(c.frame_logits.max()), 0.0)
    pad = 0.05 * (high - low) + 1e-9
    fig.update_yaxes(range=[low - pad, high + pad], title_text=text["y_logit"], row=1, col=1)
    fig.update_yaxes(range=[0, 1.05], title_text=text["y_prob"], row=1, col=2)
    # class labels such as "1" would make Plotly guess a numeric axis and drop "0★": force categories
    fig.update_xaxes(title_text=text["x"], type="category")
    play = dict(frame=dict(duration=80, redraw=True), transition=dict(duration=0), fromcurrent=True, mode="immediate")
    fig.update_layout(
        barmode="group",
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=-0.32, xanchor="left", yanchor="top", showactive=False,
                          buttons=[dict(label="▶ " + text["play"], method="animate", args=[None, play]),
                                   dict(label="⏸ " + text["pause"], method="animate",
                                        args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")])])],
        sliders=[dict(active=last, x=0.18, len=0.82, y=-0.25, yanchor="top",
                      currentvalue=dict(prefix=text["step"] + " ", font=dict(size=15)),
                      steps=[dict(label=f"{s:,}", method="animate",
                                  args=[[str(i)], dict(frame=dict(duration=0, redraw=True), mode="immediate", transition=dict(duration=0))])
                             for i, s in enumerate(c.frame_steps)])],
    )
    fig = _layout(fig, text["title"], text["x"], text["y_logit"], height=HEIGHTS["replay"])
    # _layout titles every y axis alike; the right panel shows probabilities, not logits
    fig.update_yaxes(title_text=text["y_prob"], row=1, col=2)
    fig.update_layout(hovermode="closest", margin=dict(l=60, r=20, t=60, b=150))
    # 60 frames x 4 bar traces: built as plain dicts from checked arrays and attached without
    # Plotly's per-property validation, which would otherwise cost ~200 ms a figure
    return go.Figure(fig.to_dict() | {"frames": [dict(data=bars(i), name=str(i)) for i in range(c.frame_steps.size)]},
                     _validate=False)


# ---------------------------------------------------------------- regulariser page

def regulariser_terms_figure(terms, current_gap: float, text: dict[str, str]) -> go.Figure:
    """(1 - eps) H(q, p), eps H(u, p) and their sum along the gap, with the current gap marked.

    text: title, x, y, data, prior, total, current."""
    fig = go.Figure()
    weighted = (("data", (1 - terms.eps) * terms.data_term, palette.TRUE_CLASS, "solid"),
                ("prior", terms.eps * terms.prior_term, palette.WRONG_CLASS, palette.THEORY_DASH),
                ("total", terms.total, palette.SMOOTHED, palette.SMOOTHED_DASH))
    for key, values, colour, dash in weighted:
        fig.add_trace(go.Scatter(x=terms.gaps, y=values, mode="lines", name=text[key],
                                 line=dict(color=colour, dash=dash, width=3)))
    fig.add_vline(x=current_gap, line=dict(color=palette.REFERENCE, dash=palette.OPTIMUM_DASH, width=1.5),
                  annotation_text=text["current"], annotation_position="top")
    return _layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["gap"])


def label_dropout_figure(dropout, text: dict[str, str]) -> go.Figure:
    """Left: the running mean of the one-hot loss under label dropout, a ±2 standard-error band and the
    exact smoothed loss. Right: the gradient's error against 1/sqrt(N). text: title, x, y_loss, y_error,
    mean, band, exact, error, reference, loss_title, error_title."""
    from plotly.subplots import make_subplots

    n = dropout.draws
    fig = make_subplots(rows=1, cols=2, subplot_titles=(text["loss_title"], text["error_title"]), horizontal_spacing=0.12)
    fig.add_trace(go.Scatter(x=n, y=dropout.mean_loss + 2 * dropout.standard_error, mode="lines", line=dict(width=0),
                             showlegend=False, hoverinfo="skip"), row=1, col=1)
    fig.add_trace(go.Scatter(x=n, y=dropout.mean_loss - 2 * dropout.standard_error, mode="lines", line=dict(width=0),
                             fill="tonexty", fillcolor="rgba(0,158,115,0.18)", name=text["band"], hoverinfo="skip"),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=n, y=dropout.mean_loss, mode="lines", name=text["mean"],
                             line=dict(color=palette.SMOOTHED, width=3)), row=1, col=1)
    fig.add_trace(go.Scatter(x=[n[0], n[-1]], y=[dropout.smoothed_loss] * 2, mode="lines", name=text["exact"],
                             line=dict(color=palette.REFERENCE, dash=palette.OPTIMUM_DASH, width=2)), row=1, col=1)
    error = np.maximum(dropout.gradient_error, 1e-12)
    fig.add_trace(go.Scatter(x=n, y=error, mode="lines", name=text["error"],
                             line=dict(color=palette.WRONG_CLASS, width=3)), row=1, col=2)
    fig.add_trace(go.Scatter(x=n, y=1 / np.sqrt(n), mode="lines", name=text["reference"],
                             line=dict(color=palette.REFERENCE, dash=palette.THEORY_DASH, width=2)), row=1, col=2)
    fig.update_xaxes(type="log", title_text=text["x"])
    fig.update_yaxes(type="log", exponentformat="power", title_text=text["y_error"], row=1, col=2)
    fig = _layout(fig, text["title"], text["x"], text["y_loss"], height=HEIGHTS["prob"])
    return fig.update_yaxes(title_text=text["y_error"], row=1, col=2)


# ---------------------------------------------------------------- softmax by hand

def _class_ticks(size: int, label: int) -> list[str]:
    return [f"{k}★" if k == label else str(k) for k in range(size)]


def probabilities_figure(p: np.ndarray, one_hot: np.ndarray, smoothed: np.ndarray, label: int, text: dict[str, str]) -> go.Figure:
    """Bars of softmax(z) next to the one-hot and the smoothed targets. text: title, x, y, p, one_hot, smoothed."""
    ticks = _class_ticks(p.size, label)
    fig = go.Figure()
    fig.add_trace(go.Bar(x=ticks, y=p, name=text["p"], marker=dict(color=np.where(np.arange(p.size) == label,
                                                                                   palette.TRUE_CLASS, palette.WRONG_CLASS))))
    fig.add_trace(go.Scatter(x=ticks, y=one_hot, mode="markers", name=text["one_hot"],
                             marker=dict(symbol="line-ew-open", size=28, color=palette.ONE_HOT, line=dict(width=3))))
    fig.add_trace(go.Scatter(x=ticks, y=smoothed, mode="markers", name=text["smoothed"],
                             marker=dict(symbol="diamond-open", size=12, color=palette.SMOOTHED, line=dict(width=2.5))))
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 1.05])
    return _layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["grad"])


def logit_step_figure(step_one_hot: np.ndarray, step_smoothed: np.ndarray, label: int, text: dict[str, str]) -> go.Figure:
    """Where one gradient step moves each logit: -(p - q), for one-hot and smoothed targets, always
    within [-1, 1]. text: title, x, y, one_hot, smoothed."""
    ticks = _class_ticks(step_one_hot.size, label)
    fig = go.Figure()
    for values, key, colour, pattern in ((step_one_hot, "one_hot", palette.ONE_HOT, palette.ONE_HOT_PATTERN),
                                         (step_smoothed, "smoothed", palette.SMOOTHED, palette.SMOOTHED_PATTERN)):
        fig.add_trace(go.Bar(x=ticks, y=values, name=text[key], marker=dict(color=colour, pattern=dict(shape=pattern)),
                             texttemplate="%{y:+.3f}", textposition="outside"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[-1.15, 1.15], zeroline=True)
    return _layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["grad"])


# ---------------------------------------------------------------- loss landscape (K = 3)

def landscape_figure(scape, text: dict[str, str]) -> go.Figure:
    """Contours of the loss over the gap plane, one-hot (left) and smoothed (right), with each run's
    gradient-descent path and, on the right, the closed-form minimum.
    text: title, x, y, one_hot, smoothed, path, start, end, minimum, loss."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, subplot_titles=(text["one_hot"], text["smoothed"]), horizontal_spacing=0.1)
    top = float(max(scape.loss_one_hot.max(), scape.loss_smoothed.max()))
    for col, loss, path, colour in ((1, scape.loss_one_hot, scape.path_one_hot, palette.ONE_HOT),
                                    (2, scape.loss_smoothed, scape.path_smoothed, palette.SMOOTHED)):
        # log(1 + loss) keeps the valley floor readable next to the steep walls
        fig.add_trace(go.Contour(x=scape.gaps, y=scape.gaps, z=np.log1p(loss), zmin=0.0, zmax=float(np.log1p(top)),
                                 colorscale="Cividis", ncontours=24, showscale=col == 2, name=text["loss"],
                                 colorbar=dict(title=dict(text="log(1 + L)")), hovertemplate="g1 %{x:.2f}, g2 %{y:.2f}<extra></extra>"),
                      row=1, col=col)
        inside = np.all((path >= scape.gaps[0]) & (path <= scape.gaps[-1]), axis=1)
        fig.add_trace(go.Scatter(x=path[inside, 0], y=path[inside, 1], mode="lines", name=f"{text['path']} ({text['one_hot' if col == 1 else 'smoothed']})",
                                 line=dict(color=colour, width=4, dash=palette.ONE_HOT_DASH if col == 1 else palette.SMOOTHED_DASH)),
                      row=1, col=col)
        fig.add_trace(go.Scatter(x=path[:1, 0], y=path[:1, 1], mode="markers", name=text["start"], showlegend=col == 1,
                                 marker=dict(symbol="circle-open", size=13, color="white", line=dict(width=3))), row=1, col=col)
    if np.isfinite(scape.optimal_gap):
        fig.add_trace(go.Scatter(x=[scape.optimal_gap], y=[scape.optimal_gap], mode="markers", name=text["minimum"],
                                 marker=dict(symbol="star", size=18, color=palette.TRUE_CLASS, line=dict(width=1.5, color="white"))),
                      row=1, col=2)
    fig.update_xaxes(range=[scape.gaps[0], scape.gaps[-1]], title_text=text["x"])
    fig.update_yaxes(range=[scape.gaps[0], scape.gaps[-1]], title_text=text["y"], scaleanchor=None)
    fig = _layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["replay"])
    return fig.update_layout(hovermode="closest")


# ---------------------------------------------------------------- optimal gap explorer

def gap_curves_figure(curves: list[tuple[str, str, np.ndarray, np.ndarray]], marker: tuple[float, float] | None,
                      text: dict[str, str], log_x: bool = True, sweep: tuple[np.ndarray, np.ndarray] | None = None) -> go.Figure:
    """Closed-form gap curves, `curves` = [(name, prior, x, y)], ε/K solid and ε/(K−1) dashed (pairs share
    a colour); the current point; optionally the end points of a gradient-descent sweep as markers.
    Non-finite points are left out. text: title, x, y, current, sweep."""
    fig = go.Figure()
    shades = ("#56B4E9", "#0072B2", "#CC79A7", "#D55E00", "#009E73", "#E69F00")
    for index, (name, prior, x, y) in enumerate(curves):
        keep = np.isfinite(x) & np.isfinite(y)
        fig.add_trace(go.Scatter(x=x[keep], y=y[keep], mode="lines", name=name,
                                 line=dict(color=shades[(index // 2) % len(shades)], width=2.5,
                                           dash="solid" if prior == "uniform" else palette.OPTIMUM_DASH)))
    if sweep is not None:
        fig.add_trace(go.Scatter(x=sweep[0], y=sweep[1], mode="markers", name=text["sweep"],
                                 marker=dict(symbol="circle-open", size=7, color=palette.SMOOTHED, line=dict(width=1.5))))
    if marker is not None and np.all(np.isfinite(marker)):
        fig.add_trace(go.Scatter(x=[marker[0]], y=[marker[1]], mode="markers", name=text["current"],
                                 marker=dict(symbol="star", size=16, color=palette.TRUE_CLASS, line=dict(width=1, color="white"))))
    fig.update_xaxes(type="log" if log_x else "linear")
    return _layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["gap"])


def loss_versus_gap_figure(terms, optimal_gap: float, text: dict[str, str]) -> go.Figure:
    """One-hot loss (falls for ever) and the smoothed loss (U-shaped) along the gap, the smoothed loss's
    two parts, and its minimum at the closed-form gap. text: title, x, y, one_hot, smoothed, data, prior, minimum."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=terms.gaps, y=terms.data_term, mode="lines", name=text["one_hot"],
                             line=dict(color=palette.ONE_HOT, width=3, dash=palette.ONE_HOT_DASH)))
    fig.add_trace(go.Scatter(x=terms.gaps, y=terms.total, mode="lines", name=text["smoothed"],
                             line=dict(color=palette.SMOOTHED, width=3, dash=palette.SMOOTHED_DASH)))
    fig.add_trace(go.Scatter(x=terms.gaps, y=(1 - terms.eps) * terms.data_term, mode="lines", name=text["data"],
                             line=dict(color=palette.TRUE_CLASS, width=1.5, dash=palette.THEORY_DASH)))
    fig.add_trace(go.Scatter(x=terms.gaps, y=terms.eps * terms.prior_term, mode="lines", name=text["prior"],
                             line=dict(color=palette.WRONG_CLASS, width=1.5, dash=palette.THEORY_DASH)))
    if np.isfinite(optimal_gap) and terms.gaps[0] <= optimal_gap <= terms.gaps[-1]:
        lowest = float(np.interp(optimal_gap, terms.gaps, terms.total))
        fig.add_trace(go.Scatter(x=[optimal_gap], y=[lowest], mode="markers", name=text["minimum"],
                                 marker=dict(symbol="star", size=16, color=palette.SMOOTHED, line=dict(width=1, color="white"))))
    return _layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["gap"])


def optimal_logits_figure(z_star: np.ndarray, text: dict[str, str]) -> go.Figure:
    """Bars of the optimal logits z* = log q' + α (class 0 true); a class with zero target has z* = −∞,
    drawn as a labelled marker at the bottom instead of a bar. text: title, x, y, finite, infinite."""
    shown = z_star[:MAX_BARS]
    finite = np.isfinite(shown)
    ticks = [f"{k}★" if k == 0 else str(k) for k in range(shown.size)]
    low = float(shown[finite].min()) if finite.any() else 0.0
    bottom = min(low, 0.0) - 1.0
    fig = go.Figure(go.Bar(x=[t for t, f in zip(ticks, finite) if f], y=shown[finite], name=text["finite"],
                           marker=dict(color=[palette.TRUE_CLASS if t.endswith("★") else palette.WRONG_CLASS
                                              for t, f in zip(ticks, finite) if f])))
    if not finite.all():
        fig.add_trace(go.Scatter(x=[t for t, f in zip(ticks, finite) if not f], y=[bottom] * int((~finite).sum()),
                                 mode="markers+text", text=["−∞"] * int((~finite).sum()), textposition="top center",
                                 name=text["infinite"], marker=dict(symbol="triangle-down", size=14, color=palette.WRONG_CLASS)))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=ticks)
    return _layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["grad"])



# ---------------------------------------------------------------- training experiment

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
    filled = rel.counts > 0
    centres = (rel.edges[:-1] + rel.edges[1:]) / 2
    width = float(rel.edges[1] - rel.edges[0])
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.06)
    fig.add_trace(go.Bar(x=centres[filled], y=rel.accuracy[filled], width=width * 0.95, name=text["accuracy"],
                         marker=dict(color=colour, pattern=dict(shape=pattern), line=dict(width=1, color=colour)),
                         customdata=np.stack([rel.counts[filled], rel.confidence[filled]], axis=1),
                         hovertemplate=text["accuracy"] + " %{y:.3f} · " + text["confidence"] + " %{customdata[1]:.3f}"
                                       " · n = %{customdata[0]}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=[0.0, 1.0], y=[0.0, 1.0], mode="lines", name=text["diagonal"], hoverinfo="skip",
                             line=dict(color=palette.REFERENCE, dash=palette.OPTIMUM_DASH, width=2)), row=1, col=1)
    fig.add_trace(go.Scatter(x=rel.confidence[filled], y=rel.confidence[filled], mode="markers", name=text["confidence"],
                             marker=dict(symbol="line-ew-open", size=14, color=palette.WRONG_CLASS, line=dict(width=3)),
                             hoverinfo="skip"), row=1, col=1)
    fig.add_trace(go.Bar(x=centres[filled], y=rel.counts[filled], width=width * 0.95, name=text["count"],
                         marker=dict(color=colour, opacity=0.55), showlegend=False,
                         hovertemplate="n = %{y}<extra></extra>"), row=2, col=1)
    fig.update_layout(title=dict(text=text["title"], x=0.0, xanchor="left"), height=HEIGHTS["reliability"],
                      margin=MARGIN, font=FONT, bargap=0.0,
                      legend=dict(orientation="h", yanchor="top", y=-0.16, xanchor="left", x=0.0))
    fig.update_xaxes(range=[0, 1], row=1, col=1)
    fig.update_xaxes(range=[0, 1], title_text=text["x"], row=2, col=1)
    fig.update_yaxes(range=[0, 1.02], title_text=text["y_accuracy"], row=1, col=1)
    fig.update_yaxes(title_text=text["y_count"], row=2, col=1)
    return fig


def learning_curves_figure(runs: dict, text: dict[str, str]) -> go.Figure:
    """Loss (left) and accuracy (right) per epoch; test thick, train thin; one-hot and smoothed styled as
    everywhere. `runs` maps "one_hot"/"smoothed" to a TrainedModel.

    text: title, x, loss, accuracy, one_hot, smoothed, train, test.
    """
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1)
    for name, run in runs.items():
        colour, dash, _ = TRAINING_RUNS[name]
        for split, loss, acc, width, opacity in (("test", run.test_loss, run.test_accuracy, 3, 1.0),
                                                  ("train", run.train_loss, run.train_accuracy, 1.5, 0.6)):
            label = f"{text[name]} · {text[split]}"
            style = dict(color=colour, dash=dash, width=width)
            fig.add_trace(go.Scatter(x=run.epochs, y=loss, mode="lines", name=label, line=style, opacity=opacity,
                                     legendgroup=label), row=1, col=1)
            fig.add_trace(go.Scatter(x=run.epochs, y=acc, mode="lines", name=label, line=style, opacity=opacity,
                                     legendgroup=label, showlegend=False), row=1, col=2)
    fig.update_layout(title=dict(text=text["title"], x=0.0, xanchor="left"), height=HEIGHTS["curves"], margin=MARGIN,
                      font=FONT, hovermode="x unified",
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
    _layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["projection"])
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def gap_histogram_figure(edges: np.ndarray, counts: np.ndarray, optimum: float, text: dict[str, str]) -> go.Figure:
    """Histograms (rows of `counts`: one-hot, smoothed) of the test-set gaps z_true − mean(z_other),
    with the closed-form optimum for free logits as a dashed line when it is finite.

    text: title, x, y, one_hot, smoothed, optimum.
    """
    centres = (edges[:-1] + edges[1:]) / 2
    width = float(edges[1] - edges[0])
    fig = go.Figure()
    for row, name in enumerate(("one_hot", "smoothed")):
        colour, _, pattern = TRAINING_RUNS[name]
        fig.add_trace(go.Bar(x=centres, y=counts[row], width=width, name=text[name], opacity=0.6,
                             marker=dict(color=colour, pattern=dict(shape=pattern), line=dict(width=0)),
                             hovertemplate="%{x:.2f}: %{y}<extra>" + text[name] + "</extra>"))
    if np.isfinite(optimum):
        top = float(counts.max()) if counts.size else 1.0
        fig.add_trace(go.Scatter(x=[optimum, optimum], y=[0.0, top], mode="lines", name=text["optimum"],
                                 line=dict(color=palette.REFERENCE, dash=palette.OPTIMUM_DASH, width=3)))
    fig.update_layout(barmode="overlay", bargap=0.0)
    return _layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["gap_hist"])


# ---------------------------------------------------------------- presenter mode

PRESENTER_FONT = 1.45   # factors for a projector at the back of a classroom
PRESENTER_LINE = 1.6
PRESENTER_MARKER = 1.4
PRESENTER_HEIGHT = 1.15


def for_presenter(fig: go.Figure) -> go.Figure:
    """A copy of `fig` with larger text, thicker lines and bigger markers (the original is left alone:
    it may be a cached object shared by every session)."""
    big = go.Figure(fig)
    size = big.layout.font.size or FONT["size"]
    big.update_layout(font=dict(size=round(size * PRESENTER_FONT)),
                      height=round((big.layout.height or 380) * PRESENTER_HEIGHT))
    for trace in big.data:
        line = getattr(trace, "line", None)
        if line is not None and getattr(trace, "mode", None) != "markers" and trace.type in ("scatter", "scattergl"):
            trace.line.width = (line.width or 2) * PRESENTER_LINE
        marker = getattr(trace, "marker", None)
        if marker is not None and isinstance(getattr(marker, "size", None), (int, float)):
            trace.marker.size = marker.size * PRESENTER_MARKER
    return big
