"""The loss landscape for K = 3: a valley with no bottom for one-hot targets, a bowl for smoothed ones."""

import dataclasses

import streamlit as st

import lsr_core as core
from pages.ui import charts, compute, figures, predict, prompts, widgets
from pages.ui.formatting import count, number
from pages.ui.i18n import option_labels, t
from pages.ui.params import Param, float_in, one_of
from pages.ui.url_state import write_to_url
from pages.ui.shell import begin_page

RATES = (0.1, 0.5, 1.0, 2.0, 3.9)
STEPS = (100, 1000, 10000, 100000)
PARAMS = widgets.scene_params("land", max_classes=3, default_classes=3)[1:] + (
    Param("land_g1", "g1", 0.0, float_in(-4.0, 12.0), "−4 … 12", label="landscape.g1"),
    Param("land_g2", "g2", 2.0, float_in(-4.0, 12.0), "−4 … 12", label="landscape.g2"),
    Param("land_lr", "lr", 2.0, one_of(RATES), ", ".join(map(str, RATES)), label="controls.lr"),
    Param("land_steps", "steps", 10000, one_of(STEPS), "100 … 100000", label="controls.steps"),
    Param("land_predict", "predict", False, one_of((False, True)), "True | False", label="predict.toggle"),
)


def path_question(scape, regime: str, eps: float, prior: str, lr: float, ends: list[str], gap: str) -> predict.Question:
    """Whether each path stops (`predict.path_outcome` of the computed paths), or None where float64 stops the
    smoothed path short of its minimum (no choice says that)."""
    smoothed = predict.path_outcome(regime, scape.smoothed_reached_minimum, core.float64_stall_gap(3, eps, prior, lr))
    if smoothed == "frozen":
        return None
    value = {"stops": "predict.land.value_stops", "more_steps": "predict.land.value_moving", "never": "predict.land.value_never"}
    items = tuple(predict.Item(name, t(f"predict.land.item_{name}"), truth, t(value[truth], end=end, gap=gap))
                  for name, truth, end in (("one_hot", predict.path_outcome("one_hot", False, float("inf")), ends[0]),
                                           ("smoothed", smoothed, ends[1])))
    return predict.Question("landscape", "land", t("predict.land.prompt"), predict.PATH_OUTCOMES,
                            option_labels("predict.land", predict.PATH_OUTCOMES), items,
                            (eps, prior, scape.path_one_hot[0].tolist(), lr, int(scape.path_steps[-1])), columns=2)


def main() -> None:
    begin_page("landscape", PARAMS)
    aside = widgets.UnderChartOnProjector()
    aside(prompts.show, "landscape")
    c1, c2, c3, c4, c5, c6 = st.columns([3, 3, 2, 2, 2, 2])
    eps = widgets.eps_slider(c1, "land")
    prior = widgets.convention_radio(c2, "land")
    g1 = float(c3.slider(t("landscape.g1"), -4.0, 12.0, step=0.5, key="land_g1", persist_state="session"))
    g2 = float(c4.slider(t("landscape.g2"), -4.0, 12.0, step=0.5, key="land_g2", persist_state="session"))
    lr = float(c5.select_slider(t("controls.lr"), RATES, key="land_lr", persist_state="session"))
    steps = int(c6.select_slider(t("controls.steps"), STEPS, key="land_steps", format_func=count, persist_state="session"))
    write_to_url(PARAMS)
    scape = compute.landscape(eps, prior, (g1, g2), lr, steps)
    ends = [f"{number(path[-1][0], 2)}, {number(path[-1][1], 2)}" for path in (scape.path_one_hot, scape.path_smoothed)]
    regime, gap = compute.gap_case(3, eps, prior)
    minimum = number(gap, 4)
    predicting = bool(st.session_state.get("land_predict"))   # its toggle is drawn under the chart
    guess = path_question(scape, regime, eps, prior, lr, ends, minimum) if predicting else None
    hiding = guess is not None and not predict.revealed("land")
    drawn = dataclasses.replace(scape, path_one_hot=scape.path_one_hot[:1], path_smoothed=scape.path_smoothed[:1],
                                path_steps=scape.path_steps[:1]) if hiding else scape   # only the starts, until the reveal
    ends = [f"({end})" for end in ends]
    charts.show(st, charts.built(figures.landscape_figure, drawn, {
        "title": t("landscape.chart_title"), "x": t("landscape.axis_g1"), "y": t("landscape.axis_g2"),
        "one_hot": t("legend.one_hot"), "smoothed": t("legend.smoothed"), "path": t("landscape.path"),
        "start": t("landscape.start"), "minimum": t("landscape.minimum"), "loss": t("axis.loss")}),
        key="land_chart", visible=False,
        summary=t("predict.land.hidden") if hiding else
        t(core.claims.landscape_sentence(eps, prior).key, one_hot=ends[0], smoothed=ends[1], gap=minimum))
    aside.flush()
    st.toggle(t("predict.toggle"), key="land_predict", help=t("predict.toggle_help"), persist_state="session")
    if predicting and guess is None:
        st.caption(t("predict.land.frozen"))
    elif hiding:
        predict.ask(guess)
        st.caption(t("predict.land.hidden"))
        return   # the end points, the notices and the explanation would give the answer away
    elif predicting:
        predict.show_feedback(guess)
    charts.csv_download(st, lambda: {"step": scape.path_steps, "g1_one_hot": scape.path_one_hot[:, 0],
                                     "g2_one_hot": scape.path_one_hot[:, 1], "g1_smoothed": scape.path_smoothed[:, 0],
                                     "g2_smoothed": scape.path_smoothed[:, 1]}, "label_smoothing_landscape_paths.csv",
                        "land_csv")
    m1, m2, m3 = st.columns(3)
    m1.metric(t("landscape.metric_one_hot"), ends[0])
    m2.metric(t("landscape.metric_smoothed"), ends[1])
    m3.metric(t("landscape.metric_minimum"), minimum)
    if regime == "one_hot":
        st.info(t("landscape.eps_zero"), icon=":material/all_inclusive:")
    elif regime == "excludes_true":
        st.warning(t("landscape.excludes_true"), icon=":material/block:")
    elif regime != "favours_true":
        st.warning(t("landscape.gap_not_positive", gap=number(gap)), icon=":material/balance:")
    elif (progress := core.claims.landscape_progress_sentence(eps, prior, lr, scape.smoothed_reached_minimum)):
        # more steps would get there, or float64 stops the path first (a tiny ε from a link)
        st.info(t(progress.key, steps=count(steps), gap=number(gap), stall=number(dict(progress.values).get("stall", 0.0), 2)),
                icon=":material/hourglass_top:")
    st.markdown(t("landscape.explain"))


main()
