"""Home: the question, the key formulas, and a small live view of one-hot vs smoothed targets."""

import streamlit as st

from pages.ui import charts, compute, figures, widgets
from pages.ui.formatting import number
from pages.ui.i18n import t
from pages.ui.params import write_to_url
from pages.ui.shell import begin_page

PARAMS = widgets.scene_params("home", max_classes=20)
# a notice for every gap regime but the ordinary one (lsr_core.gap_regime decides which)
NOTICE_ICONS = {"one_hot": ":material/all_inclusive:", "no_preference": ":material/balance:",
                "favours_wrong": ":material/trending_down:", "excludes_true": ":material/block:"}


def main() -> None:
    begin_page("home", PARAMS)

    left, right = st.columns([5, 6], gap="large")
    with left:
        st.subheader(t("home.formulas_title"))
        st.markdown(t("home.formula_targets"))
        st.latex(r"q'_k = (1-\varepsilon)\,\delta_{k,y} + \varepsilon\,u_k")
        st.markdown(t("home.formula_gradient"))
        st.latex(r"\frac{\partial L}{\partial z_i} = p_i - q_i \in [-1,\,1]")
        st.markdown(t("home.formula_gap"))
        st.latex(r"\varepsilon/K:\quad z^*_{\text{true}} - z^*_{\text{false}} = \log\!\Big(1 + \frac{K(1-\varepsilon)}{\varepsilon}\Big)")
        st.latex(r"\varepsilon/(K-1):\quad z^*_{\text{true}} - z^*_{\text{false}} = \log\frac{(K-1)(1-\varepsilon)}{\varepsilon}")
    with right:
        st.subheader(t("home.try_title"))
        num_classes, eps, prior = widgets.scene_controls("home", max_classes=20, horizontal=False)
        write_to_url(PARAMS)

        one_hot, smoothed = compute.target_vectors(num_classes, eps, prior)
        regime, gap = compute.gap_case(num_classes, eps, prior)
        charts.show(st, figures.targets_figure(one_hot, smoothed, {
            "title": t("home.bars_title", K=num_classes, eps=f"{eps:.2f}"),
            "x": t("axis.class"), "y": t("axis.target_probability"),
            "one_hot": t("legend.one_hot"), "smoothed": t("legend.smoothed"),
            "true_class": t("legend.true_class"), "wrong_class": t("legend.wrong_class"),
        }), key="home_targets_chart", summary=t("summary.targets", K=num_classes, true=f"{smoothed[0]:.4f}",
                                                 wrong=f"{smoothed[1]:.4f}", gap=number(gap)))
        m1, m2, m3 = st.columns(3)
        m1.metric(t("home.metric_true"), f"{smoothed[0]:.4f}")
        m2.metric(t("home.metric_wrong"), f"{smoothed[1]:.4f}")
        m3.metric(t("home.metric_gap"), number(gap))
        if regime in NOTICE_ICONS:
            notice = st.info if regime == "one_hot" else st.warning
            notice(t(f"home.notice.{regime}", boundary=number(compute.zero_gap_eps(num_classes, "others"), 4)),
                   icon=NOTICE_ICONS[regime])
        st.caption(t(f"home.caption.{regime}", true=f"{smoothed[0]:.4f}", wrong=f"{smoothed[1]:.4f}", gap=number(gap)))

    st.divider()
    st.subheader(t("home.next_title"))
    st.page_link("pages/dynamics.py", label=t("nav.dynamics"), icon=":material/show_chart:")
    st.page_link("pages/by_hand.py", label=t("nav.by_hand"), icon=":material/calculate:")
    st.page_link("pages/gap_explorer.py", label=t("nav.gap_explorer"), icon=":material/stacked_line_chart:")
    st.page_link("pages/landscape.py", label=t("nav.landscape"), icon=":material/landscape:")
    st.page_link("pages/derivation.py", label=t("nav.derivation"), icon=":material/function:")
    st.page_link("pages/regulariser.py", label=t("nav.regulariser"), icon=":material/balance:")
    st.page_link("pages/conventions.py", label=t("nav.conventions"), icon=":material/rule:")


main()
