"""The optimal gap explorer: the closed form against ε and K, checked by gradient descent, the loss
along the gap, and what non-uniform priors do to the optimal logits."""

import streamlit as st

import lsr_core as core
from pages.ui import charts, compute, figures, predict, prompts, widgets
from pages.ui.formatting import number, vector
from pages.ui.i18n import option_labels, t
from pages.ui.params import Param, float_in, one_of
from pages.ui.url_state import write_to_url
from pages.ui.shell import begin_page

PRIOR_KINDS = ("uniform", "others", "zipf", "custom")
CUSTOM_CLASSES = 10
PARAMS = widgets.scene_params("gap", max_classes=1000) + (
    Param("gap_align", "align", False, one_of((False, True)), "True | False", label="gap_explorer.align"),
    Param("gap_prior", "prior", "zipf", one_of(PRIOR_KINDS), " | ".join(PRIOR_KINDS), label="gap_explorer.prior_kind"),
    Param("gap_zipf", "zipf", 1.0, float_in(0.0, 3.0), "0 … 3"),
    Param("gap_predict", "predict", False, one_of((False, True)), "True | False", label="predict.toggle"),
) + tuple(Param(f"gap_w{k}", f"w{k}", 1.0, float_in(0.0, 1.0), "0 … 1") for k in range(CUSTOM_CLASSES))
PREDICT_CLASSES = 100   # the curve left out while the class predicts its optimal gap


def answer_pending(num_classes: int) -> bool:
    """Whether the page is at K = 100 while its optimal gap is still to be predicted: all that states it waits."""
    return num_classes == PREDICT_CLASSES and bool(st.session_state.get("gap_predict")) and not predict.revealed("gap")


def curves_section(num_classes: int, eps: float, prior: str, aside: widgets.UnderChartOnProjector, switches=None) -> None:
    """The closed form's curves, then the sweep by gradient descent; its two switches in `switches` (a column beside
    the controls, on the projector) or under the section's title; what `aside` holds follows the curves."""
    if switches is None:
        st.subheader(t("gap_explorer.curves_title"))
        a1, a2 = st.columns(2)
    else:
        a1 = a2 = switches
    align = a1.toggle(t("gap_explorer.align"), key="gap_align", help=t("gap_explorer.align_help"), persist_state="session")
    predicting = a2.toggle(t("predict.toggle"), key="gap_predict", help=t("predict.toggle_help"), persist_state="session")
    hiding = predicting and not predict.revealed("gap")
    data = compute.gap_curves(eps)
    eps_grid = data["eps"]
    curves = []
    for (k, kind), gaps in data["curves"].items():
        if hiding and k == PREDICT_CLASSES:
            continue
        # aligned: each eps/(K-1) curve drawn against the eps/K value that gives the same targets
        x = core.uniform_equivalent(eps_grid, k) if align and kind == "others" else eps_grid
        curves.append((f"K = {k}", kind, x, gaps))
    sweep = compute.gap_sweep(num_classes, prior)
    _, gap = compute.gap_case(num_classes, eps, prior)
    finite = core.has_finite_optimum(num_classes, eps, prior)   # the current point is drawn only where it is finite
    shown_eps = float(core.uniform_equivalent(eps, num_classes)) if align and prior == "others" else eps
    current = (shown_eps, gap) if finite and not (hiding and num_classes == PREDICT_CLASSES) else None
    labels = {"y": t("axis.gap_y"), "current": t("gap_explorer.current"), "sweep": t("gap_explorer.sweep"),
              "uniform": t("conv.uniform"), "others": t("conv.others")}
    # one chart per tab, each at full width: side by side they were squashed by their legends on a projector
    left, right = st.tabs([t("gap_explorer.by_eps"), t("gap_explorer.by_k", eps=f"{eps:.2f}")])
    charts.show(left, charts.built(figures.gap_curves_figure, curves, current, labels | {
        "title": t("gap_explorer.by_eps"),
        "x": t("gap_explorer.axis_eps_aligned") if align else t("gap_explorer.axis_eps")}),
        key="gap_eps_chart")
    classes = data["classes"].astype(float)
    if hiding:
        right.caption(t("predict.gap.hidden"))
    else:
        charts.show(right, charts.built(figures.gap_curves_figure,
            [(t(f"conv.{kind}"), kind, classes, data["by_k"][kind]) for kind in widgets.PRIORS],
            (float(num_classes), gap) if finite else None,
            labels | {"title": t("gap_explorer.by_k", eps=f"{eps:.2f}"), "x": t("gap_explorer.axis_k")}),
            key="gap_k_chart")
    if predicting:
        guess = gap_question(eps, prior)
        if hiding:
            predict.ask(guess)
        else:
            predict.show_feedback(guess)
    st.caption(t("summary.gap_curves_pending" if answer_pending(num_classes) else "summary.gap_curves", K=num_classes,
                 eps=f"{eps:.2f}", gap=number(gap))
               + " " + t("gap_explorer.conversion"))
    aside.flush()

    st.subheader(t("gap_explorer.sweep_title"))
    sweep_classes = sweep.num_classes
    if hiding and sweep_classes == PREDICT_CLASSES:   # the sweep at K = 100 (or capped there) is the hidden curve
        st.caption(t("predict.gap.pending"))
        return
    charts.show(st, charts.built(figures.gap_curves_figure,
                                 [(t(f"conv.{prior}"), prior, sweep.eps, sweep.closed)], None, {
        "title": t("gap_explorer.sweep_chart", K=sweep_classes), "x": t("gap_explorer.axis_eps"), "y": t("axis.gap_y"),
        "current": t("gap_explorer.current"), "sweep": t("gap_explorer.sweep")}, sweep=(sweep.eps, sweep.reached)),
        key="gap_sweep_chart", summary=t("gap_explorer.sweep_result", K=sweep_classes, worst=number(sweep.worst_error)) +
        ("" if sweep_classes == num_classes else " " + t("gap_explorer.sweep_capped", K=num_classes)))
    charts.csv_download(st, lambda: {"eps": sweep.eps, "gap_by_descent": sweep.reached,
                                     "gap_closed_form": sweep.closed}, f"label_smoothing_gap_sweep_K{sweep_classes}.csv",
                        "gap_csv")


