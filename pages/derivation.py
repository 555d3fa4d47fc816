"""The derivation: SymPy derives and checks the softmax / cross-entropy gradient, step by step."""

import streamlit as st

from pages.ui import compute, prompts, widgets
from pages.ui.formatting import number
from pages.ui.i18n import t
from pages.ui.params import Param, int_in, one_of
from pages.ui.url_state import write_to_url
from pages.ui.shell import begin_page

STEP_COUNT = 7
OPTIMUM_CASES = ((2, 0.1), (3, 0.5), (10, 0.1), (100, 0.01), (1000, 0.3))
PARAMS = (
    Param("deriv_K", "K", 3, int_in(2, 8), "2 … 8", label="derivation.K"),
    Param("deriv_step", "step", 1, int_in(1, STEP_COUNT), f"1 … {STEP_COUNT}"),
    Param("deriv_all", "all", False, one_of((False, True)), "True | False", label="derivation.show_all"),
    Param("deriv_seed", "seed", 0, int_in(0, 9999), "0 … 9999", label="controls.seed"),
) + widgets.scene_params("deriv", max_classes=8, default_classes=3)[1:]  # eps and conv; K is the slider above


def move_step(delta: int) -> None:
    st.session_state["deriv_step"] = min(STEP_COUNT, max(1, st.session_state["deriv_step"] + delta))


def show_step(number_shown: int, step, num_classes: int) -> None:
    with st.container(border=True):
        st.markdown(f"**{number_shown}. {t(step.title_key + '.title')}**")
        st.latex(step.latex)
        if step.instance_latex:
            st.caption(t("derivation.instance", K=num_classes))
            st.latex(step.instance_latex)
        st.markdown(t(step.title_key + ".text"))
        if step.verified:
            st.success(t("derivation.verified", K=num_classes), icon=":material/verified:")
        else:
            st.warning(t("derivation.not_verified"), icon=":material/help:")
        if step.general:
            st.caption(t("derivation.general_note", K=num_classes))


def stepper(num_classes: int) -> None:
    steps = compute.gradient_derivation(num_classes)
    c1, c2, c3, c4 = st.columns([3, 3, 4, 4], vertical_alignment="center")   # "Previous" whole at 1024 px
    current = st.session_state["deriv_step"]
    c1.button(t("derivation.previous"), key="deriv_prev", icon=":material/arrow_back:", on_click=move_step, args=(-1,),
              disabled=current <= 1, width="stretch")
    c2.button(t("derivation.next"), key="deriv_next", icon=":material/arrow_forward:", on_click=move_step, args=(1,),
              disabled=current >= len(steps), width="stretch")
    show_all = c3.toggle(t("derivation.show_all"), key="deriv_all", persist_state="session")
    c4.progress(current / len(steps), text=t("derivation.position", step=current, total=len(steps)))
    shown = range(len(steps)) if show_all else range(current - 1, current)
    for index in shown:
        show_step(index + 1, steps[index], num_classes)
    verified = sum(step.verified for step in steps)
    st.caption(t("derivation.summary", verified=verified, total=len(steps), K=num_classes))


def numeric_panel(num_classes: int) -> None:
    st.subheader(t("derivation.numeric_title"))
    st.markdown(t("derivation.numeric_lead"))
    c1, c2, c3 = st.columns([2, 3, 3])
    seed = c1.number_input(t("controls.seed"), min_value=0, max_value=9999, step=1, key="deriv_seed",
                           persist_state="session")
    eps = widgets.eps_slider(c2, "deriv")
    prior = widgets.convention_radio(c3, "deriv", horizontal=True)
    check = compute.gradient_check(num_classes, int(seed), eps, prior)
    columns = {t("derivation.col_class"): [f"{k}★" if k == 0 else str(k) for k in range(num_classes)],
               "z": check.z, "p": check.p, "q": check.q,
               t("derivation.col_numeric"): check.numeric, "p − q": check.analytic,
               t("derivation.col_difference"): check.difference}
    # z, p and q to 6 decimals, the two gradients compared to 10: at 10 decimals everywhere the grid was wider than
    # the page at 1024 px with the sidebar open and hid its last column
    formats = {name: st.column_config.NumberColumn(name, format="%.6f" if name in ("z", "p", "q") else "%.10f")
               for name in list(columns)[1:-1]}
    formats[t("derivation.col_difference")] = st.column_config.NumberColumn(t("derivation.col_difference"), format="%.2e")
    st.dataframe(columns, column_config=formats, hide_index=True, key="deriv_table")
    st.caption(t("derivation.numeric_result", worst=number(check.worst), total=number(check.analytic_sum)))


def optimum_section() -> None:
    st.subheader(t("derivation.optimum_title"))
    st.markdown(t("derivation.optimum_lead"))
    # one tab per convention, each at full width: side by side the longer formulas were cut off
    tabs = st.tabs([t(f"conv.{prior}") for prior in widgets.PRIORS])
    for column, prior in zip(tabs, widgets.PRIORS):
        derivation = compute.optimum_derivation(prior)
        with column:
            for index, step in enumerate(derivation.steps, start=1):
                st.markdown(f"**{index}. {t(step.title_key + '.title')}**")
                st.latex(step.latex)
                mark = "derivation.verified_short" if step.verified else "derivation.not_verified"
                st.caption(("✓ " if step.verified else "? ") + t(mark) + " · " + t(step.title_key + ".text"))
            check = compute.optimum_check(prior, OPTIMUM_CASES)
            st.dataframe({"K": check.classes, "ε": check.eps, t("derivation.col_sympy"): check.sympy,
                          t("derivation.col_numpy"): check.numpy, t("derivation.col_difference"): check.difference},
                         column_config={t("derivation.col_difference"): st.column_config.NumberColumn(format="%.2e")},
                         hide_index=True, key=f"deriv_optimum_{prior}")


def regulariser_section() -> None:
    st.subheader(t("derivation.regulariser_title"))
    for step in compute.regulariser_identity():
        st.latex(step.latex)
        mark = "derivation.verified_short" if step.verified else "derivation.not_verified"
        st.caption(("✓ " if step.verified else "? ") + t(mark) + " · " + t(step.title_key + ".text"))


def main() -> None:
    begin_page("derivation", PARAMS)
    prompts.show("derivation")
    num_classes = st.select_slider(t("derivation.K"), options=list(range(2, 9)), key="deriv_K",
                                   help=t("derivation.K_help"), persist_state="session")
    with st.spinner(t("derivation.deriving", K=num_classes)):
        stepper(int(num_classes))
    # what follows from the gradient, folded into tabs so the derivation itself fits in about two screens
    numeric, optimum, regulariser = st.tabs([t(f"derivation.tab_{name}") for name in ("numeric", "optimum", "regulariser")])
    with numeric:
        numeric_panel(int(num_classes))
    with optimum:
        optimum_section()
    with regulariser:
        regulariser_section()
    write_to_url(PARAMS)


main()
