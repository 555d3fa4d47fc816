"""Browser benchmark: press ▶ Run inside the dynamics page's gap chart in real Chromium and time it.

Run is a client-side Plotly animation of the stored runs (no server round trip). Reports, over several
presses, the time from the click until the finished chart is drawn again, how many distinct states the
gap chart drew on the way, whether any chart container was empty at any moment, and how many bytes the
gap and logits figures (with their frames) cost to send. Starts its own `streamlit run` on loopback.
Run with `.venv/bin/python bench/live_run.py` (needs Chromium, like the browser tests).
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import _serve, find_chromium  # noqa: E402

PROBE = """() => { window.__live = []; const t0 = performance.now(), id = (window.__probe = (window.__probe || 0) + 1);
  const tick = () => {
    if (window.__probe !== id) return;   // a newer probe has started
    const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
    const x = plots[0] && plots[0]._fullData[0] ? plots[0]._fullData[0].x : null;
    window.__live.push({t: performance.now() - t0, last: x ? x[x.length - 1] : null, points: x ? x.length : 0,
                        empty: plots.filter(g => !g.querySelector('.scatterlayer .trace, .barlayer .trace')).length});
    if (performance.now() - t0 < 60000) requestAnimationFrame(tick); };
  requestAnimationFrame(tick); }"""

DONE = """(total) => { const s = window.__live, now = s[s.length - 1].t;
  return s.some(x => x.last !== null && x.last < total) && s.filter(x => x.t > now - 400).every(x => x.last === total); }"""

SIZE = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).slice(0, 2).map(
  g => JSON.stringify({data: g.data, layout: g.layout, frames: g._transitionData._frames}).length)"""


def measure(page, url: str, total: int, presses: int) -> tuple[list[float], list[int], int, list[int]]:
    page.goto(url)
    page.wait_for_selector('[data-test-script-state="notRunning"]', state="attached", timeout=120_000)
    page.wait_for_timeout(1500)
    times, states, empty = [], [], 0
    for _ in range(presses):
        page.evaluate(PROBE)
        page.locator(".js-plotly-plot").first.locator(".updatemenu-button").first.click()
        page.wait_for_function(DONE, arg=total, timeout=60_000, polling=50)
        samples = page.evaluate("() => window.__live")
        growing = [s for s in samples if s["last"] is not None and s["last"] < total]
        times.append(min(s["t"] for s in samples if s["t"] > growing[-1]["t"]) / 1000)
        states.append(len({(s["last"], s["points"]) for s in growing}) + 1)
        empty = max(empty, max(s["empty"] for s in samples))
        page.wait_for_timeout(300)
    return times, states, empty, page.evaluate(SIZE)


def main() -> None:
    from playwright.sync_api import sync_playwright

    server = _serve("bench-server")
    url = next(server)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for label, query, total in (("default scene (K=10, 2,000 steps, log axis)", "", 2000),
                                    ("linear axis", "?logx=False", 2000),
                                    ("K=1000, 100,000 steps", "?K=1000&steps=100000", 100000)):
            times, states, empty, sizes = measure(page, f"{url}/dynamics{query}", total, presses=5)
            rows.append(f"| {label} | {statistics.median(times):.2f} s | {min(times):.2f}–{max(times):.2f} s | "
                        f"{statistics.median(states):.0f} | {empty} | {sizes[0] / 1000:.0f} kB / {sizes[1] / 1000:.0f} kB |")
        browser.close()
    next(server, None)
    print("| ▶ Run in the gap chart, Chromium | click → finished chart (median) | range | drawn states | "
          "empty charts at any moment | gap / logits figure as JSON |")
    print("|---|---:|---:|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
