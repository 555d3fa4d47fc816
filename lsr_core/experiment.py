"""The training experiment: one classifier trained twice, with one-hot and with smoothed targets.

Same data, same initial weights, same mini-batch order; only the targets differ. The result holds what
the page shows: learning curves, test-set logits and penultimate activations, calibration metrics,
and a temperature-scaled copy of the one-hot model for comparison (Guo et al. 2017; Müller et al. 2019).
Deterministic for a given seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._validation import check_count, check_eps, check_fraction, check_num_classes, check_positive, check_prior_name
from .calibration import (
    EqualWidthBins,
    accuracy,
    calibrated_probabilities,
    expected_calibration_error,
    fit_temperature,
    negative_log_likelihood,
)
from .classifier import MLP, Adam, forward, init_mlp, loss_and_gradient
from .closed_form import optimal_logit_gap
from .digits import DIGIT_CLASSES, DIGIT_SIDE, DIGITS_TEST, DIGITS_TRAIN_MAX, DIGITS_VALIDATION, digits_split, load_digits
from .losses import softmax
from .targets import one_hot, smooth_targets

INPUT_DIMENSIONS = 8         # of the Gaussian clusters (the digits have 64 pixels)
DATA_SOURCES = ("clusters", "digits")
DEFAULT_OVERLAP = 0.4
HIDDEN = (64, 64)
VALIDATION_SIZE = 1000
TEST_SIZE = 2000
BATCH_SIZE = 32


TINY_PER_CLASS = 20        # fewer training examples per class than this: the page warns
NEAR_CHANCE_FACTOR = 1.5   # a test accuracy below this many times chance is "near chance"


def _check_source(data: str) -> str:
    if data not in DATA_SOURCES:
        raise ValueError(f"data must be one of {DATA_SOURCES}, got {data!r}")
    return data


def split_sizes(data: str) -> tuple[int, int]:
    """(validation, test) examples of a data source: fixed, whatever the training size.

    >>> split_sizes("clusters"), split_sizes("digits")
    ((1000, 2000), (297, 500))
    """
    return (DIGITS_VALIDATION, DIGITS_TEST) if data == "digits" else (VALIDATION_SIZE, TEST_SIZE)


@dataclass(frozen=True)
class ExperimentSettings:
    """The training page's settings, by name (hashable, for the caches)."""

    num_classes: int
    overlap: float
    noise: float
    train_size: int
    seed: int
    eps: float
    prior: str = "uniform"
    epochs: int = 60
    data: str = "clusters"

    @staticmethod
    def make(data: str, num_classes: int, overlap: float, noise: float, train_size: int, seed: int, eps: float,
             prior: str = "uniform", epochs: int = 60) -> "ExperimentSettings":
        """Settings as the page's controls give them, made canonical: the digits have K = 10, no overlap
        setting (`DEFAULT_OVERLAP` is stored) and at most `DIGITS_TRAIN_MAX` training images, so two
        control states that train the same models share one cache entry.

        >>> s = ExperimentSettings.make("digits", 3, 0.9, 0.0, 5000, 0, 0.1)
        >>> s.num_classes, s.overlap, s.train_size
        (10, 0.4, 1000)
        """
        if _check_source(data) == "digits":
            num_classes, overlap, train_size = DIGIT_CLASSES, DEFAULT_OVERLAP, min(train_size, DIGITS_TRAIN_MAX)
        return ExperimentSettings(num_classes, overlap, noise, train_size, seed, eps, prior, epochs, data)

    @property
    def chance(self) -> float:
        """The accuracy of guessing: 1/K."""
        return 1.0 / self.num_classes

    @property
    def validation_size(self) -> int:
        return split_sizes(self.data)[0]

    @property
    def test_size(self) -> int:
        return split_sizes(self.data)[1]

    @property
    def examples_per_class(self) -> float:
        return self.train_size / self.num_classes

    @property
    def tiny_data(self) -> bool:
        return self.examples_per_class < TINY_PER_CLASS

    def run(self, on_progress: Callable[[float], None] | None = None) -> "Experiment":
        return run_experiment(self.num_classes, self.overlap, self.noise, self.train_size, self.seed, self.eps,
                              self.prior, self.epochs, on_progress=on_progress, data=self.data)


@dataclass(frozen=True)
class Dataset:
    """Gaussian clusters: class k's points are mean_k + overlap · N(0, I) in `INPUT_DIMENSIONS` dimensions.

    `y_train` holds the training labels after noise; `y_train_true` the classes the points came from.
    Validation and test labels are the true classes.
    """

    num_classes: int
    means: np.ndarray
    x_train: np.ndarray
    y_train: np.ndarray
    y_train_true: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str = "clusters"   # one of DATA_SOURCES

    @property
    def flipped(self) -> int:
        return int(np.sum(self.y_train != self.y_train_true))


