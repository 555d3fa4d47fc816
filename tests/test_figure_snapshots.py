"""Every figure builder's complete output (data, styling, layout) for small fixed inputs, against a stored
snapshot: a changed colour, dash, width, axis type, legend place or hover text fails here, not only a
changed number (tests/test_figures.py checks the numbers against the core by trace name). The colour code
pairs every colour with a line style or a pattern for colour-blind readers and grey projectors; this is
what keeps it.

After an intended change of a figure, rewrite the snapshots and review the diff:
    LSR_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_figure_snapshots.py
"""

import json
import os
from pathlib import Path

import numpy as np
import pytest

import lsr_core as core
from pages.ui import figures
from pages.ui.figures import distillation as distillation_figures
from pages.ui.figures import poll as poll_figures
from tests.test_figures import LABELS

SNAPSHOTS = Path(__file__).with_name("snapshots") / "figures"
UPDATE = os.environ.get("LSR_UPDATE_SNAPSHOTS") == "1"


def small_comparison():
    return core.compare_runs(5, 0.2, "others", 1.0, 40, core.initial_logits(5, "random", 1, 1.0), num_records=9)


def small_experiment():
    return core.ExperimentSettings(3, 0.5, 0.0, 60, 1, 0.2, "uniform", epochs=2).run()


def builders() -> dict:
    c = small_comparison()
    e = small_experiment()
    rel = core.reliability(e.one_hot.test_probabilities(), e.data.y_test, n_bins=5)
    terms = core.regulariser_terms(4, 0.2, "uniform", np.linspace(-1.0, 3.0, 5))
    hand = core.by_hand([1.0, 0.0, -1.0], 0, 0.3, "uniform")
    gaps = core.gap_summary([core.logit_gaps(r.test_logits, e.data.y_test) for r in (e.one_hot, e.smoothed)], bins=6)
    eps = np.array([0.05, 0.2, 0.5])
    return {
        "targets": lambda: figures.targets_figure(core.one_hot(0, 3), core.smooth_targets(0, 3, 0.3), LABELS),
        "probabilities": lambda: figures.probabilities_figure(hand.p, hand.one_hot, hand.smoothed, 0, LABELS),
        "logit_step": lambda: figures.logit_step_figure(hand.step_one_hot, hand.step_smoothed, 0, LABELS),
        "gap": lambda: figures.gap_figure(c, LABELS),
        "gap_log": lambda: figures.gap_figure(c, LABELS, True),
        "logits": lambda: figures.logits_figure(c, LABELS),
        "probability_loss": lambda: figures.probability_loss_figure(c, LABELS),
        "wrong_gradient": lambda: figures.wrong_gradient_figure(c, LABELS),
        "replay": lambda: figures.replay_figure(c, LABELS),
        "regulariser_terms": lambda: figures.regulariser_terms_figure(terms, 1.0, LABELS),
        "label_dropout": lambda: figures.label_dropout_figure(
            core.label_dropout(np.array([1.0, 0.0]), 0, 0.3, max_draws=50, seed=0, checkpoints=4), LABELS),
        "landscape": lambda: figures.landscape_figure(core.loss_landscape(0.2, "uniform", (0.0, 1.0), 1.0, 20, size=5), LABELS),
        "gap_curves": lambda: figures.gap_curves_figure(
            [("a", "uniform", eps, core.optimal_logit_gap(3, eps)), ("b", "others", eps, core.optimal_logit_gap(3, eps, "others"))],
            (0.2, 1.0), LABELS, sweep=(eps, core.optimal_logit_gap(3, eps))),
        "loss_versus_gap": lambda: figures.loss_versus_gap_figure(terms, terms.point_on_grid(1.0), LABELS),
        "optimal_logits": lambda: figures.optimal_logits_figure(
            core.prior_optimum(3, 0.2, core.normalised_prior([1, 1, 0])).logits, LABELS),
        "reliability": lambda: figures.reliability_figure(rel, "smoothed", LABELS),
        "learning_curves": lambda: figures.learning_curves_figure({"one_hot": e.one_hot, "smoothed": e.smoothed}, LABELS),
        "projection": lambda: figures.projection_figure(
            core.template_projection(e.smoothed.test_features[:30], e.smoothed.model.templates, e.data.y_test[:30], (0, 1, 2)),
            LABELS),
        "gap_histogram": lambda: figures.gap_histogram_figure(gaps.histogram, 1.0, LABELS),
        "presenter": lambda: figures.for_presenter(figures.gap_figure(c, LABELS)),
        "similarity": lambda: figures.similarity_figure(np.stack([np.full((3, 3), 0.5) - 0.5 * np.eye(3)] * 2),
                                                        LABELS | {"colour": "colour"}),
        "distillation_temperature": lambda: distillation_figures.temperature_figure(
            distillation_axis(3), distillation_axis(20), {"title": "title", "x": "x", "y": "y", "live": "live",
                                                          "reference": "reference"}),
        "class_predictions": lambda: poll_figures.class_predictions_figure(
            ["a", "b", "c"], [3, 0, 5], 2, {"title": "title", "x": "x", "truth": "truth"}),
        "digits": lambda: figures.digits_figure(core.load_digits()[0][:3].reshape(3, 8, 8), ["a<br>b", "c", "d"]),
    }


