"""Distillation: does a smoothed teacher distil worse (Müller, Kornblith & Hinton 2019)? Tested on the digits
with controls, along the temperature axis, with 95 % t-intervals and a 20-seed reference beside the live run.
Every sentence is chosen by a named function of lsr_core.distillation (the page has no `if` of its own about
what was measured)."""

import streamlit as st

import lsr_core as core

from pages.ui import charts, compute, prompts, widgets
from pages.ui.figures import distillation as distillation_figures
from pages.ui.formatting import points
from pages.ui.i18n import t
from pages.ui.params import Param, one_of
from pages.ui.shell import begin_page
from pages.ui.url_state import write_to_url

D = core.distillation
TEMPERATURES = D.TEMPERATURES
SEED_COUNTS = (3, 5, 8)
EPS_CHOICES = (0.05, 0.1, 0.2, 0.3, 0.5)
PARAMS = (
    Param("distil_eps", "eps", 0.1, one_of(EPS_CHOICES), " | ".join(map(str, EPS_CHOICES)), label="controls.eps"),
    Param("distil_conv", "conv", "uniform", one_of(widgets.PRIORS), "uniform | others", label="controls.conv"),
    Param("distil_T", "T", 4.0, one_of(TEMPERATURES), "1 | 2 | 4 | 8",
          label="distillation.temperature"),
    Param("distil_seeds", "seeds", 5, one_of(SEED_COUNTS), "3 | 5 | 8", label="distillation.seeds"),
)


def controls(references) -> tuple[core.DistillationSettings, object]:
    """Applied together by the form's button: a change of ε, convention or seeds trains again (seeds already
    trained at these settings are reused). The temperature is a view: every T is trained in every run. Returns
    the settings and the stored reference shown beside them (the one at these settings, else the first), whose
    presets are drawn under the form."""
    with widgets.controls_box():
        with st.form("distil_form", border=not charts.presenting()):
            c1, c2, c3 = st.columns([3, 3, 2])
            eps = c1.select_slider(t("controls.eps"), EPS_CHOICES, key="distil_eps", help=t("distillation.eps_help"),
                                   persist_state="session")
            prior = widgets.convention_radio(c2, "distil")
            seeds = c3.select_slider(t("distillation.seeds"), SEED_COUNTS, key="distil_seeds",
                                     help=t("distillation.seeds_help"), persist_state="session")
            st.form_submit_button(t("distillation.train"), type="primary", icon=":material/school:")
        settings = core.DistillationSettings(eps=float(eps), seeds=int(seeds), prior=prior)
        reference = D.find_reference(references, settings) or (references[0] if references else None)
        presets(reference)
    return settings, reference


def _apply_preset(eps: float, prior: str, temperature: float) -> None:
    st.session_state["distil_eps"] = eps
    st.session_state["distil_conv"] = prior
    st.session_state["distil_T"] = temperature


def presets(reference) -> None:
    """"Where the finding shows" and "where it does not": temperatures chosen from what the 20-seed reference
    measured (`lsr_core.distillation.reference_presets`, stored with the reference), never tuned."""
    if reference is None:
        return
    chosen = [(name, reference.presets.get(name)) for name in ("shows", "absent")]
    columns = st.columns(len(chosen))
    s = reference.settings
    for column, (name, temperature) in zip(columns, chosen):
        if temperature is None:
            column.caption(t(f"distillation.preset_none.{name}", seeds=reference.count))
            continue
        column.button(t(f"distillation.preset.{name}", T=f"{temperature:g}", eps=f"{s.eps:g}"), key=f"distil_preset_{name}",
                      on_click=_apply_preset, args=(s.eps, s.prior, float(temperature)),
                      help=t("distillation.preset_help", seeds=reference.count), width="stretch")


def _interval(i: D.Interval, percent: bool) -> dict:
    """An interval's numbers as the sentences print them: accuracy in points, other measures as they are."""
    if percent:
        return {"diff": points(i.mean, 2, signed=True), "low": points(i.low, 2, signed=True),
                "high": points(i.high, 2, signed=True)}
    return {"diff": f"{i.mean:+.3f}", "low": f"{i.low:+.3f}", "high": f"{i.high:+.3f}"}