def make_dataset(num_classes: int, overlap: float, noise: float, train_size: int, seed: int = 0) -> Dataset:
    """K overlapping Gaussian clusters with unit-norm random means; a fraction `noise` of training labels
    is replaced by a different class drawn uniformly.

    >>> d = make_dataset(3, 0.5, 0.0, 30, seed=1)
    >>> d.x_train.shape, d.x_test.shape, d.flipped
    ((30, 8), (2000, 8), 0)
    """
    num_classes = check_num_classes(num_classes)
    overlap = check_positive("overlap", overlap)
    noise = check_fraction("noise", float(noise))
    train_size = check_count("train_size", train_size, num_classes)
    rng = np.random.default_rng(check_count("seed", seed, 0))
    means = rng.standard_normal((num_classes, INPUT_DIMENSIONS))
    means /= np.linalg.norm(means, axis=1, keepdims=True)

    def sample(size: int) -> tuple[np.ndarray, np.ndarray]:
        labels = np.arange(size) % num_classes   # balanced classes
        rng.shuffle(labels)
        return means[labels] + overlap * rng.standard_normal((size, INPUT_DIMENSIONS)), labels

    x_train, y_true = sample(train_size)
    x_val, y_val = sample(VALIDATION_SIZE)
    x_test, y_test = sample(TEST_SIZE)
    return Dataset(num_classes, means, x_train, _noisy(rng, y_true, noise, num_classes), y_true, x_val, y_val,
                   x_test, y_test)


def _noisy(rng: np.random.Generator, labels: np.ndarray, noise: float, num_classes: int) -> np.ndarray:
    """`labels` with a fraction `noise` replaced by a different class drawn uniformly."""
    flip = rng.random(labels.size) < noise
    other = (labels + rng.integers(1, num_classes, labels.size)) % num_classes   # never the true class
    return np.where(flip, other, labels)


def digits_dataset(noise: float, train_size: int, seed: int = 0) -> Dataset:
    """The 8×8 digits (K = 10, 64 inputs in [0, 1]) split by `seed` (`digits.digits_split`): 500 test and
    297 validation images, and the first `train_size` (≤ 1,000) of the rest for training, with a fraction
    `noise` of their labels flipped. `means` holds each class's mean training image.

    >>> d = digits_dataset(0.0, 100, seed=0)
    >>> d.x_train.shape, d.x_test.shape, d.x_val.shape, d.source
    ((100, 64), (500, 64), (297, 64), 'digits')
    """
    noise = check_fraction("noise", float(noise))
    train_size = check_count("train_size", train_size, DIGIT_CLASSES)
    if train_size > DIGITS_TRAIN_MAX:
        raise ValueError(f"train_size must be at most {DIGITS_TRAIN_MAX} for the digits, got {train_size}")
    images, labels = load_digits()
    test, val, pool = digits_split(seed)
    train = pool[:train_size]
    y_true = labels[train]
    means = np.stack([images[train][y_true == k].mean(axis=0) if np.any(y_true == k) else np.zeros(images.shape[1])
                      for k in range(DIGIT_CLASSES)])
    rng = np.random.default_rng([seed, 1])   # the label noise: its own stream, apart from the split
    return Dataset(DIGIT_CLASSES, means, images[train], _noisy(rng, y_true, noise, DIGIT_CLASSES), y_true,
                   images[val], labels[val], images[test], labels[test], source="digits")


@dataclass(frozen=True)
class Metrics:
    train_accuracy: float    # against the (possibly noisy) training labels
    test_accuracy: float
    test_nll: float
    mean_confidence: float   # test set, mean of max_k p_k
    ece: float               # test set, 15 bins


def evaluate(test_logits: np.ndarray, y_test: np.ndarray, train_accuracy: float, temperature: float = 1.0) -> Metrics:
    """Test metrics of softmax(z / T); a temperature never changes which class is predicted."""
    probs = calibrated_probabilities(test_logits, temperature)
    return Metrics(train_accuracy, accuracy(test_logits, y_test),
                   negative_log_likelihood(test_logits / temperature, y_test), float(probs.max(axis=1).mean()),
                   expected_calibration_error(probs, y_test))


