"""Fairness under heavy requests (issue 17): 30 simulated students move controls while 4 sessions open the
heaviest scenes a link can ask for (Dynamics K = 1000 × 100,000 steps, the largest training run), each with
a new seed so no cache helps. Students and heavy sessions are protocol-level clients (bench/st_protocol.py),
so the measurement is the server's, not a browser's. Loopback only, bounded in time.

Three runs: students alone; students + heavy sessions with the heavy queue (one heavy job at a time, the
app's default); students + heavy sessions with the queue opened wide (LSR_HEAVY_SLOTS=8, as before issue 17).
Writes bench/fairness_results.md.

    .venv/bin/python bench/fairness.py [students=30] [heavy=4] [seconds=40]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psutil
from streamlit.proto.Common_pb2 import DoubleArray

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from st_protocol import Session  # noqa: E402
from tests.conftest import _serve, server_process  # noqa: E402

serve = contextmanager(_serve)
THINK_SECONDS = (10.0, 20.0)   # a student reads the page for 10 to 20 s before moving a control again


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


JOIN_SECONDS = 20.0   # students join over the first 20 s; only moves after that are measured


def student(url: str, until: float, latencies: list, errors: list, seed: int) -> None:
    rng = random.Random(seed)
    page, key = rng.choice([("", "home_eps"), ("dynamics", "dyn_eps"), ("landscape", "land_eps")])
    measured_from = time.perf_counter() + JOIN_SECONDS
    time.sleep(rng.uniform(0, JOIN_SECONDS * 0.8))
    try:
        with Session(url) as session:
            session.open(page)
            while time.perf_counter() < until:
                eps = rng.randrange(1, 100) / 100
                result = session.set(key, double_array_value=DoubleArray(data=[eps]))
                if result.status != "FINISHED_SUCCESSFULLY" or result.count("exception"):
                    errors.append(f"{page}: {result.status}")
                if time.perf_counter() - result.seconds >= measured_from:
                    latencies.append(result.seconds)
                time.sleep(rng.uniform(*THINK_SECONDS))   # a student reads before moving again
    except Exception as error:  # noqa: BLE001 - counted, the run goes on
        errors.append(f"{page}: {type(error).__name__}: {error}")


def heavy(url: str, until: float, index: int, durations: list, errors: list) -> None:
    seed = 100 * index
    time.sleep(JOIN_SECONDS)   # the heavy links are opened once the class is there
    try:
        while time.perf_counter() < until:
            seed += 1
            with Session(url, timeout=300) as session:   # a new link opened: a new session, nothing cached
                if index % 2 == 0:
                    result = session.open("dynamics", f"K=1000&steps=100000&init=random&seed={seed}")
                else:
                    result = session.open("training", f"K=10&n=5000&epochs=100&seed={seed}")
            durations.append(result.seconds)
    except Exception as error:  # noqa: BLE001
        errors.append(f"heavy {index}: {type(error).__name__}: {error}")


def measure(students: int, heavies: int, seconds: float, slots: int) -> dict:
    os.environ["LSR_HEAVY_SLOTS"] = str(slots)
    with serve("fairness") as url:
        server = server_process(url)
        with Session(url) as warm:   # compile every module once, as a teacher's first visit would
            for page in ("", "dynamics", "landscape", "training"):
                warm.open(page, "n=50&epochs=10" if page == "training" else "")
        latencies, durations, errors = [], [], []
        until = time.perf_counter() + JOIN_SECONDS + seconds
        cpu0 = server.cpu_times()
        threads = [threading.Thread(target=student, args=(url, until, latencies, errors, i)) for i in range(students)]
        threads += [threading.Thread(target=heavy, args=(url, until, i, durations, errors)) for i in range(heavies)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=JOIN_SECONDS + seconds + 400)
        wall = time.perf_counter() - started
        cpu1 = server.cpu_times()
        client = psutil.Process().cpu_times()
        rss = server.memory_info().rss
    print(f"client process CPU so far: {client.user + client.system:.1f} s", flush=True)
    return {"students": students, "heavy": heavies, "slots": slots, "moves": len(latencies),
            "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
            "heavy_runs": len(durations), "heavy_median": statistics.median(durations) if durations else float("nan"),
            "errors": len(errors), "error_samples": errors[:3],
            "server_cores": (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / wall, "rss_mb": rss / 2**20}


def main() -> None:
    students = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    heavies = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 40.0
    rows = [measure(students, 0, seconds, 1), measure(students, heavies, seconds, 1), measure(students, heavies, seconds, 8)]
    lines = [f"Students moving a slider (p50 / p95 / p99 of the server's rerun time as a protocol client sees it), "
             f"{students} students, each moving a control every {THINK_SECONDS[0]:.0f}–{THINK_SECONDS[1]:.0f} s on Home, Dynamics or the landscape; they join over {JOIN_SECONDS:.0f} s, then {seconds:.0f} s are measured per row. `.venv/bin/python bench/fairness.py {students} {heavies} {seconds:.0f}`",
             "", "| heavy sessions | heavy jobs at once | slider moves | p50 s | p95 s | p99 s | heavy runs done | heavy run median s | errors | server cores | server RSS MB |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['heavy']} | {row['slots'] if row['heavy'] else '—'} | {row['moves']} | {row['p50']:.3f} | {row['p95']:.3f} | "
                     f"{row['p99']:.3f} | {row['heavy_runs']} | {row['heavy_median']:.1f} | {row['errors']} | "
                     f"{row['server_cores']:.2f} | {row['rss_mb']:.0f} |")
        if row["error_samples"]:
            lines.append(f"<!-- errors: {row['error_samples']} -->")
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "fairness_results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
