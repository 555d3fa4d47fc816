"""Heavy work is computed once per setting, queued server-wide, and released when a session stops (issue 17)."""

import threading
import time

import pytest
import streamlit as st

from pages.ui import compute


def fresh_store():
    @st.cache_resource(max_entries=8, show_spinner=False)
    def store(settings: tuple, _result=None):
        if _result is None:
            raise compute._NotCached
        return _result
    store.clear()
    return store


class Work:
    """A stand-in computation that records how many copies of it run at once."""

    def __init__(self, seconds: float = 0.4, fail: bool = False):
        self.seconds, self.fail = seconds, fail
        self.calls, self.running, self.most = 0, 0, 0
        self.lock = threading.Lock()

    def __call__(self, progress):
        with self.lock:
            self.calls += 1
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            for piece in range(4):
                time.sleep(self.seconds / 4)
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
    call = lambda: compute.shared(store, ("same",), work, 0.1, lambda f: None, lambda reason, n: waits.append(reason))
    results, errors = run_together([call, call, call])
    assert not errors and work.calls == 1
    assert results[0] is results[1] is results[2]
    assert "same" in waits and "queue" not in waits


def test_heavy_work_takes_turns_and_light_work_does_not():
    store, heavy, waits = fresh_store(), Work(), []
    calls = [lambda i=i: compute.shared(store, ("heavy", i), heavy, 5.0, lambda f: None,
                                        lambda reason, n: waits.append((reason, n))) for i in range(3)]
    _, errors = run_together(calls)
    assert not errors and heavy.calls == 3 and heavy.most == compute.HEAVY_SLOTS == 1
    assert ("queue", 2) in waits or ("queue", 1) in waits

    store, light = fresh_store(), Work()
    calls = [lambda i=i: compute.shared(store, ("light", i), light, 0.1, lambda f: None, lambda *a: None)
             for i in range(3)]
    _, errors = run_together(calls)
    assert not errors and light.most >= 2, "cheap scenes never wait for each other"


def test_a_stopped_computation_releases_its_turn_and_the_waiter_computes():
    store, failing, working = fresh_store(), Work(fail=True), Work()
    first = lambda: compute.shared(store, ("s",), failing, 5.0, lambda f: None, lambda *a: None)
    second = lambda: compute.shared(store, ("s",), working, 5.0, lambda f: None, lambda *a: None)
    results, errors = run_together([first, second])
    assert len(errors) == 1 and failing.calls == 1 and working.calls == 1 and results[1] is not None
    assert compute._in_flight == {} and compute._heavy_slots.acquire(blocking=False)
    compute._heavy_slots.release()


def test_a_waiting_session_can_be_stopped_while_it_waits():
    """on_wait is a Streamlit call in the app; when it raises (rerun, closed tab), the wait ends at once."""
    store, slow = fresh_store(), Work(seconds=4.0)

    def stop(*_):
        raise KeyboardInterrupt   # stands for Streamlit's StopException

    holder = threading.Thread(target=lambda: compute.shared(store, ("x",), slow, 5.0, lambda f: None, lambda *a: None))
    holder.start()
    time.sleep(0.1)
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        compute.shared(store, ("x",), Work(), 5.0, lambda f: None, stop)
    assert time.perf_counter() - started < 2.0, "the wait ended long before the 4 s job it waited for"
    holder.join()
    assert compute._queue_length[0] == 0
