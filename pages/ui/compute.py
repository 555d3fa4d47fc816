"""Cached calls into `lsr_core`: hashable arguments in, arrays or frozen dataclasses out.

Each cache is bounded, shared across sessions, and reads no globals, so equal settings never
recompute and memory stays bounded however many scenes a class explores. The bound is on size, not
only on entry counts (issue 15): every `st.cache_data` entry counts against `server.maxCacheDataSize`
(.streamlit/config.toml, 64 MB, least recently used evicted first); the `st.cache_resource` stores,
which are not serialised, hold few entries and expire after RESOURCE_TTL; see `RESOURCE_BUDGET_MB`.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import lsr_core as core
from lsr_core import conventions

from . import charts, figures, heavy

RESOURCE_TTL = 900   # seconds: a class moves on; a stored scene nobody asked for in 15 minutes is dropped
# the largest entries of each st.cache_resource store times their max_entries, in MB (bench/memory.py measures
# the whole server): 16 comparisons × 0.5 + 40 figures × 1.7 (a figure and what is sent of it, plain and presenter:
# 8 scenes of the dynamics page's 5 charts) + 4 experiments × 12 + SymPy ≈ 135 MB at most
RESOURCE_BUDGET_MB = 135
CHART_RECORDS = 600  # points per curve: more than a chart's pixel width can show, small to send


@st.cache_data(max_entries=256, show_spinner=False)
def target_vectors(num_classes: int, eps: float, prior: str) -> tuple[np.ndarray, np.ndarray]:
    """(one-hot, smoothed) targets for class 0."""
    return core.one_hot(0, num_classes), core.smooth_targets(0, num_classes, eps, prior)


@st.cache_data(max_entries=256, show_spinner=False)
def optimal_gap(num_classes: int, eps: float, prior: str) -> float:
    """The optimal gap as shown: exactly 0 at the no-preference boundary (`core.scene_optimal_gap`)."""
    return core.scene_optimal_gap(num_classes, eps, prior)


def gap_case(num_classes: int, eps: float, prior: str) -> tuple[str, float]:
    """(`core.gap_regime`, the optimal gap as shown) for a scene: which sentence, and its number."""
    return core.gap_regime(num_classes, eps, prior), optimal_gap(num_classes, eps, prior)


zero_gap_eps = core.zero_gap_eps


# ---------------------------------------------------------------- heavy work
# Estimated from this server's measured speed, shared between sessions and queued: all in `heavy.py`.

_NotCached, _quiet, shared = heavy.NotCached, heavy.quiet, heavy.shared


@st.cache_resource(max_entries=16, ttl=RESOURCE_TTL, show_spinner=False)
def _stored_comparison(scene: core.Scene, _result=None):
    """A bounded store of finished dynamics scenes, keyed by settings only: called without `_result` it
    returns the stored one or raises (exceptions are not cached); called with it, it stores it."""
    if _result is None:
        raise _NotCached
    return _result


def dynamics_cost(scene: core.Scene) -> float:
    """The constants' estimate (`lsr_core.cost`), which `heavy.Speed` scales by this server's measured speed."""
    return core.cost.dynamics_seconds(scene.num_classes, scene.steps)


def dynamics_expected(scene: core.Scene) -> float:
    """The seconds a page tells the user: the estimate at this server's measured speed for dynamics scenes."""
    return heavy.expected_seconds(_stored_comparison.__name__, dynamics_cost(scene))


def comparison(scene: core.Scene, on_progress=_quiet, on_wait=_quiet) -> core.Comparison:
    """Both runs of the dynamics page, reduced for display (small: no (R, K) arrays are kept), shared and
    queued as `shared` describes; `on_progress(fraction)` between pieces of the work."""

    def work(progress):
        for fraction, result in core.compare_runs_in_chunks(scene.num_classes, scene.eps, scene.prior, scene.lr,
                                                            scene.steps, scene.start()):
            progress(fraction)
        return result

    return shared(_stored_comparison, scene, work, dynamics_cost(scene), on_progress, on_wait)


@st.cache_data(max_entries=64, show_spinner=False)
def float_limits(scene: core.Scene) -> dict[str, core.FloatLimits]:
    """Per float type: where p_true rounds to 1, where this code's one-hot run freezes, and when."""
    c = comparison(scene)
    return {name: c.float_limits(dtype) for name, dtype in (("float64", np.float64), ("float32", np.float32))}


def freeze(texts: dict[str, str]) -> tuple:
    """A dict of label texts as a hashable cache key."""
    return tuple(sorted(texts.items()))


@st.cache_resource(max_entries=40, ttl=RESOURCE_TTL, show_spinner=False)
def dynamics_figure(kind: str, scene: core.Scene, texts: tuple, log_steps: bool):
    """A finished dynamics-page figure for one scene, language and axis choice.

    Figure building (Plotly validation) costs more than the cached computation, so finished figures
    are kept too; `st.cache_resource` hands out the same object, which Streamlit only reads.
    """
    c = comparison(scene)
    # building a figure is part of a scene's cost: timed into the same kind of work as the runs (`heavy.Speed`)
    with heavy.timed(_stored_comparison.__name__, dynamics_cost(scene), part=f"figure {kind}"):
        if kind == "replay":
            return charts.Prepared(figures.replay_figure(c, dict(texts)))
        return charts.Prepared(figures.DYNAMICS_BUILDERS[kind](c.thinned(CHART_RECORDS, log_steps), dict(texts), log_steps))


