"""Watch the logits: one-hot targets drive them apart without end, smoothed targets settle."""

import streamlit as st

import lsr_core as core

from pages.ui import charts, compute, exports, figures, prompts, widgets
from pages.ui.formatting import count, number
from pages.ui.i18n import option_labels, t
from pages.ui.params import Param, float_in, int_in, one_of
from pages.ui.url_state import write_to_url
from pages.ui.shell import begin_page

INITS = ("zeros", "random")
RATES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
STEPS = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000)
PARAMS = widgets.scene_params("dyn", max_classes=1000) + (
    Param("dyn_lr", "lr", 1.0, one_of(RATES), ", ".join(map(str, RATES)), label="controls.lr"),
    Param("dyn_steps", "steps", 2000, one_of(STEPS), "10 … 100000", label="controls.steps"),
    Param("dyn_init", "init", "zeros", one_of(INITS), "zeros | random", label="controls.init"),
    Param("dyn_seed", "seed", 0, int_in(0, 9999), "0 … 9999", label="controls.seed"),
    Param("dyn_scale", "scale", 1.0, float_in(0.1, 5.0), "0.1 … 5", label="controls.scale"),
    # log steps by default: on a linear axis the one-hot gap looks as if it levels off, and the smoothed
    # run's approach is squeezed into the first pixels
    Param("dyn_logx", "logx", True, one_of((False, True)), "True | False", label="dynamics.log_steps"),
)


def controls() -> tuple[core.Scene, bool]:
    """Draw the controls; return the scene settings and whether the step axis is logarithmic."""
    with widgets.controls_box():
        num_classes, eps, prior = widgets.scene_controls("dyn", max_classes=1000)
        c4, c5, c6 = st.columns([3, 3, 2])
        lr = c4.select_slider(t("controls.lr"), RATES, key="dyn_lr", help=t("controls.lr_help"), persist_state="session")
        steps = c5.select_slider(t("controls.steps"), STEPS, key="dyn_steps", format_func=count,
                                 help=t("controls.steps_help"), persist_state="session")
        init = c6.radio(t("controls.init"), INITS, key="dyn_init", format_func=option_labels("init", INITS).get,
                        help=t("controls.init_help"), persist_state="session")
        seed, scale = 0, 1.0
        if init == "random":
            c7, c8, _ = st.columns([2, 3, 3])
            seed = c7.number_input(t("controls.seed"), min_value=0, max_value=9999, step=1, key="dyn_seed",
                                   persist_state="session")
            scale = c8.slider(t("controls.scale"), min_value=0.1, max_value=5.0, step=0.1, key="dyn_scale",
                              help=t("controls.scale_help"), persist_state="session")
        log_steps = st.toggle(t("dynamics.log_steps"), key="dyn_logx", help=t("dynamics.log_steps_help"),
                              persist_state="session")
    write_to_url(PARAMS)
    scene = core.Scene(num_classes=num_classes, eps=eps, prior=prior, lr=float(lr), steps=int(steps),
                       init=init, seed=int(seed), scale=float(scale))
    return scene, bool(log_steps)


def figure_texts() -> dict[str, dict[str, str]]:
    common = {"x": t("axis.step"), "one_hot": t("legend.one_hot"), "smoothed": t("legend.smoothed"),
              "run": t("dynamics.run"), "pause": t("dynamics.pause")}
    return {
        "gap": common | {"title": t("dynamics.gap_title"), "y": t("axis.gap_y"), "optimum": t("legend.optimum"),
                         "theory": t("legend.one_hot_theory")},
        "logits": common | {"title": t("dynamics.logits_title"), "y": t("axis.logit"), "true_logit": t("legend.true_logit"),
                            "wrong_mean": t("legend.wrong_mean"), "wrong_band": t("legend.wrong_band"),
                            "mean_logit": t("legend.mean_logit")},
        "prob": common | {"title": t("dynamics.prob_loss_title"), "y_prob": t("axis.p_true"), "y_loss": t("axis.loss"),
                          "target": t("legend.target"), "floor": t("legend.floor"),
                          "prob_title": t("dynamics.prob_title"), "loss_title": t("dynamics.loss_title")},
        "grad": common | {"title": t("dynamics.grad_title"), "y": t("axis.wrong_gradient")},
        "replay": common | {"title": t("dynamics.replay_title"), "logits_title": t("dynamics.replay_logits"),
                            "probs_title": t("dynamics.replay_probs"), "x": t("axis.class"), "y_logit": t("axis.logit"),
                            "y_prob": t("axis.probability"), "play": t("dynamics.play"), "pause": t("dynamics.pause"),
                            "step": t("axis.step")},
    }


