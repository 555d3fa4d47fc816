"""Müller, Kornblith & Hinton's (2019) second finding, on the 8×8 digits: a teacher trained with label
smoothing makes a worse teacher for knowledge distillation (Hinton, Vinyals & Dean 2015), tested with
controls, along the temperature axis and with intervals that hold at a few seeds.

Per seed: the training page's experiment on the digits gives two teachers (one-hot and smoothed targets,
same data, same initial weights, same batches), trained once and reused for every temperature. From the same
initial weights and the same mini-batches, ten small students are trained side by side:

- a **labels-only** student (one-hot labels, no teacher) and a student trained **with smoothing directly**
  (the smoothed teacher's own targets): the controls;
- for every temperature T in `TEMPERATURES`, one student per teacher, fitted to the teacher's
  softmax(z / T) on the training images (never a label) and answering at T = 1 with its logits times T, as
  in Hinton et al.

Every result is a paired per-seed difference with a 95 % t-interval (`paired_interval`; `t_critical` holds
the t quantiles), and every sentence the page shows is chosen by a named function of those intervals
(`difference_verdict`, `paper_case`, `temperature_case`, `mechanism_case`, `benefit_case`, `nll_case`,
`evidence_case`). Fewer than `EXPLORATORY_BELOW` seeds are labelled exploratory.

What could explain a worse student: smoothing asks every wrong class for the same probability, which erases
what a teacher's wrong-class probabilities say about which classes look alike. Three stated measures read
this off the teachers: `structure` (how far each class's average distribution over the wrong classes is from
uniform), `variation` (how far an example's distribution is from its class's average) and
`example_information`, closer to Müller et al.: a Gaussian estimate of the mutual information between which
training image of a class the teacher saw and a logit difference, with 1-pixel shifts of the image as noise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np

from ._validation import check_count, check_eps, check_positive, check_prior_name
from .calibration import accuracy, fit_temperature, negative_log_likelihood
from .classifier import MLP, Adam, forward, init_mlp
from .digits import DIGIT_CLASSES, DIGIT_SIDE, DIGITS_TRAIN_MAX
from .experiment import BATCH_SIZE, HIDDEN, digits_dataset
from .losses import log_softmax, softmax
from .targets import one_hot, smooth_targets

STUDENT_HIDDEN = (16,)       # the student: one hidden layer of 16 units (the teachers have 64-64)
STUDENT_RATE = 0.003
TEACHER_RATE = 0.003         # the training page's rate (`experiment.run_experiment`)
STUDENT_SEED_OFFSET = 10_000   # the students' initial weights: seed + this (the teachers' are the seed's)
TEACHERS = ("one_hot", "smoothed")   # axis "teacher" of every per-teacher array, in this order
CONTROLS = ("labels", "direct")      # the labels-only student; the student trained with smoothing directly
TEMPERATURES = (1.0, 2.0, 4.0, 8.0)
CONFIDENCE = 0.95
EXPLORATORY_BELOW = 5        # fewer seeds than this: a result is labelled exploratory
# two-sided 95 % critical values of Student's t (its 97.5 % quantiles) for 1 … 30 degrees of freedom
T_975 = (12.7062047362, 4.30265272975, 3.18244630528, 2.7764451052, 2.57058183661, 2.44691185114,
         2.36462425159, 2.30600413520, 2.26215716280, 2.22813885196, 2.20098516008, 2.17881282966,
         2.16036865646, 2.14478668792, 2.13144954556, 2.11990529922, 2.10981557783, 2.10092204024,
         2.09302405441, 2.08596344727, 2.07961384473, 2.07387306790, 2.06865761042, 2.06389856163,
         2.05953855275, 2.05552943864, 2.05183051648, 2.04840714180, 2.04522964213, 2.04227245630)
Z_975 = 1.959963984540054
SHIFTS = ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1))   # (rows, columns): the image and its four 1-pixel shifts
REFERENCE_FILE = Path(__file__).resolve().parents[1] / "assets" / "distillation_reference.json"


# ---------------------------------------------------------------- statistics

def t_critical(df: int) -> float:
    """The two-sided 95 % critical value of Student's t with `df` degrees of freedom (its 97.5 % quantile):
    from the table `T_975` up to 30, beyond it from the Cornish-Fisher expansion around the normal quantile
    (within 1e-6 of the exact value from df = 30 on).

    >>> t_critical(2), t_critical(4), round(t_critical(1000), 4)
    (4.30265272975, 2.7764451052, 1.9623)
    """
    df = check_count("df", df, 1)
    if df <= len(T_975):
        return T_975[df - 1]
    z = Z_975
    return float(z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)
                 + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3)
                 + (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / (92160 * df ** 4))


@dataclass(frozen=True)
class Estimate:
    """A number over seeds: its mean, sample standard deviation and standard error of the mean."""

    mean: float
    std: float
    sem: float
    count: int


def estimate(values) -> Estimate:
    """Mean, sample standard deviation (ddof = 1; 0 for one value) and standard error over seeds.

    >>> e = estimate([1.0, 2.0, 3.0]); (e.mean, e.std, round(e.sem, 6), e.count)
    (2.0, 1.0, 0.57735, 3)
    """
    v = np.asarray(values, dtype=np.float64)
    std = float(v.std(ddof=1)) if v.size > 1 else 0.0
    return Estimate(float(v.mean()), std, float(std / np.sqrt(v.size)), int(v.size))


@dataclass(frozen=True)
class Interval:
    """The mean of paired per-seed differences with its 95 % t-interval [low, high] (mean ± t·sem, t with
    count − 1 degrees of freedom). With one seed there is no spread to judge by: low = high = mean."""

    mean: float
    std: float
    sem: float
    count: int
    critical: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        return self.high - self.mean

    @property
    def verdict(self) -> str:
        return _verdict(self)

    @property
    def exploratory(self) -> bool:
        return self.count < EXPLORATORY_BELOW


def paired_interval(differences) -> Interval:
    """The 95 % t-interval of the mean of `differences` (one per seed).

    >>> i = paired_interval([1.0, 2.0, 3.0]); (i.mean, round(i.low, 4), round(i.high, 4), i.count)
    (2.0, -0.4841, 4.4841, 3)
    """
    e = estimate(differences)
    critical = t_critical(e.count - 1) if e.count > 1 else 0.0
    return Interval(e.mean, e.std, e.sem, e.count, critical, e.mean - critical * e.sem, e.mean + critical * e.sem)


def _verdict(interval: Interval) -> str:
    if interval.count < 2:
        return "unclear"
    if interval.high < 0:
        return "lower"
    if interval.low > 0:
        return "higher"
    return "unclear"


def difference_verdict(differences) -> str:
    """"lower", "higher" or "unclear": whether the 95 % t-interval of the mean of paired per-seed differences
    lies wholly below 0, wholly above it, or contains it. With fewer than 2 seeds: "unclear".

    >>> difference_verdict([-0.02, -0.03, -0.025]), difference_verdict([0.01, -0.01, 0.0]), difference_verdict([-1.0])
    ('lower', 'unclear', 'unclear')
    """
    return _verdict(paired_interval(differences))


# ---------------------------------------------------------------- the cases that choose the page's sentences

def paper_case(accuracy_verdict: str) -> str:
    """Whether the smoothed teacher's student is measurably less accurate than the one-hot teacher's (the
    paper's finding): "yes" for "lower", "opposite" for "higher", "unclear" otherwise.

    >>> paper_case("lower"), paper_case("higher"), paper_case("unclear")
    ('yes', 'opposite', 'unclear')
    """
    return {"lower": "yes", "higher": "opposite", "unclear": "unclear"}[accuracy_verdict]


def temperature_case(verdicts) -> str:
    """Over the temperatures: "none" (no difference measurable at any T), "lower" (the smoothed teacher's
    student less accurate at some T and more accurate at none), "higher", or "both".

    >>> temperature_case(["unclear", "lower"]), temperature_case(["unclear"] * 2), temperature_case(["lower", "higher"])
    ('lower', 'none', 'both')
    """
    found = set(verdicts)
    lower, higher = "lower" in found, "higher" in found
    return "both" if lower and higher else "lower" if lower else "higher" if higher else "none"


def mechanism_case(structure_verdict: str, accuracy_verdict: str) -> str:
    """Whether lost similarity structure can be the explanation of the accuracy result at one temperature:
    "consistent" (the smoothed teacher's structure is lower and so is its student's accuracy), "not_explanation"
    (structure lower, but the student not less accurate: the loss of structure did not cost accuracy here), or
    "no_loss" (no measurable loss of structure).

    >>> mechanism_case("lower", "lower"), mechanism_case("lower", "unclear"), mechanism_case("unclear", "lower")
    ('consistent', 'not_explanation', 'no_loss')
    """
    if structure_verdict != "lower":
        return "no_loss"
    return "consistent" if accuracy_verdict == "lower" else "not_explanation"


def benefit_case(verdict: str) -> str:
    """A student against the labels-only student: "helps" (more accurate), "harms" (less) or "none".

    >>> benefit_case("higher"), benefit_case("lower"), benefit_case("unclear")
    ('helps', 'harms', 'none')
    """
    return {"higher": "helps", "lower": "harms", "unclear": "none"}[verdict]


def nll_case(raw_verdict: str, calibrated_verdict: str) -> str:
    """The smoothed teacher's student's test NLL against the one-hot teacher's, raw and after each student is
    temperature-scaled on the validation split: "persists" (higher after scaling), "reverses" (lower after
    scaling), "inherited" (higher raw, no measurable difference after scaling: under-confidence, removed by a
    temperature), "none" (no measurable difference either way, or lower raw only).

    >>> nll_case("higher", "higher"), nll_case("higher", "unclear"), nll_case("unclear", "lower"), nll_case("lower", "unclear")
    ('persists', 'inherited', 'reverses', 'none')
    """
    if calibrated_verdict == "higher":
        return "persists"
    if calibrated_verdict == "lower":
        return "reverses"
    return "inherited" if raw_verdict == "higher" else "none"


def evidence_case(count: int) -> str:
    """"exploratory" below `EXPLORATORY_BELOW` seeds, else "stated".

    >>> evidence_case(3), evidence_case(5)
    ('exploratory', 'stated')
    """
    return "exploratory" if count < EXPLORATORY_BELOW else "stated"


# ---------------------------------------------------------------- the teachers' measures

def wrong_class_distributions(logits: np.ndarray, labels: np.ndarray, temperature: float) -> np.ndarray:
    """Per row, softmax(z / T) over the wrong classes only, as a `(N, K)` array with 0 at the true class:
    what a softened output says about the wrong classes (its shares, renormalised), whatever it gives the true
    one. Computed from the logits (log-sum-exp over the wrong ones), so it stays exact when p(true) rounds to 1.

    >>> wrong_class_distributions(np.array([[5.0, 1.0, 1.0]]), np.array([0]), 1.0).tolist()
    [[0.0, 0.5, 0.5]]
    """
    z = np.asarray(logits, dtype=np.float64) / check_positive("temperature", temperature)
    rows = np.arange(z.shape[0])
    z = z.copy()
    z[rows, labels] = -np.inf
    return softmax(z)


def similarity_matrix(r: np.ndarray, labels: np.ndarray, num_classes: int) -> np.ndarray:
    """Row i: the average of `r` over the examples of class i. A class with no example gets a uniform row
    over its wrong classes. With `r` from `wrong_class_distributions`, rows sum to 1 (shares); with softmax(z/T)
    itself, row i is the teacher's actual average probability, the true class on the diagonal.

    >>> similarity_matrix(np.array([[0, .8, .2], [0, .4, .6]]), np.array([0, 0]), 3)[0].round(2).tolist()
    [0.0, 0.6, 0.4]
    """
    rows = []
    for k in range(num_classes):
        mine = r[labels == k]
        if mine.shape[0]:
            rows.append(mine.mean(axis=0))
        else:
            rows.append(np.where(np.arange(num_classes) == k, 0.0, 1.0 / (num_classes - 1)))
    return np.array(rows)


def structure(similarity: np.ndarray) -> float:
    """How far each class's average wrong-class distribution (shares) is from uniform: 1 − H(row) / log(K − 1),
    averaged over the rows (0: every wrong class equally likely, nothing said about similarity; 1: all on one).

    >>> structure(np.array([[0, .5, .5], [.5, 0, .5], [.5, .5, 0]])), structure(np.array([[0, 1., 0], [1., 0, 0], [1., 0, 0]]))
    (0.0, 1.0)
    """
    k = similarity.shape[0]
    p = similarity[~np.eye(k, dtype=bool)].reshape(k, k - 1)
    entropy = -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0), axis=1)
    return float(np.mean(1.0 - entropy / np.log(k - 1))) if k > 2 else 0.0


def variation(r: np.ndarray, labels: np.ndarray, similarity: np.ndarray) -> float:
    """The average total-variation distance between an example's wrong-class distribution and its class's
    average (0: every example of a class says the same about the wrong classes; at most 1).

    >>> r = np.array([[0, 1., 0], [0, 0, 1.]]); variation(r, np.array([0, 0]), similarity_matrix(r, np.array([0, 0]), 3))
    0.5
    """
    return float(np.mean(0.5 * np.abs(r - similarity[labels]).sum(axis=1)))


def shifted_images(images: np.ndarray, side: int = DIGIT_SIDE) -> np.ndarray:
    """`(len(SHIFTS), N, side²)`: each image (a row of side² pixels), then moved by one pixel down, up, right
    and left, the pixels moved in from outside set to 0.

    >>> x = np.zeros((1, 9)); x[0, 4] = 1.0     # a 3 × 3 image with its centre lit
    >>> [int(np.argmax(v[0])) for v in shifted_images(x, 3)]
    [4, 7, 1, 5, 3]
    """
    x = np.asarray(images, dtype=np.float64).reshape(-1, side, side)
    out = np.zeros((len(SHIFTS), *x.shape))
    for index, (down, right) in enumerate(SHIFTS):
        rows_to, rows_from = slice(max(down, 0), side + min(down, 0)), slice(max(-down, 0), side - max(down, 0))
        cols_to, cols_from = slice(max(right, 0), side + min(right, 0)), slice(max(-right, 0), side - max(right, 0))
        out[index, :, rows_to, cols_to] = x[:, rows_from, cols_from]
    return out.reshape(len(SHIFTS), x.shape[0], side * side)


def example_information(logits: np.ndarray, labels: np.ndarray, num_classes: int) -> float:
    """How much a model's logits say about *which* example of a class it saw, in nats: for every class c and
    wrong class j, the logit difference y = z_c − z_j over the examples of class c, each seen in V noisy
    versions (`logits (V, N, K)`), is taken as Gaussian given the example and Gaussian overall (Müller et al.
    2019, section 4), so I(example; y) = ½ log(1 + between / within), between the variance of the examples'
    mean y, within the mean variance of y over an example's versions; capped at log(n_c), the most a choice
    among n_c examples can carry, and averaged over the pairs (c, j) with at least two examples.

    >>> v = np.array([[[0., 0.], [2., 0.]], [[2., 0.], [4., 0.]]])    # y: example 0 → 0 or 2, example 1 → 2 or 4
    >>> bool(abs(example_information(v, np.array([0, 0]), 2) - 0.5 * np.log(2.0)) < 1e-12)
    True
    """
    z = np.asarray(logits, dtype=np.float64)
    values = []
    for c in range(num_classes):
        mine = z[:, labels == c, :]
        n = mine.shape[1]
        if n < 2:
            continue
        y = mine[:, :, [c]] - np.delete(mine, c, axis=2)      # (V, n, K − 1)
        between = y.mean(axis=0).var(axis=0)
        within = y.var(axis=0).mean(axis=0)
        # no noise at all: an example with its own value is told apart for certain (capped below), and
        # examples that all look alike carry nothing
        ratio = np.divide(between, within, out=np.where(between > 0, np.inf, 0.0), where=within > 0)
        values.append(np.minimum(0.5 * np.log1p(ratio), np.log(n)))
    return float(np.mean(np.concatenate(values))) if values else 0.0


# ---------------------------------------------------------------- training the students side by side

def train_students(x: np.ndarray, targets: np.ndarray, start: MLP, epochs: int, rate: float, seed: int,
                   on_epoch: Callable[[int], None] | None = None) -> list[MLP]:
    """Train one student per `targets[s] (N, K)` from the same `start`, on the same mini-batches (Adam, batch
    `BATCH_SIZE`, the order drawn from `seed` as `experiment.train` draws it), all in one stacked pass: each
    student's result is the one `experiment.train` would give it alone (the arithmetic is the same, per
    student; tests compare the two).

    Every student's parameters sit in one row of a single array (its layers are views of it), the gradients are
    written into another laid out the same way, and Adam updates the whole array at once: the same arithmetic per
    element as `Adam.update` on each layer, in a dozen array operations per step instead of a dozen per layer."""
    targets = np.asarray(targets, dtype=np.float64)
    count, n = targets.shape[0], x.shape[0]
    layers = len(start.weights)
    shapes = [p.shape for p in start.parameters()]
    ends = np.cumsum([p.size for p in start.parameters()])
    spans = list(zip([0, *ends[:-1]], ends, shapes))

    def layered(flat: np.ndarray) -> list[np.ndarray]:
        """`(count, …)` views of `flat`'s columns, one per weight and bias array (weights first)."""
        return [flat[:, begin:end].reshape(count, *shape) for begin, end, shape in spans]

    flat = np.concatenate([np.repeat(p.reshape(1, -1), count, axis=0) for p in start.parameters()], axis=1)
    gradient = np.empty_like(flat)
    grad_w, grad_b = layered(gradient)[:layers], layered(gradient)[layers:]
    rng = np.random.default_rng(seed)
    optimiser = Adam(rate)
    for epoch in range(epochs):
        order = rng.permutation(n)
        for begin in range(0, n, BATCH_SIZE):
            batch = order[begin:begin + BATCH_SIZE]
            params = layered(flat)
            weights, biases = params[:layers], params[layers:]
            activations = [x[batch][None]]   # (1, B, n_in): the same images for every student
            for w, b in zip(weights[:-1], biases[:-1]):
                activations.append(np.maximum(activations[-1] @ w + b[:, None, :], 0.0))
            z = activations[-1] @ weights[-1] + biases[-1][:, None, :]
            upstream = (softmax(z) - targets[:, batch]) / batch.size
            for layer in range(layers - 1, -1, -1):
                h = activations[layer]
                np.matmul(np.swapaxes(h, 1, 2), upstream, out=grad_w[layer])
                np.sum(upstream, axis=1, out=grad_b[layer])
                if layer:
                    upstream = (upstream @ np.swapaxes(weights[layer], 1, 2)) * (h > 0)
            flat = optimiser.update([flat], [gradient])[0]
        if on_epoch is not None:
            on_epoch(epoch + 1)
    params = layered(flat)
    return [MLP(tuple(p[s].copy() for p in params[:layers]), tuple(p[s].copy() for p in params[layers:]))
            for s in range(count)]


