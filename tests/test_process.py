"""One server process holding a class (issue 26): one BLAS thread, and long-lived objects out of the collector's
way; a figure drawn many times is encoded once."""

import gc
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import plotly.io as pio

from pages.ui import charts, figures, process
from tests.test_figures import LABELS

ROOT = Path(__file__).resolve().parent.parent


def _set_openblas_threads(count: int) -> None:
    for library in process._openblas_libraries():
        entry = process._entry(library, process._SET)
        entry.argtypes = [process.ctypes.c_int]
        entry(count)


def test_one_blas_thread_even_after_numpy_was_imported():
    """The environment variables cannot help once NumPy is loaded (a test process, AppTest): the C API does."""
    assert np.ones((2, 2)).sum() == 4.0
    _set_openblas_threads(2)
    assert process.blas_threads() == [2], "this machine's NumPy loads OpenBLAS with the two cores it has"
    process.one_blas_thread()
    assert process.blas_threads() == [1]


def test_the_environment_reaches_numpy_imported_later():
    """What the app package does first thing, before pandas (and so NumPy) is imported."""
    code = ("from pages.ui import process\nimport numpy\nprint(process.blas_threads())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "[1]"


def test_the_app_sets_one_blas_thread_and_freezes_what_lives_for_ever(app_test):
    _set_openblas_threads(2)
    process._blas_done.clear()
    at = app_test()
    assert not at.exception
    assert process.blas_threads() == [1]
    assert process.frozen() > 10_000, "the imports and first results sit in the permanent generation"
    assert process.freeze_long_lived() is False, "not again until many more modules are imported"


def test_freezing_leaves_later_garbage_collectable():
    process._frozen_at[0] = 0
    assert process.freeze_long_lived() is True
    before = process.frozen()

    class Cycle:
        pass

    a, b = Cycle(), Cycle()
    a.other, b.other = b, a
    del a, b
    assert gc.collect() >= 2 and process.frozen() == before


def test_a_prepared_figure_is_sent_exactly_as_the_figure_and_encoded_once():
    import lsr_core as core

    c = core.compare_runs(5, 0.1, "uniform", 1.0, 300, np.zeros(5))
    fig = figures.gap_figure(c, LABELS, True)
    prepared = charts.Prepared(fig)
    sent = prepared.sent(False)
    assert sent is prepared.sent(False), "encoded once, then reused"
    assert pio.to_json(sent.to_dict(), validate=False) == pio.to_json(fig, validate=False)
    big = prepared.sent(True)
    assert json.loads(pio.to_json(big.to_dict(), validate=False)) == json.loads(pio.to_json(figures.for_presenter(fig), validate=False))
    assert prepared.title == fig.layout.title.text


def test_a_run_that_imports_many_modules_freezes_again(monkeypatch):
    process._frozen_at[0] = 0
    process.freeze_long_lived()
    assert process.freeze_long_lived() is False
    monkeypatch.setattr(process, "NEW_MODULES", 0)
    assert process.freeze_long_lived() is True, "the derivation page's first run imports SymPy: frozen too"


def test_built_figures_are_shared_for_equal_arguments_and_never_stale():
    """charts.built keys a figure by a digest of its arguments: equal arguments give the same finished figure; any
    change in an array, a text or a number gives a new one."""
    p = np.array([0.7, 0.2, 0.1])
    one_hot, smoothed = np.array([1.0, 0.0, 0.0]), np.array([0.9, 0.05, 0.05])
    labels = {key: key for key in ("title", "x", "y", "p", "true_class", "wrong_class", "one_hot", "smoothed")}
    first = charts.built(figures.probabilities_figure, p, one_hot, smoothed, 0, labels)
    assert charts.built(figures.probabilities_figure, p.copy(), one_hot, smoothed, 0, dict(labels)) is first
    changed_value = charts.built(figures.probabilities_figure, p + [0.0, 0.0, 1e-15], one_hot, smoothed, 0, labels)
    changed_text = charts.built(figures.probabilities_figure, p, one_hot, smoothed, 0, labels | {"title": "other"})
    changed_label = charts.built(figures.probabilities_figure, p, one_hot, smoothed, 1, labels)
    assert len({id(first), id(changed_value), id(changed_text), id(changed_label)}) == 4
    assert changed_text.title == "other"
    direct = figures.probabilities_figure(p, one_hot, smoothed, 0, labels)
    assert pio.to_json(first.sent(False).to_dict(), validate=False) == pio.to_json(direct, validate=False)