def _cell_interval(i: D.Interval, percent: bool) -> str:
    v = _interval(i, percent)
    return f"{v['diff']} [{v['low']}, {v['high']}]"


def _cell_spread(e: core.Estimate, percent: bool) -> str:
    """mean ± standard deviation over seeds (the spread of single runs); accuracies in percentage points."""
    if percent:
        return f"{points(e.mean)} ± {points(e.std)}"
    return f"{e.mean:.3f} ± {e.std:.3f}"


def headline(d: core.Distillation, temperature: float) -> None:
    """Whether this toy shows the paper's finding at this temperature (`Distillation.paper_case`), with the
    effect, its 95 % interval and the seed count; fewer than 5 seeds are labelled exploratory."""
    case = d.paper_case(temperature)
    notice = {"yes": st.success, "opposite": st.warning, "unclear": st.info}[case]
    text = t(f"distillation.paper.{case}", seeds=d.count, T=f"{temperature:g}",
             **_interval(d.difference("student_accuracy", temperature), True))
    evidence = t(f"distillation.evidence.{D.evidence_case(d.count)}", seeds=d.count)
    notice(t("distillation.headline", evidence=evidence, text=text), icon=":material/science:")


def temperature_picture(d: core.Distillation, reference) -> None:
    """The main picture: the paired accuracy difference against T, live and (at the same settings) the
    reference's, each with its 95 % interval; then the sentence `TemperatureAxis.case` chooses."""
    axis = d.temperature_axis
    drawn = reference if reference is not None and reference.matches(d.settings) else None
    fig = charts.built(distillation_figures.temperature_figure, axis.in_points(),
                       drawn.axis.in_points() if drawn else None, {
        "title": t("distillation.axis_title"), "x": t("distillation.axis_x"), "y": t("distillation.axis_y"),
        "live": t("distillation.axis_live", seeds=d.count),
        "reference": t("distillation.axis_reference", seeds=drawn.count if drawn else 0)})
    summary = t("distillation.axis_summary", seeds=d.count, values="; ".join(
        f"T = {temp:g}: {points(m, 2, signed=True)} [{points(lo, 2, signed=True)}, {points(hi, 2, signed=True)}]"
        for temp, m, lo, hi in zip(axis.temperatures, axis.mean, axis.low, axis.high)))
    charts.show(st, fig, key="distil_temperature", summary=summary)
    if drawn is not None:
        st.caption(t("distillation.axis_narrow", seeds=d.count, reference=drawn.count))
    elif reference is not None:
        st.caption(t("distillation.reference_other", eps=f"{reference.settings.eps:g}",
                     conv=t(f"conv.{reference.settings.prior}"), seeds=reference.count))
    listed = {v: ", ".join(f"{x:g}" for x in axis.where(v)) for v in ("lower", "higher", "unclear")}
    st.markdown(t(f"distillation.temperature_case.{axis.case}", seeds=d.count, **listed))


def control_sentences(d: core.Distillation, temperature: float) -> None:
    """Each teacher's benefit over the labels-only student (`benefit_case`), and the directly smoothed student's."""
    labels = d.control()[0]
    for index, teacher in enumerate(D.TEACHERS):
        benefit = d.benefit(index, temperature)
        st.markdown(t(f"distillation.benefit.{D.benefit_case(benefit.verdict)}", teacher=t(f"distillation.col_{teacher}"),
                      T=f"{temperature:g}", seeds=d.count, labels=points(labels.mean, 2), **_interval(benefit, True)))
    direct = d.direct_benefit
    st.markdown(t(f"distillation.direct.{D.benefit_case(direct.verdict)}", seeds=d.count, **_interval(direct, True)))