# ---------------------------------------------------------------- one seed

@dataclass(frozen=True)
class DistillationSettings:
    """The distillation page's settings, by name (hashable, for the caches). Every temperature in
    `temperatures` is trained in the same run, from the same two teachers."""

    eps: float = 0.1
    seeds: int = 5
    epochs: int = 40             # teachers'
    student_epochs: int = 40
    train_size: int = DIGITS_TRAIN_MAX
    prior: str = "uniform"
    temperatures: tuple[float, ...] = TEMPERATURES

    def check(self) -> "DistillationSettings":
        """These settings, or a ValueError naming the first bad one."""
        check_eps(self.eps)
        check_prior_name(self.prior)
        check_count("seeds", self.seeds, 1)
        check_count("epochs", self.epochs, 1)
        check_count("student_epochs", self.student_epochs, 1)
        if not self.temperatures:
            raise ValueError("temperatures must hold at least one temperature")
        for temperature in self.temperatures:
            check_positive("temperature", temperature)
        return self

    @property
    def per_seed(self) -> "DistillationSettings":
        """The settings one seed's result depends on (all but the number of seeds): a per-seed cache key."""
        return replace(self, seeds=1)

    def run(self, on_progress: Callable[[float], None] | None = None) -> "Distillation":
        return distil(self, on_progress)


