"""Resident memory of one server over many varied sessions (issue 15): each simulated student opens a random
page with random settings (a new scene, so caches fill), moves one control, and leaves. RSS is sampled every
`every` sessions. Protocol-level clients (bench/st_protocol.py); loopback only; bounded.

    .venv/bin/python bench/memory.py [sessions=300] [every=20]

Writes bench/memory_results.md (the curve) and prints it.
"""

from __future__ import annotations

import random
import sys
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


def scene(rng: random.Random) -> tuple[str, str, str | None]:
    """(page, query, eps slider key) for a random visit; settings drawn so most visits are new scenes."""
    eps = rng.randrange(1, 99) / 100
    k = rng.choice([2, 3, 5, 10, 20, 50, 100])
    choices = [
        ("", f"K={min(k, 20)}&eps={eps}", "home_eps"),
        ("dynamics", f"K={k}&eps={eps}&steps={rng.choice([500, 2000, 10000])}&init=random&seed={rng.randrange(9999)}", "dyn_eps"),
        ("by_hand", f"eps={eps}", None),
        ("gap_explorer", f"K={k}&eps={eps}", "gap_eps"),
        ("landscape", f"eps={eps}&g1={rng.randrange(-4, 12)}", "land_eps"),
        ("training", f"K={min(max(k, 3), 10)}&eps={eps}&n=200&epochs=10&seed={rng.randrange(9999)}", None),
        ("derivation", f"K={rng.randrange(2, 9)}", None),
        ("regulariser", f"K={k}&eps={eps}", None),
        ("conventions", f"K={k}&eps={eps}", None),
    ]
    return rng.choice(choices)


def visit(url: str, rng: random.Random) -> list[str]:
    """One student's visit; returns problems seen (script errors, exceptions on the page)."""
    page, query, key = scene(rng)
    problems = []
    with Session(url, timeout=120) as session:
        result = session.open(page, query)
        if result.status != "FINISHED_SUCCESSFULLY" or result.count("exception"):
            problems.append(f"open {page}?{query}: {result.status}")
        if key and key in session.widgets:
            moved = session.set(key, double_array_value=DoubleArray(data=[rng.randrange(1, 99) / 100]))
            if moved.status != "FINISHED_SUCCESSFULLY" or moved.count("exception"):
                problems.append(f"move {page}: {moved.status}")
    return problems



def run(sessions: int, every: int, seed: int = 0) -> tuple[list[tuple[int, float]], list[str]]:
    rng = random.Random(seed)
    curve, problems = [], []
    with serve("memory") as url:
        server = server_process(url)
        curve.append((0, server.memory_info().rss / 2**20))
        for n in range(1, sessions + 1):
            problems += visit(url, rng)
            if n % every == 0:
                time.sleep(0.5)
                curve.append((n, server.memory_info().rss / 2**20))
                print(f"{n:4d} sessions: {curve[-1][1]:.0f} MB", flush=True)
    return curve, problems


def main() -> None:
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    every = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    curve, problems = run(sessions, every)
    last = [rss for n, rss in curve if n >= sessions - 100]
    lines = [f"Server RSS over {sessions} varied sessions (`.venv/bin/python bench/memory.py {sessions} {every}`): "
             f"{len(problems)} problems; final {curve[-1][1]:.0f} MB; the last 100 sessions added "
             f"{last[-1] - last[0]:+.0f} MB.", "", "| sessions | RSS MB |", "|---|---|"]
    lines += [f"| {n} | {rss:.0f} |" for n, rss in curve]
    if problems:
        lines += ["", "Problems:", *[f"- {p}" for p in problems[:10]]]
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "memory_results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