@dataclass(frozen=True)
class TrainedModel:
    """One training run: per-epoch curves `(E+1,)` (epoch 0 = before training), and the final model's
    test-set logits `(N, K)`, penultimate activations `(N, H)`, and validation logits."""

    eps: float
    model: MLP
    epochs: np.ndarray
    train_loss: np.ndarray       # NLL against the training labels
    train_accuracy: np.ndarray
    test_loss: np.ndarray        # NLL against the true test classes
    test_accuracy: np.ndarray
    test_logits: np.ndarray
    test_features: np.ndarray
    train_features: np.ndarray
    val_logits: np.ndarray
    metrics: Metrics

    def test_probabilities(self) -> np.ndarray:
        return softmax(self.test_logits)

    @property
    def best_test_loss(self) -> float:
        return float(self.test_loss.min())

    @property
    def final_test_loss(self) -> float:
        return float(self.test_loss[-1])


def _curve_point(model: MLP, data: Dataset) -> tuple[float, float, float, float]:
    train = forward(model, data.x_train)[1]
    test = forward(model, data.x_test)[1]
    return (negative_log_likelihood(train, data.y_train), accuracy(train, data.y_train),
            negative_log_likelihood(test, data.y_test), accuracy(test, data.y_test))


def train(data: Dataset, targets: np.ndarray, start: MLP, epochs: int, rate: float, seed: int,
          on_epoch: Callable[[int], None] | None = None) -> tuple[MLP, np.ndarray]:
    """Mini-batch Adam on `targets (n_train, K)` from `start`; returns the model and its learning curve."""
    rng = np.random.default_rng(seed)   # the batch order: the same for both runs
    optimiser = Adam(rate)
    params = start.parameters()
    curve = [_curve_point(start, data)]
    n = data.x_train.shape[0]
    for epoch in range(epochs):
        order = rng.permutation(n)
        for begin in range(0, n, BATCH_SIZE):
            batch = order[begin:begin + BATCH_SIZE]
            _, grads = loss_and_gradient(MLP.from_parameters(params), data.x_train[batch], targets[batch])
            params = optimiser.update(params, grads.parameters())
        model = MLP.from_parameters(params)
        curve.append(_curve_point(model, data))
        if on_epoch is not None:
            on_epoch(epoch + 1)
    return MLP.from_parameters(params), np.array(curve)


def _trained(data: Dataset, eps: float, model: MLP, curve: np.ndarray) -> TrainedModel:
    activations, test_logits = forward(model, data.x_test)
    train_activations, train_logits = forward(model, data.x_train)
    val_logits = forward(model, data.x_val)[1]
    for array in (test_logits, activations[-1], train_activations[-1], val_logits):
        array.flags.writeable = False    # results are shared between sessions by the app's cache
    return TrainedModel(eps, model, np.arange(curve.shape[0]), *(np.ascontiguousarray(c) for c in curve.T),
                        test_logits, activations[-1], train_activations[-1], val_logits,
                        evaluate(test_logits, data.y_test, accuracy(train_logits, data.y_train)))


@dataclass(frozen=True)
class Experiment:
    data: Dataset
    eps: float
    prior: str
    one_hot: TrainedModel
    smoothed: TrainedModel
    temperature: float            # fitted on the validation set for the one-hot model
    temperature_metrics: Metrics  # the one-hot model's test metrics at that temperature

    @property
    def near_chance(self) -> bool:
        """Whether the one-hot model's test accuracy is below `NEAR_CHANCE_FACTOR` times chance (1/K)."""
        return self.one_hot.metrics.test_accuracy < NEAR_CHANCE_FACTOR / self.data.num_classes

    def optimal_gap(self) -> float:
        """The closed-form gap z_true − z_other that smoothed targets make optimal (free logits)."""
        return optimal_logit_gap(self.data.num_classes, self.eps, self.prior) if self.eps > 0 else float("inf")


