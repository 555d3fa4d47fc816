"""Bad input to the core raises ValueError with a message that names the input and what was wrong, exactly
(callers and students read these); and every limit is inclusive where the docs say so: the smallest
allowed value is accepted."""

import numpy as np
import pytest

import lsr_core as core

CASES = [
    ("num_classes_not_whole", lambda: core.one_hot(0, 2.5),
     'num_classes must be a whole number >= 2, got 2.5'),
    ("num_classes_one", lambda: core.one_hot(0, 1),
     'num_classes must be >= 2 (one class leaves nothing to classify), got 1'),
    ("eps_above_one", lambda: core.smooth_targets(0, 3, 1.5),
     'eps must lie in [0, 1], got 1.5'),
    ("prior_name", lambda: core.smooth_targets(0, 3, 0.1, 'zipf'),
     "prior must be one of ('uniform', 'others'), got 'zipf'"),
    ("prior_shape", lambda: core.smooth_targets(0, 3, 0.1, np.array([0.5, 0.5])),
     'a prior array must have shape (3,), got (2,)'),
    ("prior_negative", lambda: core.smooth_targets(0, 3, 0.1, np.array([1.5, -0.5, 0.0])),
     'a prior array must hold finite, non-negative numbers'),
    ("prior_sum", lambda: core.smooth_targets(0, 3, 0.1, np.array([0.5, 0.25, 0.2])),
     'a prior array must sum to 1, got a sum of 0.95'),
    ("labels_float", lambda: core.one_hot(np.array([0.5]), 3),
     'labels must be integers, got dtype float64'),
    ("labels_range", lambda: core.one_hot(3, 3),
     'labels must lie in 0 .. 2, got values from 3 to 3'),
    ("logits_shape", lambda: core.cross_entropy(np.array([1.0]), np.array([1.0])),
     'logits need a last (class) axis of size >= 2, got shape (1,)'),
    ("logits_finite", lambda: core.cross_entropy(np.array([np.inf, 0.0]), np.array([1.0, 0.0])),
     'logits must be finite'),
    ("targets_shape", lambda: core.cross_entropy(np.zeros((2, 3)), np.array([[1.0]])),
     'targets need a last (class) axis of size >= 2, got shape (1, 1)'),
    ("targets_negative", lambda: core.cross_entropy(np.zeros(2), np.array([1.5, -0.5])),
     'targets must be finite and non-negative'),
    ("targets_sum", lambda: core.cross_entropy(np.zeros(2), np.array([0.5, 0.25])),
     'every target row must sum to 1'),
    ("probs_shape", lambda: core.reliability(np.array([0.5, 0.5]), np.array([0])),
     'probs must have shape (N, K) with N >= 1 and K >= 2, got (2,)'),
    ("probs_rows", lambda: core.reliability(np.array([[0.5, 0.6]]), np.array([0])),
     'every row of probs must be a probability distribution (non-negative, summing to 1)'),
    ("probs_labels", lambda: core.reliability(np.array([[0.5, 0.5]]), np.array([0, 1])),
     'labels must have shape (1,), got (2,)'),
    ("n_bins", lambda: core.reliability(np.array([[0.5, 0.5]]), np.array([0]), n_bins=0),
     'n_bins must be a whole number >= 1, got 0'),
    ("layer_size", lambda: core.init_mlp((3, 0, 2), 0),
     'layer size must be a whole number >= 1, got 0'),
    ("mlp_sizes", lambda: core.init_mlp((3,), 0),
     'an MLP needs at least an input and an output size'),
    ("mlp_seed", lambda: core.init_mlp((3, 2), -1),
     'seed must be a whole number >= 0, got -1'),
    ("curve_lr", lambda: core.one_hot_gap_curve(3, 0.0, np.array([1.0])),
     'lr must be a positive number, got 0.0'),
    ("curve_t", lambda: core.one_hot_gap_curve(3, 1.0, np.array([-1.0])),
     't must be finite and >= 0'),
    ("steps_to_gap_lr", lambda: core.one_hot_steps_to_gap(3, -1.0, 5.0),
     'lr must be a positive number, got -1.0'),
    ("rounding_dtype", lambda: core.rounding_gap(3, np.float16),
     'dtype must be float64 or float32, got float16'),
    ("freeze_lr", lambda: core.freeze_gap(3, 0.0),
     'lr must be a positive number, got 0.0'),
    ("zipf_exponent", lambda: core.zipf_prior(3, -1.0),
     'exponent must be a finite number >= 0, got -1.0'),
    ("weights_vector", lambda: core.normalised_prior([1.0]),
     'weights must be a vector of at least two finite, non-negative numbers'),
    ("weights_zero", lambda: core.normalised_prior([0.0, 0.0]),
     'at least one weight must be positive'),
    ("init_kind", lambda: core.initial_logits(3, 'ones'),
     "kind must be 'zeros' or 'random', got 'ones'"),
    ("init_scale", lambda: core.initial_logits(3, 'random', 0, 0.0),
     'scale must be a positive number, got 0.0'),
    ("init_seed", lambda: core.initial_logits(3, 'random', -1),
     'seed must be a whole number >= 0, got -1'),
    ("thinned", lambda: core.compare_runs(3, 0.1, 'uniform', 1.0, 10, np.zeros(3)).thinned(1),
     'max_records must be a whole number >= 2, got 1'),
    ("growth_frames", lambda: core.growth_frames(np.arange(3), frames=0),
     'frames must be a whole number >= 1, got 0'),
    ("growth_points", lambda: core.growth_frames(np.arange(3), points=1),
     'points must be a whole number >= 2, got 1'),
    ("compare_lr", lambda: core.compare_runs(3, 0.1, 'uniform', 0.0, 10, np.zeros(3)),
     'lr must be a positive number, got 0.0'),
    ("compare_steps", lambda: core.compare_runs(3, 0.1, 'uniform', 1.0, 0, np.zeros(3)),
     'steps must be a whole number >= 1, got 0'),
    ("cost_steps", lambda: core.cost.dynamics_seconds(3, 0),
     'steps must be a whole number >= 1, got 0'),
    ("cost_train_size", lambda: core.cost.training_seconds(0, 10),
     'train_size must be a whole number >= 1, got 0'),
    ("cost_epochs", lambda: core.cost.training_seconds(10, 0),
     'epochs must be a whole number >= 1, got 0'),
    ("record_steps", lambda: core.record_steps(-1),
     'steps must be a whole number >= 0, got -1'),
    ("record_count", lambda: core.record_steps(10, 1),
     'num_records must be a whole number >= 2, got 1'),
    ("descend_lr", lambda: core.descend(np.zeros(2), np.array([1.0, 0.0]), 0.0, 5),
     'lr must be a positive number, got 0.0'),
    ("descend_updates", lambda: list(core.descend_progressive(np.zeros(2), np.array([1.0, 0.0]), 1.0, 5, updates=0)),
     'updates must be a whole number >= 1, got 0'),
    ("overlap", lambda: core.make_dataset(3, 0.0, 0.0, 30),
     'overlap must be a positive number, got 0.0'),
    ("noise", lambda: core.make_dataset(3, 0.5, 1.5, 30),
     'noise must lie in [0, 1], got 1.5'),
    ("train_size", lambda: core.make_dataset(3, 0.5, 0.0, 2),
     'train_size must be a whole number >= 3, got 2'),
    ("data_seed", lambda: core.make_dataset(3, 0.5, 0.0, 30, seed=-1),
     'seed must be a whole number >= 0, got -1'),
    ("epochs", lambda: core.run_experiment(3, 0.5, 0.0, 30, 0, 0.1, epochs=0),
     'epochs must be a whole number >= 1, got 0'),
    ("rate", lambda: core.run_experiment(3, 0.5, 0.0, 30, 0, 0.1, rate=0.0),
     'rate must be a positive number, got 0.0'),
    ("projection_classes", lambda: core.template_projection(np.zeros((2, 4)), np.zeros((4, 3)), np.array([0, 1]), (0, 0, 1)),
     'choose three different classes in 0 .. 2, got (0, 0, 1)'),
    ("bins", lambda: core.common_histogram([np.zeros(2)], bins=0),
     'bins must be a whole number >= 1, got 0'),
    ("numerical_gradient", lambda: core.numerical_gradient(np.zeros((2, 2)), np.array([1.0, 0.0])),
     'numerical_gradient takes one row of logits, got shape (2, 2)'),
    ("temperature", lambda: core.temperature_effect(0.0),
     'temperature must be a positive number, got 0.0'),
    ("dropout_rows", lambda: core.label_dropout(np.zeros((2, 2)), 0, 0.1),
     'label_dropout takes one row of logits, got shape (2, 2)'),
    ("dropout_draws", lambda: core.label_dropout(np.zeros(2), 0, 0.1, max_draws=0),
     'max_draws must be a whole number >= 1, got 0'),
    ("dropout_seed", lambda: core.label_dropout(np.zeros(2), 0, 0.1, seed=-1),
     'seed must be a whole number >= 0, got -1'),
    ("dropout_checkpoints", lambda: core.label_dropout(np.zeros(2), 0, 0.1, checkpoints=1),
     'checkpoints must be a whole number >= 2, got 1'),
    ("derivation_classes", lambda: core.gradient_derivation(9),
     'num_classes must be a whole number from 2 to 8, got 9'),
    ("equivalent", lambda: core.equivalent_eps(0.95, 10, 'others', 'uniform'),
     "eps = 0.95 with prior 'others' has no 'uniform' equivalent for K = 10 (it would need eps = 1.056 > 1)"),
]