@dataclass(frozen=True)
class SeedResult:
    """One seed. Axis "teacher" holds [one-hot teacher, smoothed teacher] or their students, axis "control"
    [labels-only student, student trained with smoothing directly], axis T the settings' temperatures."""

    seed: int
    teacher_accuracy: np.ndarray         # (2,)
    teacher_nll: np.ndarray              # (2,)
    information: np.ndarray              # (2,) nats: `example_information` on the training images
    control_accuracy: np.ndarray         # (2,)
    control_nll: np.ndarray              # (2,)
    control_nll_calibrated: np.ndarray   # (2,)
    student_accuracy: np.ndarray         # (T, 2)
    student_nll: np.ndarray              # (T, 2)
    student_nll_calibrated: np.ndarray   # (T, 2) each student temperature-scaled on the validation split
    probabilities: np.ndarray            # (T, 2, K, K): row i, the teacher's average softmax(z / T) over class i
    shares: np.ndarray                   # (T, 2, K, K): row i, the average of `wrong_class_distributions`
    structure: np.ndarray                # (T, 2)
    variation: np.ndarray                # (T, 2)


def _answers(student: MLP, x: np.ndarray, scale: float) -> np.ndarray:
    return scale * forward(student, x)[1]


def _calibrated_nll(val_logits: np.ndarray, y_val: np.ndarray, test_logits: np.ndarray, y_test: np.ndarray) -> float:
    return negative_log_likelihood(test_logits / fit_temperature(val_logits, y_val), y_test)