def run_experiment(num_classes: int, overlap: float, noise: float, train_size: int, seed: int,
                   eps: float, prior: str = "uniform", epochs: int = 60, rate: float = 0.003,
                   on_progress: Callable[[float], None] | None = None, data: str = "clusters") -> Experiment:
    """Make the data (Gaussian clusters, or with `data="digits"` the 8×8 digits, where `num_classes` must be
    10 and `overlap` is not used), train the one-hot and the smoothed model from the same start, evaluate both.

    `on_progress(fraction)` is called after every epoch of either run (for a progress bar).
    """
    eps = check_eps(eps)
    check_prior_name(prior)
    epochs = check_count("epochs", epochs, 1)
    rate = check_positive("rate", rate)
    if _check_source(data) == "digits":
        if num_classes != DIGIT_CLASSES:
            raise ValueError(f"num_classes must be {DIGIT_CLASSES} for the digits, got {num_classes!r}")
        data = digits_dataset(noise, train_size, seed)
    else:
        data = make_dataset(num_classes, overlap, noise, train_size, seed)
    start = init_mlp((data.x_train.shape[1], *HIDDEN, data.num_classes), seed)
    runs = []
    for index, targets in enumerate((one_hot(data.y_train, data.num_classes),
                                     smooth_targets(data.y_train, data.num_classes, eps, prior))):
        def report(epoch: int, index: int = index) -> None:
            if on_progress is not None:
                on_progress((index * epochs + epoch) / (2 * epochs))
        model, curve = train(data, targets, start, epochs, rate, seed, report)
        runs.append(_trained(data, 0.0 if index == 0 else eps, model, curve))
    plain = runs[0]
    temperature = fit_temperature(plain.val_logits, data.y_val)
    scaled = evaluate(plain.test_logits, data.y_test, plain.metrics.train_accuracy, temperature)
    return Experiment(data, eps, prior, runs[0], runs[1], temperature, scaled)


@dataclass(frozen=True)
class ConfidentMistakes:
    """The test images the one-hot model got wrong with the highest confidence, and what the smoothed model
    (same data, same start) said about the same images. Arrays `(M,)` unless noted."""

    index: np.ndarray               # test-set indices, most confident mistake first
    images: np.ndarray              # (M, 8, 8) pixel values in [0, 1]
    true: np.ndarray                # the true digit
    one_hot_class: np.ndarray       # the one-hot model's (wrong) answer
    one_hot_confidence: np.ndarray  # ... and its probability
    one_hot_true: np.ndarray        # the one-hot model's probability of the true digit
    smoothed_class: np.ndarray      # the smoothed model's answer
    smoothed_confidence: np.ndarray  # ... and its probability
    smoothed_true: np.ndarray       # the smoothed model's probability of the true digit

    @property
    def smoothed_right(self) -> int:
        """How many of these digits the smoothed model got right."""
        return int(np.sum(self.smoothed_class == self.true))

    @property
    def one_hot_range(self) -> tuple[float, float]:
        """The lowest and highest confidence of the one-hot model in these mistakes."""
        return float(self.one_hot_confidence.min()), float(self.one_hot_confidence.max())

    @property
    def smoothed_range(self) -> tuple[float, float]:
        """The lowest and highest confidence of the smoothed model in its own answers on these digits."""
        return float(self.smoothed_confidence.min()), float(self.smoothed_confidence.max())


def confident_mistakes(e: Experiment, count: int = 6) -> ConfidentMistakes:
    """The `count` (or fewer) test digits the one-hot model got wrong with the highest confidence, ties broken
    by test index; only for the digits.

    >>> m = confident_mistakes(run_experiment(10, 0.4, 0.0, 200, 0, 0.1, epochs=5, data="digits"), 3)
    >>> m.images.shape, bool(np.all(m.one_hot_class != m.true)), bool(np.all(np.diff(m.one_hot_confidence) <= 0))
    ((3, 8, 8), True, True)
    """
    if e.data.source != "digits":
        raise ValueError("confident mistakes are shown for the digits only")
    count = check_count("count", count, 1)
    p_one, p_smooth = e.one_hot.test_probabilities(), e.smoothed.test_probabilities()
    y = e.data.y_test
    guess = p_one.argmax(axis=1)
    wrong = np.flatnonzero(guess != y)
    order = wrong[np.lexsort((wrong, -p_one[wrong, guess[wrong]]))][:count]
    rows = np.arange(order.size)
    smooth_guess = p_smooth[order].argmax(axis=1)
    return ConfidentMistakes(order, e.data.x_test[order].reshape(-1, DIGIT_SIDE, DIGIT_SIDE), y[order],
                             guess[order], p_one[order, guess[order]], p_one[order, y[order]],
                             smooth_guess, p_smooth[order][rows, smooth_guess], p_smooth[order, y[order]])


def logit_gaps(logits, labels) -> np.ndarray:
    """Per row: z_label − mean of the other logits, the quantity whose optimum the closed form gives
    (at the smoothed optimum every other logit is equal, so the mean is each of them).

    >>> logit_gaps(np.array([[3.0, 1.0, 0.0]]), np.array([0]))
    array([2.5])
    """
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels)
    true = np.take_along_axis(z, y[:, None], axis=1)[:, 0]
    return true - (z.sum(axis=1) - true) / (z.shape[1] - 1)