def draw_charts(slots: dict, scene: core.Scene, texts: dict, log_steps: bool) -> None:
    """The finished scene's charts that have a slot (those in a closed tab have none), from the cache, with stable
    keys so the next scene updates them in place. The gap and logits charts carry their own Run: the browser draws
    the stored runs growing."""
    for kind in (kind for kind in figures.DYNAMICS_BUILDERS if kind in slots):
        charts.show(slots[kind], compute.dynamics_figure(kind, scene, compute.freeze(texts[kind]), log_steps),
                    key=f"dyn_chart_{kind}")



def chart_slot(parent, kind: str):
    """A fixed-height place for one chart (taller in presenter mode, where the figures are taller)."""
    # the replay, with its step slider, keeps its full presenter height (figures.for_presenter)
    height = figures.presenter_height(figures.HEIGHTS[kind], capped=kind != "replay") if charts.presenting() else figures.HEIGHTS[kind]
    return parent.container(height=height + 16, border=False).empty()


TABS_KEY = "dyn_tabs"   # the open tab of the folded story (session state holds its label)


BEHAVIOUR_NOTICES = {"damped": (st.info, ":material/waves:"), "swinging": (st.info, ":material/waves:"),
                     "cycle": (st.error, ":material/warning:"), "diverging": (st.error, ":material/warning:"),
                     "frozen": (st.warning, ":material/ac_unit:"), "unreachable": (st.warning, ":material/ac_unit:"),
                     "approaching": (st.info, ":material/hourglass_top:")}


def scene_messages(c) -> None:
    """Say what is special about this scene: its gap regime (`core.gap_regime`) and what the smoothed run's gap
    did (`core.claims.dynamics_sentences`: a damped or sustained oscillation, still on its way, stopped by float64)."""
    regime, gap = compute.gap_case(c.num_classes, c.eps, c.prior)
    if regime == "one_hot":
        st.info(t("dynamics.eps_zero"), icon=":material/all_inclusive:")
    elif regime != "favours_true":
        st.warning(t(f"dynamics.regime.{regime}", gap=number(gap),
                     boundary=number(compute.zero_gap_eps(c.num_classes, "others"), 4)), icon=":material/balance:")
    for sentence in core.claims.dynamics_sentences(c.num_classes, c.eps, c.prior, c.lr, c.steps, c.gap[:, 1],
                                                   c.wrong_logits_start_equal):
        v = dict(sentence.values)
        notice, icon = BEHAVIOUR_NOTICES[sentence.key.rsplit(".", 1)[1]]
        notice(t(sentence.key, lr=c.lr, optimum=number(v["optimum"]), reached=number(v["reached"]),
                 steps=count(int(v["steps"])), factor=number(v["factor"], 3), stall=number(v["stall"], 2),
                 reached_step=count(int(v["reached_step"]))), icon=icon)


def readouts(c, scene: core.Scene) -> None:
    limits = compute.float_limits(scene)
    f64, f32 = limits["float64"], limits["float32"]
    m1, m2, m3, m4 = widgets.metric_columns(4)
    if c.finite_optimum:
        m1.metric(t("dynamics.metric_smoothed_gap"), number(c.gap[-1, 1]),
                  help=t("dynamics.metric_smoothed_gap_help", optimum=number(c.optimal_gap), error=number(c.final_gap_error)))
        m1.caption(t("dynamics.metric_error", optimum=number(c.optimal_gap), error=number(c.final_gap_error)))
    else:
        m1.metric(t("dynamics.metric_smoothed_gap"), number(c.gap[-1, 1]))
        m1.caption(t("dynamics.metric_no_optimum"))
    reached = c.steps_to_tolerance
    m2.metric(t("dynamics.metric_tolerance"), count(reached) if reached is not None else "—")
    m2.caption(t("dynamics.metric_tolerance_note"))
    m3.metric(t("dynamics.metric_one_hot_gap"), number(c.gap[-1, 0]))
    m3.caption(t("dynamics.metric_one_hot_note", log=number(c.log_rate_time[-1]), theory=number(c.theory_gap[-1]),
                 lead=number(c.flow_lead)))
    # the whole story of the freeze in the metric's help; a one-line reading under it
    m4.metric(t("dynamics.metric_saturation"), "≈ " + number(f64.freeze_gap, 2),
              help=t("dynamics.metric_saturation_note", r64=number(f64.rounding_gap, 2), r32=number(f32.rounding_gap, 2),
                     f64=number(f64.freeze_gap, 2), s64=number(f64.steps_to_freeze, 0),
                     f32=number(f32.freeze_gap, 2), s32=number(f32.steps_to_freeze, 0)))
    m4.caption(t("dynamics.metric_saturation_short", r64=number(f64.rounding_gap, 2), f64=number(f64.freeze_gap, 2),
                 f32=number(f32.freeze_gap, 2)))