@dataclass(frozen=True)
class Teacher:
    test_logits: np.ndarray


def distil_seed(settings: DistillationSettings, seed: int,
                on_progress: Callable[[float], None] | None = None) -> SeedResult:
    """One seed's teachers (once) and all its students; `on_progress(fraction)` as the work goes on."""
    settings.check()

    def progress(fraction: float) -> None:
        if on_progress is not None:
            on_progress(fraction)

    # the training page's two models on the digits (`experiment.run_experiment`: same data, start, batches and
    # rate), trained side by side; tests check they are the experiment's models
    data, k = digits_dataset(0.0, settings.train_size, seed), DIGIT_CLASSES
    labels = [one_hot(data.y_train, k), smooth_targets(data.y_train, k, settings.eps, settings.prior)]
    models = train_students(data.x_train, np.stack(labels), init_mlp((data.x_train.shape[1], *HIDDEN, k), seed),
                            settings.epochs, TEACHER_RATE, seed,
                            on_epoch=lambda epoch: progress(0.55 * epoch / settings.epochs))
    teachers = [Teacher(forward(m, data.x_test)[1]) for m in models]
    temperatures = settings.temperatures
    train_logits = [forward(m, data.x_train)[1] for m in models]
    targets = list(labels)
    scales = [1.0, 1.0]
    for temperature in temperatures:
        for logits in train_logits:
            targets.append(np.exp(log_softmax(logits / temperature)))
            scales.append(temperature)
    start = init_mlp((data.x_train.shape[1], *STUDENT_HIDDEN, k), seed + STUDENT_SEED_OFFSET)
    students = train_students(data.x_train, np.stack(targets), start, settings.student_epochs, STUDENT_RATE, seed,
                              on_epoch=lambda epoch: progress(0.55 + 0.4 * epoch / settings.student_epochs))
    accuracy_, nll, calibrated = [], [], []
    for student, scale in zip(students, scales):
        # a distilled student was fitted at T (its outputs u match softmax(z_teacher / T)); as in Hinton et al.
        # it answers at T = 1 with the logits T·u (the same network, its last layer scaled by T)
        test, val = _answers(student, data.x_test, scale), _answers(student, data.x_val, scale)
        accuracy_.append(accuracy(test, data.y_test))
        nll.append(negative_log_likelihood(test, data.y_test))
        calibrated.append(_calibrated_nll(val, data.y_val, test, data.y_test))
    shape = (len(temperatures), 2)
    probabilities, shares, structures, variations = [], [], [], []
    for temperature in temperatures:
        for teacher in teachers:
            r = wrong_class_distributions(teacher.test_logits, data.y_test, temperature)
            sim = similarity_matrix(r, data.y_test, k)
            shares.append(sim)
            probabilities.append(similarity_matrix(softmax(teacher.test_logits / temperature), data.y_test, k))
            structures.append(structure(sim))
            variations.append(variation(r, data.y_test, sim))
    noisy = shifted_images(data.x_train)
    information = [example_information(forward(m, noisy.reshape(-1, noisy.shape[2]))[1]
                                       .reshape(noisy.shape[0], noisy.shape[1], k), data.y_train, k)
                   for m in models]
    progress(1.0)
    return SeedResult(
        seed, np.array([accuracy(t.test_logits, data.y_test) for t in teachers]),
        np.array([negative_log_likelihood(t.test_logits, data.y_test) for t in teachers]),
        np.array(information), np.array(accuracy_[:2]), np.array(nll[:2]), np.array(calibrated[:2]),
        np.array(accuracy_[2:]).reshape(shape), np.array(nll[2:]).reshape(shape), np.array(calibrated[2:]).reshape(shape),
        np.array(probabilities).reshape(*shape, k, k), np.array(shares).reshape(*shape, k, k),
        np.array(structures).reshape(shape), np.array(variations).reshape(shape))


