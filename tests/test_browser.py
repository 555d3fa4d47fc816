"""Real Chromium against a real `streamlit run` server: what AppTest cannot see (KaTeX, Plotly, the
live run, the client-side replay, deep links on a fresh server)."""

import math

import pytest

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

IDLE = '[data-test-script-state="notRunning"]'


def wait_idle(page, timeout=60_000):
    page.wait_for_selector(IDLE, state="attached", timeout=timeout)


def open_page(page, url):
    page.goto(url)
    wait_idle(page)
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    page.wait_for_timeout(500)


def assert_clean(page):
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(".katex-error").count() == 0
    assert not page.js_errors, page.js_errors


def plot_data(page, index):
    return page.evaluate("(i) => document.querySelectorAll('.js-plotly-plot')[i]._fullData.map(t => ({name: t.name, y: Array.from(t.y || [])}))", index)


@pytest.mark.parametrize("lang,title", [("en", "Label Smoothing Lab"), ("zh", "标签平滑实验室")])
def test_home_renders_charts_and_formulas(server, page, lang, title):
    open_page(page, f"{server}/?lang={lang}")
    assert page.locator("h1").first.inner_text().strip() == title
    assert page.locator(".js-plotly-plot").count() == 1
    assert page.locator(".katex").count() >= 4
    assert page.locator(".katex-error").count() == 0
    # the bars hold the smoothed target for class 0 with K = 10, eps = 0.1
    traces = plot_data(page, 0)
    assert traces[1]["y"][0] == pytest.approx(0.91, abs=1e-12)
    assert_clean(page)
    page.screenshot(path=str(ARTIFACTS / f"home_{lang}.png"), full_page=True)


def test_language_switch_in_the_browser(server, page):
    open_page(page, f"{server}/")
    page.get_by_role("radio", name="中文").click()
    page.wait_for_function("() => document.querySelector('h1') && document.querySelector('h1').innerText.includes('标签平滑实验室')")
    wait_idle(page)
    assert "lang=zh" in page.url
    assert_clean(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_dynamics_run_replay_and_moving_optimum(server, page, lang):
    open_page(page, f"{server}/dynamics?lang={lang}")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length === 5")
    assert_clean(page)

    # Run: the progress bar appears, the gap chart is redrawn with growing runs, the layout below
    # does not move, and the page ends clean with the finished charts
    page.evaluate("""() => { window.__live = []; const t0 = performance.now();
      const tick = () => { const plots = document.querySelectorAll('.js-plotly-plot');
        const gap = plots[0], replay = plots[plots.length - 1];
        const x = gap && gap._fullData && gap._fullData[0] ? gap._fullData[0].x : null;
        window.__live.push({last: x ? x[x.length - 1] : null, top: Math.round(replay.getBoundingClientRect().top + window.scrollY),
                            progress: document.querySelectorAll('[data-testid="stProgress"]').length});
        if (performance.now() - t0 < 6000) requestAnimationFrame(tick); };
      requestAnimationFrame(tick); }""")
    page.locator('[data-testid="stButton"] button').first.click()
    page.wait_for_timeout(6200)
    samples = page.evaluate("() => window.__live")
    live_steps = sorted({s["last"] for s in samples if s["progress"] and s["last"] is not None})
    assert len(live_steps) >= 4, live_steps           # several distinct partial runs were drawn
    assert max(s["top"] for s in samples) - min(s["top"] for s in samples) <= 2  # no layout jump
    assert samples[-1]["progress"] == 0 and samples[-1]["last"] == 2000
    wait_idle(page)
    assert_clean(page)

    # the replay scrubber: go to the first frame, then press Play and watch the step label advance
    replay = page.locator(".js-plotly-plot").nth(4)
    replay.scroll_into_view_if_needed()
    rail = replay.locator(".slider-rail-touch-rect").first
    box = rail.bounding_box()
    page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    current = replay.locator(".slider-group > .slider-label").first  # "step t 1,234"
    assert current.text_content().strip().endswith(" 0")
    replay.locator(".updatemenu-button").first.click()
    page.wait_for_function("(el) => !el.querySelector('.slider-group > .slider-label').textContent.trim().endsWith(' 0')",
                           arg=replay.element_handle(), timeout=10_000)
    page.screenshot(path=str(ARTIFACTS / f"dynamics_{lang}.png"), full_page=True)

    # change eps with the keyboard (0.10 -> 0.11) and watch the dashed optimum move to the closed form
    def optimum():
        traces = plot_data(page, 0)
        dashed = [trace for trace in traces if len(trace["y"]) == 2]
        return dashed[0]["y"][0]

    assert optimum() == pytest.approx(math.log1p(10 * 0.9 / 0.1), abs=1e-12)
    page.locator('[data-testid="stSlider"] input[type="range"]').first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("""(expected) => {
        const gd = document.querySelectorAll('.js-plotly-plot')[0];
        const dashed = gd && gd._fullData && gd._fullData.filter(t => t.y && t.y.length === 2);
        return dashed && dashed.length && Math.abs(dashed[0].y[0] - expected) < 1e-9;
    }""", arg=math.log1p(10 * 0.89 / 0.11), timeout=20_000)
    assert "eps=0.11" in page.url
    assert_clean(page)


def test_garbage_url_shows_a_notice_not_a_traceback(server, page):
    open_page(page, f"{server}/dynamics?K=abc&eps=5")
    alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("K" in text and "abc" in text for text in alerts), alerts
    assert any("eps" in text for text in alerts), alerts
    assert_clean(page)


def test_deep_link_on_a_fresh_server_opens_inside_the_shell(fresh_server, page):
    """Before any session has called st.navigation, Streamlit would run pages/dynamics.py on its own."""
    open_page(page, f"{fresh_server}/dynamics?lang=zh&K=5")
    assert page.locator("h1").first.inner_text().strip() == "观察 logits 的演化"
    assert page.get_by_role("radio", name="中文").count() == 1  # the shell's language switch is there
    nav_links = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    assert [text.split("\n")[-1].strip() for text in nav_links] == ["首页", "观察 logits 的演化"], nav_links
    assert_clean(page)
