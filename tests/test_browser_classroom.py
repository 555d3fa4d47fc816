"""Classroom features in real Chromium: lesson links and presenter mode, CSV and PNG downloads, keyboard
access, light and dark themes, and layouts at projector (1024×768) and phone (390×844) sizes."""

import csv
import io

import pytest

from pages.ui import figures
from pages.ui.i18n import lookup
from tests.conftest import ARTIFACTS
from tests.test_browser import assert_clean, open_page, wait_idle

pytestmark = pytest.mark.browser

PAGES = {"home": 2, "dynamics": 3, "by_hand": 2, "gap_explorer": 5, "landscape": 1, "training": 7,
         "derivation": 0, "regulariser": 2, "distillation": 2, "conventions": 0}


def visible(page, key: str) -> bool:
    return page.locator(f".st-key-{key}").first.is_visible()


def test_lesson_link_in_presenter_mode(server, page):
    open_page(page, f"{server}/dynamics?eps=0.3&hide=eps,conv&present=True")
    # the chosen controls are hidden, the others are there, and the scene uses the hidden value
    assert not visible(page, "dyn_eps") and not visible(page, "dyn_conv")
    # presenter mode folds the controls into a settings expander: unfolded, the others are there
    page.get_by_text(lookup("en", "controls.settings")).click()
    page.wait_for_timeout(500)
    assert visible(page, "dyn_K") and visible(page, "dyn_lr")
    assert not visible(page, "dyn_eps") and not visible(page, "dyn_conv")
    sizes = page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(p => p._fullLayout.font.size)")
    assert set(sizes) == {round(figures.FONT["size"] * figures.PRESENTER_FONT)}
    widths = page.evaluate("() => document.querySelectorAll('.js-plotly-plot')[0]._fullData.map(t => t.line && t.line.width)")
    assert max(w for w in widths if w) >= 3 * figures.PRESENTER_LINE
    # the sidebar starts folded away, and the page text is larger than without presenter mode
    assert page.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "true"
    presenting = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.screenshot(path=str(ARTIFACTS / "presenter_dynamics.png"))
    open_page(page, f"{server}/dynamics?eps=0.3")
    normal = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert presenting > 1.2 * normal
    assert visible(page, "dyn_eps")
    assert_clean(page)


@pytest.mark.parametrize("query", ["dynamics?hide=eps,conv,lr", "dynamics?hide=K,steps,init,logx",
                                   "training?hide=eps,overlap,noise", "by_hand?hide=eps"])
