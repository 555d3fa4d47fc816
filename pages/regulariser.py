"""Label smoothing as a regulariser: the two cross-entropies, the KL view, and label dropout."""

import streamlit as st

import lsr_core as core
from pages.ui import charts, compute, figures, prompts, widgets
from pages.ui.formatting import count, number
from pages.ui.i18n import t
from pages.ui.params import Param, float_in, int_in, one_of
from pages.ui.url_state import write_to_url
from pages.ui.shell import begin_page

DRAWS = (1_000, 10_000, 100_000, 1_000_000)
PARAMS = widgets.scene_params("reg", max_classes=20) + (
    Param("reg_gap", "gap", 3.0, float_in(-5.0, 15.0), "−5 … 15", label="regulariser.gap"),
    Param("reg_draws", "draws", 100_000, one_of(DRAWS), "1000 … 1000000", label="regulariser.draws"),
    Param("reg_seed", "seed", 0, int_in(0, 9999), "0 … 9999", label="controls.seed"),
)


def terms_section(num_classes: int, eps: float, prior: str, gap: float, aside: widgets.UnderChartOnProjector) -> None:
    """The identity, the chart of its two parts, and the numbers at the current gap; what `aside` holds (the KL
    form) is drawn under the chart on the projector."""
    st.subheader(t("regulariser.terms_title"))
    st.latex(r"H(q',p) = (1-\varepsilon)\,H(q,p) + \varepsilon\,H(u,p)")
    aside(st.latex, r"H(u,p) = \mathrm{KL}(u\,\|\,p) + H(u)")
    terms = compute.regulariser_terms(num_classes, eps, prior)
    here = terms.at(gap)
    # where the loss is lowest, if anywhere (core.claims.regulariser_sentence): the closed form, not the grid
    lowest = core.claims.regulariser_sentence(num_classes, eps, prior, float(terms.gaps[0]), float(terms.gaps[-1]))
    charts.show(st, charts.built(figures.regulariser_terms_figure, terms, gap, {
        "title": t("regulariser.chart_title"), "x": t("axis.gap"), "y": t("axis.loss"),
        "data": t("regulariser.legend_data"), "prior": t("regulariser.legend_prior"),
        "total": t("regulariser.legend_total"), "current": t("regulariser.legend_current")}),
        key="reg_terms_chart", summary=t(lowest.key, gap=number(gap, 4), total=number(here.total, 4),
                                          minimum=number(core.scene_optimal_gap(num_classes, eps, prior), 2)))
    aside.flush()
    m1, m2, m3, m4 = widgets.metric_columns(4)
    m1.metric(t("regulariser.metric_data"), number(here.weighted_data, 4))
    m2.metric(t("regulariser.metric_prior"), number(here.weighted_prior, 4))
    m3.metric(t("regulariser.metric_total"), number(here.total, 4))
    m4.metric(t("regulariser.metric_kl"), number(here.kl, 4))
    weight = (t("regulariser.weight", ratio=number(terms.prior_weight, 4)) if eps < 1
              else t("regulariser.weight_infinite"))
    st.caption(t("regulariser.terms_caption", entropy=number(terms.prior_entropy, 4)) + " " + weight)
    charts.csv_download(st, lambda: {"gap": terms.gaps, "data_term": terms.data_term, "prior_term": terms.prior_term,
                                     "kl": terms.kl, "total": terms.total}, "label_smoothing_regulariser.csv", "reg_csv")


def dropout_section(num_classes: int, eps: float, prior: str, gap: float) -> None:
    st.subheader(t("regulariser.dropout_title"))
    st.markdown(t("regulariser.dropout_lead"))
    c1, c2 = st.columns([3, 2])
    draws = c1.select_slider(t("regulariser.draws"), DRAWS, key="reg_draws", format_func=count, persist_state="session")
    seed = c2.number_input(t("controls.seed"), min_value=0, max_value=9999, step=1, key="reg_seed", persist_state="session")
    dropout = compute.label_dropout(num_classes, eps, prior, gap, int(draws), int(seed))
    charts.show(st, charts.built(figures.label_dropout_figure, dropout, {
        "title": t("regulariser.dropout_chart"), "x": t("regulariser.axis_draws"), "y_loss": t("axis.loss"),
        "y_error": t("regulariser.axis_error"), "mean": t("regulariser.legend_mean"), "band": t("regulariser.legend_band"),
        "exact": t("regulariser.legend_exact"), "error": t("regulariser.legend_error"),
        "reference": t("regulariser.legend_reference"), "loss_title": t("regulariser.loss_panel"),
        "error_title": t("regulariser.error_panel")}), key="reg_dropout_chart",
        summary=t("regulariser.dropout_result", n=count(int(dropout.draws[-1])), mean=number(dropout.mean_loss[-1], 5),
                  exact=number(dropout.smoothed_loss, 5), se=number(dropout.standard_error[-1]),
                  grad=number(dropout.gradient_error[-1])))


def main() -> None:
    begin_page("regulariser", PARAMS)
    aside = widgets.UnderChartOnProjector()
    aside(prompts.show, "regulariser")
    c1, c2, c3, c4 = widgets.controls_box().columns([2, 3, 3, 3])
    num_classes = widgets.classes_input(c1, "reg", max_classes=20)
    eps = widgets.eps_slider(c2, "reg")
    prior = widgets.convention_radio(c3, "reg")
    gap = float(c4.slider(t("regulariser.gap"), min_value=-5.0, max_value=15.0, step=0.05, key="reg_gap",
                          help=t("regulariser.gap_help"), persist_state="session"))
    if eps == 0.0:
        st.info(t("regulariser.eps_zero"), icon=":material/info:")
    terms_section(num_classes, eps, prior, gap, aside)
    st.divider()
    dropout_section(num_classes, eps, prior, gap)
    st.divider()
    st.subheader(t("regulariser.known_title"))
    st.markdown(t("regulariser.known"))
    write_to_url(PARAMS)


main()
