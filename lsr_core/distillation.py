"""Müller, Kornblith & Hinton's (2019) second finding, on the 8×8 digits: a teacher trained with label
smoothing makes a worse teacher for knowledge distillation (Hinton, Vinyals & Dean 2015).

Per seed: the training page's experiment on the digits gives two teachers (one-hot and smoothed targets,
same data, same initial weights, same batches). Each teacher's training-set logits, softened at temperature
T, become the targets of the same small student (same initial weights for both students), fitted at T and
evaluated at T = 1 as in Hinton et al.; the students see only the teachers' soft targets, never the labels. Several seeds (each its own split and initial weights)
give a mean and a spread for every number.

Why it could happen: smoothing asks every wrong class for the same probability, which erases what a
teacher's wrong-class probabilities say about which classes look alike; that is what a student learns from.
Two stated measures read this off the teachers' softened test outputs r(x) = softmax(z_wrong(x) / T) over
the K − 1 wrong classes: `structure`, how far each class's average r is from uniform (1 − its entropy over
log(K − 1), averaged over classes), and `variation`, how far an example's r is from its class's average
(total variation distance, averaged over examples).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._validation import check_count, check_eps, check_positive, check_prior_name
from .calibration import accuracy, negative_log_likelihood
from .classifier import forward, init_mlp
from .digits import DIGIT_CLASSES, DIGITS_TRAIN_MAX
from .experiment import run_experiment, train
from .losses import log_softmax, softmax

STUDENT_HIDDEN = (16,)       # the student: one hidden layer of 16 units (the teachers have 64-64)
STUDENT_RATE = 0.003
TEACHERS = ("one_hot", "smoothed")   # axis 0 of every per-teacher array, in this order
VERDICT_SPREAD = 2.0         # a difference counts when it is this many standard errors from 0


@dataclass(frozen=True)
class DistillationSettings:
    """The distillation page's settings, by name (hashable, for the caches)."""

    eps: float = 0.1
    temperature: float = 4.0
    seeds: int = 5
    epochs: int = 40             # teachers'
    student_epochs: int = 40
    train_size: int = DIGITS_TRAIN_MAX
    prior: str = "uniform"

    def run(self, on_progress: Callable[[float], None] | None = None) -> "Distillation":
        return distil(self, on_progress)


@dataclass(frozen=True)
class SeedResult:
    """One seed. Arrays `(2,)` hold [one-hot teacher, smoothed teacher] or their students."""

    seed: int
    teacher_accuracy: np.ndarray
    teacher_nll: np.ndarray
    student_accuracy: np.ndarray
    student_nll: np.ndarray
    similarity: np.ndarray       # (2, K, K) per teacher: row i = class i's average r over the wrong classes
    structure: np.ndarray
    variation: np.ndarray


def wrong_class_distributions(logits: np.ndarray, labels: np.ndarray, temperature: float) -> np.ndarray:
    """Per row, softmax(z / T) over the wrong classes only, as a `(N, K)` array with 0 at the true class:
    what a softened output says about the wrong classes, whatever it gives the true one. Computed from the
    logits (log-sum-exp over the wrong ones), so it stays exact when p(true) rounds to 1.

    >>> wrong_class_distributions(np.array([[5.0, 1.0, 1.0]]), np.array([0]), 1.0).tolist()
    [[0.0, 0.5, 0.5]]
    """
    z = np.asarray(logits, dtype=np.float64) / check_positive("temperature", temperature)
    rows = np.arange(z.shape[0])
    z = z.copy()
    z[rows, labels] = -np.inf
    return softmax(z)


def similarity_matrix(r: np.ndarray, labels: np.ndarray, num_classes: int) -> np.ndarray:
    """Row i: the average of `r` over the examples of class i (0 on the diagonal; rows sum to 1). A class with
    no example gets a uniform row over its wrong classes.

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
    """How far each class's average wrong-class distribution is from uniform: 1 − H(row) / log(K − 1),
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


