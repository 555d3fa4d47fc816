"""Projector-first (issue 14), in Chromium: at 1024×768 and 1280×800, in both languages, no metric value,
displayed formula or table cell is cut off (its content wider than its box, the way a user sees "…"); and in
presenter mode at 1024×768 every page's main chart starts in the first screen."""

import pytest

from pages.ui.lesson import NAMES
from tests.test_browser import wait_idle

pytestmark = pytest.mark.browser

CHARTS = {"home", "by_hand", "dynamics", "gap_explorer", "landscape", "regulariser", "training", "distillation"}   # pages with a chart
OVERFLOW = """() => {
  const out = [];
  const check = (selector, kind) => document.querySelectorAll(selector).forEach(el => {
    // KaTeX may overhang its box by a pixel or two (italic corrections): a cut-off value is far wider
    if (el.checkVisibility() && el.scrollWidth > el.clientWidth + 3)
      out.push(`${kind} "${el.innerText.replace(/\\s+/g, ' ').slice(0, 30)}" ${el.scrollWidth} > ${el.clientWidth}`); });
  check('[data-testid="stMetricValue"] > div', 'metric');
  check('.katex-display', 'formula');
  check('[data-testid="stTable"] td, [data-testid="stTable"] th', 'table cell');
  // a chart's title or button is cut off where it runs past the chart's right edge (Plotly does not wrap)
  document.querySelectorAll('.js-plotly-plot').forEach(plot => {
    const right = plot.getBoundingClientRect().right;
    plot.querySelectorAll('.gtitle, .updatemenu-button').forEach(el => {
      if (el.checkVisibility() && el.getBoundingClientRect().right > right + 1)
        out.push(`chart text "${el.textContent.slice(0, 30)}" ends at ${Math.round(el.getBoundingClientRect().right)} > ${Math.round(right)}`); }); });
  return out; }"""


def open_lesson_page(page, server, name, query):
    page.goto(f"{server}/{'' if name == 'home' else name}?{query}&epochs=10&n=200")
    wait_idle(page)
    if name in CHARTS:
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    page.wait_for_timeout(400)


def each_tab(page):
    """Show every tab of the page in turn, nested ones included (a nested tab is visible only while its
    parent tab is selected), yielding each tab's label once it is shown; first the page as it opens."""
    yield "—"
    tabs = page.locator('[role="tab"]')
    pending = set(range(tabs.count()))
    for parent in [None, *range(tabs.count())]:
        if not pending:
            return
        if parent is not None and tabs.nth(parent).is_visible():
            tabs.nth(parent).click()
            page.wait_for_timeout(200)
        for i in sorted(pending):
            if tabs.nth(i).is_visible():
                tabs.nth(i).click()
                page.wait_for_timeout(300)
                pending.discard(i)
                yield tabs.nth(i).inner_text()
    assert not pending, "every tab was shown"


@pytest.mark.parametrize("width, height", [(1024, 768), (1280, 800)])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_nothing_is_cut_off(server, browser, width, height, lang):
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        cut = {}
        for name in NAMES:
            open_lesson_page(page, server, name, f"lang={lang}")
            for tab in each_tab(page):   # what a page folds into tabs is checked too, tab by tab
                if found := page.evaluate(OVERFLOW):
                    cut[f"{name} [{tab}]"] = found
        assert not cut
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_presenter_mode_shows_each_main_chart_in_the_first_screen(server, browser, lang):
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    try:
        late = {}
        for name in sorted(CHARTS):
            open_lesson_page(page, server, name, f"lang={lang}&present=True")
            top = page.evaluate("() => document.querySelector('.js-plotly-plot').getBoundingClientRect().top")
            if top >= 768:
                late[name] = top
        assert not late
    finally:
        page.close()
