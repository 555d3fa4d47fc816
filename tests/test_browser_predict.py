"""Chromium, issue 25: at 1024×768 in presenter mode every choice of every predict-then-reveal control is shown
whole (none cut off by a narrow column, none hidden until clicked); the formula sheet fits one screen in both
languages, in presenter mode and not; the "Look for" / "Try this" lines leave each main chart in the first
screen."""

import pytest

from pages.ui.i18n import LANGUAGES, lookup
from tests.test_browser import wait_idle

pytestmark = pytest.mark.browser

PREDICT_PAGES = {"by_hand": "&K=10", "gap_explorer": "", "landscape": "", "training": "&epochs=10&n=200"}
CHOICES_CUT = """() => {
  const out = [];
  document.querySelectorAll('[data-testid="stRadio"]').forEach(radio => {
    if (!radio.closest('[class*="_guess_"]')) return;
    const box = radio.getBoundingClientRect();
    const column = (radio.closest('[data-testid="stColumn"]') || document.body).getBoundingClientRect();
    radio.querySelectorAll('label').forEach(label => {
      const r = label.getBoundingClientRect();
      const text = label.innerText.trim();
      if (!label.checkVisibility() || r.width === 0) out.push(`hidden: ${text}`);
      else if (r.right > Math.min(column.right, window.innerWidth) + 1 || r.left < column.left - 1 || r.right > box.right + 1)
        out.push(`cut: ${text} ${Math.round(r.left)}-${Math.round(r.right)} in ${Math.round(column.left)}-${Math.round(column.right)}`);
      else if (label.scrollWidth > label.clientWidth + 2) out.push(`clipped: ${text}`);
    });
  });
  return out; }"""
COUNT_CHOICES = """() => [...document.querySelectorAll('[data-testid="stRadio"]')]
  .filter(r => r.closest('[class*="_guess_"]')).map(r => r.querySelectorAll('label').length)"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_choice_is_shown_whole_at_1024_in_presenter_mode(server, browser, lang):
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    try:
        problems = {}
        for name, query in PREDICT_PAGES.items():
            page.goto(f"{server}/{name}?lang={lang}&present=True&predict=True{query}")
            wait_idle(page)
            page.wait_for_selector('[class*="_guess_"] [data-testid="stRadio"]', timeout=60_000)
            page.wait_for_timeout(500)
            counts = page.evaluate(COUNT_CHOICES)
            # one radio per item (by hand: one per logit, K = 10), each with all its choices (the label and each option)
            expected_items = {"by_hand": 10, "gap_explorer": 1, "landscape": 2, "training": 1}[name]
            assert len(counts) == expected_items, (name, counts)
            assert all(c >= 2 for c in counts), (name, counts)
            if found := page.evaluate(CHOICES_CUT):
                problems[name] = found
        assert not problems
    finally:
        page.close()


SHEET_BOTTOM = """(pages) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const links = [...main.querySelectorAll('[data-testid="stPageLink"]')].filter(l => pages.some(p => (l.querySelector('a')
    .getAttribute('href') || '').replace(/\\/$/, '').endsWith(p)));
  const shown = [...main.querySelectorAll('.katex-display'), ...links];
  const cut = [...main.querySelectorAll('.katex-display')].filter(k => k.scrollWidth > k.clientWidth + 3).length;
  return {links: links.length, formulas: main.querySelectorAll('.katex-display').length, cut: cut,
          bottom: Math.max(...shown.map(e => e.getBoundingClientRect().bottom + window.scrollY)),
          right: Math.max(...shown.map(e => e.getBoundingClientRect().right)),
          raw: main.innerText.includes('\\\\frac')}; }"""
LINKED = ["conventions", "derivation", "gap_explorer", "regulariser"]


@pytest.mark.parametrize("present", [False, True])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_formula_sheet_fits_one_screen(server, browser, lang, present):
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    try:
        page.goto(f"{server}/formulas?lang={lang}&present={present}")
        wait_idle(page)
        page.wait_for_selector(".katex-display", timeout=30_000)
        page.wait_for_timeout(800)
        assert page.locator("h1").first.inner_text().strip() == lookup(lang, "formulas.title")
        sheet = page.evaluate(SHEET_BOTTOM, LINKED)
        # four formulas, each with its link to the page that shows it, nothing cut, every one in the first screen
        assert sheet["links"] == 4 and sheet["formulas"] == 4 and not sheet["cut"] and not sheet["raw"], sheet
        assert sheet["bottom"] <= 768 and sheet["right"] <= 1024, sheet
        page.screenshot(path=f"test-artifacts/formulas_{lang}{'_present' if present else ''}.png")
    finally:
        page.close()


def test_every_page_links_to_the_formula_sheet(server, page):
    page.goto(f"{server}/landscape")
    wait_idle(page)
    link = page.get_by_role("link", name=lookup("en", "formulas.link"))
    link.click()
    page.wait_for_selector(".katex-display", timeout=30_000)
    assert page.locator("h1").first.inner_text().strip() == lookup("en", "formulas.title")
    assert "/formulas" in page.url
