"""Slider → chart latency in real Chromium, for each page, against a minimal Streamlit page (the floor).

For each page: focus its ε slider, press → (one step), and time until the page's first chart holds new
data and the script has finished. Same server settings and same browser for every page, in one run.
Writes bench/latency_results.md.

    .venv/bin/python bench/browser_latency.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contextlib import contextmanager  # noqa: E402

from tests.conftest import _serve, find_chromium  # noqa: E402

serve = contextmanager(_serve)

REPEAT = 15
CASES = [("minimal page (floor)", "minimal", "", "min_eps"), ("home", "app", "", "home_eps"),
         ("dynamics", "app", "dynamics", "dyn_eps"), ("by_hand", "app", "by_hand", "hand_eps"),
         ("gap_explorer", "app", "gap_explorer", "gap_eps"), ("landscape", "app", "landscape", "land_eps"),
         ("regulariser", "app", "regulariser", "reg_eps")]
# (derivation and conventions have no chart: their rerun times are in bench/results.md; training's
# controls sit in a form, so a slider move alone does not rerun it)
SIGNATURE = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).slice(0, 2)
    .map(p => p._fullData ? JSON.stringify(p._fullData.map(t => t.y && Array.from(t.y).slice(-3))) : '').join('|')"""


def measure(page, url: str, key: str) -> list[float]:
    page.goto(url)
    page.wait_for_selector('[data-test-script-state="notRunning"]', state="attached", timeout=60_000)
    page.wait_for_timeout(1500)
    slider = page.locator(f".st-key-{key} input[type=range]")
    times = []
    for i in range(REPEAT):
        before = page.evaluate(SIGNATURE)
        slider.focus()
        start = time.perf_counter()
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        page.wait_for_function(f"(old) => ({SIGNATURE})() !== old", arg=before, timeout=30_000, polling="raf")
        page.wait_for_selector('[data-test-script-state="notRunning"]', state="attached", timeout=30_000)
        times.append(time.perf_counter() - start)
        page.wait_for_timeout(300)
    return times


def main() -> None:
    from playwright.sync_api import sync_playwright

    rows = []
    with serve("bench-app") as app_url, serve("bench-minimal", str(ROOT / "bench" / "minimal_app.py")) as minimal_url, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        floor = None
        for name, which, path, key in CASES:
            base = minimal_url if which == "minimal" else app_url
            times = measure(page, f"{base}/{path}", key)
            median = statistics.median(times)
            p95 = sorted(times)[int(0.95 * (len(times) - 1))]
            floor = floor or median
            rows.append(f"| {name} | {median * 1000:,.0f} ms | {p95 * 1000:,.0f} ms | {median / floor:.1f}× |")
            print(rows[-1], flush=True)
        browser.close()
    text = "\n".join([f"Chromium, 1400×1000, {REPEAT} slider steps per page (→ and ← alternately); time from the key "
                      "press to the page's first charts showing new values and the script idle.", "",
                      "| page | median | p95 | ÷ minimal page |", "|---|---:|---:|---:|", *rows]) + "\n"
    (ROOT / "bench" / "latency_results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