def gap_question(eps: float, prior: str) -> predict.Question:
    """Where the optimal gap for K = 100 lies at this ε and convention (`predict.gap_bracket` of the closed form)."""
    gap = compute.gap_case(PREDICT_CLASSES, eps, prior)[1]
    item = predict.Item("k100", t("predict.gap.item", eps=f"{eps:.2f}", conv=t(f"conv.{prior}")),
                        predict.gap_bracket(gap, 2), number(gap, 2))
    return predict.Question("gap_explorer", "gap", t("predict.gap.prompt"), predict.GAP_BRACKETS,
                            option_labels("predict.gap", predict.GAP_BRACKETS), (item,), (eps, prior))


def loss_section(num_classes: int, eps: float, prior: str) -> None:
    st.subheader(t("gap_explorer.loss_title"))
    terms = compute.regulariser_terms(num_classes, eps, prior)
    regime, gap = compute.gap_case(num_classes, eps, prior)
    caption = regime if regime in ("one_hot", "excludes_true") else "finite"
    charts.show(st, charts.built(figures.loss_versus_gap_figure, terms, terms.point_on_grid(gap), {
        "title": t("gap_explorer.loss_chart"), "x": t("axis.gap"), "y": t("axis.loss"),
        "one_hot": t("gap_explorer.legend_one_hot"), "smoothed": t("gap_explorer.legend_smoothed"),
        "data": t("regulariser.legend_data"), "prior": t("regulariser.legend_prior"), "minimum": t("gap_explorer.minimum")}),
        key="gap_loss_chart", summary=t(f"gap_explorer.loss_caption.{caption}", gap=number(gap)))


def prior_section(num_classes: int, eps: float) -> None:
    st.subheader(t("gap_explorer.prior_title"))
    st.markdown(t("gap_explorer.prior_lead"))
    c1, c2 = st.columns([3, 4])
    kind = c1.radio(t("gap_explorer.prior_kind"), PRIOR_KINDS, key="gap_prior", horizontal=True,
                    format_func=option_labels("gap_explorer.priors", PRIOR_KINDS).get, persist_state="session")
    if kind == "zipf":
        exponent = c2.slider(t("gap_explorer.zipf"), 0.0, 3.0, step=0.1, key="gap_zipf", persist_state="session")
        prior = core.zipf_prior(num_classes, exponent)
    elif kind == "custom":
        if num_classes > CUSTOM_CLASSES:
            st.info(t("gap_explorer.custom_limit", n=CUSTOM_CLASSES), icon=":material/info:")
            return
        columns = st.columns(5)
        weights = [columns[k % 5].slider(f"u{k}" + (" ★" if k == 0 else ""), 0.0, 1.0, step=0.05, key=f"gap_w{k}",
                                         persist_state="session") for k in range(num_classes)]
        try:
            prior = core.normalised_prior(weights)
        except ValueError:   # every weight is 0
            st.warning(t("gap_explorer.all_zero"), icon=":material/block:")
            return
    else:
        prior = core.prior_distribution(0, num_classes, kind)
    result = compute.prior_optimum(num_classes, eps, tuple(float(u) for u in prior))
    charts.show(st, charts.built(figures.optimal_logits_figure, result.logits, {
        "title": t("gap_explorer.prior_chart"), "x": t("axis.class_plain"), "y": t("gap_explorer.axis_optimal_logit"),
        "finite": "z* = log q′ + α", "infinite": t("gap_explorer.minus_infinity")}),
        key="gap_prior_chart", summary=t("summary.prior_logits", z=vector(result.logits, 3)))
    if result.excluded:
        st.warning(t("gap_explorer.zero_prior", n=result.excluded), icon=":material/south:")
    if num_classes > figures.MAX_BARS:
        st.caption(t("gap_explorer.bars_shown", shown=figures.MAX_BARS, K=num_classes))


def main() -> None:
    begin_page("gap_explorer", PARAMS)
    aside = widgets.UnderChartOnProjector()
    aside(prompts.show, "gap_explorer")
    if charts.presenting():   # one row of controls and switches, so that the chart is whole in the first screen
        c1, c2, c3, switches = st.columns([2, 3, 3, 3])
        num_classes, eps, prior = (widgets.classes_input(c1, "gap", 1000), widgets.eps_slider(c2, "gap"),
                                   widgets.convention_radio(c3, "gap"))
    else:
        num_classes, eps, prior = widgets.scene_controls("gap", max_classes=1000)
        switches = None
    if eps == 0.0:
        st.info(t("gap_explorer.eps_zero"), icon=":material/all_inclusive:")
    curves_section(num_classes, eps, prior, aside, switches)
    if answer_pending(num_classes):
        write_to_url(PARAMS)
        return
    st.divider()
    loss_section(num_classes, eps, prior)
    st.divider()
    prior_section(num_classes, eps)
    write_to_url(PARAMS)


main()