def students_table(d: core.Distillation, temperature: float) -> None:
    acc, nll, cal = d.control(), d.control("control_nll"), d.control("control_nll_calibrated")
    s_acc, s_nll, s_cal = (d.summary(name, temperature) for name in ("student_accuracy", "student_nll",
                                                                      "student_nll_calibrated"))
    rows = [(t("distillation.student.labels"), acc[0], None, nll[0], cal[0]),
            (t("distillation.student.direct"), acc[1], d.direct_benefit, nll[1], cal[1])]
    rows += [(t(f"distillation.student.{teacher}"), s_acc[i], d.benefit(i, temperature), s_nll[i], s_cal[i])
             for i, teacher in enumerate(D.TEACHERS)]
    st.table({t("distillation.col_student", T=f"{temperature:g}", seeds=d.count): [r[0] for r in rows],
              t("distillation.col_accuracy"): [_cell_spread(r[1], True) for r in rows],
              t("distillation.col_benefit", seeds=d.count): ["—" if r[2] is None else _cell_interval(r[2], True)
                                                             for r in rows],
              t("distillation.col_nll"): [_cell_spread(r[3], False) for r in rows],
              t("distillation.col_nll_calibrated"): [_cell_spread(r[4], False) for r in rows]}, hide_index=True)


TEACHER_ROWS = (("teacher_accuracy", True, False), ("teacher_nll", False, False), ("student_accuracy", True, True),
                ("student_nll_calibrated", False, True), ("structure", False, True), ("variation", False, True),
                ("information", False, False))


def teachers_table(d: core.Distillation, temperature: float) -> None:
    columns = {t("distillation.col_measure", seeds=d.count): [t(f"distillation.row.{row}") for row, _, _ in TEACHER_ROWS]}
    for index, teacher in enumerate(D.TEACHERS):
        columns[t(f"distillation.col_{teacher}")] = [
            _cell_spread(d.summary(row, temperature if at_t else None)[index], percent)
            for row, percent, at_t in TEACHER_ROWS]
    columns[t("distillation.col_difference", seeds=d.count)] = [_cell_interval(d.difference(row, temperature if at_t else None), percent)
                                                  for row, percent, at_t in TEACHER_ROWS]
    st.table(columns, hide_index=True)
    st.caption(t("distillation.table_caption", seeds=d.count, T=f"{temperature:g}"))


def measure_sentences(d: core.Distillation, temperature: float) -> None:
    """The NLL (`Distillation.nll_case`), the explanation (`Distillation.mechanism_case`) and the per-example
    information (`difference_verdict`), each a sentence chosen by the measured intervals."""
    raw, cal = d.summary("student_nll", temperature), d.summary("student_nll_calibrated", temperature)
    st.markdown(t(f"distillation.nll.{d.nll_case(temperature)}", T=f"{temperature:g}", seeds=d.count,
                  raw_one_hot=f"{raw[0].mean:.3f}", raw_smoothed=f"{raw[1].mean:.3f}",
                  cal_one_hot=f"{cal[0].mean:.3f}", cal_smoothed=f"{cal[1].mean:.3f}"))
    shape = d.summary("structure", temperature)
    st.markdown(t(f"distillation.mechanism.{d.mechanism_case(temperature)}", T=f"{temperature:g}", seeds=d.count,
                  one_hot=f"{shape[0].mean:.3f}", smoothed=f"{shape[1].mean:.3f}"))
    info, diff = d.summary("information"), d.difference("information")
    st.markdown(t(f"distillation.information.{diff.verdict}", seeds=d.count, one_hot=f"{info[0].mean:.3f}",
                  smoothed=f"{info[1].mean:.3f}", **_interval(diff, False)))


def heat_maps(d: core.Distillation, temperature: float) -> None:
    matrices = d.wrong_probabilities(temperature)
    true = d.true_probability(temperature)
    structure = d.summary("structure", temperature)
    charts.show(st, charts.built(distillation_figures.similarity_figure, matrices, {
        "title": t("distillation.similarity_title", T=f"{temperature:g}"), "one_hot": t("distillation.col_one_hot"),
        "smoothed": t("distillation.col_smoothed"), "x": t("distillation.axis_wrong"), "y": t("distillation.axis_true"),
        "colour": t("distillation.axis_probability")}), key="distil_similarity",
        summary=t("distillation.similarity_summary", T=f"{temperature:g}", seeds=d.count, top=f"{matrices.max():.4f}",
                  true_one_hot=f"{true[0]:.3f}", true_smoothed=f"{true[1]:.3f}",
                  one_hot=f"{structure[0].mean:.3f}", smoothed=f"{structure[1].mean:.3f}"))
    (a_true, a_wrong, a_p), (b_true, b_wrong, b_p) = (d.strongest_confusion(i, temperature) for i in range(2))
    st.markdown(t("distillation.similarity_reading", a_true=a_true, a_wrong=a_wrong, a_p=f"{a_p:.4f}",
                  a_uniform=f"{d.uniform_share(0, temperature):.4f}", b_true=b_true, b_wrong=b_wrong,
                  b_p=f"{b_p:.4f}", b_uniform=f"{d.uniform_share(1, temperature):.4f}"))


