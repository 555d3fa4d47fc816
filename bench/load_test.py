"""A class on one server: N concurrent real Chromium sessions (one browser, one context each) against one
local `streamlit run`, each moving sliders for a bounded time. Loopback traffic only.

Measures: script errors seen by any session, rerun latency median and p95 over all sessions, the CPU
used by the server and by the browser, and the server's resident memory per session (peak minus the
idle server, divided by N). Writes bench/load_results_<N>[_server].md.

Two modes. `charts` (default): latency = key press → the page's charts hold new data and the script is
idle, so it includes drawing every chart in every tab. `server`: the browser does not load Plotly's
JavaScript (the charts stay empty), and latency = key press → the server has rerun the script and the
page is idle again; this is the server's share, with the browser's drawing taken out of the loop.

    .venv/bin/python bench/load_test.py [sessions=30] [seconds=60] [charts|server]
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
# server mode: remember when the app last went from running to idle
WATCH = """() => { window.__idleAt = 0; const app = document.querySelector('[data-test-script-state]');
  new MutationObserver(() => { if (app.getAttribute('data-test-script-state') === 'notRunning') window.__idleAt = performance.now(); })
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']}); }"""


async def student(browser, url: str, key: str, seconds: float, latencies: list, errors: list, ready: asyncio.Event,
                  opened: list, mode: str) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    if mode == "server":
        await page.route("**/PlotlyChart*.js", lambda route: route.abort())
    else:
        page.on("pageerror", lambda error: errors.append(f"js: {error}"))
    await page.goto(url, timeout=180_000)
    await page.wait_for_selector(IDLE, state="attached", timeout=180_000)
    if mode == "server":
        await page.wait_for_selector(f".st-key-{key}", timeout=180_000)
        await page.evaluate(WATCH)
    else:
        await page.wait_for_selector(".js-plotly-plot", timeout=180_000)
    opened.append(1)
    await ready.wait()   # everyone starts moving sliders together
    slider = page.locator(f".st-key-{key} input[type=range]")
    end = time.perf_counter() + seconds
    rng = random.Random(key + url)
    while time.perf_counter() < end:
        before = await page.evaluate(SIGNATURE if mode == "charts" else "() => performance.now()")
        await slider.focus()
        start = time.perf_counter()
        await page.keyboard.press(rng.choice(["ArrowRight", "ArrowLeft"]))
        try:
            if mode == "charts":
                await page.wait_for_function(f"(old) => ({SIGNATURE})() !== old", arg=before, timeout=30_000)
            else:
                await page.wait_for_function("(t) => window.__idleAt > t", arg=before, timeout=30_000)
            await page.wait_for_selector(IDLE, state="attached", timeout=30_000)
            latencies.append(time.perf_counter() - start)
        except Exception as error:   # noqa: BLE001 - a timeout is a measured failure, not a crash
            errors.append(f"timeout on {url}: {str(error).splitlines()[0]}"[:200])
        if await page.locator('[data-testid="stException"]').count():
            errors.append(f"exception shown on {url}")
        await asyncio.sleep(rng.uniform(0.5, 1.5))   # a student looks at the chart before the next move
    await context.close()


async def run(url: str, sessions: int, seconds: float, server_pid: int, mode: str) -> dict:
    from playwright.async_api import async_playwright

    server = psutil.Process(server_pid)
    idle_rss = server.memory_info().rss
    me = psutil.Process()

    seen: dict[int, float] = {}   # CPU seconds per process, kept after a process exits

    def cpu_seconds() -> tuple[float, float]:
        """(server, browser + Playwright driver) CPU seconds so far."""
        for process in [server, *me.children(recursive=True)]:
            try:
                times = process.cpu_times()
                seen[process.pid] = times.user + times.system
            except psutil.Error:
                pass
        return seen.get(server_pid, 0.0), sum(v for pid, v in seen.items() if pid != server_pid)

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
                                                     opened, mode)))
            await asyncio.sleep(0.3)   # students do not all click the link in the same millisecond
        # start when every session is open or has failed to open (a failed one is reported, not waited for)
        while len(opened) + sum(t.done() for t in tasks) < sessions:
            await asyncio.sleep(0.5)
        ready.set()
        started, cpu_start = time.perf_counter(), cpu_seconds()
        cpu_end = cpu_start
        peak = idle_rss
        while not all(t.done() for t in tasks):
            peak = max(peak, server.memory_info().rss)
            cpu_end = cpu_seconds()
            await asyncio.sleep(1.0)
        wall = time.perf_counter() - started
        results = await asyncio.gather(*tasks, return_exceptions=True)
        # a session whose browser tab could not keep up (Playwright timed out) is the harness's failure,
        # not the app's: it is counted with the timeouts
        errors += [f"timeout (session stalled): {str(r).splitlines()[0]}"[:200] for r in results if isinstance(r, Exception)]
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
    mode = sys.argv[3] if len(sys.argv) > 3 else "charts"
    if mode not in ("charts", "server"):
        raise SystemExit("mode must be charts or server")
    with serve("bench-load") as url:
        port = int(url.rsplit(":", 1)[1])
        pid = next(c.pid for c in psutil.net_connections("tcp") if c.laddr.port == port and c.status == "LISTEN")
        r = asyncio.run(run(url, sessions, seconds, pid, mode))
    line = (f"| {mode} | {r['sessions']} ({r['opened']} opened) | {seconds:.0f} s | {r['reruns']} | {len(r['errors'])} | "
            f"{len(r['timeouts'])} | {r['median'] * 1000:,.0f} ms | {r['p95'] * 1000:,.0f} ms | "
            f"{r['server_cores']:.2f} / {r['browser_cores']:.2f} | {r['idle_mb']:,.0f} → {r['peak_mb']:,.0f} MB | "
            f"{r['per_session_mb']:,.1f} MB |")
    text = "\n".join(["One `streamlit run` and one Chromium on the same 2-core machine (the browser's own work "
                      "competes with the server's). Sessions spread over six pages, each pressing ←/→ on an ε slider "
                      "every 0.5–1.5 s.", "",
                      "| mode | sessions | time | reruns | app errors | browser timeouts (30 s) | median rerun | p95 rerun | "
                      "CPU cores used: server / browser | server memory | per session |",
                      "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|", line]) + "\n"
    if r["errors"] or r["timeouts"]:
        text += "\nErrors and timeouts:\n" + "\n".join(f"- {e}" for e in (r["errors"] + r["timeouts"])[:20]) + "\n"
    out = ROOT / "bench" / f"load_results_{sessions}{'_server' if mode == 'server' else ''}.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
