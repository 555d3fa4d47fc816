"""Train a real classifier twice, one-hot and smoothed: confidence, calibration, penultimate features."""

import streamlit as st

import lsr_core as core

from pages.ui import charts, compute, figures, predict, prompts, widgets
from pages.ui.formatting import measured, number, percent
from pages.ui.params import Param, float_in, int_in, one_of
from pages.ui.url_state import write_to_url
from pages.ui.i18n import option_labels, t
from pages.ui.shell import begin_page

TRAIN_SIZES = (50, 100, 200, 500, 1000, 2000, 5000)
EPOCHS = (10, 20, 40, 60, 100)
MAX_CLASSES = 10
PARAMS = widgets.scene_params("train", max_classes=MAX_CLASSES, default_classes=5, min_classes=3) + (
    Param("train_overlap", "overlap", 0.4, float_in(0.1, 1.5), "0.1 … 1.5", label="training.overlap"),
    Param("train_noise", "noise", 0.0, float_in(0.0, 0.5), "0 … 0.5", label="training.noise"),
    Param("train_size", "n", 1000, one_of(TRAIN_SIZES), " | ".join(map(str, TRAIN_SIZES)), label="training.size"),
    Param("train_epochs", "epochs", 60, one_of(EPOCHS), " | ".join(map(str, EPOCHS)), label="training.epochs"),
    Param("train_seed", "seed", 0, int_in(0, 9999), "0 … 9999", label="controls.seed"),
    Param("train_data", "data", "clusters", one_of(core.DATA_SOURCES), " | ".join(core.DATA_SOURCES), label="training.data"),
    Param("train_predict", "predict", False, one_of((False, True)), "True | False", label="predict.toggle"),
)
ECE_CHANGES = core.regimes.ECE_CHANGES   # the answers, as core.ece_change names them
RUN_NAMES = ("one_hot", "smoothed")
HEAVY_NOISE = 0.3   # label noise from which the page says how many training labels were flipped
SPLITS = ("train", "test")


def controls() -> core.ExperimentSettings:
    """The experiment's settings, applied together by the form's button (each change retrains); the data
    choice outside the form, since it changes which controls apply (the digits fix K and the overlap)."""
    with widgets.controls_box():
        data = st.radio(t("training.data"), core.DATA_SOURCES, key="train_data", horizontal=True,
                        format_func=option_labels("training.source", core.DATA_SOURCES).get, help=t("training.data_help"),
                        persist_state="session")
        digits = data == "digits"
        with st.form("train_form", border=not charts.presenting()):
            settings, size = form(data, digits)
        st.toggle(t("predict.toggle"), key="train_predict", help=t("predict.toggle_help"), persist_state="session")
    if settings.train_size != size:
        st.caption(t("training.digits_size", used=f"{settings.train_size:,}"))
    return settings


def form(data: str, digits: bool) -> tuple[core.ExperimentSettings, int]:
    """The form's controls; the settings (`ExperimentSettings.make`) and the training size asked for."""
    c0, c01, c02 = st.columns([2, 3, 3])
    if digits:
        c0.markdown(t("training.digits_K"))
        num_classes = core.DIGIT_CLASSES
    else:
        num_classes = widgets.classes_input(c0, "train", MAX_CLASSES, min_classes=3)
    eps, prior = widgets.eps_slider(c01, "train"), widgets.convention_radio(c02, "train", horizontal=True)
    c1, c2, c3, c4, c5 = st.columns([3, 3, 3, 3, 2])
    if digits:
        c1.caption(t("training.digits_overlap"))
        overlap = core.DEFAULT_OVERLAP
    else:
        overlap = c1.slider(t("training.overlap"), 0.1, 1.5, step=0.05, key="train_overlap",
                            help=t("training.overlap_help"), persist_state="session")
    noise = c2.slider(t("training.noise"), 0.0, 0.5, step=0.05, key="train_noise",
                      help=t("training.noise_help"), persist_state="session")
    validation, test = core.split_sizes(data)
    most = min(TRAIN_SIZES[-1], core.digits.DIGITS_TRAIN_MAX) if digits else TRAIN_SIZES[-1]   # digits: capped
    seconds = core.cost.training_seconds(most, EPOCHS[-1])
    size = c3.select_slider(t("training.size"), TRAIN_SIZES, key="train_size", help=t(
        f"training.size_help.{data}", seconds=f"{seconds:.1f}" if seconds < 10 else f"{seconds:.0f}",
        val=f"{validation:,}", test=f"{test:,}", most=f"{most:,}"), persist_state="session")
    epochs = c4.select_slider(t("training.epochs"), EPOCHS, key="train_epochs", help=t("training.epochs_help"),
                              persist_state="session")
    seed = c5.number_input(t("controls.seed"), 0, 9999, step=1, key="train_seed", persist_state="session")
    st.form_submit_button(t("training.train"), type="primary", icon=":material/model_training:")
    settings = core.ExperimentSettings.make(data, num_classes=num_classes, overlap=float(overlap), noise=float(noise),
                                            train_size=int(size), seed=int(seed), eps=eps, prior=prior, epochs=int(epochs))
    return settings, int(size)