def test_hidden_controls_leave_no_holes(server, page, query):
    """A lesson link's hidden controls take their columns with them: no visible column is left holding only
    hidden widgets (a hole, with the next control floating on its own)."""
    open_page(page, f"{server}/{query}")
    holes = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid="stColumn"]')).filter(column => {
        const box = column.getBoundingClientRect(), keyed = column.querySelectorAll('[class*="st-key-"]');
        return box.width > 0 && box.height > 0 && keyed.length
            && !Array.from(keyed).some(el => el.getBoundingClientRect().height > 0); })
        .map(column => Array.from(column.querySelectorAll('[class*="st-key-"]')).map(el => el.className).join(' '))""")
    assert holes == []
    hidden = query.split("hide=")[1].split(",")
    assert page.locator('[class*="st-key-"]:visible').count() > 0 and len(hidden) >= 1
    assert_clean(page)


def test_csv_download_holds_the_trajectory(server, page):
    open_page(page, f"{server}/dynamics?K=4&steps=200")
    page.get_by_role("tab", name=lookup("en", "export.title")).click()
    with page.expect_download(timeout=30_000) as info:
        page.locator(".st-key-dyn_csv").get_by_role("button", name=lookup("en", "export.csv")).click()
    download = info.value
    assert download.suggested_filename == "label_smoothing_dynamics.csv"
    rows = list(csv.reader(io.StringIO(open(download.path()).read())))
    assert rows[0][:3] == ["step", "true_logit_one_hot", "true_logit_smoothed"]
    assert rows[1][0] == "0" and rows[-1][0] == "200"
    assert_clean(page)


def test_png_export_from_the_chart_toolbar(server, page):
    open_page(page, f"{server}/")
    chart = page.locator(".js-plotly-plot").first
    chart.hover()
    with page.expect_download(timeout=30_000) as info:
        page.locator('.js-plotly-plot .modebar-btn[data-title="Download plot as a PNG"], '
                     '.js-plotly-plot .modebar-btn[data-title="Download plot as a png"]').first.click()
    download = info.value
    assert download.suggested_filename == "home_gap_chart.png"   # Home's first chart: the central picture
    assert open(download.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_controls_are_reachable_with_the_keyboard(server, page):
    open_page(page, f"{server}/dynamics")
    page.locator("h1").first.click()
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        key = page.evaluate("""() => {
            const box = document.activeElement && document.activeElement.closest('[class*="st-key-"]');
            return box ? Array.from(box.classList).find(c => c.startsWith('st-key-')) : null; }""")
        if key:
            reached.add(key.removeprefix("st-key-"))
    assert {"dyn_K", "dyn_eps", "dyn_conv", "dyn_lr", "dyn_steps", "dyn_init", "dyn_logx"} <= reached
    # a focused slider moves with the arrow keys, and the page follows
    page.locator(".st-key-dyn_eps input[type=range]").focus()
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('eps=0.11')", timeout=20_000)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_themes(server, browser, scheme):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=scheme)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    open_page(page, f"{server}/dynamics")
    background = page.evaluate("() => getComputedStyle(document.querySelector('.stApp')).backgroundColor")
    text = page.evaluate("() => getComputedStyle(document.querySelector('h1')).color")
    def luminance(css: str) -> float:
        if css.startswith("#"):
            return sum(int(css[i:i + 2], 16) for i in (1, 3, 5)) / 3
        return sum(int(v) for v in css[css.index("(") + 1:css.index(")")].split(",")[:3]) / 3

    if scheme == "dark":
        assert luminance(background) < 60 and luminance(text) > 180
    else:
        assert luminance(background) > 200 and luminance(text) < 80
    # chart text follows the theme too (Plotly's font colour is readable on the page background)
    font = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout.font.color")
    assert abs(luminance(font) - luminance(background)) > 90, (font, background)
    assert_clean(page)
    page.screenshot(path=str(ARTIFACTS / f"theme_{scheme}.png"))
    context.close()


@pytest.mark.parametrize("width,height,name", [(1024, 768, "projector"), (390, 844, "phone")])
@pytest.mark.parametrize("path", list(PAGES))
def test_layout_fits(server, browser, width, height, name, path):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=1, is_mobile=name == "phone", has_touch=name == "phone")
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.goto(f"{server}/{'' if path == 'home' else path}" + ("?epochs=10&n=200" if path == "training" else ""))
    wait_idle(page)
    if PAGES[path]:
        page.wait_for_function("(n) => document.querySelectorAll('.js-plotly-plot').length >= n", arg=PAGES[path] - 1,
                               timeout=60_000)
    page.wait_for_timeout(500)
    # nothing wider than the screen: no sideways scrolling of the page, every chart inside the viewport
    overflow = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]') || document.body;
        return Math.max(document.documentElement.scrollWidth, main.scrollWidth) - window.innerWidth; }""")
    assert overflow <= 1, f"{path} at {width}px scrolls sideways by {overflow}px"
    chart_right = page.evaluate("() => Math.max(0, ...Array.from(document.querySelectorAll('.js-plotly-plot')).map(p => p.getBoundingClientRect().right))")
    assert chart_right <= width + 1
    assert_clean(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}_{path}.png"))
    context.close()


def readme_lesson_links() -> list[str]:
    """The lesson links the README offers teachers (lines of the form `- `/path?...` ...`)."""
    import re

    text = (ARTIFACTS.parent / "README.md").read_text(encoding="utf-8")
    section = text.split("### Three lesson links", 1)[1].split("\n#", 1)[0]
    return re.findall(r"`(/[a-z_]*\?[^`]+)`", section)


def test_readme_has_three_lesson_links():
    assert len(readme_lesson_links()) == 3


@pytest.mark.parametrize("link", readme_lesson_links())
def test_readme_lesson_links_open_as_described(server, page, link):
    open_page(page, f"{server}{link}")
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(link).query)
    hidden = query.get("hide", [""])[0].split(",")
    prefix = {"": "home", "dynamics": "dyn", "training": "train"}[urlsplit(link).path.strip("/")]
    for name in hidden:
        key = {"n": "size", "logx": "logx"}.get(name, name)
        assert page.locator(f'[class*="st-key-{prefix}_{key}"]').count() == 0 or \
            not page.locator(f'[class*="st-key-{prefix}_{key}"]').first.is_visible(), name
    assert page.locator('[data-testid="stAlertContentWarning"]').count() == 0   # no rejected value
    assert_clean(page)