# ---------------------------------------------------------------- derivation page
# SymPy results are shared by every session as they are (cache_resource: nothing to copy or pickle)

@st.cache_resource(max_entries=8, show_spinner=False)
def gradient_derivation(num_classes: int):
    return core.gradient_derivation(num_classes)


@st.cache_resource(max_entries=2, show_spinner=False)
def optimum_derivation(prior: str):
    return core.optimum_derivation(prior)


@st.cache_resource(max_entries=1, show_spinner=False)
def regulariser_identity():
    return core.regulariser_identity()


@st.cache_data(max_entries=64, show_spinner=False)
def gradient_check(num_classes: int, seed: int, eps: float, prior: str) -> core.GradientCheck:
    return core.gradient_check(num_classes, seed, eps, prior)


@st.cache_data(max_entries=16, show_spinner=False)
def optimum_check(prior: str, cases: tuple[tuple[int, float], ...]) -> core.OptimumCheck:
    return core.optimum_check(prior, cases, optimum_derivation(prior))   # the page's derivation, not a second one


# ---------------------------------------------------------------- conventions and regulariser pages

@st.cache_data(max_entries=64, show_spinner=False)
def library_table(num_classes: int, eps: float):
    return core.library_table(num_classes, eps)


@st.cache_data(max_entries=64, show_spinner=False)
def errata(num_classes: int, eps: float) -> dict:
    """The five errata's numbers for this (K, eps); alpha = 2 for the shift example."""
    return {
        "alpha": conventions.alpha_inside_log(num_classes, eps, 2.0),
        "q_inside": conventions.q_inside_log(num_classes, eps),
        "code": conventions.formula_versus_code(num_classes, eps),
        "constant": constant_erratum(num_classes),
        "split": conventions.loss_split(num_classes, eps),
    }


@st.cache_data(max_entries=64, show_spinner=False)
def constant_erratum(num_classes: int):
    """The "true logit is a constant" erratum depends on K alone, and is the errata's one costly part (~60 ms of
    descent): cached by K, so a new ε on Conventions does not run it again."""
    return conventions.true_logit_is_not_constant(num_classes)


@st.cache_data(max_entries=64, show_spinner=False)
def equivalent(eps: float, num_classes: int, from_prior: str) -> float | None:
    """The eps of the other convention giving the same targets, or None if there is none."""
    to_prior = "others" if from_prior == "uniform" else "uniform"
    try:
        return core.equivalent_eps(eps, num_classes, from_prior, to_prior)
    except ValueError:
        return None


@st.cache_data(max_entries=64, show_spinner=False)
def regulariser_terms(num_classes: int, eps: float, prior: str):
    return core.regulariser_terms(num_classes, eps, prior, np.linspace(-5.0, 15.0, 401))


@st.cache_data(max_entries=64, show_spinner=False)
def label_dropout(num_classes: int, eps: float, prior: str, gap: float, draws: int, seed: int):
    return core.label_dropout(core.logits_with_gap(num_classes, gap), 0, eps, prior, max_draws=draws, seed=seed)


# ---------------------------------------------------------------- softmax by hand

@st.cache_data(max_entries=256, show_spinner=False)
def by_hand(logits: tuple[float, ...], label: int, eps: float, prior: str) -> core.HandExample:
    """Everything the by-hand page shows for one set of logits."""
    return core.by_hand(logits, label, eps, prior)


@st.cache_data(max_entries=64, show_spinner=False)
def landscape(eps: float, prior: str, start: tuple[float, float], lr: float, steps: int):
    return core.loss_landscape(eps, prior, start, lr, steps)


# ---------------------------------------------------------------- optimal gap explorer

SWEEP_MAX_CLASSES = 100  # the 200-value descent sweep runs at min(K, 100): K = 1000 would take seconds


SWEEP_EPS = (1e-3, 0.9, 200)   # the sweep's eps values: geometric from 1e-3 to 0.9, 200 of them


@st.cache_data(max_entries=32, show_spinner=False)
def gap_sweep(num_classes: int, prior: str) -> core.GapSweep:
    return core.gap_sweep(min(num_classes, SWEEP_MAX_CLASSES), np.geomspace(*SWEEP_EPS), prior)


@st.cache_data(max_entries=64, show_spinner=False)
def gap_curves(fixed_eps: float) -> dict[str, np.ndarray]:
    eps = np.geomspace(1e-4, 0.999, 300)
    classes = np.unique(np.geomspace(2, 1000, 120).round().astype(int))
    curves = {(k, prior): core.optimal_logit_gap(k, eps, prior) for k in (2, 10, 100, 1000) for prior in ("uniform", "others")}
    by_k = {prior: np.array([core.optimal_logit_gap(int(k), fixed_eps, prior) for k in classes]) for prior in ("uniform", "others")}
    return {"eps": eps, "curves": curves, "classes": classes, "by_k": by_k}


