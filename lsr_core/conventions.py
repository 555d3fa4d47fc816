"""How libraries define label smoothing, converting between the two conventions, and the numbers
behind each erratum of the source notes (every claim on the conventions page is computed here)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_eps, check_num_classes
from .closed_form import optimal_logit_gap, optimal_logits
from .dynamics import descend
from .losses import _cross_entropy, log_softmax, softmax
from .targets import equivalent_eps, one_hot, smooth_targets

# library -> (convention, how it is called); what the true and each wrong class receive follows from it
LIBRARIES = (
    ("PyTorch", "uniform", "torch.nn.CrossEntropyLoss(label_smoothing=ε)"),
    ("Keras", "uniform", "keras.losses.CategoricalCrossentropy(label_smoothing=ε)"),
    ("TensorFlow 1", "uniform", "tf.losses.softmax_cross_entropy(..., label_smoothing=ε)"),
    ("optax", "uniform", "optax.smooth_labels(labels, alpha=ε)"),
    ("timm", "uniform", "timm.loss.LabelSmoothingCrossEntropy(smoothing=ε)"),
    ("Hugging Face", "uniform", "transformers.trainer_pt_utils.LabelSmoother(epsilon=ε)"),
    # fairseq switched from eps/K to eps/(K-1) in early 2021; the first release with it is 0.12
    ("fairseq ≥ 0.12", "others", "label_smoothed_cross_entropy (--label-smoothing ε)"),
    ("fairseq ≤ 0.10", "uniform", "label_smoothed_cross_entropy (--label-smoothing ε)"),
    ("tensor2tensor", "others", "smoothing_cross_entropy(..., confidence=1−ε)"),
)


@dataclass(frozen=True)
class LibraryTargets:
    library: str
    prior: str
    call: str
    true_target: float
    wrong_target: float
    optimal_gap: float


def library_table(num_classes: int, eps: float) -> tuple[LibraryTargets, ...]:
    """What each library's target vector and optimal gap are for K classes and smoothing eps.

    >>> row = library_table(2, 0.1)[0]; row.library, round(row.true_target, 12), round(row.wrong_target, 12)
    ('PyTorch', 0.95, 0.05)
    """
    k, eps = check_num_classes(num_classes), check_eps(eps)
    rows = []
    for library, prior, call in LIBRARIES:
        q = smooth_targets(0, k, eps, prior)
        rows.append(LibraryTargets(library, prior, call, float(q[0]), float(q[1]), optimal_logit_gap(k, eps, prior)))
    return tuple(rows)


def binary_smoothing(eps: float) -> np.ndarray:
    """Binary cross-entropy's label smoothing (Keras BinaryCrossentropy): y (1 - eps) + eps / 2.

    >>> binary_smoothing(0.1)
    array([0.95, 0.05])
    """
    return smooth_targets(0, 2, eps, "uniform")


@dataclass(frozen=True)
class Erratum:
    """A claim's number next to the correct number, for one worked example."""

    claimed: float
    correct: float
    details: dict

    @property
    def differs(self) -> bool:
        return not np.isclose(self.claimed, self.correct, rtol=1e-9, atol=1e-12)


def alpha_inside_log(num_classes: int, eps: float, alpha: float) -> Erratum:
    """Erratum 1: z*_true - z*_false written as log((K-1)(1-eps)/(eps + alpha)) - alpha. The shift belongs
    outside: z*_true = log((K-1)(1-eps)/eps) + alpha. Compares the claimed and correct true logit for a
    given alpha (the value of the wrong logits), with the gap that gradient descent reaches."""
    k, eps = check_num_classes(num_classes), check_eps(eps)
    correct = np.log((k - 1) * (1 - eps) / eps) + alpha
    claimed = np.log((k - 1) * (1 - eps) / (eps + alpha)) if eps + alpha > 0 else -np.inf
    optimum = optimal_logits(smooth_targets(0, k, eps, "others"))
    z = optimum - optimum[1] + alpha  # the optimum shifted so that every wrong logit equals alpha
    return Erratum(float(claimed), float(correct), {"descent_true_logit": float(z[0]), "alpha": alpha})


def q_inside_log(num_classes: int, eps: float, seed: int = 0) -> Erratum:
    """Erratum 2: H(q', p) written as -sum_k log(p(k) q'(k)). That expression equals -sum log p_k plus a
    constant, so it is minimised by the uniform p, not by p = q'. Compares the correct loss at random
    logits with the claimed one, and reports where each is minimised."""
    k, eps = check_num_classes(num_classes), check_eps(eps)
    q = smooth_targets(0, k, eps, "uniform")
    z = np.random.default_rng(seed).normal(size=k)
    claimed = -np.sum(np.log(softmax(z) * q))
    correct = _cross_entropy(z, q)
    # minimisers: the correct loss at p = q' is H(q'); the claimed expression is smallest at uniform p
    at_target = -np.sum(np.log(q * q))
    at_uniform = -np.sum(np.log(q / k))
    return Erratum(float(claimed), float(correct), {"claimed_at_q": float(at_target), "claimed_at_uniform": float(at_uniform)})


def formula_versus_code(num_classes: int, eps: float) -> Erratum:
    """Erratum 3: a formula with eps/(K-1) next to code with eps/K. Different targets, different optimal
    gaps; the claimed number is the formula's gap, the correct one what the code trains towards."""
    k, eps = check_num_classes(num_classes), check_eps(eps)
    return Erratum(optimal_logit_gap(k, eps, "others"), optimal_logit_gap(k, eps, "uniform"),
                   {"formula_targets": smooth_targets(0, k, eps, "others")[:2].tolist(),
                    "code_targets": smooth_targets(0, k, eps, "uniform")[:2].tolist(),
                    "equivalent_eps": equivalent_eps(eps, k, "uniform", "others")})


def true_logit_is_not_constant(num_classes: int, lr: float = 1.0, steps: tuple[int, ...] = (100, 1_000, 10_000)) -> Erratum:
    """Erratum 4: "z_true tends to a constant while z_false -> -inf". Gradient descent conserves the mean
    logit, so with all wrong logits equal z_true = -(K-1) z_false keeps rising. `claimed` is z_true at the
    first of `steps` (where it would stay if it were constant), `correct` z_true at the last."""
    k = check_num_classes(num_classes)
    run = descend(np.zeros(k), one_hot(0, k), lr, max(steps), num_records=2001)
    values = [float(np.interp(t, run.steps, run.logits[:, 0])) for t in steps]
    return Erratum(values[0], values[-1], {"steps": list(steps), "true_logit": values,
                                           "mean_logit": float(np.abs(run.logits[-1].mean()))})


def loss_split(num_classes: int, eps: float, seed: int = 0) -> Erratum:
    """Erratum 5: "the loss is (1-eps) x Loss for the true class and eps x Loss for the others", read as
    per-class weights 1-eps and eps. In the note's own convention each wrong class carries eps/(K-1), so
    the wrong classes share eps in total; in general the loss is (1-eps) H(q, p) + eps H(u, p).
    Compares that literal reading with the smoothed loss at random logits (true class ahead by 3)."""
    k, eps = check_num_classes(num_classes), check_eps(eps)
    z = np.random.default_rng(seed).normal(size=k)
    z[0] += 3.0
    log_p = log_softmax(z)
    claimed = (1 - eps) * -log_p[0] + eps * -log_p[1:].sum()
    correct = _cross_entropy(z, smooth_targets(0, k, eps, "others"))
    return Erratum(float(claimed), float(correct),
                   {"data_term": float(-log_p[0]), "prior_term": float(-log_p[1:].mean())})
