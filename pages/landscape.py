"""The loss landscape for K = 3: a valley with no bottom for one-hot targets, a bowl for smoothed ones."""

import streamlit as st

import lsr_core as core
from pages.ui import charts, compute, figures, widgets
from pages.ui.formatting import count, number
from pages.ui.i18n import t
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
)


def main() -> None:
    begin_page("landscape", PARAMS)
    c1, c2, c3, c4, c5, c6 = st.columns([3, 3, 2, 2, 2, 2])
    eps = widgets.eps_slider(c1, "land")
    prior = widgets.convention_radio(c2, "land")
    g1 = float(c3.slider(t("landscape.g1"), -4.0, 12.0, step=0.5, key="land_g1", persist_state="session"))
    g2 = float(c4.slider(t("landscape.g2"), -4.0, 12.0, step=0.5, key="land_g2", persist_state="session"))
    lr = float(c5.select_slider(t("controls.lr"), RATES, key="land_lr", persist_state="session"))
    steps = int(c6.select_slider(t("controls.steps"), STEPS, key="land_steps", format_func=count, persist_state="session"))
    write_to_url(PARAMS)
    scape = compute.landscape(eps, prior, (g1, g2), lr, steps)
    ends = [f"({number(path[-1][0], 2)}, {number(path[-1][1], 2)})" for path in (scape.path_one_hot, scape.path_smoothed)]
    regime, gap = compute.gap_case(3, eps, prior)
    minimum = number(gap, 4)
    charts.show(st, charts.built(figures.landscape_figure, scape, {
        "title": t("landscape.chart_title"), "x": t("landscape.axis_g1"), "y": t("landscape.axis_g2"),
        "one_hot": t("legend.one_hot"), "smoothed": t("legend.smoothed"), "path": t("landscape.path"),
        "start": t("landscape.start"), "minimum": t("landscape.minimum"), "loss": t("axis.loss")}),
        key="land_chart", visible=False,
        summary=t(core.claims.landscape_sentence(eps, prior).key, one_hot=ends[0], smoothed=ends[1], gap=minimum))
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