@pytest.mark.parametrize("name, call, message", CASES, ids=[case[0] for case in CASES])
def test_bad_input_is_refused_with_its_exact_message(name, call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert str(error.value) == message


def test_the_smallest_allowed_values_are_accepted():
    assert core.one_hot(0, 2).tolist() == [1.0, 0.0]
    assert core.smooth_targets(0, 2, 1.0).tolist() == [0.5, 0.5] and core.smooth_targets(0, 2, 0.0).tolist() == [1.0, 0.0]
    assert core.record_steps(0).tolist() == [0] and core.record_steps(10, 2).tolist() == [0, 10]
    assert core.cost.dynamics_seconds(3, 1) > 0 and core.cost.training_seconds(1, 1) > 0
    d = core.label_dropout(np.zeros(2), 0, 0.1, max_draws=1, checkpoints=2)
    assert d.draws.tolist() == [1]
    c = core.compare_runs(3, 0.1, "uniform", 1.0, 1, np.zeros(3))
    assert c.thinned(2).steps.tolist() == [0, 1] and [f.tolist() for f in core.growth_frames(c.steps, frames=1)] == [[0, 1]]
    assert core.make_dataset(3, 0.5, 0.0, 3, seed=0).x_train.shape == (3, 8)
    assert len(core.init_mlp((3, 1), 0).weights) == 1
    assert core.common_histogram([np.zeros(2)], bins=1)[1].tolist() == [[2]]
    np.testing.assert_allclose(core.zipf_prior(3, 0.0), [1 / 3] * 3)
    assert core.equivalent_eps(0.9, 10, "others", "uniform") == pytest.approx(1.0)
    assert core.equivalent_eps(0.9 + 1e-13, 10, "others", "uniform") == 1.0   # rounding above (K−1)/K: clipped to 1
    assert core.temperature_effect(1e-9) == "sharpens"
    assert list(core.descend_progressive(np.zeros(2), np.array([1.0, 0.0]), 1.0, 5, updates=1))[-1].steps[-1] == 5


def test_a_prior_may_miss_1_by_rounding_only():
    np.testing.assert_allclose(core.smooth_targets(0, 2, 1.0, np.array([0.5, 0.5 + 1e-10])), [0.5, 0.5 + 1e-10])
    with pytest.raises(ValueError, match="must sum to 1"):
        core.smooth_targets(0, 2, 1.0, np.array([0.5, 0.5 + 1e-8]))