def _one_seed(settings: DistillationSettings, seed: int, progress: Callable[[float], None]) -> SeedResult:
    e = run_experiment(DIGIT_CLASSES, 0.4, 0.0, settings.train_size, seed, settings.eps, settings.prior,
                       settings.epochs, on_progress=lambda f: progress(0.7 * f), data="digits")
    data, temperature = e.data, settings.temperature
    student_start = init_mlp((data.x_train.shape[1], *STUDENT_HIDDEN, DIGIT_CLASSES), seed + 10_000)
    results = {name: [] for name in ("t_acc", "t_nll", "s_acc", "s_nll", "sim", "structure", "variation")}
    for index, teacher in enumerate((e.one_hot, e.smoothed)):
        train_logits = forward(teacher.model, data.x_train)[1]
        soft = np.exp(log_softmax(train_logits / temperature))
        student, _ = train(data, soft, student_start, settings.student_epochs, STUDENT_RATE, seed,
                           on_epoch=lambda epoch, index=index: progress(
                               0.7 + 0.15 * (index + epoch / settings.student_epochs)))
        # the student was fitted at temperature T (its outputs u match softmax(z_teacher / T)); as in Hinton et al.
        # it answers at T = 1 with the logits z = T·u (the same network, its last layer scaled by T)
        student_logits = temperature * forward(student, data.x_test)[1]
        r = wrong_class_distributions(teacher.test_logits, data.y_test, temperature)
        sim = similarity_matrix(r, data.y_test, DIGIT_CLASSES)
        for name, value in (("t_acc", teacher.metrics.test_accuracy), ("t_nll", teacher.metrics.test_nll),
                            ("s_acc", accuracy(student_logits, data.y_test)),
                            ("s_nll", negative_log_likelihood(student_logits, data.y_test)),
                            ("sim", sim), ("structure", structure(sim)), ("variation", variation(r, data.y_test, sim))):
            results[name].append(value)
    return SeedResult(seed, *(np.array(results[name]) for name in
                              ("t_acc", "t_nll", "s_acc", "s_nll", "sim", "structure", "variation")))


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


def difference_verdict(differences, spread: float = VERDICT_SPREAD) -> str:
    """"lower", "higher" or "unclear": whether the mean of paired per-seed differences lies more than `spread`
    standard errors below or above 0. With fewer than 2 seeds there is no spread to judge by: "unclear".

    >>> difference_verdict([-0.02, -0.03, -0.025]), difference_verdict([0.01, -0.01, 0.0]), difference_verdict([-1.0])
    ('lower', 'unclear', 'unclear')
    """
    e = estimate(differences)
    if e.count < 2:
        return "unclear"
    if e.mean + spread * e.sem < 0:
        return "lower"
    if e.mean - spread * e.sem > 0:
        return "higher"
    return "unclear"


@dataclass(frozen=True)
class Distillation:
    settings: DistillationSettings
    seeds: tuple[SeedResult, ...]

    def per_teacher(self, name: str) -> np.ndarray:
        """`(S, 2)`: the field `name` of every seed (teacher_accuracy, student_nll, structure, …)."""
        return np.array([getattr(s, name) for s in self.seeds])

    def summary(self, name: str) -> tuple[Estimate, Estimate]:
        """The field `name` over seeds, for the one-hot and the smoothed teacher (or their students)."""
        values = self.per_teacher(name)
        return estimate(values[:, 0]), estimate(values[:, 1])

    def difference(self, name: str) -> Estimate:
        """Paired per seed: smoothed − one-hot."""
        values = self.per_teacher(name)
        return estimate(values[:, 1] - values[:, 0])

    def verdict(self, name: str) -> str:
        """`difference_verdict` of smoothed − one-hot for the field `name`."""
        values = self.per_teacher(name)
        return difference_verdict(values[:, 1] - values[:, 0])

    @property
    def similarity(self) -> np.ndarray:
        """`(2, K, K)`: each teacher's similarity matrix, averaged over seeds."""
        return self.per_teacher("similarity").mean(axis=0)

    @property
    def uniform_share(self) -> float:
        """What each wrong class would get from a teacher that spread its doubt evenly: 1 / (K − 1)."""
        return 1.0 / (self.similarity.shape[1] - 1)

    def strongest_confusion(self, teacher: int) -> tuple[int, int, float]:
        """(true class, wrong class, average probability) of the largest off-diagonal cell of teacher
        `teacher`'s seed-averaged similarity matrix (the first in row-major order on a tie)."""
        matrix = self.similarity[teacher]
        flat = int(np.argmax(np.where(np.eye(matrix.shape[0], dtype=bool), -np.inf, matrix)))
        i, j = divmod(flat, matrix.shape[0])
        return i, j, float(matrix[i, j])

    @property
    def reproduces_paper(self) -> str:
        """"yes" when the smoothed teacher's student is measurably less accurate, "opposite" when it is
        measurably more accurate, "unclear" otherwise (the paper's finding is about accuracy)."""
        return {"lower": "yes", "higher": "opposite", "unclear": "unclear"}[self.verdict("student_accuracy")]


def distil(settings: DistillationSettings, on_progress: Callable[[float], None] | None = None) -> Distillation:
    """Run `settings.seeds` seeds (0, 1, …); `on_progress(fraction)` as the work goes on."""
    check_eps(settings.eps)
    check_prior_name(settings.prior)
    check_positive("temperature", settings.temperature)
    count = check_count("seeds", settings.seeds, 1)
    check_count("student_epochs", settings.student_epochs, 1)
    results = []
    for seed in range(count):
        def progress(fraction: float, seed: int = seed) -> None:
            if on_progress is not None:
                on_progress((seed + fraction) / count)
        results.append(_one_seed(settings, seed, progress))
    return Distillation(settings, tuple(results))
