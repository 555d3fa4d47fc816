"""Conventions & errata: how libraries define label smoothing, and what the source notes got wrong."""

import streamlit as st

import lsr_core as core
from pages.ui import compute, prompts, widgets
from pages.ui.charts import presenting
from pages.ui.formatting import number
from pages.ui.i18n import t
from pages.ui.url_state import write_to_url
from pages.ui.shell import begin_page

PARAMS = widgets.scene_params("conv", max_classes=1000)
ERRATA = ("alpha", "q_inside", "code", "constant", "split")


def library_section(num_classes: int, eps: float) -> None:
    st.subheader(t("conventions.table_title"))
    rows = compute.library_table(num_classes, eps)
    # the numbers only: with each library's call as a sixth column the table was wider than the page at 1024 px and
    # hid its value columns (a grid scrolled sideways); the calls are listed under it, where they wrap
    st.dataframe({
        t("conventions.col_library"): [row.library for row in rows],
        t("conventions.col_convention"): [t(f"conv.{row.prior}") for row in rows],
        t("conventions.col_true"): [row.true_target for row in rows],
        t("conventions.col_wrong"): [row.wrong_target for row in rows],
        t("conventions.col_gap"): [number(row.optimal_gap) for row in rows],
    }, column_config={t("conventions.col_true"): st.column_config.NumberColumn(format="%.6f"),
                      t("conventions.col_wrong"): st.column_config.NumberColumn(format="%.6f")},
        hide_index=True, key="conv_table", height=widgets.table_height(len(rows), presenting()))
    with st.expander(t("conventions.calls_title"), icon=":material/code:"):
        st.markdown("\n".join(f"- **{row.library}**: `{row.call}`" for row in rows))
    binary = core.binary_smoothing(eps)
    st.caption(t("conventions.binary", eps=f"{eps:.2f}", positive=f"{binary[0]:.4f}", negative=f"{binary[1]:.4f}"))
    surprise = core.smooth_targets(0, 2, 0.1, "uniform")
    st.info(t("conventions.surprise", true=f"{surprise[0]:.2f}", wrong=f"{surprise[1]:.2f}"), icon=":material/lightbulb:")


def converter_section(num_classes: int, eps: float, prior: str) -> None:
    st.subheader(t("conventions.converter_title"))
    other = "others" if prior == "uniform" else "uniform"
    converted = compute.equivalent(eps, num_classes, prior)
    if converted is None:
        st.warning(t("conventions.no_equivalent", eps=f"{eps:.2f}", limit=number(core.zero_gap_eps(num_classes, "others"), 4)),
                   icon=":material/block:")
        return
    source = core.smooth_targets(0, num_classes, eps, prior)
    target = core.smooth_targets(0, num_classes, converted, other)
    c1, c2 = st.columns(2)
    c1.metric(t("conventions.from", convention=t(f"conv.{prior}")), f"ε = {eps:.4f}")
    c2.metric(t("conventions.to", convention=t(f"conv.{other}")), f"ε = {converted:.6f}")
    st.caption(t("conventions.converted_targets", true=f"{source[0]:.6f}", wrong=f"{source[1]:.6f}",
                 true2=f"{target[0]:.6f}", wrong2=f"{target[1]:.6f}"))
    st.latex(r"\varepsilon_{\text{others}} = \varepsilon_{\text{uniform}}\cdot\frac{K-1}{K}")
    snippets(num_classes, eps, prior)


def snippets(num_classes: int, eps: float, prior: str) -> None:
    """Copy-ready code producing this scene's targets in PyTorch, Keras and optax."""
    uniform_eps = eps if prior == "uniform" else compute.equivalent(eps, num_classes, "others")
    tabs = st.tabs(["PyTorch", "Keras", "optax"])
    # short lines, wrapped where still too long: a line scrolled sideways is cut on a projector
    tabs[0].code(f"import torch\n\n# {t('conventions.snippet_same')}\n"
                 f"loss_fn = torch.nn.CrossEntropyLoss(label_smoothing={uniform_eps:.6g})\n"
                 f"# loss = loss_fn(logits, labels)  # logits (N, {num_classes}), labels (N,)",
                 language="python", wrap_lines=True)
    tabs[1].code(f"import keras\n\nloss_fn = keras.losses.CategoricalCrossentropy(\n    label_smoothing={uniform_eps:.6g}, "
                 f"from_logits=True)\n# loss = loss_fn(one_hot_labels, logits)", language="python", wrap_lines=True)
    tabs[2].code(f"import optax\n\ntargets = optax.smooth_labels(one_hot_labels, alpha={uniform_eps:.6g})\n"
                 f"loss = optax.softmax_cross_entropy(logits, targets).mean()", language="python", wrap_lines=True)


def shown(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(shown(item) for item in value)
    return number(value, 4) if isinstance(value, float) else f"{value:,}" if isinstance(value, int) else str(value)


def errata_section(num_classes: int, eps: float) -> None:
    st.subheader(t("conventions.errata_title"))
    st.markdown(t("conventions.errata_lead"))
    numbers = compute.errata(num_classes, eps)
    for index, name in enumerate(ERRATA, start=1):
        erratum = numbers[name]
        with st.expander(f"{index}. {t(f'errata.{name}.title')}", expanded=index == 1):
            st.markdown(f"**{t('conventions.claim')}** {t(f'errata.{name}.claim')}")
            st.markdown(f"**{t('conventions.why')}** {t(f'errata.{name}.why')}")
            st.markdown(f"**{t('conventions.correct')}** {t(f'errata.{name}.correct')}")
            c1, c2 = st.columns(2)
            c1.metric(t(f"errata.{name}.claimed_label"), number(erratum.claimed))
            c2.metric(t(f"errata.{name}.correct_label"), number(erratum.correct))
            details = {key: shown(value) for key, value in erratum.details.items()}
            st.caption(t(f"errata.{name}.check", K=num_classes, eps=f"{eps:.2f}", **details))


def main() -> None:
    begin_page("conventions", PARAMS)
    prompts.show("conventions")
    num_classes, eps, prior = widgets.scene_controls("conv", max_classes=1000)
    write_to_url(PARAMS)
    if eps == 0.0:
        st.info(t("conventions.eps_zero"), icon=":material/info:")
    library_section(num_classes, eps)
    st.divider()
    converter_section(num_classes, eps, prior)
    st.divider()
    if 0.0 < eps < 1.0:
        errata_section(num_classes, eps)
    else:
        st.info(t("conventions.errata_need_eps"), icon=":material/info:")


main()