# ---------------------------------------------------------------- over seeds

@dataclass(frozen=True)
class TemperatureAxis:
    """The page's main picture: per temperature `(T,)`, the paired difference (smoothed − one-hot teacher) in
    student accuracy over seeds, its 95 % t-interval, and its verdict."""

    temperatures: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    count: int
    verdicts: tuple[str, ...]

    @property
    def case(self) -> str:
        return temperature_case(self.verdicts)

    @property
    def above(self) -> np.ndarray:
        """high − mean: the interval's upper arm, as an error bar draws it."""
        return self.high - self.mean

    @property
    def below(self) -> np.ndarray:
        """mean − low: the lower arm."""
        return self.mean - self.low

    def in_points(self) -> "TemperatureAxis":
        """The same axis with accuracies as percentage points (×100)."""
        return replace(self, mean=100.0 * self.mean, low=100.0 * self.low, high=100.0 * self.high)

    def where(self, verdict: str) -> tuple[float, ...]:
        """The temperatures with this verdict."""
        return tuple(float(t) for t, v in zip(self.temperatures, self.verdicts) if v == verdict)


@dataclass(frozen=True)
class Distillation:
    settings: DistillationSettings
    seeds: tuple[SeedResult, ...]

    @property
    def count(self) -> int:
        return len(self.seeds)

    @property
    def temperatures(self) -> tuple[float, ...]:
        return tuple(self.settings.temperatures)

    def t_index(self, temperature: float) -> int:
        """The position of `temperature` on the temperature axis (a ValueError if it was not trained)."""
        if float(temperature) not in self.temperatures:
            raise ValueError(f"temperature must be one of {self.temperatures}, got {temperature!r}")
        return self.temperatures.index(float(temperature))

    def values(self, name: str) -> np.ndarray:
        """`(S, …)`: the field `name` of every seed."""
        return np.array([getattr(s, name) for s in self.seeds])

    def per_teacher(self, name: str, temperature: float | None = None) -> np.ndarray:
        """`(S, 2)`: the field `name` of every seed, at `temperature` for the per-temperature fields."""
        values = self.values(name)
        return values[:, self.t_index(temperature)] if values.ndim == 3 else values

    def summary(self, name: str, temperature: float | None = None) -> tuple[Estimate, Estimate]:
        """The field `name` over seeds, for the one-hot and the smoothed teacher (or their students)."""
        values = self.per_teacher(name, temperature)
        return estimate(values[:, 0]), estimate(values[:, 1])

    def difference(self, name: str, temperature: float | None = None) -> Interval:
        """Paired per seed, smoothed − one-hot, with its 95 % t-interval."""
        values = self.per_teacher(name, temperature)
        return paired_interval(values[:, 1] - values[:, 0])

    def verdict(self, name: str, temperature: float | None = None) -> str:
        return self.difference(name, temperature).verdict

    def control(self, name: str = "control_accuracy") -> tuple[Estimate, Estimate]:
        """The labels-only student's and the directly smoothed student's `name` over seeds."""
        values = self.values(name)
        return estimate(values[:, 0]), estimate(values[:, 1])

    def benefit(self, teacher: int, temperature: float) -> Interval:
        """The accuracy of teacher `teacher`'s student minus the labels-only student's, paired per seed."""
        return paired_interval(self.per_teacher("student_accuracy", temperature)[:, teacher]
                               - self.values("control_accuracy")[:, 0])

    @property
    def direct_benefit(self) -> Interval:
        """The accuracy of the student trained with smoothing directly minus the labels-only student's."""
        values = self.values("control_accuracy")
        return paired_interval(values[:, 1] - values[:, 0])

    @property
    def temperature_axis(self) -> TemperatureAxis:
        intervals = [self.difference("student_accuracy", t) for t in self.temperatures]
        return TemperatureAxis(np.array(self.temperatures), np.array([i.mean for i in intervals]),
                               np.array([i.low for i in intervals]), np.array([i.high for i in intervals]),
                               self.count, tuple(i.verdict for i in intervals))

    def paper_case(self, temperature: float) -> str:
        return paper_case(self.verdict("student_accuracy", temperature))

    def mechanism_case(self, temperature: float) -> str:
        return mechanism_case(self.verdict("structure", temperature), self.verdict("student_accuracy", temperature))

    def nll_case(self, temperature: float) -> str:
        return nll_case(self.verdict("student_nll", temperature), self.verdict("student_nll_calibrated", temperature))

    def probabilities(self, temperature: float) -> np.ndarray:
        """`(2, K, K)`: each teacher's average softmax(z / T) per true class, averaged over seeds."""
        return self.values("probabilities")[:, self.t_index(temperature)].mean(axis=0)

    def wrong_probabilities(self, temperature: float) -> np.ndarray:
        """`probabilities` with the diagonal (the true class) set to 0: what the heat maps draw."""
        p = self.probabilities(temperature).copy()
        p[:, np.arange(p.shape[1]), np.arange(p.shape[1])] = 0.0
        return p

    def true_probability(self, temperature: float) -> np.ndarray:
        """`(2,)`: each teacher's average probability of the true class (the diagonal, averaged)."""
        return np.diagonal(self.probabilities(temperature), axis1=1, axis2=2).mean(axis=1)

    def strongest_confusion(self, teacher: int, temperature: float) -> tuple[int, int, float]:
        """(true class, wrong class, average probability) of the largest off-diagonal cell of teacher
        `teacher`'s seed-averaged probabilities at `temperature` (the first in row-major order on a tie)."""
        matrix = self.wrong_probabilities(temperature)[teacher]
        flat = int(np.argmax(np.where(np.eye(matrix.shape[0], dtype=bool), -np.inf, matrix)))
        i, j = divmod(flat, matrix.shape[0])
        return i, j, float(matrix[i, j])

    def uniform_share(self, teacher: int, temperature: float) -> float:
        """What each wrong class would get if teacher `teacher` spread its average doubt evenly:
        (1 − its average true-class probability) / (K − 1)."""
        return float((1.0 - self.true_probability(temperature)[teacher]) / (self.probabilities(temperature).shape[1] - 1))


