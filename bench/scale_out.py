"""Past one machine (issue 15): the same Locust class against 1 and 2 app processes behind nginx with sticky
sessions (deploy/run_behind_nginx.py), on this machine. Docker cannot run here, so the processes and nginx
run directly, exactly as the recipe's containers would. Writes bench/scale_out_results.md.

    .venv/bin/python bench/scale_out.py [seconds=45] [students=30,60] [processes=1,2]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "deploy"))

from capacity import NAMES, level  # noqa: E402
from run_behind_nginx import cluster  # noqa: E402
from tests.conftest import _free_port  # noqa: E402


def app_processes() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if "streamlit" in " ".join(p.cmdline())]


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 45
    classes = [int(x) for x in (sys.argv[2] if len(sys.argv) > 2 else "30,60").split(",")]
    counts = [int(x) for x in (sys.argv[3] if len(sys.argv) > 3 else "1,2").split(",")]
    rows = []
    for processes in counts:
        for users in classes:
            with cluster(processes, _free_port()) as url:
                apps = app_processes()
                before = sum(p.cpu_times().user + p.cpu_times().system for p in apps)
                started = time.perf_counter()
                row = level(url, users, seconds, own_server=False)
                wall = time.perf_counter() - started
                row["cores"] = (sum(p.cpu_times().user + p.cpu_times().system for p in apps) - before) / wall
                row["processes"] = processes
                rows.append(row)
                print(row, flush=True)
    lines = [f"Locust class (bench/locustfile.py) through nginx with sticky sessions, {seconds} s per row, "
             f"this 2-core machine (Locust and nginx share it). `.venv/bin/python bench/scale_out.py {seconds} "
             f"{','.join(map(str, classes))} {','.join(map(str, counts))}`", "",
             "| app processes | students | slider p50 / p95 s | Run p95 s | Train p95 s | interactions | errors | app cores |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        get = lambda n, f: f"{row[n][f]:.2f}" if n in row else "—"  # noqa: E731
        lines.append(f"| {row['processes']} | {row['users']} | {get('slider', 'p50')} / {get('slider', 'p95')} | "
                     f"{get('run', 'p95')} | {get('train', 'p95')} | {sum(row[n]['count'] for n in NAMES if n in row)} | "
                     f"{sum(row[n]['failures'] for n in NAMES if n in row)} | {row['cores']:.2f} |")
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "scale_out_results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