def reference_table(reference) -> None:
    """The stored many-seed reference, per temperature (what many seeds say, beside what this run says)."""
    if reference is None:
        st.caption(t("distillation.reference_missing"))
        return
    axis, s = reference.axis.in_points(), reference.settings
    st.markdown(t("distillation.reference_title", seeds=reference.count, eps=f"{s.eps:g}",
                  conv=t(f"conv.{s.prior}")))
    ticks = [f"{x:g}" for x in axis.temperatures]
    benefit = [[f"{100 * m:+.2f} [{100 * lo:+.2f}, {100 * hi:+.2f}]" for m, lo, hi in
                zip(reference.benefit_mean[:, i], reference.benefit_low[:, i], reference.benefit_high[:, i])]
               for i in range(2)]
    st.table({"T": ticks,
              t("distillation.col_difference", seeds=reference.count): [f"{m:+.2f} [{lo:+.2f}, {hi:+.2f}]" for m, lo, hi in
                                                 zip(axis.mean, axis.low, axis.high)],
              t("distillation.col_verdict"): [t(f"distillation.verdict_word.{v}") for v in axis.verdicts],
              t("distillation.col_benefit_one_hot"): benefit[0],
              t("distillation.col_benefit_smoothed"): benefit[1]}, hide_index=True)
    st.caption(t("distillation.reference_caption", seeds=reference.count, labels=f"{100 * reference.labels_accuracy:.2f}",
                 direct=f"{100 * reference.direct_benefit[0]:+.2f}"))


def main() -> None:
    begin_page("distillation", PARAMS)
    aside = widgets.UnderChartOnProjector()
    aside(prompts.show, "distillation")
    settings, reference = controls(compute.distillation_references())
    if widgets.digits_missing():
        write_to_url(PARAMS)
        return   # the shell still draws the navigation and the lesson links
    slot = widgets.work_slot()
    d = compute.distillation(settings, **widgets.heavy_work_callbacks(
        slot, t("distillation.progress_label"), compute.distillation_expected(settings)))
    slot.empty()
    # the temperature the text below describes: a view (its control is drawn under the picture; its value is
    # already in session state, seeded from the URL by begin_page)
    temperature = float(st.session_state.get("distil_T") or PARAMS[2].default)
    aside(headline, d, temperature)   # then the picture, so that it starts in the projector's first screen
    temperature_picture(d, reference)
    aside.flush()   # on the projector the finding follows the picture: the chart is whole in the first screen
    temperature = float(st.select_slider(t("distillation.temperature"), TEMPERATURES, key="distil_T",
                                         format_func=lambda v: f"{v:g}", help=t("distillation.temperature_help"),
                                         persist_state="session"))
    control_sentences(d, temperature)
    students_table(d, temperature)
    measure_sentences(d, temperature)
    teachers_table(d, temperature)
    heat_maps(d, temperature)
    reference_table(reference)
    hidden = " × ".join(map(str, D.STUDENT_HIDDEN))
    with st.expander(t("distillation.method_title"), icon=":material/info:"):
        st.markdown(t("distillation.method", hidden=hidden, epochs=settings.epochs, student_epochs=settings.student_epochs,
                      train=settings.train_size))
    with st.expander(t("distillation.differs_title"), icon=":material/compare:"):
        st.markdown(t("distillation.differs", hidden=hidden))
    write_to_url(PARAMS)


main()
