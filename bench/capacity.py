"""Measured capacity (issue 15): Locust (bench/locustfile.py, protocol-level students) against one server at
several class sizes; per interaction p50 / p95 / p99 of the server's time, errors, server CPU and RSS.
Loopback only; each level is bounded in time. Writes bench/capacity_results.md.

    .venv/bin/python bench/capacity.py [seconds=60] [levels=10,30,60,100,200] [url=]

With a `url` (e.g. nginx in front of several processes: deploy/run_behind_nginx.py) it measures that
instead of starting its own server (then CPU and RSS are left out).
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import _serve, server_process  # noqa: E402

serve = contextmanager(_serve)
NAMES = ("slider", "run", "train", "open")
TARGETS = {"slider": 1.0, "run": 3.0, "train": 3.0}   # p95 seconds a class can live with



WARM = [("", ""), ("dynamics", ""), ("landscape", ""), ("gap_explorer", ""), ("regulariser", ""), ("by_hand", ""),
        ("training", ""), ("derivation", ""), ("conventions", "")]


def warm_up(url: str) -> None:
    """Visit every page once, as the teacher does before class: imports, SymPy and the default scenes."""
    sys.path.insert(0, str(ROOT / "bench"))
    from st_protocol import Session

    for page, query in WARM:
        with Session(url, timeout=300) as session:
            session.open(page, query)


def level(url: str, users: int, seconds: int, own_server: bool) -> dict:
    warm_up(url)
    server = server_process(url) if own_server else None
    prefix = Path(tempfile.mkdtemp()) / "stats"
    cpu0 = server.cpu_times() if server else None
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                    "-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{seconds}s", "--host", url,
                    "--csv", str(prefix), "--only-summary", "--stop-timeout", "30"],
                   cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds + 300)
    wall = time.perf_counter() - started
    row = {"users": users}
    with open(f"{prefix}_stats.csv") as handle:
        for record in csv.DictReader(handle):
            if record["Name"] in NAMES:
                row[record["Name"]] = {"count": int(record["Request Count"]), "failures": int(record["Failure Count"]),
                                       "p50": float(record["50%"]) / 1000, "p95": float(record["95%"]) / 1000,
                                       "p99": float(record["99%"]) / 1000}
    if server:
        cpu1 = server.cpu_times()
        row["cores"] = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / wall
        row["rss"] = server.memory_info().rss / 2**20
    return row


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    levels = [int(x) for x in (sys.argv[2] if len(sys.argv) > 2 else "10,30,60,100,200").split(",")]
    url = sys.argv[3] if len(sys.argv) > 3 else ""
    rows = []
    for users in levels:
        context = nullcontext(url) if url else serve(f"capacity-{users}")
        with context as target:
            rows.append(level(target, users, seconds, own_server=not url))
        print(rows[-1], flush=True)

    render(rows, seconds, levels, url)


def render(rows: list[dict], seconds: int, levels: list[int], url: str = "") -> None:
    def cell(row, name, field):
        return f"{row[name][field]:.2f}" if name in row else "—"

    lines = [f"Locust, protocol-level students (bench/locustfile.py: think 5–15 s; 8 slider moves : 1 Run : 1 Train), "
             f"{seconds} s per class size after every page was visited once, {'this URL: ' + url if url else 'one server'} on this 2-core machine "
             f"(Locust shares the machine). `.venv/bin/python bench/capacity.py {seconds} {','.join(map(str, levels))}"
             f"{' ' + url if url else ''}`", "",
             "| students | slider p50 / p95 / p99 s | Run p50 / p95 / p99 s | Train p50 / p95 / p99 s | interactions | errors | server cores | server RSS MB |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        interactions = sum(row[n]["count"] for n in NAMES if n in row)
        errors = sum(row[n]["failures"] for n in NAMES if n in row)
        triple = lambda n: f"{cell(row, n, 'p50')} / {cell(row, n, 'p95')} / {cell(row, n, 'p99')}"  # noqa: E731
        lines.append(f"| {row['users']} | {triple('slider')} | {triple('run')} | {triple('train')} | {interactions} | "
                     f"{errors} | {row.get('cores', float('nan')):.2f} | {row.get('rss', float('nan')):.0f} |")
    lines.append("")
    for name, limit in TARGETS.items():
        within = [row["users"] for row in rows if name in row and row[name]["p95"] <= limit]
        largest = max(within) if within else None
        lines.append(f"- {name}: p95 ≤ {limit:.0f} s up to " + (f"**{largest} students** of those measured"
                     if largest else f"no measured class size (not even {min(levels)} students)"))
    saturated = max((row.get("cores", 0.0) for row in rows), default=0.0)
    lines.append(f"- the server process saturates at about {saturated:.1f} cores (one Python process: the GIL)")
    text = "\n".join(lines) + "\n"
    name = "capacity_results.md" if not url else "capacity_results_proxied.md"
    (ROOT / "bench" / name).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
