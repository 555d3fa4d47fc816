"""Softmax and cross-entropy by hand: move the logits, see p, the targets, the loss and the gradient."""

import streamlit as st

import lsr_core as core
from pages.ui import charts, compute, figures, predict, prompts, widgets
from pages.ui.formatting import number, vector
from pages.ui.i18n import option_labels, t
from pages.ui.params import Param, float_in, int_in, one_of
from pages.ui.url_state import write_to_url
from pages.ui.shell import begin_page

MAX_CLASSES = 10
EXAMPLE = (2.0, 1.0, 0.5, 0.0, -0.5, -1.0, 1.5, -2.0, 0.2, -0.2)
PRESETS = ("example", "equal", "confident", "wrong")
LOGIT_RANGE = (-10.0, 10.0)
PARAMS = widgets.scene_params("hand", max_classes=MAX_CLASSES, default_classes=4) + (
    Param("hand_label", "label", 0, int_in(0, MAX_CLASSES - 1), f"0 … {MAX_CLASSES - 1}", label="by_hand.label"),
    Param("hand_predict", "predict", False, one_of((False, True)), "True | False", label="by_hand.predict"),
) + tuple(Param(f"hand_z{k}", f"z{k}", EXAMPLE[k], float_in(*LOGIT_RANGE), "−10 … 10") for k in range(MAX_CLASSES))


def apply_preset() -> None:
    preset, k = st.session_state["hand_preset"], st.session_state["hand_K"]
    label = min(st.session_state["hand_label"], k - 1)
    for index in range(MAX_CLASSES):
        value = {"example": EXAMPLE[index], "equal": 0.0,
                 "confident": 6.0 if index == label else 0.0,
                 "wrong": -2.0 if index == label else (4.0 if index == (label + 1) % k else 0.0)}[preset]
        st.session_state[f"hand_z{index}"] = value


def shift_all(moved: tuple[float, ...]) -> None:
    for index, value in enumerate(moved):
        st.session_state[f"hand_z{index}"] = value


def logit_sliders(num_classes: int) -> tuple[float, ...]:
    columns = st.columns(5)
    return tuple(float(columns[k % 5].slider(f"z{k}" + (" ★" if k == st.session_state["hand_label"] else ""),
                                             *LOGIT_RANGE, step=0.1, key=f"hand_z{k}", persist_state="session"))
                 for k in range(num_classes))


def question(result, logits: tuple[float, ...], label: int, eps: float, prior: str) -> predict.Question:
    """Which way one gradient step moves each logit (with eps = 0 the smoothed targets are the one-hot ones, so
    the smoothed step is the step in every case), for the scene (logits, label, eps, prior)."""
    items = tuple(predict.Item(str(k), f"z{k}" + (" ★" if k == label else ""),
                               predict.step_direction(float(step)), number(float(step), 3))
                  for k, step in enumerate(result.step_smoothed))
    return predict.Question("by_hand", "hand", t("by_hand.predict_prompt"), (predict.UP, predict.DOWN),
                            {predict.UP: t("predict.up"), predict.DOWN: t("predict.down")}, items,
                            (logits, label, eps, prior), columns=2,
                            texts={"score": "by_hand.score", "unscored": "by_hand.score_unmoved",
                                   "other_scene": "by_hand.score_other_scene"})


def shift_buttons(up, down) -> None:
    """+1 and −1 to every logit (disabled where a logit would leave its slider's range), and what they show."""
    b1, b2, b3 = st.columns([2, 2, 6], vertical_alignment="center")
    b1.button(t("by_hand.shift_up"), key="hand_up", on_click=shift_all, args=(up,), disabled=up is None, width="stretch")
    b2.button(t("by_hand.shift_down"), key="hand_down", on_click=shift_all, args=(down,), disabled=down is None,
              width="stretch")
    b3.caption(t("by_hand.shift_note"))


def losses(result) -> None:
    m1, m2, m3 = st.columns(3)
    m1.metric(t("by_hand.loss_one_hot"), number(result.loss_one_hot, 4))
    m2.metric(t("by_hand.loss_smoothed"), number(result.loss_smoothed, 4))
    m3.metric(t("by_hand.p_true"), number(result.p_true, 4))


def main() -> None:
    begin_page("by_hand", PARAMS)
    aside = widgets.UnderChartOnProjector()   # on the projector: the sliders, then the charts, then the rest
    aside(prompts.show, "by_hand")
    c1, c2, c3, c4, c5 = widgets.controls_box().columns([2, 2, 3, 3, 3])
    num_classes = widgets.classes_input(c1, "hand", max_classes=MAX_CLASSES)
    if st.session_state["hand_label"] >= num_classes:
        st.session_state["hand_label"] = 0
    label = int(c2.selectbox(t("by_hand.label"), range(num_classes), key="hand_label", persist_state="session"))
    eps = widgets.eps_slider(c3, "hand")
    prior = widgets.convention_radio(c4, "hand")
    c5.selectbox(t("by_hand.preset"), PRESETS, key="hand_preset", format_func=option_labels("by_hand.presets", PRESETS).get,
                 on_change=apply_preset, index=None, placeholder=t("by_hand.preset_placeholder"))
    logits = logit_sliders(num_classes)
    up, down = (core.shift_logits(logits, delta, *LOGIT_RANGE) for delta in (1.0, -1.0))
    aside(shift_buttons, up, down)
    result = compute.by_hand(logits, label, eps, prior)
    aside(losses, result)
    left, right = st.columns(2, gap="medium")
    charts.show(left, charts.built(figures.probabilities_figure, result.p, result.one_hot, result.smoothed, label, {
        "title": t("by_hand.prob_title"), "x": t("axis.class_plain"), "y": t("axis.probability"),
        "p": t("by_hand.legend_p"), "true_class": t("legend.true_class"), "wrong_class": t("legend.wrong_class"),
        "one_hot": t("legend.one_hot"), "smoothed": t("legend.smoothed")}), key="hand_prob_chart", summary=t("summary.probabilities", p=vector(result.p)))
    with right:
        predicting = st.toggle(t("by_hand.predict"), key="hand_predict", help=t("by_hand.predict_help"), persist_state="session")
        guessing = question(result, logits, label, eps, prior)
        if predicting and not predict.revealed("hand"):
            predict.ask(guessing)
        else:
            charts.show(st, charts.built(figures.logit_step_figure, result.step_one_hot, result.step_smoothed, label, {
                "title": t("by_hand.step_title"), "x": t("axis.class_plain"), "y": t("by_hand.step_axis"),
                "one_hot": t("legend.one_hot"), "smoothed": t("legend.smoothed")}), key="hand_step_chart",
                summary=t("summary.steps", one_hot=vector(result.step_one_hot), smoothed=vector(result.step_smoothed)))
            if predicting:
                predict.show_feedback(guessing)
    aside.flush()
    st.markdown(t("by_hand.explain"))
    st.dataframe({t("axis.class_plain"): [f"{k}★" if k == label else str(k) for k in range(num_classes)],
                  "z": result.logits, "p": result.p, t("by_hand.col_log_odds"): result.log_odds},
                 column_config={name: st.column_config.NumberColumn(format="%.4f") for name in ("z", "p", t("by_hand.col_log_odds"))},
                 hide_index=True, key="hand_table")
    st.caption(t("by_hand.log_odds_note"))
    write_to_url(PARAMS)


main()