@dataclass(frozen=True)
class TemplateProjection:
    """Penultimate activations of three classes' points, in an orthonormal basis of the plane
    through those classes' templates (origin at the templates' centroid)."""

    classes: tuple[int, int, int]
    points: np.ndarray      # (n, 2)
    labels: np.ndarray      # (n,) class of each point (one of `classes`)
    templates: np.ndarray   # (3, 2) the templates themselves in the same coordinates

    def cluster_shape(self) -> tuple[float, float]:
        """(spread, unevenness): the clusters' mean RMS radius over the mean distance between their centres,
        and the coefficient of variation of the three centre distances (0 = an equilateral triangle); both NaN
        where a class has no points (a small random subset of the digits may miss a digit)."""
        if any(not np.any(self.labels == k) for k in self.classes):
            return float("nan"), float("nan")
        centres = np.array([self.points[self.labels == k].mean(axis=0) for k in self.classes])
        radius = np.mean([np.sqrt(((self.points[self.labels == k] - centres[i]) ** 2).sum(axis=1).mean())
                          for i, k in enumerate(self.classes)])
        distances = np.array([np.linalg.norm(centres[i] - centres[j]) for i, j in ((0, 1), (0, 2), (1, 2))])
        return float(radius / distances.mean()), float(distances.std() / distances.mean())


def template_projection(features, templates, labels, classes) -> TemplateProjection:
    """Project `features (N, H)` of the points labelled with one of three `classes` onto the plane through
    the templates `templates[:, c]` (columns of the output weights), as in Müller et al. (2019), Fig. 1.

    >>> w = np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]])
    >>> p = template_projection(w.T, w, np.array([0, 1, 2]), (0, 1, 2))
    >>> bool(np.allclose(p.points, p.templates))
    True
    """
    h = np.asarray(features, dtype=np.float64)
    w = np.asarray(templates, dtype=np.float64)
    classes = tuple(int(c) for c in classes)
    if len(set(classes)) != 3 or min(classes) < 0 or max(classes) >= w.shape[1]:
        raise ValueError(f"choose three different classes in 0 .. {w.shape[1] - 1}, got {classes}")
    corners = w[:, list(classes)].T                  # (3, H)
    origin = corners.mean(axis=0)
    basis, _ = np.linalg.qr((corners[1:] - corners[0]).T)   # (H, 2), orthonormal columns spanning the plane
    y = np.asarray(labels)
    chosen = np.isin(y, classes)
    return TemplateProjection(classes, (h[chosen] - origin) @ basis, y[chosen], (corners - origin) @ basis)


@dataclass(frozen=True)
class Histogram(EqualWidthBins):
    """Counts `(S, B)` of S samples on B shared equal-width bins `edges (B+1,)`."""

    edges: np.ndarray
    counts: np.ndarray

    @property
    def highest(self) -> float:
        """The tallest bar (1 for an empty histogram)."""
        return float(self.counts.max()) if self.counts.size else 1.0


@dataclass(frozen=True)
class GapSummary:
    """The test-set gaps of both runs, as the training page draws and describes them."""

    histogram: Histogram
    medians: tuple[float, ...]
    p95: tuple[float, ...]
    p5: tuple[float, ...] = ()


def gap_summary(samples, bins: int = 60) -> GapSummary:
    """A common histogram of each sample, with each sample's median, 95th and 5th percentile.

    >>> s = gap_summary([np.arange(101.0), np.zeros(3)], bins=4)
    >>> s.medians, s.p95, s.p5, s.histogram.counts.tolist()
    ((50.0, 0.0), (95.0, 0.0), (5.0, 0.0), [[25, 25, 25, 26], [3, 0, 0, 0]])
    """
    edges, counts = common_histogram(samples, bins)
    return GapSummary(Histogram(edges, counts), tuple(float(np.median(s)) for s in samples),
                      tuple(float(np.percentile(s, 95)) for s in samples),
                      tuple(float(np.percentile(s, 5)) for s in samples))


def common_histogram(samples, bins: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Histograms of several samples on one set of equal-width bins spanning them all:
    edges `(bins+1,)` and counts `(len(samples), bins)`.

    >>> edges, counts = common_histogram([np.array([0.0, 1.0]), np.array([2.0])], bins=2)
    >>> edges.tolist(), counts.tolist()
    ([0.0, 1.0, 2.0], [[1, 1], [0, 1]])
    """
    arrays = [np.asarray(s, dtype=np.float64).ravel() for s in samples]
    finite = np.concatenate(arrays)
    finite = finite[np.isfinite(finite)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if high <= low:
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, check_count("bins", bins, 1) + 1)
    return edges, np.array([np.histogram(a, edges)[0] for a in arrays])