def train(settings: core.ExperimentSettings):
    """The experiment from the store, or trained now behind a progress bar (shared and queued: see compute)."""
    slot = widgets.work_slot()
    seconds = compute.training_expected(settings)   # at this server's measured speed
    experiment = compute.experiment(settings, **widgets.heavy_work_callbacks(slot, t("training.progress_label"), seconds))
    slot.empty()
    return experiment


def notices(e, settings: core.ExperimentSettings) -> None:
    num_classes, eps, prior = settings.num_classes, settings.eps, settings.prior
    regime = core.gap_regime(num_classes, eps, prior)
    if regime == "one_hot":
        st.info(t("training.eps_zero"), icon=":material/info:")
    elif regime != "favours_true":
        # no_preference's "at chance up to noise" needs no claim: every label gets the same target, so the smoothed
        # model's answers do not depend on the labels. "excludes_true" (eps = 1, eps/(K-1)) is the far end of "favours_wrong": the same sentence is true
        targets = compute.target_vectors(num_classes, eps, prior)[1]
        text = t(f"training.regime.{'no_preference' if regime == 'no_preference' else 'favours_wrong'}",
                 eps=f"{eps:.2f}", chance=number(settings.chance, 3), true=number(targets[0], 3),
                 wrong=number(targets[1], 3), boundary=number(compute.zero_gap_eps(num_classes, "others"), 4))
        # below chance or not, as the table shows it (core.claims.wrong_accuracy_sentence)
        measured = core.claims.wrong_accuracy_sentence(num_classes, eps, prior, e.smoothed.metrics.test_accuracy, 3)
        if measured is not None:
            text += " " + t(measured.key, accuracy=f"{e.smoothed.metrics.test_accuracy:.3f}")
        st.warning(text, icon=":material/balance:")
    if settings.tiny_data:
        st.warning(t("training.tiny_data", per_class=number(settings.examples_per_class, 0)), icon=":material/warning:")
    if settings.noise >= HEAVY_NOISE:
        st.info(t("training.heavy_noise", percent=percent(settings.noise), flipped=e.data.flipped,
                  n=settings.train_size), icon=":material/shuffle:")
    near = core.claims.near_chance_sentence(num_classes, e.one_hot.metrics.test_accuracy)
    if near is not None:
        st.warning(t(near.key, chance=number(settings.chance, 2), accuracy=f"{e.one_hot.metrics.test_accuracy:.3f}"),
                   icon=":material/blur_on:")


def ece_question(e, settings: core.ExperimentSettings) -> predict.Question:
    """Whether the smoothed model's test ECE is lower than the one-hot model's (`core.ece_change`, on the ECEs as
    the table shows them, 3 decimals)."""
    one_hot, smoothed = e.one_hot.metrics.ece, e.smoothed.metrics.ece
    item = predict.Item("ece", t("predict.train.item"), core.ece_change(one_hot, smoothed, 3),
                        t("predict.train.value", smoothed=f"{smoothed:.3f}", one_hot=f"{one_hot:.3f}"))
    return predict.Question("training", "train", t("predict.train.prompt"), ECE_CHANGES,
                            option_labels("predict.train", ECE_CHANGES), (item,), (settings,))


