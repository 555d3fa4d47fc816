"""The classroom experiment: one-hot and smoothed targets, same start, same rate, side by side.

`compare_runs` runs both in one batched `descend` call and reduces the records to the small arrays
and numbers the dynamics page shows, so that the page itself does no arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ._validation import check_count, check_eps, check_num_classes, check_positive, check_prior_name
from .closed_form import freeze_gap, one_hot_gap_curve, one_hot_steps_to_gap, optimal_logit_gap, rounding_gap
from .regimes import loss_rise_kind
from .dynamics import Trajectory, descend_progressive
from .losses import entropy, softmax
from .targets import one_hot, smooth_targets

RUNS = ("one_hot", "smoothed")     # axis 1 of every (R, 2) array below, in this order
GRADIENT_FLOOR = 1e-17             # |gradient| is drawn on a log axis; exact zeros are lifted to this
CONVERGENCE_TOLERANCE = 1e-6
MAX_SHOWN_CLASSES = 20
MAX_FRAMES = 60
GROWTH_FRAMES = 40                 # a run drawn growing in the browser: this many drawn states at most
GROWTH_POINTS = 80                 # ... each drawing at most this many records (+ its last), to stay small to send
PER_RECORD_FIELDS = ("steps", "true_logit", "wrong_mean", "wrong_min", "wrong_max", "mean_logit", "gap", "p_true",
                     "loss", "wrong_gradient", "theory_gap", "log_rate_time")


def initial_logits(num_classes: int, kind: str = "zeros", seed: int = 0, scale: float = 1.0) -> np.ndarray:
    """Starting logits `(K,)`: all zero, or standard normal times `scale` from `seed`.

    >>> initial_logits(3)
    array([0., 0., 0.])
    """
    num_classes = check_num_classes(num_classes)
    if kind == "zeros":
        return np.zeros(num_classes)
    if kind != "random":
        raise ValueError(f"kind must be 'zeros' or 'random', got {kind!r}")
    scale = check_positive("scale", scale)
    return scale * np.random.default_rng(check_count("seed", seed, 0)).standard_normal(num_classes)


SPREAD_TOLERANCE = 1e-9   # wrong logits closer than this are drawn as one line, without a band


@dataclass(frozen=True)
class Scene:
    """The dynamics page's settings, by name: K, eps, the prior's name, the learning rate, the steps, and
    the start (all-zero logits, or `scale` times standard normal from `seed`). Hashable, for the caches."""

    num_classes: int
    eps: float
    prior: str
    lr: float
    steps: int
    init: str = "zeros"
    seed: int = 0
    scale: float = 1.0

    def start(self) -> np.ndarray:
        return initial_logits(self.num_classes, self.init, self.seed, self.scale)


@dataclass(frozen=True)
class Comparison:
    """Both runs reduced for display. `R` records; arrays `(R, 2)` hold [one-hot, smoothed] per record."""

    num_classes: int
    eps: float
    prior: str
    lr: float
    total_steps: int            # the steps asked for (the last record's step)
    steps: np.ndarray           # (R,)
    true_logit: np.ndarray      # (R, 2)
    wrong_mean: np.ndarray      # (R, 2) mean of the K-1 wrong logits
    wrong_min: np.ndarray       # (R, 2)
    wrong_max: np.ndarray       # (R, 2)
    mean_logit: np.ndarray      # (R, 2) conserved by gradient descent
    gap: np.ndarray             # (R, 2) true logit minus the mean wrong logit
    p_true: np.ndarray          # (R, 2)
    loss: np.ndarray            # (R, 2)
    wrong_gradient: np.ndarray  # (R, 2) largest |p_k - q_k| over wrong classes, floored at GRADIENT_FLOOR
    loss_increases: np.ndarray  # (2,) recorded steps at which the loss rose (a too-large rate)
    target_true: np.ndarray     # (2,) the true class's target in each run
    loss_floor: np.ndarray      # (2,) entropy of each run's targets: the smallest reachable loss
    optimal_gap: float          # closed form for the smoothed run (inf at eps = 0)
    theory_gap: np.ndarray      # (R,) one-hot theory curve from the one-hot run's initial gap
    log_rate_time: np.ndarray   # (R,) log(lr K t), with t = 0 replaced by the first step > 0
    frame_steps: np.ndarray     # (F,) step numbers of the replay frames
    shown_classes: np.ndarray   # (C,) the classes drawn as bars: 0 and the first wrong classes
    frame_logits: np.ndarray    # (F, 2, C)
    frame_probs: np.ndarray     # (F, 2, C)

    def wrong_spread(self, run: int) -> bool:
        """Whether run `run`'s wrong logits ever differ (by more than `SPREAD_TOLERANCE`): only then has
        their min-max band anything to show."""
        return bool(self.num_classes > 2 and np.any(self.wrong_max[:, run] - self.wrong_min[:, run] > SPREAD_TOLERANCE))

    @property
    def frame_logit_range(self) -> tuple[float, float]:
        """The replay's logit axis: every frame's logits and 0, with 5 % room on each side."""
        low = min(float(self.frame_logits.min()), 0.0)
        high = max(float(self.frame_logits.max()), 0.0)
        pad = 0.05 * (high - low) + 1e-9
        return low - pad, high + pad

    @property
    def final_gap_error(self) -> float:
        """|smoothed gap - closed form| at the last record (inf when the optimum is infinite)."""
        return float(abs(self.gap[-1, 1] - self.optimal_gap)) if np.isfinite(self.optimal_gap) else np.inf

    @property
    def steps_to_tolerance(self) -> int | None:
        """The first recorded step at which the smoothed gap is within 1e-6 of the closed form, if any."""
        if not np.isfinite(self.optimal_gap):
            return None
        close = np.abs(self.gap[:, 1] - self.optimal_gap) <= CONVERGENCE_TOLERANCE
        return int(self.steps[np.argmax(close)]) if close.any() else None

    @property
    def mean_logit_drift(self) -> float:
        """The largest change of the mean logit over the run: 0 up to rounding."""
        return float(np.max(np.abs(self.mean_logit - self.mean_logit[0])))

    def thinned(self, max_records: int, log_steps: bool = False) -> "Comparison":
        """The same comparison with at most `max_records` records, evenly spaced over the recorded ones
        (the first and last always kept), for charts; for a log step axis, half of them are spaced
        evenly in log step instead, so the first decades are drawn as finely as the last. Readouts
        should use the full comparison.

        >>> c = compare_runs(3, 0.1, "uniform", 1.0, 1000, np.zeros(3))
        >>> c.thinned(11).steps
        array([   0,  100,  200,  300,  400,  500,  600,  700,  800,  900, 1000])
        """
        count = self.steps.size
        if count <= max_records:
            return self
        keep = _chart_indices(self.steps, check_count("max_records", max_records, 2), log_steps)
        per_record = {name: getattr(self, name)[keep] for name in PER_RECORD_FIELDS}
        return replace(self, **per_record)

    def drawn(self, log_steps: bool) -> slice:
        """The records a step chart draws: all, except step 0 on a log axis (which cannot show it)."""
        return slice(1, None) if log_steps and self.steps.size > 1 else slice(None)

    def growth(self, log_steps: bool) -> tuple[np.ndarray, ...]:
        """`growth_frames` for the records a step chart draws (`drawn`): indices into `steps[drawn]`."""
        return growth_frames(self.steps[self.drawn(log_steps)], log_steps)

    def float_limits(self, dtype) -> "FloatLimits":
        """Where floating point ends the one-hot run in `dtype` (see `FloatLimits`)."""
        rounds = rounding_gap(self.num_classes, dtype)
        frozen = freeze_gap(self.num_classes, self.lr, dtype)
        start = float(self.gap[0, 0])
        return FloatLimits(rounds, frozen, one_hot_steps_to_gap(self.num_classes, self.lr, frozen, start))

    @property
    def flow_lead(self) -> float:
        """How far the one-hot run's gap is ahead of the continuous-time law at the last record (nats).

        Discrete steps add a little more than lr K to e^g + (K - 1) g each time, so this is >= 0 for
        equal wrong logits, and it shrinks slowly (roughly like ln t / 2t for large t)."""
        return float(self.gap[-1, 0] - self.theory_gap[-1])

    @property
    def finite_optimum(self) -> bool:
        """Whether the smoothed run has a finite optimum to approach (not eps = 0, not eps = 1 with eps/(K-1))."""
        return bool(np.isfinite(self.optimal_gap))

    @property
    def needs_more_steps(self) -> bool:
        """Whether to tell the user the smoothed run needs more steps: its optimum is finite, it has not come
        within CONVERGENCE_TOLERANCE of it, and it is not bouncing (a rate too large, where more steps or a
        larger rate would not help)."""
        return (self.finite_optimum and self.steps_to_tolerance is None
                and self.loss_rise_kinds[1] != "persistent")

    @property
    def wrong_logits_start_equal(self) -> bool:
        """Whether the wrong logits start equal (a zero start): the one-hot law assumes it, and gradient
        descent then keeps them equal; a random start breaks it."""
        return bool(self.wrong_min[0, 0] == self.wrong_max[0, 0])

    @property
    def loss_rise_kinds(self) -> tuple[str, str]:
        """`loss_rise_kind` of each run's recorded loss: (one-hot, smoothed)."""
        return loss_rise_kind(self.loss[:, 0]), loss_rise_kind(self.loss[:, 1])


