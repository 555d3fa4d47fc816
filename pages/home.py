"""Home: the central picture (one-hot's gap grows for ever, the smoothed gap stops), the target vectors
behind it, the key formulas, and the way into the lesson."""

import streamlit as st

import lsr_core as core
from pages.ui import charts, compute, figures, lesson, prompts, widgets
from pages.ui.formatting import number
from pages.ui.i18n import t
from pages.ui.url_state import write_to_url
from pages.ui.shell import begin_page

PARAMS = widgets.scene_params("home", max_classes=20)
# a notice for every gap regime but the ordinary one (lsr_core.gap_regime decides which)
PICTURE_STEPS = 10_000   # the picture's run: long enough for the one-hot gap's log t growth to show
PICTURE_RATE = 1.0
NOTICE_ICONS = {"one_hot": ":material/all_inclusive:", "no_preference": ":material/balance:",
                "favours_wrong": ":material/trending_down:", "excludes_true": ":material/block:"}


def picture(num_classes: int, eps: float, prior: str, regime: str, gap: float) -> None:
    """The lesson in one chart: both gaps against log steps, with the sentence that reads it."""
    scene = core.Scene(num_classes, eps, prior, PICTURE_RATE, PICTURE_STEPS)
    texts = {"title": t("home.picture_title"), "x": t("axis.step"), "y": t("axis.gap_y"),
             "one_hot": t("legend.one_hot"), "smoothed": t("legend.smoothed"), "optimum": t("legend.optimum"),
             "theory": t("legend.one_hot_theory"), "run": t("dynamics.run"), "pause": t("dynamics.pause"),
             **widgets.gap_chart_notes(gap)}
    c = compute.comparison(scene)
    # chosen by what the run did (lsr_core.claims): reached the optimum, still on its way, or stopped by float64
    sentences = core.claims.home_sentences(num_classes, eps, prior, PICTURE_RATE, c.steps, c.gap[:, 1])
    sentence = " ".join(t(s.key, gap=number(gap), one_hot=number(c.gap[-1, 0], 2), steps=f"{PICTURE_STEPS:,}",
                          reached=number(c.gap[-1, 1], 2), stall=number(dict(s.values).get("stall", 0.0), 2))
                        for s in sentences)
    charts.show(st, compute.dynamics_figure("gap", scene, compute.freeze(texts), True), key="home_gap_chart",
                summary=sentence, visible=False)
    st.markdown(sentence)


def main() -> None:
    begin_page("home", PARAMS)
    prompts.show("home")
    left, right = st.columns([6, 5], gap="large")
    with right:
        st.subheader(t("home.try_title"))
        num_classes, eps, prior = widgets.scene_controls("home", max_classes=20, narrow=True)
        write_to_url(PARAMS)
        one_hot, smoothed = compute.target_vectors(num_classes, eps, prior)
        regime, gap = compute.gap_case(num_classes, eps, prior)
        m1, m2 = widgets.metric_columns(2, per_row_presenting=1)   # two to a row (one on the projector): three were cut off
        m1.metric(t("home.metric_true"), f"{smoothed[0]:.4f}")
        m2.metric(t("home.metric_wrong"), number(smoothed[1], 4))
        st.metric(t("home.metric_gap"), number(gap))
        if regime in NOTICE_ICONS:
            notice = st.info if regime == "one_hot" else st.warning
            notice(t(f"home.notice.{regime}", boundary=number(compute.zero_gap_eps(num_classes, "others"), 4)),
                   icon=NOTICE_ICONS[regime])
        charts.show(st, charts.built(figures.targets_figure, one_hot, smoothed, {
            "title": t("home.bars_title", K=num_classes, eps=f"{eps:.2f}"),
            "x": t("axis.class"), "y": t("axis.target_probability"),
            "one_hot": t("legend.one_hot"), "smoothed": t("legend.smoothed"),
            "true_class": t("legend.true_class"), "wrong_class": t("legend.wrong_class"),
        }), key="home_targets_chart", summary=t("summary.targets", K=num_classes, true=f"{smoothed[0]:.4f}",
                                                 wrong=number(smoothed[1], 4), gap=number(gap)))
        st.caption(t(f"home.caption.{regime}", true=f"{smoothed[0]:.4f}", wrong=number(smoothed[1], 4), gap=number(gap)))
    with left:
        picture(num_classes, eps, prior, regime, gap)
        st.page_link(lesson.path(lesson.LESSON[1].name), label=t("home.start"), icon=":material/play_circle:")

    st.divider()
    # folded and in one column: side by side the formulas were cut off on a projector
    with st.expander(t("home.formulas_title"), icon=":material/function:"):
        st.markdown(t("home.formula_targets"))
        st.latex(r"q'_k = (1-\varepsilon)\,\delta_{k,y} + \varepsilon\,u_k")
        st.markdown(t("home.formula_gradient"))
        st.latex(r"\frac{\partial L}{\partial z_i} = p_i - q_i \in [-1,\,1]")
        st.markdown(t("home.formula_gap"))
        st.latex(r"\varepsilon/K:\; g^* = \log\!\Big(1 + \frac{K(1-\varepsilon)}{\varepsilon}\Big)")
        st.latex(r"\varepsilon/(K-1):\; g^* = \log\frac{(K-1)(1-\varepsilon)}{\varepsilon}")

    st.subheader(t("home.lesson_title"))
    # the page's name is the link, what it shows beside it: a link as long as a sentence wrapped inside its words
    for number_shown, step in enumerate(lesson.LESSON[1:], start=1):
        name, lead = st.columns([2, 3], vertical_alignment="center")
        name.page_link(lesson.path(step.name), label=f"{number_shown}. {t(f'nav.{step.name}')}", icon=step.icon)
        lead.caption(t(f"{step.name}.lead_short"))


main()
