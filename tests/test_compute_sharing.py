"""Heavy work is computed once per setting, queued server-wide by this server's measured speed, and released when a
session stops (issues 17 and 26)."""

import threading
import time

import pytest
import streamlit as st

from pages.ui import compute, heavy


@pytest.fixture(autouse=True)
def fresh_speed():
    """Each test starts on a server that has measured nothing yet."""
    heavy.SPEED.forget()
    yield
    heavy.SPEED.forget()


def fresh_store():
    @st.cache_resource(max_entries=8, show_spinner=False)
    def store(settings: tuple, _result=None):
        if _result is None:
            raise heavy.NotCached
        return _result
    store.clear()
    return store


class Work:
    """A stand-in computation that records how many copies of it run at once. It sleeps in four pieces, or with
    `busy`, keeps a core busy for `seconds` of CPU time (what the server measures) instead."""

    def __init__(self, seconds: float = 0.4, fail: bool = False, busy: bool = False):
        self.seconds, self.fail, self.busy = seconds, fail, busy
        self.calls, self.running, self.most = 0, 0, 0
        self.lock = threading.Lock()

    def wait(self, seconds: float) -> None:
        if not self.busy:
            time.sleep(seconds)
            return
        end = time.thread_time() + seconds
        while time.thread_time() < end:
            sum(range(2000))

    def __call__(self, progress):
        with self.lock:
            self.calls += 1
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            for piece in range(4):
                self.wait(self.seconds / 4)
                progress((piece + 1) / 4)
                if self.fail:
                    raise RuntimeError("the session went away")   # what a stopped script run looks like here
            return object()
        finally:
            with self.lock:
                self.running -= 1