@dataclass(frozen=True)
class FloatLimits:
    """For one float type: the gap at which p_true correctly rounds to 1 (`rounding_gap`), the gap at
    which this code's one-hot run stops moving (`freeze_gap`), and the step at which the
    continuous-time law reaches that gap (an estimate: discrete steps run slightly ahead)."""

    rounding_gap: float
    freeze_gap: float
    steps_to_freeze: float


def _evenly_spaced(count: int, wanted: int) -> np.ndarray:
    """At most `wanted` indices into `count` records, evenly spaced, the first and last included."""
    return np.unique(np.linspace(0, count - 1, min(count, wanted)).round().astype(int))


def _chart_indices(steps: np.ndarray, wanted: int, log_steps: bool) -> np.ndarray:
    """At most `wanted` indices into the records `steps` for a chart: evenly spaced in record, or for a log
    step axis half evenly spaced and half evenly spaced in log step (the first and last always included)."""
    if not log_steps or steps.size <= wanted:
        return _evenly_spaced(steps.size, wanted)
    half = wanted // 2
    positive = np.flatnonzero(steps > 0)
    targets = np.geomspace(steps[positive[0]], steps[-1], wanted - half)
    logarithmic = np.clip(np.searchsorted(steps, targets), 0, steps.size - 1)
    return np.union1d(_evenly_spaced(steps.size, half), logarithmic)[:wanted]


