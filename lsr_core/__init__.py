"""Label Smoothing Lab's pure computational core: NumPy and SymPy only, float64 throughout.

One concept per module; the public names are re-exported here.
"""

from .calibration import (
    Reliability,
    accuracy,
    calibrated_probabilities,
    expected_calibration_error,
    fit_temperature,
    negative_log_likelihood,
    reliability,
)
from .classifier import MLP, init_mlp, loss_and_gradient
from .experiment import (
    Dataset,
    Experiment,
    Metrics,
    TemplateProjection,
    TrainedModel,
    common_histogram,
    logit_gaps,
    make_dataset,
    run_experiment,
    template_projection,
)
from .closed_form import (
    gap_sweep,
    normalised_prior,
    zipf_prior,
    one_hot_gap_curve,
    one_hot_steps_to_gap,
    optimal_logit_gap,
    optimal_logits,
    saturation_gap,
)
from .comparison import Comparison, compare_runs, compare_runs_progressive, initial_logits
from .conventions import LIBRARIES, Erratum, LibraryTargets, binary_smoothing, library_table
from .dynamics import Trajectory, descend, descend_progressive, record_steps
from .landscape import Landscape, gaps_to_logits, loss_landscape
from .losses import (
    LossDecomposition,
    cross_entropy,
    cross_entropy_grad,
    entropy,
    log_odds,
    log_softmax,
    loss_decomposition,
    numerical_gradient,
    softmax,
)
from .regulariser import LabelDropout, RegulariserTerms, label_dropout, regulariser_terms
from .symbolic import DerivationStep, OptimumDerivation, gradient_derivation, optimum_derivation, regulariser_identity
from .targets import equivalent_eps, one_hot, prior_distribution, smooth_targets

__all__ = [
    "Reliability",
    "accuracy",
    "calibrated_probabilities",
    "expected_calibration_error",
    "fit_temperature",
    "negative_log_likelihood",
    "reliability",
    "MLP",
    "init_mlp",
    "loss_and_gradient",
    "Dataset",
    "Experiment",
    "Metrics",
    "TemplateProjection",
    "TrainedModel",
    "common_histogram",
    "logit_gaps",
    "make_dataset",
    "run_experiment",
    "template_projection",
    "Comparison",
    "gap_sweep",
    "normalised_prior",
    "zipf_prior",
    "Erratum",
    "LIBRARIES",
    "LabelDropout",
    "Landscape",
    "gaps_to_logits",
    "loss_landscape",
    "LibraryTargets",
    "RegulariserTerms",
    "regulariser_terms",
    "binary_smoothing",
    "label_dropout",
    "library_table",
    "DerivationStep",
    "OptimumDerivation",
    "gradient_derivation",
    "numerical_gradient",
    "optimum_derivation",
    "regulariser_identity",
    "compare_runs",
    "compare_runs_progressive",
    "initial_logits",
    "LossDecomposition",
    "Trajectory",
    "cross_entropy",
    "cross_entropy_grad",
    "descend",
    "descend_progressive",
    "entropy",
    "equivalent_eps",
    "log_odds",
    "log_softmax",
    "loss_decomposition",
    "one_hot",
    "one_hot_gap_curve",
    "one_hot_steps_to_gap",
    "optimal_logit_gap",
    "optimal_logits",
    "prior_distribution",
    "record_steps",
    "saturation_gap",
    "smooth_targets",
    "softmax",
]
