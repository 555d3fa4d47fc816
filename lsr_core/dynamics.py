"""Plain gradient descent on free logits, z <- z - lr * (softmax(z) - q), recorded at a bounded set of steps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_count, check_logits, check_positive, check_targets


def record_steps(steps: int, num_records: int = 2001) -> np.ndarray:
    """The step numbers to record: all of 0..steps if they fit, else log-spaced, always with 0 and `steps`.

    >>> record_steps(5, 10)
    array([0, 1, 2, 3, 4, 5])
    >>> record_steps(100000, 5)
    array([     0,      1,     46,   2154, 100000])
    """
    steps = check_count("steps", steps, 0)
    num_records = check_count("num_records", num_records, 2)
    if steps + 1 <= num_records:
        return np.arange(steps + 1)
    if num_records == 2:
        return np.array([0, steps])
    # log-spaced over 1..steps, rounded and deduplicated, then topped up with the smallest unused steps
    # so the record count is exactly num_records
    chosen = np.unique(np.round(np.geomspace(1, steps, num_records - 1)).astype(np.int64))
    missing = num_records - 1 - chosen.size
    if missing:
        unused = np.setdiff1d(np.arange(1, steps + 1), chosen, assume_unique=True)[:missing]
        chosen = np.union1d(chosen, unused)
    return np.concatenate(([0], chosen))


@dataclass(frozen=True)
class Trajectory:
    """A recorded gradient-descent run. `R` records, batch shape `(...)`, `K` classes.

    steps: (R,) int step numbers; logits: (R, ..., K); loss: (R, ...); grad_norm: (R, ...) the
    Euclidean norm of softmax(z) - q at each record.
    """

    steps: np.ndarray
    logits: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray

    def gap(self, true_class: int = 0) -> np.ndarray:
        """z_true - mean of the wrong logits at every record, `(R, ...)`."""
        z = self.logits
        wrong_mean = (z.sum(axis=-1) - z[..., true_class]) / (z.shape[-1] - 1)
        return z[..., true_class] - wrong_mean

    @property
    def loss_increases(self) -> np.ndarray:
        """How many recorded steps the loss went up at, `(...)`. Gradient descent with a small enough
        rate never raises the loss, so a count above 0 means the rate is too large (oscillation)."""
        rise = np.diff(self.loss, axis=0)
        return (rise > 1e-12 * np.maximum(1.0, np.abs(self.loss[:-1]))).sum(axis=0)


def _record(z: np.ndarray, q: np.ndarray):
    """Loss and |p - q| of recorded logits `(n, ..., K)`, from one log-softmax."""
    shifted = z - z.max(axis=-1, keepdims=True)
    exps = np.exp(shifted)
    total = exps.sum(axis=-1, keepdims=True)
    loss = -np.where(q > 0, q * (shifted - np.log(total)), 0.0).sum(axis=-1)
    return loss, np.linalg.norm(exps / total - q, axis=-1)


def descend_progressive(initial_logits, targets, lr: float, steps: int, num_records: int = 2001, updates: int = 1):
    """Run `descend`, yielding the trajectory recorded so far at most `updates` times, evenly spaced in
    steps (the work done); the last yield is the complete run.

    For a live view: each yield is a `Trajectory` whose arrays are views of the first records only.
    """
    z0 = check_logits(initial_logits)
    q = check_targets(targets)
    shape = np.broadcast_shapes(z0.shape, q.shape)
    # a C-ordered copy: row reductions over the class axis on a strided array run ~5x slower
    z = np.array(np.broadcast_to(z0, shape), dtype=np.float64, order="C")
    q = np.ascontiguousarray(np.broadcast_to(q, shape))
    lr = check_positive("lr", lr)
    updates = check_count("updates", updates, 1)
    when = record_steps(steps, num_records)
    count = when.size
    logits = np.empty((count,) + shape)
    loss = np.empty((count,) + shape[:-1])
    grad_norm = np.empty_like(loss)
    # yield when the work done (steps, not records: records are log-spaced) crosses each 1/updates
    thresholds = iter(np.linspace(0, when[-1], updates + 1)[1:].tolist() + [np.inf])
    next_yield = next(thresholds)
    record_at = when.tolist() + [-1]
    index = step = done = 0
    while True:
        # one stable softmax per step gives the gradient; a record only copies z, and the records' losses and
        # gradient norms are computed together, a block at a time (a per-record softmax would double the work)
        shifted = z - z.max(axis=-1, keepdims=True)
        exps = np.exp(shifted)
        gradient = exps / exps.sum(axis=-1, keepdims=True) - q
        if step == record_at[index]:
            logits[index] = z
            index += 1
            if step >= next_yield or index == count:
                while step >= next_yield:
                    next_yield = next(thresholds)
                loss[done:index], grad_norm[done:index] = _record(logits[done:index], q)
                done = index
                yield Trajectory(when[:index], logits[:index], loss[:index], grad_norm[:index])
            if index == count:
                return
        z -= lr * gradient
        step += 1


def descend(initial_logits, targets, lr: float, steps: int, num_records: int = 2001) -> Trajectory:
    """Gradient descent on free logits: z <- z - lr * (softmax(z) - q), for `steps` steps.

    `initial_logits (..., K)` and `targets (..., K)` broadcast together, so one call runs a whole batch
    (e.g. a sweep over eps). Memory grows with `num_records`, never with `steps`. Because every row of
    softmax(z) - q sums to 0, the mean logit of each row is conserved.

    >>> run = descend(np.zeros(2), np.array([0.9, 0.1]), lr=1.0, steps=3000)
    >>> round(float(run.gap()[-1]), 9), round(float(np.log(9.0)), 9)
    (2.197224577, 2.197224577)
    """
    *_, last = descend_progressive(initial_logits, targets, lr, steps, num_records, updates=1)
    return last