def metrics_section(e, settings: core.ExperimentSettings) -> None:
    st.subheader(t("training.metrics_title"))
    runs = {"one_hot": e.one_hot.metrics, "smoothed": e.smoothed.metrics, "temperature": e.temperature_metrics}
    header = {"one_hot": t("legend.one_hot"), "smoothed": t("training.smoothed_eps", eps=f"{e.eps:.2f}"),
              "temperature": t("training.temperature_column", T=f"{e.temperature:.2f}")}
    rows = ("train_accuracy", "test_accuracy", "test_nll", "mean_confidence", "ece")
    table = {t("training.metric"): [t(f"training.metric_{row}") for row in rows]}
    for name, metrics in runs.items():
        table[header[name]] = [f"{getattr(metrics, row):.3f}" for row in rows]
    st.table(table, hide_index=True)
    st.caption(t("training.metrics_caption", val=f"{settings.validation_size:,}"))


def calibration_section(e, views: dict, settings: core.ExperimentSettings, aside: widgets.UnderChartOnProjector) -> None:
    """The reliability diagrams, the page's main picture (what `aside` holds is drawn under them on the projector)."""
    st.subheader(t("training.calibration_title"))
    aside(st.markdown, t("training.calibration_lead"))
    columns = st.columns(2, gap="medium")
    for column, name, run in zip(columns, RUN_NAMES, (e.one_hot, e.smoothed)):
        rel = views["reliability"][name]
        charts.show(column, charts.built(figures.reliability_figure, rel, name, _reliability_text(
            t("training.reliability_chart", run=t(f"legend.{name}"), ece=f"{rel.ece:.3f}"))),
            key=f"train_reliability_{name}",
            summary=t("training.reliability_summary", run=t(f"legend.{name}"), ece=f"{rel.ece:.3f}",
                      confidence=f"{run.metrics.mean_confidence:.3f}", accuracy=f"{run.metrics.test_accuracy:.3f}"))
    aside.flush()
    with st.expander(t("training.temperature_title"), icon=":material/thermostat:"):
        rel = views["reliability"]["temperature"]
        left, right = st.columns(2, gap="medium")
        explanation = temperature_explanation(e.temperature, e.one_hot.metrics.ece, rel.ece, e.smoothed.metrics.ece,
                                              settings.validation_size, e.eps)
        left.markdown(explanation)
        charts.show(right, charts.built(figures.reliability_figure, rel, "temperature", _reliability_text(
            t("training.reliability_temperature_chart", T=f"{e.temperature:.2f}", ece=f"{rel.ece:.3f}"))),
            key="train_reliability_temperature", visible=False, summary=explanation)


def temperature_explanation(temperature: float, ece_before: float, ece_after: float, ece_smoothed: float,
                            validation: int, eps: float) -> str:
    """The temperature paragraph, its sentences chosen by `core.temperature_effect` and `core.ece_change`
    on the numbers as shown (T to 2 decimals, ECE to 3), and what smoothing did to the ECE by
    `core.claims.smoothing_ece_sentence` (nothing at ε = 0); T was fitted on `validation` examples."""
    shown_t, before, after = f"{temperature:.2f}", f"{ece_before:.3f}", f"{ece_after:.3f}"
    effect, change = core.claims.temperature_sentences(temperature, ece_before, ece_after)
    smoothing = core.claims.smoothing_ece_sentence(eps, ece_before, ece_smoothed, 3)
    return " ".join((t("training.temperature_intro", val=f"{validation:,}"),
                     t(effect.key, T=shown_t), t(change.key, before=before, after=after),
                     t(smoothing.key, one_hot=before, smoothed=f"{ece_smoothed:.3f}"))) + "\n\n" + t("training.temperature_outro")