def run_together(calls):
    results, errors = [None] * len(calls), []

    def target(i, call):
        try:
            results[i] = call()
        except Exception as error:   # noqa: BLE001 - recorded for the assertion
            errors.append(error)

    threads = [threading.Thread(target=target, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=20)
    return results, errors


def test_identical_requests_are_computed_once_and_the_waiter_is_told_why():
    store, work, waits = fresh_store(), Work(), []
    heavy.SPEED.record(store.__name__, 0.1, 0.01)
    call = lambda: heavy.shared(store, ("same",), work, 0.1, lambda f: None, lambda reason, n: waits.append(reason))
    results, errors = run_together([call, call, call])
    assert not errors and work.calls == 1
    assert results[0] is results[1] is results[2]
    assert "same" in waits and "queue" not in waits


def test_heavy_work_takes_turns_and_light_work_does_not():
    store, slow, waits = fresh_store(), Work(), []
    calls = [lambda i=i: heavy.shared(store, ("heavy", i), slow, 5.0, lambda f: None,
                                        lambda reason, n: waits.append((reason, n))) for i in range(3)]
    _, errors = run_together(calls)
    assert not errors and slow.calls == 3 and slow.most == heavy.HEAVY_SLOTS == 1
    assert ("queue", 2) in waits or ("queue", 1) in waits

    store, light = fresh_store(), Work()
    heavy.SPEED.record(store.__name__, 0.1, 0.01)   # this server has measured such jobs: cheap
    calls = [lambda i=i: heavy.shared(store, ("light", i), light, 0.1, lambda f: None, lambda *a: None)
             for i in range(3)]
    _, errors = run_together(calls)
    assert not errors and light.most >= 2, "cheap scenes never wait for each other"


def test_a_stopped_computation_releases_its_turn_and_the_waiter_computes():
    store, failing, working = fresh_store(), Work(fail=True), Work()
    first = lambda: heavy.shared(store, ("s",), failing, 5.0, lambda f: None, lambda *a: None)
    second = lambda: heavy.shared(store, ("s",), working, 5.0, lambda f: None, lambda *a: None)
    results, errors = run_together([first, second])
    assert len(errors) == 1 and failing.calls == 1 and working.calls == 1 and results[1] is not None
    assert heavy._in_flight == {} and heavy._heavy_slots.acquire(blocking=False)
    heavy._heavy_slots.release()


def test_a_waiting_session_can_be_stopped_while_it_waits():
    """on_wait is a Streamlit call in the app; when it raises (rerun, closed tab), the wait ends at once."""
    store, slow = fresh_store(), Work(seconds=4.0)

    def stop(*_):
        raise KeyboardInterrupt   # stands for Streamlit's StopException

    holder = threading.Thread(target=lambda: heavy.shared(store, ("x",), slow, 5.0, lambda f: None, lambda *a: None))
    holder.start()
    time.sleep(0.1)
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        heavy.shared(store, ("x",), Work(), 5.0, lambda f: None, stop)
    assert time.perf_counter() - started < 2.0, "the wait ended long before the 4 s job it waited for"
    holder.join()
    assert heavy._queue_length[0] == 0


def test_jobs_the_constants_underestimate_still_take_turns():
    """Issue 26: four jobs whose constant estimate (0.3 s) is under the heavy threshold but which take 1.1 s of CPU
    each. Before any is measured they count as heavy; once one is, the server's own speed says they are heavy.
    With the constant alone (the old queue) all four ran at once."""
    store, burn = fresh_store(), Work(seconds=1.1, busy=True)
    assert not compute.core.cost.is_heavy(0.3)
    calls = [lambda i=i: heavy.shared(store, ("burn", i), burn, 0.3, lambda f: None, lambda *a: None) for i in range(4)]
    _, errors = run_together(calls)
    assert not errors and burn.calls == 4 and burn.most == 1
    measured = heavy.SPEED.seconds(store.__name__, 0.3)
    assert measured == pytest.approx(1.1, rel=0.3) and heavy.is_heavy(store.__name__, 0.3)
    assert heavy.expected_seconds(store.__name__, 0.3) == measured


def test_a_measured_light_kind_does_not_queue_and_parts_add_up():
    speed = heavy.Speed()
    assert speed.seconds("k", 1.0) is None and heavy.expected_seconds("never measured", 0.7) == 0.7
    speed.record("k", 1.0, 0.2)
    speed.record("k", 1.0, 0.4)
    speed.record("k", 1.0, 9.0)            # one slow job among three: the median holds
    assert speed.seconds("k", 1.0) == pytest.approx(0.4)
    speed.record("k", 2.0, 1.0, part="figure gap")
    assert speed.seconds("k", 1.0) == pytest.approx(0.4 + 0.5)
    speed.record("k", 0.0, 1.0)             # no estimate: nothing to learn from
    assert speed.seconds("k", 1.0) == pytest.approx(0.9)


def test_an_interrupted_job_teaches_nothing():
    with pytest.raises(RuntimeError), heavy.timed("interrupted", 1.0):
        raise RuntimeError("the session went away")
    assert heavy.SPEED.seconds("interrupted", 1.0) is None


def test_progress_is_reported_in_whole_percents_and_always_at_the_end():
    """A bar draws whole percents: `heavy.whole_percents` passes a report on only when that number changes (and
    every 100 %), in order; Distillation's seeds, which report every epoch, go through it."""
    shown = []
    report = heavy.whole_percents(shown.append)
    for fraction in [i / 1000 for i in range(1000)] + [1.0, 1.0]:
        report(fraction)
    assert [round(100 * f) for f in shown] == list(range(101)) + [100, 100]   # 0.995 shows 100 %; 1.0 always
    assert shown == sorted(shown) and shown[0] == 0.0


def test_distillation_reports_each_whole_percent_once(monkeypatch):
    from lsr_core import distillation as D

    def fake_seed(key, seed, progress):   # 82 reports per seed, as a default seed makes them
        for epoch in range(1, 41):
            progress(0.55 * epoch / 40)
        for epoch in range(1, 41):
            progress(0.55 + 0.4 * epoch / 40)
        progress(1.0)
        return ("seed", seed)

    monkeypatch.setattr(D, "distil_seed", fake_seed)
    compute._stored_distillation_seed.clear()
    settings = compute.core.DistillationSettings(eps=0.37, seeds=5)   # settings no other test trains
    shown = []
    result = compute.distillation(settings, on_progress=shown.append)
    compute._stored_distillation_seed.clear()
    assert [s for s in result.seeds] == [("seed", seed) for seed in range(5)]
    percents = [round(100 * f) for f in shown]
    assert len(shown) <= 110 and percents == sorted(percents) and percents[-1] == 100
    assert len(set(p for p in percents if p < 100)) == len([p for p in percents if p < 100])   # no percent twice