def results(scene: core.Scene, log_steps: bool, aside: widgets.UnderChartOnProjector) -> None:
    """Everything computed from the scene; the readouts describe the finished scene. What `aside` holds follows the
    two main charts on the projector."""
    texts = figure_texts()
    # bar, notice or hint: same height; on the projector the bar is pinned in view and the hint follows the charts
    progress = widgets.work_slot() if charts.presenting() else st.container(height=64, border=False).empty()
    result = compute.comparison(scene, **widgets.heavy_work_callbacks(
        progress, t("dynamics.computing"), compute.dynamics_expected(scene)))
    if charts.presenting():
        progress.empty()
        aside(st.caption, t("dynamics.run_hint", steps=count(scene.steps)))
    else:
        progress.caption(t("dynamics.run_hint", steps=count(scene.steps)))
    scene_messages(result)
    # fixed-height slots: while a chart is being replaced (a new scene), Streamlit briefly shows the old and
    # the new one together, which would otherwise push the page down and back up
    left, right = st.columns(2, gap="medium")
    slots = {"gap": chart_slot(left, "gap"), "logits": chart_slot(right, "logits")}
    aside.flush()
    readouts(result, scene)
    st.markdown(t("dynamics.explain_gap"))
    theory_case = "equal" if result.wrong_logits_start_equal else "unequal"
    st.markdown(t(f"dynamics.explain_theory.{theory_case}", lead=number(result.flow_lead)))
    # "(still growing)" for the one-hot gap needs no claim: it grows at every step until float64 freezes it, at a
    # gap ≥ 30.06 (`core.freeze_gap`, K = 2, η = 0.01), above every reachable start (≤ 29.5: seed 6711, scale 5,
    # K = 2) and above what 100,000 steps reach (≈ log(e^g0 + ηK·t))
    st.caption(t("summary.dynamics", steps=count(result.total_steps), one_hot=number(result.gap[-1, 0]),
                 smoothed=number(result.gap[-1, 1]), optimum=number(result.optimal_gap),
                 p_one_hot=number(result.p_true[-1, 0]), p_smoothed=number(result.p_true[-1, 1]),
                 grad_one_hot=number(result.wrong_gradient[-1, 0]), grad_smoothed=number(result.wrong_gradient[-1, 1])))
    # the rest of the story folded into tabs, so the main one fits in about two screens. Only the open tab is
    # drawn (a tab switch reruns the page): a new scene's hidden charts cost the server nothing (issue 26)
    confidence, gradient, replay_tab, home = st.tabs([t("dynamics.prob_loss_title"), t("dynamics.tab_gradient"),
                                                      t("dynamics.replay_heading"), t("export.title")],
                                                     key=TABS_KEY, on_change="rerun")
    if confidence.open:
        slots["prob"] = chart_slot(confidence, "prob")
    if gradient.open:
        left2, right2 = gradient.columns([3, 2], gap="medium")
        slots["grad"] = chart_slot(left2, "grad")
        with right2:
            st.markdown(t("dynamics.explain_gradient", floor=number(core.GRADIENT_FLOOR)))
            st.markdown(t("dynamics.explain_mean"))

    texts["gap"] = texts["gap"] | widgets.gap_chart_notes(result.optimal_gap)
    draw_charts(slots, scene, texts, log_steps)
    if replay_tab.open:
        replay_tab.caption(t("dynamics.replay_caption", shown=result.shown_classes.size, K=result.num_classes))
        replay = chart_slot(replay_tab, "replay")   # fixed height: the page below does not move while it is redrawn
        charts.show(replay, compute.dynamics_figure("replay", scene, compute.freeze(texts["replay"]), False),
                    key="dyn_replay")
    if home.open:
        with home:
            take_home(scene)


def take_home(scene: core.Scene) -> None:
    """The scene as a CSV of every recorded step, and as a PyTorch script to continue in a notebook."""
    c = compute.comparison(scene)
    left, right = st.columns([2, 5])
    charts.csv_download(left, lambda: exports.dynamics_columns(c), "label_smoothing_dynamics.csv", "dyn_csv")
    right.caption(t("export.dynamics_csv", records=count(c.steps.size)))
    with st.expander(t("export.pytorch_title"), icon=":material/code:"):
        st.caption(t("export.pytorch_help"))
        st.code(exports.pytorch_snippet(scene), language="python", wrap_lines=True)


def main() -> None:
    begin_page("dynamics", PARAMS)
    aside = widgets.UnderChartOnProjector()
    aside(prompts.show, "dynamics")
    scene, log_steps = controls()
    results(scene, log_steps, aside)


main()
