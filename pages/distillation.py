"""Distillation: a smoothed teacher distils worse (Müller, Kornblith & Hinton 2019), tested on the digits."""

import streamlit as st

import lsr_core as core

from pages.ui import charts, compute, figures, widgets
from pages.ui.formatting import points
from pages.ui.i18n import t
from pages.ui.params import Param, one_of
from pages.ui.shell import begin_page
from pages.ui.url_state import write_to_url

TEMPERATURES = (1.0, 2.0, 4.0, 8.0)
SEED_COUNTS = (3, 5, 8)
EPS_CHOICES = (0.05, 0.1, 0.2, 0.3, 0.5)
PARAMS = (
    Param("distil_eps", "eps", 0.1, one_of(EPS_CHOICES), " | ".join(map(str, EPS_CHOICES)), label="controls.eps"),
    Param("distil_conv", "conv", "uniform", one_of(widgets.PRIORS), "uniform | others", label="controls.conv"),
    Param("distil_T", "T", 4.0, one_of(TEMPERATURES), "1 | 2 | 4 | 8",
          label="distillation.temperature"),
    Param("distil_seeds", "seeds", 5, one_of(SEED_COUNTS), "3 | 5 | 8", label="distillation.seeds"),
)
ROWS = ("teacher_accuracy", "teacher_nll", "student_accuracy", "student_nll", "structure", "variation")
PERCENT_ROWS = {"teacher_accuracy", "student_accuracy"}


def controls() -> core.DistillationSettings:
    """Applied together by the form's button: each change trains every teacher and student again."""
    with widgets.controls_box(), st.form("distil_form", border=not charts.presenting()):
        c1, c2, c3, c4 = st.columns([3, 3, 2, 2])
        eps = c1.select_slider(t("controls.eps"), EPS_CHOICES, key="distil_eps", help=t("distillation.eps_help"),
                               persist_state="session")
        prior = widgets.convention_radio(c2, "distil")
        temperature = c3.select_slider(t("distillation.temperature"), TEMPERATURES, key="distil_T",
                                       format_func=lambda v: f"{v:g}", help=t("distillation.temperature_help"),
                                       persist_state="session")
        seeds = c4.select_slider(t("distillation.seeds"), SEED_COUNTS, key="distil_seeds",
                                 help=t("distillation.seeds_help"), persist_state="session")
        st.form_submit_button(t("distillation.train"), type="primary", icon=":material/school:")
    return core.DistillationSettings(eps=float(eps), temperature=float(temperature), seeds=int(seeds), prior=prior)


def _cell(row: str, e: core.Estimate, signed: bool = False) -> str:
    """mean ± standard deviation over seeds; accuracies in percentage points."""
    if row in PERCENT_ROWS:
        return f"{points(e.mean, signed=signed)} ± {points(e.std)}"
    return f"{e.mean:{'+' if signed else ''}.3f} ± {e.std:.3f}"


def results_table(d: core.Distillation) -> None:
    columns = {t("distillation.col_measure"): [t(f"distillation.row.{row}") for row in ROWS]}
    for index, teacher in enumerate(core.TEACHERS):
        columns[t(f"distillation.col_{teacher}")] = [_cell(row, d.summary(row)[index]) for row in ROWS]
    columns[t("distillation.col_difference")] = [_cell(row, d.difference(row), signed=True) for row in ROWS]
    st.table(columns, hide_index=True)
    st.caption(t("distillation.table_caption", seeds=d.settings.seeds))


def headline(d: core.Distillation) -> None:
    """Whether this toy reproduces the paper (`Distillation.reproduces_paper`), first, above the picture."""
    notice = {"yes": st.success, "opposite": st.warning, "unclear": st.info}[d.reproduces_paper]
    notice(t(f"distillation.paper.{d.reproduces_paper}", seeds=d.settings.seeds), icon=":material/science:")


def verdicts(d: core.Distillation) -> None:
    """The findings in sentences, each chosen by `Distillation.verdict` (paired differences against their
    standard error over the seeds)."""
    n = d.settings.seeds
    accuracy = d.difference("student_accuracy")
    st.markdown(t(f"distillation.verdict.accuracy.{d.verdict('student_accuracy')}", seeds=n,
                  diff=points(accuracy.mean, signed=True), sem=points(accuracy.sem)))
    nll = d.summary("student_nll")
    st.markdown(t(f"distillation.verdict.nll.{d.verdict('student_nll')}", seeds=n,
                  one_hot=f"{nll[0].mean:.3f}", smoothed=f"{nll[1].mean:.3f}"))
    shape = d.summary("structure")
    st.markdown(t(f"distillation.verdict.structure.{d.verdict('structure')}", seeds=n,
                  one_hot=f"{shape[0].mean:.3f}", smoothed=f"{shape[1].mean:.3f}"))


def main() -> None:
    begin_page("distillation", PARAMS)
    settings = controls()
    if widgets.digits_missing():
        write_to_url(PARAMS)
        return   # the shell still draws the navigation and the lesson links
    slot = st.empty()
    d = compute.distillation(settings, **widgets.heavy_work_callbacks(
        slot, t("distillation.progress_label"), compute.distillation_cost(settings)))
    slot.empty()
    headline(d)   # then the picture, so that it starts in the projector's first screen
    structure = d.summary("structure")
    charts.show(st, figures.similarity_figure(d.similarity, {
        "title": t("distillation.similarity_title", T=f"{settings.temperature:g}"), "one_hot": t("distillation.col_one_hot"),
        "smoothed": t("distillation.col_smoothed"), "x": t("distillation.axis_wrong"), "y": t("distillation.axis_true"),
        "colour": t("distillation.axis_probability")}), key="distil_similarity",
        summary=t("distillation.similarity_summary", one_hot=f"{structure[0].mean:.3f}",
                  smoothed=f"{structure[1].mean:.3f}"))
    (a_true, a_wrong, a_p), (b_true, b_wrong, b_p) = (d.strongest_confusion(i) for i in range(2))
    st.markdown(t("distillation.similarity_reading", a_true=a_true, a_wrong=a_wrong, a_p=f"{a_p:.3f}", b_true=b_true,
                  b_wrong=b_wrong, b_p=f"{b_p:.3f}", uniform=f"{d.uniform_share:.3f}"))
    verdicts(d)
    results_table(d)
    hidden = " × ".join(map(str, core.distillation.STUDENT_HIDDEN))
    with st.expander(t("distillation.method_title"), icon=":material/info:"):
        st.markdown(t("distillation.method", hidden=hidden,
                      epochs=settings.epochs, student_epochs=settings.student_epochs, train=settings.train_size))
    with st.expander(t("distillation.differs_title"), icon=":material/compare:"):
        st.markdown(t("distillation.differs", hidden=hidden))
    write_to_url(PARAMS)


main()
