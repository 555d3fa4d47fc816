"""What a scene costs before it runs: estimated seconds of one core, so a page can say so up front and the
server can queue the heavy ones (issue 17: no link may monopolise a class's server).

The constants were measured on the project's reference machine (2 cores, the CI kind; `bench/run_all.py`
prints the measured times beside these estimates). They are estimates: another machine scales them all by
one factor, which changes the numbers a page shows but not which scenes count as heavy relative to others.
"""

from __future__ import annotations

from ._validation import check_count, check_num_classes

# gradient descent on free logits, both runs batched: per step, a fixed part and a part per class,
# plus reducing the (at most 2,001) records for display
DESCENT_SECONDS_PER_STEP = 6e-6
DESCENT_SECONDS_PER_STEP_AND_CLASS = 7e-9
SUMMARY_SECONDS_PER_CLASS = 4e-5
OVERHEAD_SECONDS = 0.03
# the MLP experiment: both models, per training example and epoch (forward, backward, Adam)
TRAINING_SECONDS_PER_EXAMPLE_EPOCH = 1.3e-5
# the distillation page's students (16 hidden units), all of a seed trained in one stacked pass: a fixed part
# per example and epoch, and a part per student
STUDENT_STACK_SECONDS_PER_EXAMPLE_EPOCH = 4e-6
STUDENT_SECONDS_PER_EXAMPLE_EPOCH = 5e-7

HEAVY_SECONDS = 1.0   # at or above this, a computation takes its turn in the server's queue of heavy work
SHOW_COST_SECONDS = 3.0   # at or above this, the page tells the user the cost before it starts


def dynamics_seconds(num_classes: int, steps: int) -> float:
    """Estimated seconds for the dynamics page's two runs (`compare_runs`).

    >>> round(dynamics_seconds(1000, 100_000), 1), round(dynamics_seconds(10, 2000), 2)
    (1.4, 0.04)
    """
    k = check_num_classes(num_classes)
    n = check_count("steps", steps, 1)
    return OVERHEAD_SECONDS + n * (DESCENT_SECONDS_PER_STEP + DESCENT_SECONDS_PER_STEP_AND_CLASS * k) \
        + SUMMARY_SECONDS_PER_CLASS * k


def distillation_seconds(seeds: int, train_size: int, epochs: int, student_epochs: int, temperatures: int = 4) -> float:
    """Estimated seconds for the distillation page: per seed two teachers (`training_seconds`) and, trained side
    by side in one stacked pass, the two control students and two students per temperature.

    >>> round(distillation_seconds(5, 1000, 40, 40), 1), round(distillation_seconds(1, 1000, 40, 40), 2)
    (4.5, 0.91)
    """
    students = 2 + 2 * check_count("temperatures", temperatures, 1)
    per_seed = training_seconds(train_size, epochs) + check_count("train_size", train_size, 1) * student_epochs * (
        STUDENT_STACK_SECONDS_PER_EXAMPLE_EPOCH + STUDENT_SECONDS_PER_EXAMPLE_EPOCH * students)
    return check_count("seeds", seeds, 1) * per_seed


def training_seconds(train_size: int, epochs: int) -> float:
    """Estimated seconds for the training page's experiment (both models and temperature scaling).

    >>> round(training_seconds(5000, 100), 1), round(training_seconds(1000, 60), 1)
    (6.5, 0.8)
    """
    n = check_count("train_size", train_size, 1)
    e = check_count("epochs", epochs, 1)
    return OVERHEAD_SECONDS + TRAINING_SECONDS_PER_EXAMPLE_EPOCH * n * e


def is_heavy(seconds: float) -> bool:
    """Whether a computation of this estimated cost queues for the server's heavy-work slot.

    >>> is_heavy(0.99), is_heavy(1.0)
    (False, True)
    """
    return seconds >= HEAVY_SECONDS


def shows_cost(seconds: float) -> bool:
    """Whether the page states this cost before the work starts ("about N s").

    >>> shows_cost(2.9), shows_cost(3.0)
    (False, True)
    """
    return seconds >= SHOW_COST_SECONDS


__all__ = ["HEAVY_SECONDS", "SHOW_COST_SECONDS", "dynamics_seconds", "is_heavy", "shows_cost", "training_seconds"]