def _reliability_text(title: str) -> dict[str, str]:
    return {"title": title, "x": t("training.axis_confidence"), "y_accuracy": t("training.axis_accuracy"),
            "y_count": t("training.axis_count"), "accuracy": t("training.legend_accuracy"),
            "confidence": t("training.legend_confidence"), "diagonal": t("training.legend_diagonal"),
            "count": t("training.axis_count")}


def curves_section(e) -> None:
    st.subheader(t("training.curves_title"))
    charts.show(st, charts.built(figures.learning_curves_figure, {"one_hot": e.one_hot, "smoothed": e.smoothed}, {
        "title": t("training.curves_chart"), "x": t("training.axis_epoch"), "loss": t("training.axis_nll"),
        "accuracy": t("training.axis_accuracy"), "one_hot": t("legend.one_hot"), "smoothed": t("legend.smoothed"),
        "train": t("training.train_split"), "test": t("training.test_split")}), key="train_curves",
        summary=t("training.curves_summary",
                  best_one_hot=f"{e.one_hot.best_test_loss:.3f}", last_one_hot=f"{e.one_hot.final_test_loss:.3f}",
                  best_smoothed=f"{e.smoothed.best_test_loss:.3f}", last_smoothed=f"{e.smoothed.final_test_loss:.3f}"))
    charts.csv_download(st, lambda: {"epoch": e.one_hot.epochs} | {
        f"{field}_{name}": getattr(run, field) for name, run in (("one_hot", e.one_hot), ("smoothed", e.smoothed))
        for field in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")},
        "label_smoothing_training_curves.csv", "train_csv")


def features_section(settings: core.ExperimentSettings) -> None:
    st.subheader(t("training.features_title"))
    st.markdown(t("training.features_lead"))
    options = list(range(settings.num_classes))
    if any(c not in options for c in st.session_state.setdefault("train_classes", [0, 1, 2])):
        st.session_state["train_classes"] = [0, 1, 2]   # the class count shrank below a chosen class
    left, right = st.columns([3, 2])
    chosen = left.multiselect(t("training.pick_classes"), options, max_selections=3,
                              key="train_classes", help=t("training.pick_classes_help"))
    split = right.radio(t("training.points_from"), SPLITS, key="train_split", horizontal=True,
                        format_func=option_labels("training.split", SPLITS).get, help=t("training.points_from_help"))
    if len(chosen) != 3:
        st.info(t("training.pick_three"), icon=":material/touch_app:")
        return
    projections = compute.template_projections(settings, tuple(sorted(chosen)), split)
    columns = st.columns(2, gap="medium")
    spreads = []
    for column, name in zip(columns, RUN_NAMES):
        spread, unevenness = projections[name].cluster_shape()
        spreads.append(spread)
        charts.show(column, charts.built(figures.projection_figure, projections[name], {
            "title": t("training.projection_chart", run=t(f"legend.{name}")), "x": t("training.axis_plane_x"),
            "y": t("training.axis_plane_y"), "class": t("training.class_k", k="{k}")}),   # the builder fills in k
            key=f"train_projection_{name}", summary=t("training.shape_summary", run=t(f"legend.{name}"),
                                                       spread=measured(spread), unevenness=measured(unevenness)))
    # tighter or not, measured on the spreads as shown (core.claims.spread_sentence)
    st.markdown(t(core.claims.spread_sentence(*spreads, 2).key, one_hot=number(spreads[0], 2),
                  smoothed=number(spreads[1], 2)))
    st.caption(t("training.features_summary"))


def gaps_section(e, views: dict) -> None:
    st.subheader(t("training.gaps_title"))
    regime, optimum = compute.gap_case(e.data.num_classes, e.eps, e.prior)
    gaps = views["gaps"]
    # the reading follows the measured percentiles, as shown (core.claims.gaps_sentences)
    reading = " ".join(t(s.key, optimum=number(optimum, 2), p95_one_hot=number(gaps.p95[0], 2),
                         p95_smoothed=number(gaps.p95[1], 2), p5_smoothed=number(gaps.p5[1], 2))
                       for s in core.claims.gaps_sentences(e.data.num_classes, e.eps, e.prior, gaps.p5, gaps.p95, 2))
    charts.show(st, charts.built(figures.gap_histogram_figure, gaps.histogram, optimum, {
        "title": t("training.gaps_chart"), "x": t("training.axis_test_gap"), "y": t("training.axis_examples"),
        "one_hot": t("legend.one_hot"), "smoothed": t("training.smoothed_eps", eps=f"{e.eps:.2f}"),
        "optimum": t("legend.optimum")}), key="train_gaps",
        summary=t("training.gaps_summary", median_one_hot=number(gaps.medians[0], 2),
                 median_smoothed=number(gaps.medians[1], 2), p95_one_hot=number(gaps.p95[0], 2),
                 p95_smoothed=number(gaps.p95[1], 2),
                 optimum=number(optimum, 2)) + " " + reading)


def mistakes_section(settings: core.ExperimentSettings) -> None:
    """A few test digits the one-hot model misread with high confidence, and the smoothed model's view of them."""
    st.subheader(t("training.mistakes_title"))
    m = compute.confident_mistakes(settings)
    lead = core.claims.mistakes_sentence(m.one_hot_confidence, 2)   # "very sure" only if every one shown is
    if m.index.size == 0:
        st.info(t(lead.key), icon=":material/check_circle:")
        return
    st.markdown(t(lead.key, lowest=f"{m.one_hot_range[0]:.2f}", highest=f"{m.one_hot_range[1]:.2f}"))
    labels = [t("training.mistake_label", true=int(m.true[i]), one_hot=int(m.one_hot_class[i]),
                p_one_hot=f"{m.one_hot_confidence[i]:.2f}", smoothed=int(m.smoothed_class[i]),
                p_smoothed=f"{m.smoothed_confidence[i]:.2f}") for i in range(m.index.size)]
    (lowest, highest), (low_smoothed, high_smoothed) = m.one_hot_range, m.smoothed_range
    summary = t("training.mistakes_summary", count=m.index.size, lowest=f"{lowest:.2f}", highest=f"{highest:.2f}",
                right=m.smoothed_right, low_smoothed=f"{low_smoothed:.2f}", high_smoothed=f"{high_smoothed:.2f}")
    charts.show(st, charts.built(figures.digits_figure, m.images, labels), key="train_mistakes", summary=summary)


def main() -> None:
    begin_page("training", PARAMS)
    aside = widgets.UnderChartOnProjector()
    aside(prompts.show, "training")
    settings = controls()
    if settings.data == "digits" and widgets.digits_missing():
        write_to_url(PARAMS)
        return   # the shell still draws the navigation and the lesson links
    e = train(settings)
    notices(e, settings)
    views = compute.training_views(settings)
    guess = ece_question(e, settings) if st.session_state.get("train_predict") else None
    if guess is not None and not predict.revealed("train"):
        predict.ask(guess)   # the calibration is shown once revealed
        st.caption(t("predict.train.hidden"))
    else:
        if guess is not None:
            predict.show_feedback(guess)
        calibration_section(e, views, settings, aside)   # the reliability diagrams first: the page's main picture
        metrics_section(e, settings)
    aside.flush()
    # the rest folded into tabs, so the main story (calibration and the numbers) fits in about two screens;
    # on the digits, the confident mistakes come first
    names = ("mistakes",) * (settings.data == "digits") + ("curves", "features", "gaps", "paper")
    tabs = dict(zip(names, st.tabs([t(f"training.tab_{name}") for name in names])))
    if "mistakes" in tabs:
        with tabs["mistakes"]:
            mistakes_section(settings)
    curves, features, gaps, paper = (tabs[name] for name in names[-4:])
    with curves:
        curves_section(e)
    with features:
        features_section(settings)
    with gaps:
        gaps_section(e, views)
    with paper:
        st.subheader(t("training.paper_title"))
        st.markdown(t("training.paper_text"))
        st.markdown(t(f"training.paper_toy.{settings.data}", test=f"{settings.test_size:,}"))
    write_to_url(PARAMS)


main()