def growth_frames(steps: np.ndarray, log_steps: bool = False, frames: int = GROWTH_FRAMES,
                  points: int = GROWTH_POINTS) -> tuple[np.ndarray, ...]:
    """A run drawn growing (a client-side animation): for each frame, the indices of the records `steps` it
    draws. Frame ends are evenly spaced in step (or in log step for a log axis), so the run grows at an even
    pace on the axis it is drawn on; each frame draws at most `points` of its records plus its last one, and
    the last frame draws every record, so the animation ends on the finished chart.

    >>> [f.tolist() for f in growth_frames(np.arange(5), frames=4)]
    [[0, 1], [0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3, 4]]
    >>> ends = [int(f[-1]) for f in growth_frames(np.arange(1, 1001), log_steps=True, frames=4)]
    >>> (np.arange(1, 1001)[ends]).tolist()
    [1, 10, 100, 1000]
    """
    count = steps.size
    check_count("frames", frames, 1)
    last = float(steps[-1])
    if log_steps:
        first = float(steps[steps > 0][0]) if np.any(steps > 0) else last
        targets = np.geomspace(max(first, 1.0), max(last, 1.0), frames)
    else:
        targets = np.linspace(last / frames, last, frames)
    ends = np.unique(np.clip(np.searchsorted(steps, targets, side="right"), 1, count))
    pool = _chart_indices(steps, check_count("points", points, 2), log_steps)
    drawn = [np.union1d(pool[pool < end - 1], [end - 1]) for end in ends[:-1]]
    return tuple(drawn) + (np.arange(count),)


def nice_interval(span: float, wanted: int) -> int:
    """The smallest whole 1, 2 or 5 times a power of ten that splits `span` into at most `wanted` pieces.

    >>> nice_interval(2000, 59), nice_interval(20, 59), nice_interval(100_000, 59)
    (50, 1, 2000)
    """
    rough = max(span / max(wanted, 1), 1.0)
    power = 10 ** np.floor(np.log10(rough))
    for factor in (1, 2, 5, 10):
        if factor * power >= rough - 1e-9:
            return int(factor * power)
    return int(10 * power)


