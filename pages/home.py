"""Home: the question, the key formulas, and a small live view of one-hot vs smoothed targets."""

import streamlit as st

from pages.ui import compute, figures
from pages.ui.formatting import number
from pages.ui.i18n import option_labels, t
from pages.ui.shell import require_shell
from pages.ui.params import Param, float_in, int_in, one_of, seed_from_url, show_url_notices, write_to_url

PRIORS = ("uniform", "others")
PARAMS = (
    Param("home_K", "K", 10, int_in(2, 20), "2 … 20"),
    Param("home_eps", "eps", 0.1, float_in(0.0, 1.0), "0 … 1"),
    Param("home_conv", "conv", "uniform", one_of(PRIORS), "uniform | others"),
)


def main() -> None:
    require_shell()
    rejected = seed_from_url(PARAMS)
    st.title(t("home.title"))
    st.markdown(t("home.lead"))
    show_url_notices(rejected)

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
        c1, c2, c3 = st.columns([2, 3, 3])
        num_classes = c1.number_input(t("controls.K"), min_value=2, max_value=20, step=1, key="home_K",
                                      help=t("controls.K_help"), persist_state="session")
        eps = c2.slider(t("controls.eps"), min_value=0.0, max_value=1.0, step=0.01, key="home_eps",
                        help=t("controls.eps_help"), persist_state="session")
        prior = c3.radio(t("controls.conv"), PRIORS, key="home_conv", format_func=option_labels("conv", PRIORS).get,
                         help=t("controls.conv_help"), persist_state="session")
        write_to_url(PARAMS)

        one_hot, smoothed = compute.target_vectors(int(num_classes), float(eps), prior)
        gap = compute.optimal_gap(int(num_classes), float(eps), prior)
        st.plotly_chart(figures.targets_figure(one_hot, smoothed, {
            "title": t("home.bars_title", K=num_classes, eps=f"{eps:.2f}"),
            "x": t("axis.class"), "y": t("axis.target_probability"),
            "one_hot": t("legend.one_hot"), "smoothed": t("legend.smoothed"),
            "true_class": t("legend.true_class"), "wrong_class": t("legend.wrong_class"),
        }), key="home_targets_chart", config={"displaylogo": False})
        m1, m2, m3 = st.columns(3)
        m1.metric(t("home.metric_true"), f"{smoothed[0]:.4f}")
        m2.metric(t("home.metric_wrong"), f"{smoothed[1]:.4f}")
        m3.metric(t("home.metric_gap"), number(gap))
        if eps == 0.0:
            st.info(t("home.eps_zero"), icon=":material/all_inclusive:")
        elif gap == 0.0:
            st.warning(t("home.gap_zero"), icon=":material/balance:")
        elif gap < 0:
            st.warning(t("home.gap_negative"), icon=":material/trending_down:")
        st.caption(t("home.bars_caption", true=f"{smoothed[0]:.4f}", wrong=f"{smoothed[1]:.4f}", gap=number(gap)))

    st.divider()
    st.subheader(t("home.next_title"))
    st.page_link("pages/dynamics.py", label=t("nav.dynamics"), icon=":material/show_chart:")
    st.page_link("pages/derivation.py", label=t("nav.derivation"), icon=":material/function:")


main()
