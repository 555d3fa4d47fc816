"""The lesson path: one teaching order for the sidebar, previous / next at the bottom of every page, Home's
way in, and the closing summary (issue 14). The browser half clicks through it in Chromium."""

from pathlib import Path

import pytest

from pages.ui import lesson
from pages.ui.i18n import LANGUAGES, lookup
from tests.apptest_checks import no_exception

ORDER = ("home", "by_hand", "derivation", "dynamics", "gap_explorer", "landscape", "regulariser", "training",
         "distillation", "conventions")
QUERY = {"training": {"epochs": "10", "n": "200"}, "distillation": {"seeds": "3"}}


def test_the_teaching_order():
    assert lesson.NAMES == ORDER
    # every page is a step of the lesson but the formula sheet, which every page links to
    assert lesson.SHEET.name == "formulas" and lesson.SHEET.name not in lesson.NAMES
    assert {f"{name}.py" for name in ORDER + (lesson.SHEET.name,)} == {p.name for p in Path("pages").glob("*.py")} - {"__init__.py"}
    assert [s and s.name for s in lesson.neighbours("dynamics")] == ["derivation", "gap_explorer"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sidebar_lists_the_pages_in_lesson_order(app_test, lang):
    at = app_test("dynamics", lang=lang)
    links = [(link.proto.label, link.proto.page) for link in at.sidebar.get("page_link")]
    expected = [(lookup(lang, "nav.home"), "")] + [(f"{i}. {lookup(lang, f'nav.{name}')}", name)
                                                   for i, name in enumerate(ORDER[1:], 1)]
    assert links == expected + [(lookup(lang, "formulas.nav"), "formulas")]   # the formula sheet, unnumbered


def page_links(at) -> list[tuple[str, str]]:
    """(label, url path) of every page link on the page, in order."""
    return [(link.proto.label, link.proto.page) for link in at.main.get("page_link")]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("index, name", list(enumerate(ORDER)))
def test_every_page_ends_with_previous_and_next_in_lesson_order(app_test, lang, index, name):
    at = app_test(None if name == "home" else name, lang=lang, **QUERY.get(name, {}))
    no_exception(at)
    expected = []
    if index > 0:
        before = ORDER[index - 1]
        expected.append((lookup(lang, "lesson.previous", page=lookup(lang, f"nav.{before}")), "" if before == "home" else before))
    if index + 1 < len(ORDER):
        after = ORDER[index + 1]
        expected.append((lookup(lang, "lesson.next", page=lookup(lang, f"nav.{after}")), after))
    else:
        expected.append((lookup(lang, "lesson.again"), ""))
        assert lookup(lang, "lesson.summary_title") in [h.value for h in at.subheader]
    links = page_links(at)
    assert links[-len(expected):] == expected   # the last links on the page
    footer_words = [lookup(lang, key, page="").strip(": ：") for key in ("lesson.previous", "lesson.next")]
    assert not [label for label, _ in links[:-len(expected)] if label.startswith(tuple(footer_words))]


def test_home_starts_the_lesson_and_lists_every_step(app_test):
    at = app_test()
    links = page_links(at)
    assert (lookup("en", "home.start"), "by_hand") in links
    listed = [page for _, page in links]
    for name in ORDER[1:]:
        assert name in listed
    steps = [label for label, page in links if label.startswith(tuple(f"{i}. " for i in range(1, len(ORDER))))]
    assert [label.split(" — ")[0] for label in steps] == [f"{i}. {lookup('en', f'nav.{n}')}" for i, n in enumerate(ORDER[1:], 1)]


@pytest.mark.browser
@pytest.mark.parametrize("lang, direction", [("en", "next"), ("zh", "previous")])
def test_walking_the_lesson_in_chromium(server, page, lang, direction):
    """Follow "next" from Home to the last page (English), or "previous" from the last page back to Home
    (Chinese): every link lands on the right page, inside the shell, in the chosen language."""
    from tests.test_browser import assert_clean, wait_idle

    order = ORDER if direction == "next" else ORDER[::-1]
    page.goto(f"{server}/{'' if order[0] == 'home' else order[0]}?lang={lang}&epochs=10&n=200")
    wait_idle(page)
    for here, there in zip(order, order[1:]):
        assert page.locator("h1").first.inner_text().strip() == lookup(lang, f"{here}.title")
        label = lookup(lang, f"lesson.{direction}", page=lookup(lang, f"nav.{there}"))
        page.locator('[data-testid="stPageLink"] a', has_text=label).last.click()
        page.wait_for_function("(title) => { const h = document.querySelector('h1'); return h && h.innerText.trim() === title; }",
                               arg=lookup(lang, f"{there}.title"), timeout=30_000)
        wait_idle(page)
        assert page.url.split("?")[0].rstrip("/").endswith("" if there == "home" else f"/{there}")
        assert_clean(page)


PAGE_NOT_FOUND_WATCH = """() => { window.__notFound = 0; new MutationObserver(() => {
  if (document.body && /page not found/i.test(document.body.innerText)) window.__notFound += 1; })
  .observe(document, {subtree: true, childList: true, characterData: true}); }"""


@pytest.mark.browser
def test_home_path_opens_home_without_page_not_found(server, page):
    """Issue 14: /home showed Streamlit's "Page not found" (in English, even with ?lang=zh) before Home. The
    server has already served a session (st.navigation mode), where the flash happened."""
    from tests.test_browser import wait_idle

    page.add_init_script(f"({PAGE_NOT_FOUND_WATCH})()")
    for _ in range(2):
        page.goto(f"{server}/home?lang=zh")
        wait_idle(page)
        page.wait_for_function("(t) => document.querySelector('h1') && document.querySelector('h1').innerText.trim() === t",
                               arg=lookup("zh", "home.title"), timeout=30_000)
        page.wait_for_timeout(500)
        assert page.evaluate("() => window.__notFound") == 0
