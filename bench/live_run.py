"""Browser benchmark: press Run on the dynamics page in real Chromium and time it.

Reports, over several presses, the time from the click until the final charts are drawn and how many
distinct partial runs the gap chart showed on the way. Starts its own `streamlit run` on loopback.
Run with `.venv/bin/python bench/live_run.py` (needs Chromium, like the browser tests).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import _serve, find_chromium  # noqa: E402

PROBE = """() => { window.__live = []; const t0 = performance.now(), id = (window.__probe = (window.__probe || 0) + 1);
  const tick = () => {
    if (window.__probe !== id) return;   // a newer probe has started
    const gap = Array.from(document.querySelectorAll('.js-plotly-plot')).find(
        g => !g.closest('[data-stale="true"]') && g._fullData && g._fullData[0] && typeof g._fullData[0].x[0] === 'number');
    const x = gap ? gap._fullData[0].x : null;
    window.__live.push({t: performance.now() - t0, last: x ? x[x.length - 1] : null,
                        progress: document.querySelectorAll('[data-testid="stProgress"]').length});
    if (performance.now() - t0 < 60000) requestAnimationFrame(tick); };
  requestAnimationFrame(tick); }"""

DONE = """(total) => { const s = window.__live, now = s[s.length - 1].t, recent = s.filter(x => x.t > now - 800);
  return s.some(x => x.last !== null && x.last < total) && recent.every(x => x.progress === 0 && x.last === total); }"""


def measure(page, url: str, total: int, presses: int) -> tuple[list[float], list[int]]:
    page.goto(url)
    page.wait_for_selector('[data-test-script-state="notRunning"]', state="attached", timeout=120_000)
    page.wait_for_timeout(1500)
    times, states = [], []
    for _ in range(presses):
        page.evaluate(PROBE)
        page.locator('[data-testid="stButton"] button').first.click()
        try:
            page.wait_for_function(DONE, arg=total, timeout=60_000, polling=50)
        except Exception:
            s = page.evaluate("() => window.__live")
            print("stuck:", url, [(round(x["t"]), x["last"], x["progress"]) for i, x in enumerate(s) if i == 0 or (x["last"], x["progress"]) != (s[i-1]["last"], s[i-1]["progress"])][:40])
            raise
        samples = page.evaluate("() => window.__live")
        final_at = min(s["t"] for s in samples if s["last"] == total and s["t"] > max(
            x["t"] for x in samples if x["progress"] or (x["last"] is not None and x["last"] < total)))
        times.append(final_at / 1000)
        states.append(len({s["last"] for s in samples if s["last"] is not None and s["last"] < total}))
        page.wait_for_timeout(500)
    return times, states


def main() -> None:
    from playwright.sync_api import sync_playwright

    server = _serve("bench-server")
    url = next(server)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for label, query, total in (("default scene (K=10, 2,000 steps)", "", 2000),
                                    ("K=1000, 100,000 steps", "?K=1000&steps=100000", 100000)):
            times, states = measure(page, f"{url}/dynamics{query}", total, presses=5)
            rows.append(f"| {label} | {statistics.median(times):.2f} s | {min(times):.2f}–{max(times):.2f} s | "
                        f"{statistics.median(states):.0f} |")
        browser.close()
    next(server, None)
    print("| Run pressed in Chromium | click → final charts (median) | range | partial runs shown |")
    print("|---|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