@st.cache_data(max_entries=64, show_spinner=False)
def prior_optimum(num_classes: int, eps: float, prior: tuple[float, ...]) -> core.PriorOptimum:
    return core.prior_optimum(num_classes, eps, prior)


# ---------------------------------------------------------------- training experiment

@st.cache_resource(max_entries=4, ttl=RESOURCE_TTL, show_spinner=False)
def _stored_experiment(settings: core.ExperimentSettings, _result=None):
    """A bounded store of finished experiments, keyed by settings only (the same trick as
    `_stored_comparison`: a plain cached function could not drive a progress bar drawn outside it)."""
    if _result is None:
        raise _NotCached
    return _result


def training_cost(settings: core.ExperimentSettings) -> float:
    return core.cost.training_seconds(settings.train_size, settings.epochs)


def training_expected(settings: core.ExperimentSettings) -> float:
    """The seconds a page tells the user, at this server's measured speed (as `dynamics_expected`)."""
    return heavy.expected_seconds(_stored_experiment.__name__, training_cost(settings))


def experiment(settings: core.ExperimentSettings, on_progress=_quiet, on_wait=_quiet) -> core.Experiment:
    """The training experiment for `settings`, from the store, or trained now (shared and queued as `shared`
    describes) with `on_progress(fraction)` called after every epoch."""
    return shared(_stored_experiment, settings, settings.run, training_cost(settings), on_progress, on_wait)


# ---------------------------------------------------------------- distillation
# One seed at a time: a seed's teachers and students are stored by (settings without the seed count, seed), so
# asking for more seeds trains only the new ones, and every temperature comes from the same two teachers.

@st.cache_resource(max_entries=32, ttl=RESOURCE_TTL, show_spinner=False)
def _stored_distillation_seed(key: tuple, _result=None):
    """Finished seeds (small: no models are kept), keyed by (`DistillationSettings.per_seed`, seed)."""
    if _result is None:
        raise _NotCached
    return _result


def distillation_cost(settings: core.DistillationSettings) -> float:
    return core.cost.distillation_seconds(settings.seeds, settings.train_size, settings.epochs, settings.student_epochs,
                                          len(settings.temperatures))


def distillation_expected(settings: core.DistillationSettings) -> float:
    """The seconds a page tells the user for every seed, at this server's measured speed (as `dynamics_expected`)."""
    return heavy.expected_seconds(_stored_distillation_seed.__name__, distillation_cost(settings))


def distillation(settings: core.DistillationSettings, on_progress=_quiet, on_wait=_quiet) -> core.Distillation:
    """Teachers and students over every seed, each seed from the store or trained now (shared and queued)."""
    settings.check()
    count, key = settings.seeds, settings.per_seed
    on_progress = heavy.whole_percents(on_progress)   # each seed reports every epoch: a bar shows whole percents
    results = []
    for seed in range(count):
        def work(progress, seed=seed):
            return core.distillation.distil_seed(key, seed, progress)

        results.append(shared(_stored_distillation_seed, (key, seed), work, distillation_cost(key),
                              lambda f, seed=seed: on_progress((seed + f) / count), on_wait))
    return core.Distillation(settings, tuple(results))


@st.cache_resource(max_entries=1, show_spinner=False)
def distillation_references() -> tuple:
    """The stored many-seed references (`assets/distillation_reference.json`), read once."""
    return core.distillation.load_references()


@st.cache_data(max_entries=32, show_spinner=False)
def confident_mistakes(settings: core.ExperimentSettings) -> core.ConfidentMistakes:
    """The one-hot model's most confident mistakes on the digits (`core.confident_mistakes`)."""
    return core.confident_mistakes(experiment(settings))


@st.cache_data(max_entries=32, show_spinner=False)
def training_views(settings: core.ExperimentSettings) -> dict:
    """What the training page draws from one experiment, except the view-dependent projection."""
    e = experiment(settings)
    y = e.data.y_test
    scaled = core.calibrated_probabilities(e.one_hot.test_logits, e.temperature)
    return {
        "reliability": {"one_hot": core.reliability(e.one_hot.test_probabilities(), y),
                        "smoothed": core.reliability(e.smoothed.test_probabilities(), y),
                        "temperature": core.reliability(scaled, y)},
        "gaps": core.gap_summary([core.logit_gaps(run.test_logits, y) for run in (e.one_hot, e.smoothed)]),
    }


@st.cache_data(max_entries=64, show_spinner=False)
def template_projections(settings: core.ExperimentSettings, classes: tuple[int, int, int], split: str) -> dict:
    """Per run: the chosen classes' penultimate activations ("train" or "test" points) in the template plane."""
    e = experiment(settings)
    labels = e.data.y_train if split == "train" else e.data.y_test
    return {name: core.template_projection(run.train_features if split == "train" else run.test_features,
                                           run.model.templates, labels, classes)
            for name, run in (("one_hot", e.one_hot), ("smoothed", e.smoothed))}