def frame_indices(steps: np.ndarray, wanted: int = MAX_FRAMES) -> np.ndarray:
    """Which records become replay frames. Where every step was recorded, frames sit at round steps (multiples
    of `nice_interval`: 0, 50, 100, … for 2,000 steps) plus the last; otherwise (log-spaced records) they are
    evenly spaced over the records, the first and last included.

    >>> steps = np.arange(2001); steps[frame_indices(steps)][:4].tolist(), int(steps[frame_indices(steps)][-1])
    ([0, 50, 100, 150], 2000)
    """
    last = int(steps[-1])
    if steps.size == last + 1:                        # every step recorded: index == step
        return np.union1d(np.arange(0, last + 1, nice_interval(last, wanted - 1)), [last])
    return _evenly_spaced(steps.size, wanted)


def _summarise(run: Trajectory, q: np.ndarray, settings: dict) -> Comparison:
    z = run.logits                                  # (R, 2, K)
    k = z.shape[-1]
    wrong = z[..., 1:]
    p = softmax(z)                                  # one (R, 2, K) temporary, reused below
    p_true = p[..., 0].copy()
    wrong_gradient = np.maximum(np.abs(p[..., 1:] - q[None, :, 1:]).max(axis=-1), GRADIENT_FLOOR)
    del p
    steps = run.steps
    first_positive = steps[1] if steps.size > 1 else 1
    log_rate_time = np.log(settings["lr"] * k * np.maximum(steps, first_positive))
    frames = frame_indices(steps)
    shown = np.arange(min(k, MAX_SHOWN_CLASSES))
    frame_logits = z[frames][..., shown]
    frame_probs = softmax(z[frames])[..., shown]
    return Comparison(
        steps=steps,
        true_logit=z[..., 0],
        wrong_mean=wrong.mean(axis=-1),
        wrong_min=wrong.min(axis=-1),
        wrong_max=wrong.max(axis=-1),
        mean_logit=z.mean(axis=-1),
        gap=run.gap(0),
        p_true=p_true,
        loss=run.loss,
        wrong_gradient=wrong_gradient,
        loss_increases=run.loss_increases,
        target_true=q[:, 0].copy(),
        loss_floor=entropy(q),
        optimal_gap=optimal_logit_gap(k, settings["eps"], settings["prior"]),
        theory_gap=one_hot_gap_curve(k, settings["lr"], steps, initial_gap=float(run.gap(0)[0, 0])),
        log_rate_time=log_rate_time,
        frame_steps=steps[frames],
        shown_classes=shown,
        frame_logits=frame_logits,
        frame_probs=frame_probs,
        num_classes=k,
        eps=settings["eps"],
        prior=settings["prior"],
        lr=settings["lr"],
        total_steps=settings["steps"],
    )


def compare_runs_in_chunks(num_classes: int, eps: float, prior: str, lr: float, steps: int, start,
                           num_records: int = 2001, chunks: int = 20):
    """`compare_runs`, done in about `chunks` pieces: yields (fraction of the steps done, None) after each
    piece and (1.0, the finished `Comparison`) last. A caller can report progress, or stop, between pieces;
    the records are reduced for display once, at the end.

    >>> *_, (done, c) = compare_runs_in_chunks(3, 0.1, "uniform", 1.0, 100, np.zeros(3), chunks=4)
    >>> done, c.steps[-1]
    (1.0, np.int64(100))
    """
    num_classes = check_num_classes(num_classes)
    settings = dict(eps=check_eps(eps), prior=check_prior_name(prior), lr=check_positive("lr", lr),
                    steps=check_count("steps", steps, 1))
    q = np.stack([one_hot(0, num_classes), smooth_targets(0, num_classes, settings["eps"], prior)])
    run = None
    for run in descend_progressive(start, q, settings["lr"], settings["steps"], num_records, chunks):
        if run.steps[-1] < settings["steps"]:
            yield float(run.steps[-1]) / settings["steps"], None
    yield 1.0, _summarise(run, q, settings)


def compare_runs(num_classes: int, eps: float, prior: str, lr: float, steps: int, start,
                 num_records: int = 2001) -> Comparison:
    """One-hot and smoothed gradient descent from the same `start` logits `(K,)`, class 0 true.

    >>> c = compare_runs(10, 0.1, "uniform", 1.0, 4000, np.zeros(10))
    >>> round(float(c.gap[-1, 1]), 9) == round(c.optimal_gap, 9), bool(c.gap[-1, 0] > c.gap[-2, 0])
    (True, True)
    """
    *_, (_, finished) = compare_runs_in_chunks(num_classes, eps, prior, lr, steps, start, num_records, chunks=1)
    return finished
