"""Watch the logits (the dynamics page): the gap, the logits, p_true and the loss, the wrong-class
gradient, and the client-side replay of the logits and probabilities."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import palette
from ..formatting import compact_count
from .style import DECADES, HEIGHTS, PANEL_SPACING, Animated, class_ticks, growing, layout, play_pause, typed_array

RUN_STYLE = {  # run index in Comparison arrays -> (colour, dash, legend text key)
    0: (palette.ONE_HOT, palette.ONE_HOT_DASH, "one_hot"),
    1: (palette.SMOOTHED, palette.SMOOTHED_DASH, "smoothed"),
}
REPLAY_FRAME_MS = 80   # Play's pace: one recorded frame every 80 ms


def _step_axis(fig: go.Figure, log_steps: bool, total_steps: int) -> None:
    """The step axis always spans the whole run, so a live run grows into a fixed frame."""
    if log_steps:
        fig.update_xaxes(type="log", range=[0.0, float(np.log10(max(total_steps, 10)))], **DECADES)
    else:
        fig.update_xaxes(type="linear", range=[0, total_steps])


def logits_figure(c, text: dict[str, str], log_steps: bool = False) -> go.Figure:
    """z_true, the mean wrong logit with its min-max band, and the (conserved) mean logit, per run.

    text: title, x, y, one_hot, smoothed, true_logit, wrong_mean, wrong_band, mean_logit, run, pause.
    A Run button draws the runs growing from step 0 (`c.growth`), in the browser.
    """
    keep = c.drawn(log_steps)
    x = c.steps[keep]
    fig = go.Figure()
    for run in (0, 1):
        _, dash, name_key = RUN_STYLE[run]
        run_name = text[name_key]
        if c.wrong_spread(run):
            fig.add_trace(go.Scatter(x=x, y=c.wrong_max[keep, run], mode="lines", line=dict(width=0),
                                     hoverinfo="skip", showlegend=False, legendgroup=f"band{run}",
                                     name=f"{run_name} · {text['wrong_band']} (max)"))
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
    fig = layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["logits"])
    return growing(fig, x, c.growth(log_steps), text["run"], text["pause"])


def gap_figure(c, text: dict[str, str], log_steps: bool = False) -> go.Figure:
    """The gap z_true - mean wrong logit for both runs, the closed-form optimum (dashed) and the
    one-hot theory curve (dotted). text: title, x, y, one_hot, smoothed, optimum, theory, run, pause.
    A Run button draws the runs growing from step 0 (`c.growth`), in the browser; the optimum stays."""
    keep = c.drawn(log_steps)
    x = c.steps[keep]
    fig = go.Figure()
    for run in (0, 1):
        colour, dash, name_key = RUN_STYLE[run]
        fig.add_trace(go.Scatter(x=x, y=c.gap[keep, run], mode="lines", name=text[name_key],
                                 line=dict(color=colour, dash=dash, width=3)))
    fig.add_trace(go.Scatter(x=x, y=c.theory_gap[keep], mode="lines", name=text["theory"],
                             line=dict(color=palette.REFERENCE, dash=palette.THEORY_DASH, width=2)))
    if c.finite_optimum:
        fig.add_trace(go.Scatter(x=[x[0], c.total_steps], y=[c.optimal_gap, c.optimal_gap], mode="lines",
                                 name=text["optimum"], line=dict(color=palette.SMOOTHED, dash=palette.OPTIMUM_DASH, width=2)))
    _step_axis(fig, log_steps, c.total_steps)
    # the takeaway written on the chart: the optimum's value at its dashed line, and the one-hot curve's law at its end
    # (each on the side away from the other, so they never overlap)
    end = float(np.log10(c.total_steps)) if log_steps else float(c.total_steps)   # annotations on a log axis: log10 units
    one_hot_above = bool(c.gap[-1, 0] >= c.optimal_gap) if c.finite_optimum else True
    if c.finite_optimum and text.get("optimum_note"):
        fig.add_annotation(x=end, y=c.optimal_gap, text=text["optimum_note"], showarrow=False, xanchor="right",
                           yanchor="top" if one_hot_above else "bottom", font=dict(color=palette.SMOOTHED),
                           name="optimum_note")
    if text.get("one_hot_note"):
        fig.add_annotation(x=end, y=c.gap[-1, 0], text=text["one_hot_note"], showarrow=False, xanchor="right",
                           yanchor="bottom" if one_hot_above else "top", font=dict(color=palette.ONE_HOT),
                           name="one_hot_note")
    fig = layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["gap"])
    return growing(fig, x, c.growth(log_steps), text["run"], text["pause"])


def probability_loss_figure(c, text: dict[str, str], log_steps: bool = False) -> go.Figure:
    """Left: p_true with each run's target; right: the loss with its floor (the targets' entropy).

    text: title, x, y_prob, y_loss, one_hot, smoothed, target, floor, prob_title, loss_title."""
    keep = c.drawn(log_steps)
    x = c.steps[keep]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(text["prob_title"], text["loss_title"]), horizontal_spacing=PANEL_SPACING)
    end = [x[0], c.total_steps]
    for run in (0, 1):
        colour, dash, name_key = RUN_STYLE[run]
        name = text[name_key]
        fig.add_trace(go.Scatter(x=x, y=c.p_true[keep, run], mode="lines", name=name, legendgroup=name_key,
                                 line=dict(color=colour, dash=dash, width=3)), row=1, col=1)
        fig.add_trace(go.Scatter(x=end, y=[c.target_true[run]] * 2, mode="lines", name=f"{name} · {text['target']}",
                                 legendgroup=name_key, line=dict(color=colour, dash=palette.OPTIMUM_DASH, width=1.5)), row=1, col=1)
        fig.add_trace(go.Scatter(x=x, y=c.loss[keep, run], mode="lines", name=f"{name} · {text['y_loss']}",
                                 legendgroup=name_key, showlegend=False,
                                 line=dict(color=colour, dash=dash, width=3)), row=1, col=2)
        fig.add_trace(go.Scatter(x=end, y=[c.loss_floor[run]] * 2, mode="lines", name=f"{name} · {text['floor']}",
                                 legendgroup=name_key, line=dict(color=colour, dash=palette.OPTIMUM_DASH, width=1.5)), row=1, col=2)
    _step_axis(fig, log_steps, c.total_steps)
    fig = layout(fig, text["title"], text["x"], text["y_prob"], height=HEIGHTS["prob"])
    return fig.update_yaxes(title_text=text["y_loss"], row=1, col=2)


def wrong_gradient_figure(c, text: dict[str, str], log_steps: bool = False) -> go.Figure:
    """max_k |p_k - q_k| over the wrong classes, on a log axis. text: title, x, y, one_hot, smoothed."""
    keep = c.drawn(log_steps)
    fig = go.Figure()
    for run in (0, 1):
        colour, dash, name_key = RUN_STYLE[run]
        fig.add_trace(go.Scatter(x=c.steps[keep], y=c.wrong_gradient[keep, run], mode="lines", name=text[name_key],
                                 line=dict(color=colour, dash=dash, width=3)))
    _step_axis(fig, log_steps, c.total_steps)
    # labelled every second decade: the gradient falls through seven of them, and seven labels overlapped
    fig.update_yaxes(type="log", **(DECADES | dict(dtick=2)))
    return layout(fig, text["title"], text["x"], text["y"], height=HEIGHTS["grad"])


# the four dynamics charts by kind: (comparison, labels, log_steps) -> figure
DYNAMICS_BUILDERS = {"gap": gap_figure, "logits": logits_figure, "prob": probability_loss_figure,
                     "grad": wrong_gradient_figure}


def replay_figure(c, text: dict[str, str]) -> go.Figure:
    """Client-side replay: bars of the shown classes' logits (left) and probabilities (right) for
    both runs, with Plotly frames, a step slider and Play/Pause buttons; no server round trip.

    text: title, logits_title, probs_title, x, y_logit, y_prob, one_hot, smoothed, play, pause, step."""
    ticks = class_ticks(c.shown_classes.size)   # the shown classes are 0 … C−1, class 0 true
    fig = make_subplots(rows=1, cols=2, subplot_titles=(text["logits_title"], text["probs_title"]), horizontal_spacing=PANEL_SPACING)

    def bars(frame: int) -> list[dict]:
        traces = []
        for col, values, panel in ((1, c.frame_logits, "logits"), (2, c.frame_probs, "probs")):
            for run in (0, 1):
                colour, _, name_key = RUN_STYLE[run]
                pattern = palette.ONE_HOT_PATTERN if run == 0 else palette.SMOOTHED_PATTERN
                traces.append(dict(type="bar", x=ticks, y=values[frame, run], name=text[name_key], legendgroup=name_key,
                                   showlegend=col == 1, marker=dict(color=colour, pattern=dict(shape=pattern)),
                                   meta=panel, xaxis=f"x{col if col > 1 else ''}", yaxis=f"y{col if col > 1 else ''}"))
        return traces

    last = c.frame_steps.size - 1
    fig.add_traces(bars(last))
    fig.update_yaxes(range=list(c.frame_logit_range), row=1, col=1)
    fig.update_yaxes(range=[0, 1.05], row=1, col=2)
    # class labels such as "1" would make Plotly guess a numeric axis and drop "0★": force categories
    fig.update_xaxes(type="category")
    fig.update_layout(
        barmode="group",
        # Play / Pause at the bottom left
        updatemenus=[play_pause(text["play"], text["pause"], REPLAY_FRAME_MS, redraw=True, from_current=True,
                                x=0.0, y=-0.3, xanchor="left", yanchor="top")],
        # the slider right of the buttons, its current value printed at its right end (clear of the buttons)
        sliders=[dict(active=last, x=0.3, len=0.7, y=-0.22, yanchor="top",
                      currentvalue=dict(prefix=text["step"] + " ", font=dict(size=15), xanchor="right"),
                      steps=[dict(label=compact_count(int(s)), method="animate",
                                  args=[[str(i)], dict(frame=dict(duration=0, redraw=True), mode="immediate", transition=dict(duration=0))])
                             for i, s in enumerate(c.frame_steps)])],
    )
    fig = layout(fig, text["title"], text["x"], text["y_logit"], height=HEIGHTS["replay"])
    # layout titles every y axis alike; the right panel shows probabilities, not logits
    fig.update_yaxes(title_text=text["y_prob"], row=1, col=2)
    # the legend above the panels, where no button or slider can cover it
    fig.update_layout(hovermode="closest", margin=dict(l=60, r=20, t=100, b=150),
                      legend=dict(orientation="h", x=1.0, xanchor="right", y=1.12, yanchor="bottom"))
    # 60 frames x 4 bar traces: each frame holds only the bars' heights, as typed arrays, for the four traces above
    # (their names, colours and axes stay), attached without Plotly's per-property validation
    def heights(frame: int) -> list[dict]:
        return [dict(type="bar", y=typed_array(values[frame, run])) for values in (c.frame_logits, c.frame_probs)
                for run in (0, 1)]

    shown = list(range(len(fig.data)))
    return Animated(fig, [dict(name=str(i), traces=shown, data=heights(i)) for i in range(c.frame_steps.size)])