def distil(settings: DistillationSettings, on_progress: Callable[[float], None] | None = None) -> Distillation:
    """Run `settings.seeds` seeds (0, 1, …); `on_progress(fraction)` as the work goes on."""
    count = settings.check().seeds
    results = []
    for seed in range(count):
        def progress(fraction: float, seed: int = seed) -> None:
            if on_progress is not None:
                on_progress((seed + fraction) / count)
        results.append(distil_seed(settings, seed, progress))
    return Distillation(settings, tuple(results))


# ---------------------------------------------------------------- claims as code (issue 22)
# Every result-dependent sentence the page shows (its catalogue key) -> the claim it makes, a predicate on the
# measured result; `sentence_keys` chooses them with the case functions above, and tests/test_core_distillation.py
# checks each chosen sentence's claim with its own arithmetic (its own t table, means and deviations).
_ACC = "the 95 % t-interval of the paired per-seed difference smoothed − one-hot in student accuracy at T"
_NLL = "the 95 % t-interval of the paired difference smoothed − one-hot in the students' {} test NLL at T"
CLAIMS = {
    "distillation.evidence.exploratory": f"fewer than {EXPLORATORY_BELOW} seeds",
    "distillation.evidence.stated": f"at least {EXPLORATORY_BELOW} seeds",
    "distillation.paper.yes": f"{_ACC} lies wholly below 0",
    "distillation.paper.opposite": f"{_ACC} lies wholly above 0",
    "distillation.paper.unclear": f"{_ACC} contains 0",
    "distillation.temperature_case.none": "at every temperature the accuracy difference's interval contains 0",
    "distillation.temperature_case.lower": "at the temperatures listed the accuracy difference's interval lies below 0, "
                                           "at every other it contains 0",
    "distillation.temperature_case.higher": "at the temperatures listed the interval lies above 0, at every other it "
                                            "contains 0",
    "distillation.temperature_case.both": "below 0 at the temperatures listed as lower, above 0 at those listed as higher",
    "distillation.benefit.helps": "the interval of (this teacher's student − the labels-only student) in accuracy at T "
                                  "lies above 0",
    "distillation.benefit.harms": "that interval lies below 0",
    "distillation.benefit.none": "that interval contains 0",
    "distillation.direct.helps": "the interval of (the directly smoothed student − the labels-only student) in "
                                 "accuracy lies above 0",
    "distillation.direct.harms": "that interval lies below 0",
    "distillation.direct.none": "that interval contains 0",
    "distillation.nll.persists": _NLL.format("temperature-scaled") + " lies above 0",
    "distillation.nll.reverses": _NLL.format("temperature-scaled") + " lies below 0",
    "distillation.nll.inherited": _NLL.format("raw") + " lies above 0, and the temperature-scaled one contains 0",
    "distillation.nll.none": "the temperature-scaled interval contains 0 and the raw one does not lie above 0",
    "distillation.mechanism.consistent": "at T the structure difference's interval lies below 0 and so does the "
                                         "accuracy difference's",
    "distillation.mechanism.not_explanation": "the structure difference's interval lies below 0, the accuracy "
                                              "difference's does not",
    "distillation.mechanism.no_loss": "the structure difference's interval does not lie below 0",
    "distillation.information.lower": "the interval of the paired difference in per-example information lies below 0",
    "distillation.information.higher": "that interval lies above 0",
    "distillation.information.unclear": "that interval contains 0",
}


