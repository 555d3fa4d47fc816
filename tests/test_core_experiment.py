"""Calibration metrics, the NumPy MLP and the training experiment: hand cases, oracles, properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lsr_core as L
import lsr_core as core
import lsr_core.digits  # noqa: F401  (core.digits)
from lsr_core import classifier
from lsr_core.experiment import INPUT_DIMENSIONS, train


# ---------- ECE: hand-made cases ----------

def test_ece_perfectly_calibrated_is_zero():
    # confidence 0.75, right 3 times in 4; confidence 1.0, always right
    probs = np.array([[0.75, 0.25]] * 4 + [[1.0, 0.0]] * 2)
    labels = np.array([0, 0, 0, 1, 0, 0])
    assert L.expected_calibration_error(probs, labels) == pytest.approx(0.0, abs=1e-15)


def test_ece_constant_overconfident_predictor_is_the_gap():
    # always 0.9 sure of class 0, right 60 % of the time: ECE = 0.9 - 0.6
    probs = np.tile([0.9, 0.05, 0.05], (10, 1))
    labels = np.array([0] * 6 + [1] * 2 + [2] * 2)
    assert L.expected_calibration_error(probs, labels) == pytest.approx(0.3, abs=1e-12)


def test_ece_weights_bins_by_count():
    # 3 predictions at 0.95 all right (bin gap 0.05), 1 at 0.55 wrong (gap 0.55): (3*0.05 + 0.55)/4
    probs = np.array([[0.95, 0.05]] * 3 + [[0.55, 0.45]])
    labels = np.array([0, 0, 0, 1])
    assert L.expected_calibration_error(probs, labels) == pytest.approx((3 * 0.05 + 0.55) / 4, abs=1e-12)


def test_reliability_bin_edges_follow_guo():
    # a confidence of exactly 2/3 belongs to the bin (1/3, 2/3], not the next one
    r = L.reliability(np.array([[2 / 3, 1 / 3]]), np.array([0]), n_bins=3)
    assert r.counts.tolist() == [0, 1, 0]
    assert r.accuracy.tolist() == [0.0, 1.0, 0.0] and np.all(np.isfinite(r.confidence))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.integers(1, 40), st.integers(1, 20), st.integers(0, 10_000))
def test_ece_properties(num_classes, n, bins, seed):
    rng = np.random.default_rng(seed)
    probs = L.softmax(3 * rng.standard_normal((n, num_classes)))
    labels = rng.integers(0, num_classes, n)
    r = L.reliability(probs, labels, bins)
    assert r.counts.sum() == n
    assert 0.0 <= r.ece <= 1.0
    # ECE is at least |overall accuracy - overall confidence| (triangle inequality over bins)
    overall = abs(np.mean(probs.argmax(1) == labels) - probs.max(1).mean())
    assert r.ece >= overall - 1e-12
    # one bin: ECE is exactly that overall gap
    assert L.expected_calibration_error(probs, labels, 1) == pytest.approx(overall, abs=1e-12)


@pytest.mark.parametrize("probs, labels", [
    (np.array([0.5, 0.5]), np.array([0])),                 # not (N, K)
    (np.array([[0.5, 0.6]]), np.array([0])),               # row does not sum to 1
    (np.array([[np.nan, 1.0]]), np.array([0])),
    (np.array([[0.5, 0.5]]), np.array([2])),               # label out of range
    (np.array([[0.5, 0.5]]), np.array([0, 1])),            # shape mismatch
    (np.zeros((0, 3)), np.zeros(0, dtype=int)),
])
def test_ece_rejects_bad_input(probs, labels):
    with pytest.raises(ValueError):
        L.expected_calibration_error(probs, labels)


# ---------- temperature scaling ----------

def test_fit_temperature_recovers_the_generating_temperature():
    # labels drawn from softmax(z / 2): the NLL-optimal temperature is close to 2
    rng = np.random.default_rng(0)
    z = 4 * rng.standard_normal((20_000, 4))
    probs = L.softmax(z / 2.0)
    labels = (rng.random(20_000)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    assert L.fit_temperature(z, labels) == pytest.approx(2.0, rel=0.05)


def test_fit_temperature_is_the_minimum_of_the_nll():
    rng = np.random.default_rng(1)
    z = 3 * rng.standard_normal((300, 5))
    labels = rng.integers(0, 5, 300)
    best = L.fit_temperature(z, labels)
    grid = np.geomspace(0.05, 20, 2000)
    nll = [L.negative_log_likelihood(z / t, labels) for t in grid]
    assert L.negative_log_likelihood(z / best, labels) <= min(nll) + 1e-9


# ---------- the MLP: gradients against finite differences ----------

@pytest.mark.parametrize("sizes", [(3, 4), (3, 5, 4), (4, 6, 5, 3)])
@pytest.mark.parametrize("soft", [False, True])
def test_mlp_gradient_matches_finite_differences(sizes, soft):
    rng = np.random.default_rng(sum(sizes))
    model = classifier.init_mlp(sizes, seed=3)
    # move biases off zero so that no ReLU sits exactly at its kink
    model = classifier.MLP(model.weights, tuple(b + 0.1 * rng.standard_normal(b.shape) for b in model.biases))
    x = rng.standard_normal((7, sizes[0]))
    labels = rng.integers(0, sizes[-1], 7)
    targets = L.smooth_targets(labels, sizes[-1], 0.3 if soft else 0.0)
    _, grad = classifier.loss_and_gradient(model, x, targets)
    params = model.parameters()
    step = 1e-6
    for index, (p, g) in enumerate(zip(params, grad.parameters())):
        numeric = np.zeros_like(p)
        for position in np.ndindex(p.shape):
            for sign in (1, -1):
                shifted = [q.copy() for q in params]
                shifted[index][position] += sign * step
                numeric[position] += sign * classifier.loss(classifier.MLP.from_parameters(shifted), x, targets)
        np.testing.assert_allclose(g, numeric / (2 * step), atol=1e-7, rtol=1e-5)


def test_mlp_loss_matches_cross_entropy_of_its_logits():
    model = classifier.init_mlp((3, 4, 2), seed=0)
    x = np.random.default_rng(0).standard_normal((5, 3))
    q = L.smooth_targets(np.array([0, 1, 1, 0, 1]), 2, 0.2)
    value, _ = classifier.loss_and_gradient(model, x, q)
    assert value == pytest.approx(L.cross_entropy(classifier.logits(model, x), q).mean(), abs=1e-14)


def test_adam_first_step_moves_each_parameter_by_the_rate():
    # with bias correction, Adam's first step is rate * sign(g) (up to the tiny term)
    opt = classifier.Adam(0.01)
    new = opt.update([np.array([1.0, 2.0])], [np.array([3.0, -0.5])])
    np.testing.assert_allclose(new[0], [0.99, 2.01], atol=1e-9)


# ---------- the data ----------

def test_dataset_noise_flips_to_another_class_at_the_requested_rate():
    d = L.make_dataset(4, 0.5, 0.3, 4000, seed=2)
    flipped = d.y_train != d.y_train_true
    assert abs(flipped.mean() - 0.3) < 4.5 * np.sqrt(0.3 * 0.7 / 4000)
    assert L.make_dataset(4, 0.5, 0.0, 400, seed=2).flipped == 0
    assert np.bincount(d.y_train_true).tolist() == [1000] * 4   # balanced classes


def test_dataset_is_deterministic_in_the_seed():
    a, b, c = (L.make_dataset(3, 0.4, 0.1, 60, seed=s) for s in (5, 5, 6))
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.x_train, c.x_train)


@pytest.mark.parametrize("bad", [
    dict(num_classes=1, overlap=0.5, noise=0.0, train_size=100),
    dict(num_classes=3, overlap=0.0, noise=0.0, train_size=100),
    dict(num_classes=3, overlap=0.5, noise=1.5, train_size=100),
    dict(num_classes=3, overlap=0.5, noise=0.0, train_size=2),
])
def test_dataset_rejects_bad_settings(bad):
    with pytest.raises(ValueError):
        L.make_dataset(**bad)


# ---------- the experiment ----------

def test_smoothing_lowers_confidence_and_ece_on_the_default_seed(default_experiment):
    plain, smooth = default_experiment.one_hot.metrics, default_experiment.smoothed.metrics
    assert smooth.mean_confidence < plain.mean_confidence - 0.05
    assert smooth.ece < plain.ece / 2
    # the one-hot model is over-confident: confidence above accuracy
    assert plain.mean_confidence > plain.test_accuracy + 0.05
    # temperature scaling repairs the one-hot model's calibration without changing its accuracy
    scaled = default_experiment.temperature_metrics
    assert default_experiment.temperature > 1 and scaled.ece < plain.ece / 2
    assert scaled.test_accuracy == plain.test_accuracy


def test_metrics_agree_with_an_independent_computation(default_experiment):
    run = default_experiment.smoothed
    p = run.test_probabilities()
    y = default_experiment.data.y_test
    assert run.metrics.test_accuracy == pytest.approx(np.mean(p.argmax(1) == y))
    assert run.metrics.test_nll == pytest.approx(-np.mean(np.log(p[np.arange(len(y)), y])), rel=1e-12)
    assert run.metrics.mean_confidence == pytest.approx(p.max(1).mean())
    assert run.test_loss[-1] == pytest.approx(run.metrics.test_nll, rel=1e-12)
    assert run.epochs.tolist() == list(range(61))


def test_smoothed_gaps_sit_near_the_closed_form_and_one_hot_gaps_beyond(default_experiment):
    e = default_experiment
    y = e.data.y_test
    plain = L.logit_gaps(e.one_hot.test_logits, y)
    smooth = L.logit_gaps(e.smoothed.test_logits, y)
    optimum = e.optimal_gap()
    assert abs(np.median(smooth) - optimum) < 0.25 * optimum      # 3.2 against 3.83
    assert np.median(plain) > 2.5 * optimum                       # 12.7: no finite target holds them
    assert np.percentile(plain, 95) > 3 * np.percentile(smooth, 95)


def test_both_runs_start_from_the_same_weights(default_experiment):
    e = default_experiment
    assert e.one_hot.train_loss[0] == e.smoothed.train_loss[0]
    assert e.one_hot.test_accuracy[0] == e.smoothed.test_accuracy[0]


def test_eps_zero_trains_the_same_model_twice():
    e = L.run_experiment(3, 0.5, 0.0, 60, 1, 0.0, epochs=3)
    np.testing.assert_array_equal(e.one_hot.test_logits, e.smoothed.test_logits)


def test_progress_reaches_one_in_order():
    seen = []
    L.run_experiment(3, 0.5, 0.0, 60, 1, 0.1, epochs=4, on_progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == 8


def test_train_reduces_the_loss_it_optimises():
    d = L.make_dataset(3, 0.3, 0.0, 300, seed=0)
    start = L.init_mlp((INPUT_DIMENSIONS, 16, 3), 0)
    targets = L.one_hot(d.y_train, 3)
    model, curve = train(d, targets, start, 10, 0.01, 0)
    assert classifier.loss(model, d.x_train, targets) < 0.5 * classifier.loss(start, d.x_train, targets)
    assert curve.shape == (11, 4) and np.all(np.isfinite(curve))


# ---------- the penultimate-layer picture ----------

def test_template_projection_is_an_orthogonal_projection():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((6, 4))
    h = rng.standard_normal((50, 6))
    labels = rng.integers(0, 4, 50)
    p = L.template_projection(h, w, labels, (0, 2, 3))
    assert set(p.labels.tolist()) <= {0, 2, 3} and len(p.points) == np.isin(labels, (0, 2, 3)).sum()
    # distances between templates are kept (they lie in the plane)
    corners = w[:, [0, 2, 3]].T
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        assert np.linalg.norm(p.templates[i] - p.templates[j]) == pytest.approx(
            np.linalg.norm(corners[i] - corners[j]), rel=1e-12)
    # a point's residual after projection is orthogonal to the plane
    origin = corners.mean(0)
    basis = np.linalg.qr((corners[1:] - corners[0]).T)[0]
    chosen = h[np.isin(labels, (0, 2, 3))]
    residual = (chosen - origin) - p.points @ basis.T
    np.testing.assert_allclose(residual @ (corners[1:] - corners[0]).T, 0, atol=1e-12)


@pytest.mark.parametrize("classes", [(0, 0, 1), (0, 1, 4), (-1, 0, 1)])
def test_template_projection_rejects_bad_classes(classes):
    with pytest.raises(ValueError):
        L.template_projection(np.zeros((3, 5)), np.zeros((5, 4)), np.array([0, 1, 2]), classes)


def test_logit_gaps_hand_case_and_closed_form_consistency():
    # at the smoothed optimum of free logits, the gap equals the closed form
    z = L.optimal_logits(L.smooth_targets(0, 6, 0.2))
    assert L.logit_gaps(z[None, :], np.array([0]))[0] == pytest.approx(L.optimal_logit_gap(6, 0.2), rel=1e-12)


# ---------- the digits ----------

DIGITS_SHA256 = "87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826"

def test_digits_file_is_the_uci_test_set_as_scikit_learn_ships_it():
    """assets/digits.npz (written by assets/make_digits.py): 1,797 images of 64 pixels in 0 … 16, the class
    counts of the UCI copy, and the exact bytes (a changed or re-ordered file fails here)."""
    import hashlib

    with np.load(core.digits.DIGITS_FILE, allow_pickle=False) as stored:
        images, labels = stored["images"], stored["labels"]
        assert images.dtype == np.uint8 and images.shape == (1797, 64) and images.max() == 16
        assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
        digest = hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()
    assert digest == DIGITS_SHA256
    assert images[0, :16].tolist() == [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0]   # the first "0"


def test_digits_split_is_fixed_by_the_seed_and_disjoint():
    test, val, pool = core.digits.digits_split(3)
    assert (test.size, val.size, pool.size) == (500, 297, 1000)
    assert np.unique(np.concatenate([test, val, pool])).size == 1797
    again = core.digits.digits_split(3)
    assert all(np.array_equal(a, b) for a, b in zip((test, val, pool), again))
    assert not np.array_equal(core.digits.digits_split(4)[0], test)


def test_digits_dataset_takes_the_first_training_images_and_flips_noise():
    images, labels = core.load_digits()
    _, _, pool = core.digits.digits_split(0)
    clean = core.digits_dataset(0.0, 300, 0)
    np.testing.assert_array_equal(clean.x_train, images[pool[:300]])
    np.testing.assert_array_equal(clean.y_train, labels[pool[:300]])
    assert clean.flipped == 0 and clean.num_classes == 10 and clean.means.shape == (10, 64)
    np.testing.assert_allclose(clean.means[3], images[pool[:300]][labels[pool[:300]] == 3].mean(axis=0))
    noisy = core.digits_dataset(0.5, 300, 0)
    assert 100 < noisy.flipped < 200 and np.array_equal(noisy.x_train, clean.x_train)
    assert np.all(noisy.y_train[noisy.y_train != noisy.y_train_true] != noisy.y_train_true[noisy.y_train != noisy.y_train_true])


@pytest.mark.parametrize("call, message", [
    (lambda: core.digits_dataset(0.0, 1001, 0), "train_size must be at most 1000 for the digits, got 1001"),
    (lambda: core.digits_dataset(1.5, 100, 0), "noise must lie in [0, 1], got 1.5"),
    (lambda: core.run_experiment(5, 0.4, 0.0, 100, 0, 0.1, epochs=1, data="digits"),
     "num_classes must be 10 for the digits, got 5"),
    (lambda: core.run_experiment(5, 0.4, 0.0, 100, 0, 0.1, epochs=1, data="mnist"),
     "data must be one of ('clusters', 'digits'), got 'mnist'"),
    (lambda: core.ExperimentSettings.make("mnist", 5, 0.4, 0.0, 100, 0, 0.1), "data must be one of ('clusters', 'digits'), got 'mnist'"),
])
def test_digits_errors(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert str(error.value) == message


def test_settings_make_is_canonical():
    a = core.ExperimentSettings.make("digits", 3, 0.9, 0.1, 5000, 2, 0.1)
    b = core.ExperimentSettings.make("digits", 7, 0.2, 0.1, 1000, 2, 0.1)
    assert a == b and hash(a) == hash(b) and (a.num_classes, a.train_size, a.overlap) == (10, 1000, core.DEFAULT_OVERLAP)
    c = core.ExperimentSettings.make("clusters", 3, 0.9, 0.1, 5000, 2, 0.1)
    assert (c.num_classes, c.overlap, c.train_size, c.data) == (3, 0.9, 5000, "clusters")
    assert (a.validation_size, a.test_size, c.validation_size, c.test_size) == (297, 500, 1000, 2000)


def test_confident_mistakes_by_hand():
    """Hand-made logits: test items 0 … 3 with true class 0; the one-hot model is wrong on 1 (p 0.9 on class 2)
    and 3 (p 0.6 on class 1), right on 0 and 2; the smoothed model gets 3 right."""
    import dataclasses

    e = core.run_experiment(10, 0.4, 0.0, 50, 0, 0.1, epochs=1, data="digits")
    y = np.zeros(4, dtype=int)
    def logits(probs):
        return np.log(np.asarray(probs))
    one = np.full((4, 10), 0.01)
    one[0, 0], one[1, 2], one[2, 0], one[3, 1] = 0.91, 0.91, 0.91, 0.91 - 0.31
    one[3, 0] = 0.01 + 0.31
    one /= one.sum(axis=1, keepdims=True)
    smooth = np.full((4, 10), 0.05)
    smooth[:, 0] = 0.55
    data = dataclasses.replace(e.data, y_test=y, x_test=e.data.x_test[:4])
    e2 = dataclasses.replace(e, data=data, one_hot=dataclasses.replace(e.one_hot, test_logits=logits(one)),
                             smoothed=dataclasses.replace(e.smoothed, test_logits=logits(smooth)))
    m = core.confident_mistakes(e2, 5)
    assert m.index.tolist() == [1, 3] and m.one_hot_class.tolist() == [2, 1]
    np.testing.assert_allclose(m.one_hot_confidence, [one[1, 2], one[3, 1]])
    np.testing.assert_allclose(m.one_hot_true, [one[1, 0], one[3, 0]])
    assert m.smoothed_class.tolist() == [0, 0] and m.smoothed_right == 2
    np.testing.assert_allclose(m.smoothed_confidence, [0.55, 0.55]) and np.testing.assert_allclose(m.smoothed_true, [0.55, 0.55])
    assert m.one_hot_range == (pytest.approx(one[3, 1]), pytest.approx(one[1, 2]))
    np.testing.assert_array_equal(m.images[1], e.data.x_test[3].reshape(8, 8))
    assert core.confident_mistakes(e2, 1).index.tolist() == [1]
    with pytest.raises(ValueError):
        core.confident_mistakes(core.run_experiment(3, 0.4, 0.0, 30, 0, 0.1, epochs=1))
