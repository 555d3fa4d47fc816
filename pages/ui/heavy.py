"""Heavy work on a server shared by a class: how it is estimated, shared between sessions and queued.

Read this module to see the whole policy (issues 17 and 26):

1. **Estimated from what this server measured.** `lsr_core.cost` gives each kind of work (a dynamics scene, a
   training run, a distillation seed) an estimate from constants measured once on the reference machine. The
   server times every job it runs (CPU seconds of the thread that ran it, so a busy machine does not inflate
   it) and keeps, per kind, the ratio of measured to estimated cost (`Speed`); the estimate a page and the queue
   use is the constant estimate times that ratio (the median of the last few jobs). Work that happens outside
   the job but belongs to it (building a scene's figures) is timed and added the same way. A kind this server
   has not measured yet counts as heavy: four heavy jobs that the constants under-estimate cannot all slip past
   the queue before the first one has been measured.
2. **Shared.** A result is computed at most once at a time per setting: a second session asking for the same
   one waits for the first's result instead of computing it again.
3. **Queued.** At most `HEAVY_SLOTS` heavy jobs (estimated at `core.cost.HEAVY_SECONDS` or more) run at once on
   the whole server; the rest wait their turn, and say so, so a few heavy links cannot take every core from a
   class moving sliders.
4. **Interruptible.** The work runs in the session's own script thread, in pieces, and reports progress between
   pieces through a Streamlit call, which is where Streamlit stops a script whose session went away or whose
   settings changed. A session runs one script at a time, so it can never hold more than one heavy job.

The stores themselves (bounded `st.cache_resource` functions) live in `compute.py`, next to the other caches.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections import defaultdict, deque
from contextlib import contextmanager

import lsr_core as core

HEAVY_SLOTS = int(os.environ.get("LSR_HEAVY_SLOTS", "1"))   # the environment variable is for bench/fairness.py
WAIT_POLL_SECONDS = 0.25
SPEED_MEMORY = 8   # jobs per kind whose measured / estimated ratio is kept


class NotCached(Exception):
    """A store holds no result for these settings (exceptions are not cached by Streamlit)."""


def quiet(*_args) -> None:
    pass


class Speed:
    """Per kind of work and part of it ("work", "figures"): the measured / estimated cost of the last few jobs.

    >>> s = Speed()
    >>> s.seconds("scene", 0.5) is None        # never measured: unknown
    True
    >>> s.record("scene", 0.5, 1.0); s.record("scene", 0.5, 1.5, part="figures")
    >>> s.seconds("scene", 0.5)                # (2 + 3) x 0.5
    2.5
    """

    def __init__(self, memory: int = SPEED_MEMORY):
        self._ratios: dict[tuple[str, str], deque] = defaultdict(lambda: deque(maxlen=memory))
        self._lock = threading.Lock()

    def record(self, kind: str, estimated: float, measured: float, part: str = "work") -> None:
        if estimated > 0 and measured >= 0:
            with self._lock:
                self._ratios[kind, part].append(measured / estimated)

    def factor(self, kind: str) -> float | None:
        """Measured / estimated for the whole job (its parts added), or None before the first measured job."""
        with self._lock:
            parts = {part: list(ratios) for (k, part), ratios in self._ratios.items() if k == kind and ratios}
        if "work" not in parts:
            return None
        return sum(statistics.median(ratios) for ratios in parts.values())

    def seconds(self, kind: str, estimated: float) -> float | None:
        """This server's estimate for a job the constants put at `estimated` seconds (None: not measured yet)."""
        factor = self.factor(kind)
        return None if factor is None else estimated * factor

    def forget(self) -> None:
        with self._lock:
            self._ratios.clear()


SPEED = Speed()


def whole_percents(on_progress):
    """`on_progress`, called only when the whole percentage it would show changes (and at 100 %): a progress bar
    draws whole percents, so the other calls would send the browser nothing it can show. A long job that reports
    every epoch (Distillation: 82 reports per seed, 410 on the default page) then sends about 100 updates.

    >>> shown = []; report = whole_percents(shown.append)
    >>> for f in (0.0, 0.001, 0.004, 0.006, 0.5, 0.503, 1.0, 1.0): report(f)
    >>> shown
    [0.0, 0.006, 0.5, 1.0, 1.0]
    """
    last = [None]

    def report(fraction: float) -> None:
        percent = round(100 * fraction)
        if fraction >= 1.0 or percent != last[0]:
            last[0] = percent
            on_progress(fraction)

    return report


def expected_seconds(kind: str, estimated: float) -> float:
    """What a page says a job will take: this server's measured speed, or the constants' estimate before any."""
    seconds = SPEED.seconds(kind, estimated)
    return estimated if seconds is None else seconds


def is_heavy(kind: str, estimated: float) -> bool:
    """Whether a job queues for the heavy-work slot: this server's estimate at or above the threshold, or a kind
    it has not measured yet."""
    seconds = SPEED.seconds(kind, estimated)
    return seconds is None or core.cost.is_heavy(seconds)


@contextmanager
def timed(kind: str, estimated: float, part: str = "work"):
    """Record the CPU seconds this thread spends inside the block as `part` of a `kind` job (not if it raised:
    an interrupted job says nothing about the speed)."""
    started = time.thread_time()
    yield
    SPEED.record(kind, estimated, time.thread_time() - started, part)


_heavy_slots = threading.BoundedSemaphore(HEAVY_SLOTS)
_guard = threading.Lock()
_in_flight: dict[tuple, threading.Lock] = {}
_queue_length = [0]


@contextmanager
def _turn(lock, on_wait, reason: str):
    """Hold `lock`; while waiting for it, call `on_wait(reason, waiting)` every WAIT_POLL_SECONDS (a Streamlit
    call, so a rerun or a closed session can end the wait)."""
    if not lock.acquire(blocking=False):
        with _guard:
            _queue_length[0] += 1
        try:
            while not lock.acquire(timeout=WAIT_POLL_SECONDS):
                on_wait(reason, _queue_length[0])
        finally:
            with _guard:
                _queue_length[0] -= 1
    try:
        yield
    finally:
        lock.release()


def shared(store, settings, work, seconds: float, on_progress, on_wait):
    """`store(settings)` if it holds a result; else `work(on_progress)`, computed once however many sessions ask at
    the same time, queued behind other heavy work if this server's estimate says it is heavy, timed, then stored.

    store: a function that returns the stored result for `settings` or raises `NotCached`, and stores
    `store(settings, result)`; its name is the kind of work. seconds: the constant estimate (`lsr_core.cost`).
    """
    try:
        return store(settings)
    except NotCached:
        pass
    kind = store.__name__
    with _guard:
        lock = _in_flight.setdefault((kind, settings), threading.Lock())
    try:
        with _turn(lock, on_wait, "same"):
            try:
                return store(settings)          # another session finished it while this one waited
            except NotCached:
                pass
            if is_heavy(kind, seconds):
                with _turn(_heavy_slots, on_wait, "queue"), timed(kind, seconds):
                    result = work(on_progress)
            else:
                with timed(kind, seconds):
                    result = work(on_progress)
            stored = store(settings, result)
            on_progress(1.0)   # done: the bar says so while the page draws the result, instead of stopping short of 100 %
            return stored
    finally:
        with _guard:
            if not lock.locked():
                _in_flight.pop((kind, settings), None)
