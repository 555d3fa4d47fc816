"""Lesson scenes in real Chromium (issue 25): the presenter steps with the ← / → keys (not while a slider has the
focus), the on-screen buttons agree, a student's "Back to the lesson scene" restores the scene after they changed
it, and the page asks nothing of any other origin. The lesson is written by this test process into the file the
server reads: a second process sees the same store."""

import pytest

from pages.ui.i18n import lookup
from pages.ui.poll_store import DB_VARIABLE, Scene, SQLiteStore, new_owner_key
from tests.conftest import ARTIFACTS, _serve
from tests.test_browser import assert_clean, open_page, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lesson_file(tmp_path_factory):
    return tmp_path_factory.mktemp("scenes") / "lessons.sqlite3"


KEY = new_owner_key()   # the lesson's owner key: in the presenter's link only


@pytest.fixture(scope="module")
def scenes_server(lesson_file):
    yield from _serve("scenes-server", env={DB_VARIABLE: str(lesson_file)})


@pytest.fixture
def code(lesson_file):
    store = SQLiteStore(lesson_file)
    code = store.create_lesson(Scene("dynamics", (("K", "5"), ("eps", "0.2")), "en", True), owner_key=KEY)
    store.add_scene(code, Scene("gap_explorer", (), "en", True))
    store.add_scene(code, Scene("dynamics", (("K", "50"), ("hide", "eps")), "en", True))
    return code


def position(page) -> str:
    return page.locator(".st-key-scene_bar").inner_text()


def wait_for(page, text: str) -> None:
    page.wait_for_function("(t) => (document.querySelector('.st-key-scene_bar') || {}).innerText?.includes(t)", arg=text,
                           timeout=30_000)
    wait_idle(page)


def number_value(page, key: str) -> str:
    return page.locator(f".st-key-{key} input").first.input_value()


def test_arrow_keys_step_through_the_scenes(scenes_server, page, code):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    open_page(page, f"{scenes_server}/?lesson={code}&scene=1&present=True&owner={KEY}")   # the presenter's link
    wait_for(page, "1 of 3")
    assert number_value(page, "dyn_K") == "5"
    page.wait_for_timeout(800)   # the key listener's frame loads
    page.locator("h1").first.click()   # focus on the page, not on a control
    page.keyboard.press("ArrowRight")
    wait_for(page, "2 of 3")
    assert "/gap_explorer" in page.url and "scene=2" in page.url
    page.wait_for_timeout(800)
    page.keyboard.press("ArrowRight")
    wait_for(page, "3 of 3")
    assert number_value(page, "dyn_K") == "50" and not page.locator(".st-key-dyn_eps").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "scenes_presenter.png"))
    page.wait_for_timeout(800)
    page.keyboard.press("ArrowRight")       # at the last scene: nothing happens
    page.wait_for_timeout(1500)
    assert "3 of 3" in position(page)
    page.keyboard.press("ArrowLeft")
    wait_for(page, "2 of 3")
    page.get_by_role("button", name=lookup("en", "scenes.previous")).click(timeout=5000)   # not under the header
    wait_for(page, "1 of 3")
    assert number_value(page, "dyn_K") == "5"
    # a slider with the focus keeps its arrow keys: the value moves, the scene stays
    settings = page.locator("[data-testid=stExpander] summary", has_text=lookup("en", "controls.settings"))
    if settings.count():   # presenter mode folds the controls away
        settings.first.click()
        page.wait_for_timeout(800)
    page.locator(".st-key-dyn_eps input").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('eps=0.21')", timeout=30_000)
    wait_idle(page)
    page.wait_for_timeout(1000)
    assert "1 of 3" in position(page) and "scene=1" in page.url
    origin = scenes_server.rstrip("/")
    assert [url for url in requests if not url.startswith((origin, "data:", "blob:", "about:"))] == []
    assert_clean(page)


def test_a_student_goes_back_to_the_lesson_scene(scenes_server, page, code):
    open_page(page, f"{scenes_server}/?lesson={code}&scene=1")
    back = page.get_by_role("button", name=lookup("en", "scenes.back"))
    back.wait_for(timeout=30_000)
    assert page.locator(".st-key-scene_next").count() == 0   # students do not step the lesson
    field = page.locator(".st-key-dyn_K input").first
    field.fill("9")
    field.press("Enter")
    page.wait_for_function("() => location.search.includes('K=9')", timeout=30_000)
    wait_idle(page)
    back.click()
    page.wait_for_function("() => location.search.includes('K=5')", timeout=30_000)
    wait_idle(page)
    page.wait_for_timeout(500)
    assert number_value(page, "dyn_K") == "5" and "lesson=" + code in page.url
    assert_clean(page)


def test_a_forged_code_gets_a_notice(scenes_server, page):
    open_page(page, f"{scenes_server}/?lesson=ZZZZZZ&scene=1")
    alert = page.locator('[data-testid="stAlert"]', has_text="lesson").first
    alert.wait_for(timeout=30_000)
    assert lookup("en", "scenes.allowed_unknown") in alert.inner_text()
    assert page.locator(".st-key-scene_bar").count() == 0
    assert_clean(page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_scene_bar_on_the_projector(scenes_server, browser, lesson_file, lang):
    """A lesson's presenter view at 1024×768 as the room sees it, in each language: the scene bar (position, Previous /
    Next scene) and the first screen under it pass the room checks (nothing broken inside a word, behind "…",
    overlapping or under 14 px), with the sidebar closed and open, and the main chart whole in the first screen."""
    from tests.test_browser_room import check, set_sidebar

    store = SQLiteStore(lesson_file)
    lesson = store.create_lesson(Scene("dynamics", (("K", "5"),), lang, True), owner_key=KEY)
    store.add_scene(lesson, Scene("gap_explorer", (), lang, True))
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        open_page(page, f"{scenes_server}/?lesson={lesson}&scene=1&present=True&owner={KEY}")
        wait_for(page, "1")
        page.mouse.move(1022, 766)
        found = {"closed": check(page, True, first=True)}
        set_sidebar(page, True)
        found["open"] = check(page, True)
        page.screenshot(path=str(ARTIFACTS / f"scenes_bar_{lang}_1024.png"))
        assert page.locator(".st-key-scene_bar button").count() >= 2
        assert not {view: {k: v for k, v in f.items() if v} for view, f in found.items() if any(f.values())}
    finally:
        context.close()