def sentence_keys(d: "Distillation", temperature: float) -> tuple[str, ...]:
    """The catalogue keys of every result-dependent sentence the page shows at `temperature`, in page order,
    each chosen by its case function (their claims: `CLAIMS`)."""
    benefits = [benefit_case(d.benefit(teacher, temperature).verdict) for teacher in range(len(TEACHERS))]
    return (f"distillation.evidence.{evidence_case(d.count)}", f"distillation.paper.{d.paper_case(temperature)}",
            f"distillation.temperature_case.{d.temperature_axis.case}",
            *(f"distillation.benefit.{case}" for case in benefits),
            f"distillation.direct.{benefit_case(d.direct_benefit.verdict)}",
            f"distillation.nll.{d.nll_case(temperature)}", f"distillation.mechanism.{d.mechanism_case(temperature)}",
            f"distillation.information.{d.difference('information').verdict}")


# ---------------------------------------------------------------- the 20-seed reference

@dataclass(frozen=True)
class Reference:
    """A many-seed run at fixed settings (written by `bench/distillation_reference.py`), per temperature:
    the accuracy difference smoothed − one-hot teacher's student (mean, 95 % interval), each teacher's benefit
    over the labels-only student (mean, interval), the raw and calibrated NLL difference; and the presets
    chosen from it (`reference_presets`)."""

    settings: DistillationSettings
    count: int
    axis: TemperatureAxis
    benefit_mean: np.ndarray      # (T, 2)
    benefit_low: np.ndarray
    benefit_high: np.ndarray
    nll_mean: np.ndarray          # (T,)
    nll_calibrated_mean: np.ndarray
    labels_accuracy: float
    direct_benefit: tuple[float, float, float]   # mean, low, high
    presets: dict = field(default_factory=dict)  # {"shows": T or None, "absent": T or None}

    def matches(self, settings: DistillationSettings) -> bool:
        """Whether a run at `settings` is comparable with this reference (all but the number of seeds)."""
        return settings.per_seed == self.settings.per_seed


