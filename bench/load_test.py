"""A class on one server: N concurrent real Chromium sessions (one browser, one context each) against one
local `streamlit run`, each moving sliders for a bounded time. Loopback traffic only.

Measures: script errors seen by any session, rerun latency (key press → new chart data and script idle)
median and p95 over all sessions, and the server's resident memory per session (after all sessions are
open and have worked, minus the idle server, divided by N). Writes bench/load_results.md.

    .venv/bin/python bench/load_test.py [sessions=30] [seconds=60]
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import _serve, find_chromium  # noqa: E402

serve = contextmanager(_serve)
# what a class does: most students on the first pages, a few on the heavier ones
ROUTES = [("", "home_eps"), ("dynamics", "dyn_eps"), ("gap_explorer", "gap_eps"), ("landscape", "land_eps"),
          ("regulariser", "reg_eps"), ("by_hand", "hand_eps")]
SIGNATURE = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).slice(0, 2)
    .map(p => p._fullData ? JSON.stringify(p._fullData.map(t => t.y && Array.from(t.y).slice(-3))) : '').join('|')"""
IDLE = '[data-test-script-state="notRunning"]'


async def student(browser, url: str, key: str, seconds: float, latencies: list, errors: list, ready: asyncio.Event,
                  opened: list) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.on("pageerror", lambda error: errors.append(f"js: {error}"))
    await page.goto(url, timeout=180_000)
    await page.wait_for_selector(IDLE, state="attached", timeout=180_000)
    await page.wait_for_selector(".js-plotly-plot", timeout=180_000)
    opened.append(1)
    await ready.wait()   # everyone starts moving sliders together
    slider = page.locator(f".st-key-{key} input[type=range]")
    end = time.perf_counter() + seconds
    rng = random.Random(key + url)
    while time.perf_counter() < end:
        before = await page.evaluate(SIGNATURE)
        await slider.focus()
        start = time.perf_counter()
        await page.keyboard.press(rng.choice(["ArrowRight", "ArrowLeft"]))
        try:
            await page.wait_for_function(f"(old) => ({SIGNATURE})() !== old", arg=before, timeout=30_000)
            await page.wait_for_selector(IDLE, state="attached", timeout=30_000)
            latencies.append(time.perf_counter() - start)
        except Exception as error:   # noqa: BLE001 - a timeout is a measured failure, not a crash
            errors.append(f"timeout on {url}: {str(error).splitlines()[0]}")
        if await page.locator('[data-testid="stException"]').count():
            errors.append(f"exception shown on {url}")
        await asyncio.sleep(rng.uniform(0.5, 1.5))   # a student looks at the chart before the next move
    await context.close()


async def run(url: str, sessions: int, seconds: float, server_pid: int) -> dict:
    from playwright.async_api import async_playwright

    server = psutil.Process(server_pid)
    idle_rss = server.memory_info().rss
    me = psutil.Process()

    def cpu_seconds() -> tuple[float, float]:
        """(server, browser + Playwright driver) CPU seconds so far."""
        others = 0.0
        for child in me.children(recursive=True):
            if child.pid != server_pid:
                try:
                    times = child.cpu_times()
                    others += times.user + times.system
                except psutil.Error:
                    pass
        times = server.cpu_times()
        return times.user + times.system, others
    latencies: list[float] = []
    errors: list[str] = []
    opened: list[int] = []
    ready = asyncio.Event()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu"])
        tasks = []
        for i in range(sessions):
            path, key = ROUTES[i % len(ROUTES)]
            tasks.append(asyncio.create_task(student(browser, f"{url}/{path}", key, seconds, latencies, errors, ready,
                                                     opened)))
            await asyncio.sleep(0.3)   # students do not all click the link in the same millisecond
        while len(opened) < sessions and not all(t.done() for t in tasks):
            await asyncio.sleep(0.5)
        ready.set()
        started, cpu_start = time.perf_counter(), cpu_seconds()
        peak = idle_rss
        while not all(t.done() for t in tasks):
            peak = max(peak, server.memory_info().rss)
            await asyncio.sleep(1.0)
        wall, cpu_end = time.perf_counter() - started, cpu_seconds()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        errors += [f"session failed: {r!r}"[:200] for r in results if isinstance(r, Exception)]
        await browser.close()
    timeouts = [e for e in errors if e.startswith("timeout")]
    return {"sessions": sessions, "opened": len(opened), "reruns": len(latencies),
            "errors": [e for e in errors if not e.startswith("timeout")], "timeouts": timeouts,
            "server_cores": (cpu_end[0] - cpu_start[0]) / wall, "browser_cores": (cpu_end[1] - cpu_start[1]) / wall,
            "median": statistics.median(latencies) if latencies else float("nan"),
            "p95": sorted(latencies)[int(0.95 * (len(latencies) - 1))] if latencies else float("nan"),
            "idle_mb": idle_rss / 1e6, "peak_mb": peak / 1e6, "per_session_mb": (peak - idle_rss) / 1e6 / sessions}


def main() -> None:
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    with serve("bench-load") as url:
        port = int(url.rsplit(":", 1)[1])
        pid = next(c.pid for c in psutil.net_connections("tcp") if c.laddr.port == port and c.status == "LISTEN")
        r = asyncio.run(run(url, sessions, seconds, pid))
    line = (f"| {r['sessions']} ({r['opened']} opened) | {seconds:.0f} s | {r['reruns']} | {len(r['errors'])} | "
            f"{len(r['timeouts'])} | {r['median'] * 1000:,.0f} ms | {r['p95'] * 1000:,.0f} ms | "
            f"{r['server_cores']:.2f} / {r['browser_cores']:.2f} | {r['idle_mb']:,.0f} → {r['peak_mb']:,.0f} MB | "
            f"{r['per_session_mb']:,.1f} MB |")
    text = "\n".join(["One `streamlit run` and one Chromium on the same 2-core machine (the browser's own work "
                      "competes with the server's). Sessions spread over six pages, each pressing ←/→ on an ε slider "
                      "every 0.5–1.5 s.", "",
                      "| sessions | time | reruns | app errors | timeouts (30 s) | median rerun | p95 rerun | "
                      "CPU cores used: server / browser | server memory | per session |",
                      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|", line]) + "\n"
    if r["errors"] or r["timeouts"]:
        text += "\nErrors and timeouts:\n" + "\n".join(f"- {e}" for e in (r["errors"] + r["timeouts"])[:20]) + "\n"
    out = ROOT / "bench" / f"load_results_{sessions}.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
