"""One server process holding a class (issue 26): what the process does once, so every interaction costs it
as little as a minimal Streamlit page does.

- **One BLAS thread.** The server runs many small sessions at once; a multi-threaded BLAS inside one of them
  spins every core for a few milliseconds' gain (a training run: 4.3 s of CPU with two OpenBLAS threads, 1.1 s
  with one) and makes the measured cost of heavy work, which the queue relies on, unpredictable. The
  environment variables only work before NumPy is first imported (app.py sets them first thing); `one_blas_thread`
  also sets OpenBLAS's own thread count through its C API when NumPy was already imported (AppTest, a test
  process), as threadpoolctl does, without depending on it.
- **Garbage collection that skips what lives for ever.** Streamlit collects garbage after every script run
  (`runner.postScriptGC`); a full collection walks every tracked object, and after the imports (pandas, pyarrow,
  Plotly, SymPy) that is ~200,000 objects, ~100 ms per interaction. `freeze_long_lived` moves the objects alive
  after the first complete run (modules, catalogues, the first cached results), and again after a run that
  imported many more modules (SymPy, on the first derivation page), to the permanent generation, which
  collections skip; objects created later are collected as before.
"""

from __future__ import annotations

import ctypes
import gc
import os
import sys
import threading

BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# OpenBLAS's entry points under the names NumPy's wheels (scipy-openblas, 64-bit ints) and a system build use
_GET = ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads")
_SET = ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads")

_frozen_at = [0]   # len(sys.modules) at the last freeze
_lock = threading.Lock()


def blas_environment(threads: int = 1) -> None:
    """Ask every BLAS NumPy may load for `threads` threads (effective if NumPy is not imported yet)."""
    for name in BLAS_THREAD_VARIABLES:
        os.environ[name] = str(threads)


def _openblas_libraries() -> list[ctypes.CDLL]:
    """The OpenBLAS libraries loaded in this process (read from /proc/self/maps; empty elsewhere)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line}
    except OSError:
        return []
    libraries = []
    for path in sorted(paths):
        try:
            libraries.append(ctypes.CDLL(path))
        except OSError:
            continue
    return libraries


def _entry(library: ctypes.CDLL, names: tuple[str, ...]):
    for name in names:
        function = getattr(library, name, None)
        if function is not None:
            return function
    return None


def blas_threads() -> list[int]:
    """The thread count of each OpenBLAS loaded in this process (empty if none is loaded yet)."""
    counts = []
    for library in _openblas_libraries():
        get = _entry(library, _GET)
        if get is not None:
            get.restype = ctypes.c_int
            counts.append(int(get()))
    return counts


def one_blas_thread() -> None:
    """One BLAS thread from now on, whether or not NumPy is already imported."""
    blas_environment(1)
    for library in _openblas_libraries():
        set_threads = _entry(library, _SET)
        if set_threads is not None:
            set_threads.argtypes = [ctypes.c_int]
            set_threads(1)


_blas_done = threading.Event()


def one_blas_thread_once() -> None:
    """`one_blas_thread`, the first time it is called in this process (reading /proc/self/maps costs ~1 ms)."""
    if not _blas_done.is_set():
        one_blas_thread()
        _blas_done.set()


NEW_MODULES = 50   # a run that imported at least this many modules since the last freeze freezes again


def freeze_long_lived() -> bool:
    """After a script run: if this process has imported NEW_MODULES or more modules since the last freeze (its first
    run; the first derivation page, which imports SymPy), collect, then move every object still alive to the
    permanent generation, which later collections do not walk. Returns whether it froze. Everything frozen
    stays for the life of the process, so this happens a handful of times per process, not per session."""
    if len(sys.modules) < _frozen_at[0] + NEW_MODULES:
        return False
    with _lock:
        if len(sys.modules) < _frozen_at[0] + NEW_MODULES:
            return False
        gc.collect()
        gc.freeze()
        _frozen_at[0] = len(sys.modules)
        return True


def frozen() -> int:
    """How many objects the permanent generation holds."""
    return gc.get_freeze_count()