def distillation_axis(count: int):
    from lsr_core import distillation as D

    return D.TemperatureAxis(np.array([1.0, 2.0, 4.0, 8.0]), np.array([0.1, -0.2, -0.8, -5.0]),
                             np.array([-1.0, -1.5, -2.0, -9.0]), np.array([1.2, 1.0, 0.5, -1.0]), count,
                             ("unclear", "unclear", "unclear", "lower"))


BUILDERS = builders()


def skeleton(node):
    """The figure with every NumPy array (Plotly's {"dtype", "bdata"}) replaced by its type and size: the
    numbers are tests/test_figures.py's business, and trained weights may differ in the last bits between
    machines (plain floats are kept to 12 digits, for the same reason); everything else is kept, except the theme Plotly fills in from its global default (importing
    Streamlit changes that default; the app's look comes from the builders, which set everything they need)."""
    if isinstance(node, dict):
        if "template" in node and "margin" in node:   # a layout
            node = {key: value for key, value in node.items() if key != "template"}
        if "bdata" in node:
            return {"array": node["dtype"], "bytes": len(node["bdata"])}
        return {key: skeleton(value) for key, value in node.items()}
    if isinstance(node, list):
        return [skeleton(item) for item in node]
    if isinstance(node, float):   # a plain number (an annotation's place) to 12 digits: log10(40) differs in its last
        return float(f"{node:.12g}")   # bit between this project's machines (…623 on one, …625 on another)
    return node


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_figure_matches_its_snapshot(name):
    shown = skeleton(json.loads(BUILDERS[name]().to_json()))
    path = SNAPSHOTS / f"{name}.json"
    if UPDATE:
        path.write_text(json.dumps(shown, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert shown == stored, f"{name} differs from {path.name}; if intended, rewrite the snapshots (see the module docstring)"


def test_every_builder_has_a_snapshot():
    public = {name for name in figures.__all__ if name.endswith("_figure")} | {"for_presenter"}
    drawn = {"targets_figure", "probabilities_figure", "logit_step_figure", "gap_figure", "logits_figure",
             "probability_loss_figure", "wrong_gradient_figure", "replay_figure", "regulariser_terms_figure",
             "label_dropout_figure", "landscape_figure", "gap_curves_figure", "loss_versus_gap_figure",
             "optimal_logits_figure", "reliability_figure", "learning_curves_figure", "projection_figure",
             "gap_histogram_figure", "digits_figure", "similarity_figure", "for_presenter"}
    assert public == drawn
    assert {p.stem for p in SNAPSHOTS.glob("*.json")} == set(BUILDERS)
