"""Every chart in the app, built by pure functions: core arrays (and label texts) in, `go.Figure` out.

One module per page, named after it (`figures/dynamics.py` draws the dynamics page's charts); what all
charts share (fonts, heights, the legend's place, presenter mode) is in `style.py`. No Streamlit here and
no arithmetic on model quantities: builders draw fields of core results, so tests can check that each
trace holds exactly the arrays the core returned (tests/test_figures.py).
"""

from .by_hand import logit_step_figure, probabilities_figure
from .dynamics import DYNAMICS_BUILDERS, RUN_STYLE, gap_figure, logits_figure, probability_loss_figure, replay_figure, wrong_gradient_figure
from .distillation import similarity_figure
from .gap_explorer import gap_curves_figure, loss_versus_gap_figure, optimal_logits_figure
from .home import targets_figure
from .landscape import landscape_figure
from .regulariser import label_dropout_figure, regulariser_terms_figure
from .style import (FONT, HEIGHTS, MAX_BARS, PRESENTER_FONT, PRESENTER_HEIGHT, PRESENTER_LINE, PRESENTER_MAX_HEIGHT,
                    for_presenter, presenter_height)
from .training import TRAINING_RUNS, digits_figure, gap_histogram_figure, learning_curves_figure, projection_figure, reliability_figure

__all__ = [
    "DYNAMICS_BUILDERS", "FONT", "HEIGHTS", "MAX_BARS", "PRESENTER_FONT", "PRESENTER_HEIGHT", "PRESENTER_LINE", "PRESENTER_MAX_HEIGHT", "presenter_height", "RUN_STYLE",
    "TRAINING_RUNS", "digits_figure", "similarity_figure", "for_presenter", "gap_curves_figure", "gap_figure", "gap_histogram_figure", "label_dropout_figure",
    "landscape_figure", "learning_curves_figure", "logit_step_figure", "logits_figure", "loss_versus_gap_figure",
    "optimal_logits_figure", "probabilities_figure", "probability_loss_figure", "projection_figure", "regulariser_terms_figure",
    "reliability_figure", "replay_figure", "targets_figure", "wrong_gradient_figure",
]