def reference_presets(axis: TemperatureAxis) -> dict:
    """The temperatures the presets open, chosen only from what `axis` measured: "shows", the smallest T whose
    interval lies wholly below 0 (the finding shows); "absent", the T whose interval contains 0 with the mean
    closest to 0 (it does not). None where no temperature qualifies.

    >>> a = TemperatureAxis(np.array([1., 2., 4.]), np.array([0.1, -0.3, -1.]), np.array([-.2, -.5, -1.5]),
    ...                     np.array([.4, .1, -.5]), 20, ("unclear", "unclear", "lower"))
    >>> reference_presets(a)
    {'shows': 4.0, 'absent': 1.0}
    """
    shows = [float(t) for t, v in zip(axis.temperatures, axis.verdicts) if v == "lower"]
    absent = [(abs(m), float(t)) for t, m, v in zip(axis.temperatures, axis.mean, axis.verdicts) if v == "unclear"]
    return {"shows": min(shows) if shows else None, "absent": min(absent)[1] if absent else None}


def reference_record(d: Distillation) -> dict:
    """What `bench/distillation_reference.py` stores for `d` (plain JSON types)."""
    axis = d.temperature_axis
    benefits = [[d.benefit(teacher, t) for teacher in range(2)] for t in d.temperatures]
    direct = d.direct_benefit
    settings = d.settings
    return {
        "settings": {"eps": settings.eps, "prior": settings.prior, "epochs": settings.epochs,
                     "student_epochs": settings.student_epochs, "train_size": settings.train_size,
                     "temperatures": list(settings.temperatures)},
        "seeds": d.count,
        "temperatures": list(d.temperatures),
        "difference_mean": axis.mean.tolist(), "difference_low": axis.low.tolist(),
        "difference_high": axis.high.tolist(), "verdicts": list(axis.verdicts),
        "benefit_mean": [[b.mean for b in row] for row in benefits],
        "benefit_low": [[b.low for b in row] for row in benefits],
        "benefit_high": [[b.high for b in row] for row in benefits],
        "nll_mean": [d.difference("student_nll", t).mean for t in d.temperatures],
        "nll_calibrated_mean": [d.difference("student_nll_calibrated", t).mean for t in d.temperatures],
        "labels_accuracy": d.control()[0].mean,
        "direct_benefit": [direct.mean, direct.low, direct.high],
        "presets": reference_presets(axis),
    }


def reference_from_record(record: dict) -> Reference:
    """A `Reference` from what `reference_record` wrote."""
    s = record["settings"]
    settings = DistillationSettings(eps=float(s["eps"]), seeds=int(record["seeds"]), epochs=int(s["epochs"]),
                                    student_epochs=int(s["student_epochs"]), train_size=int(s["train_size"]),
                                    prior=str(s["prior"]), temperatures=tuple(float(t) for t in s["temperatures"]))
    axis = TemperatureAxis(np.array(record["temperatures"], dtype=float), np.array(record["difference_mean"]),
                           np.array(record["difference_low"]), np.array(record["difference_high"]),
                           int(record["seeds"]), tuple(record["verdicts"]))
    return Reference(settings, int(record["seeds"]), axis, np.array(record["benefit_mean"]),
                     np.array(record["benefit_low"]), np.array(record["benefit_high"]), np.array(record["nll_mean"]),
                     np.array(record["nll_calibrated_mean"]), float(record["labels_accuracy"]),
                     tuple(record["direct_benefit"]), dict(record["presets"]))


def load_references(path: Path | str = REFERENCE_FILE) -> tuple[Reference, ...]:
    """Every reference stored in `path` (a JSON list of `reference_record`s); none if the file is missing."""
    path = Path(path)
    if not path.is_file():
        return ()
    return tuple(reference_from_record(r) for r in json.loads(path.read_text(encoding="utf-8")))


def find_reference(references, settings: DistillationSettings) -> Reference | None:
    """The reference comparable with `settings` (`Reference.matches`), if there is one."""
    return next((r for r in references if r.matches(settings)), None)
