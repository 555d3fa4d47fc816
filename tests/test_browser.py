"""Real Chromium against a real `streamlit run` server: what AppTest cannot see (KaTeX, Plotly, the
live run, the client-side replay, deep links on a fresh server)."""

import math

import pytest

from pages.ui.i18n import load_catalogue, lookup
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
    assert page.locator(".js-plotly-plot").count() == 2
    assert page.locator(".katex").count() >= 4
    assert page.locator(".katex-error").count() == 0
    # the bars (the second chart) hold the smoothed target for class 0 with K = 10, eps = 0.1
    traces = plot_data(page, 1)
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
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length === 3")
    assert_clean(page)

    # Run (the button inside the gap chart) draws both runs growing in the browser: no chart container
    # empties, the axes hold still, the layout below does not move, and the run ends on the finished chart
    page.evaluate("""() => { window.__live = []; const t0 = performance.now();
      const tick = () => {
        const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
        const gap = plots[0], x = gap && gap._fullData && gap._fullData[0] ? gap._fullData[0].x : null;
        const below = document.querySelector('[role="tablist"]');   // the tabs below the main charts
        window.__live.push({t: performance.now() - t0, plots: plots.length,
                            empty: plots.filter(g => !g.querySelector('.scatterlayer .trace, .barlayer .trace')).length,
                            last: x ? x[x.length - 1] : null, points: x ? x.length : 0,
                            yrange: gap ? gap._fullLayout.yaxis.range.join(',') : null,
                            top: below ? Math.round(below.getBoundingClientRect().top + window.scrollY) : null});
        if (performance.now() - t0 < 30000) requestAnimationFrame(tick); };
      requestAnimationFrame(tick); }""")
    page.locator(".js-plotly-plot").first.locator(".updatemenu-button").first.click()
    page.wait_for_function("""() => { const s = window.__live, now = s[s.length - 1].t;
        return s.some(x => x.last !== null && x.last < 2000) && now > 1000
            && s.filter(x => x.t > now - 500).every(x => x.last === 2000); }""", timeout=25_000, polling=100)
    samples = page.evaluate("() => window.__live")
    states = {(s["last"], s["points"]) for s in samples if s["last"] is not None}
    print("drawn states:", len(states), sorted(states)[:8], "…")
    assert len(states) >= 20, "the run is drawn in at least 20 distinct states"
    assert all(s["plots"] == 3 and s["empty"] == 0 for s in samples), "no chart container empties during the run"
    assert len({s["yrange"] for s in samples}) == 1, "the run grows into a fixed frame"
    tops = [s["top"] for s in samples if s["top"] is not None]
    assert max(tops) - min(tops) <= 2  # no layout jump
    assert samples[-1]["last"] == 2000 and samples[-1]["points"] == max(s["points"] for s in samples)
    assert_clean(page)

    # the replay scrubber: go to the first frame, then press Play and watch the step label advance
    page.get_by_role("tab", name=lookup(lang, "dynamics.replay_heading")).click()
    replay = page.locator(".st-key-dyn_replay .js-plotly-plot")   # drawn once its tab is opened
    replay.wait_for(timeout=20_000)
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
    nav_links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').all_inner_texts()
    shown = [text.split("\n")[-1].strip().split(". ", 1)[-1] for text in nav_links]   # "3. 观察 …" → "观察 …"
    expected = {text for key, text in load_catalogue("zh").items() if key.startswith("nav.")} | {lookup("zh", "formulas.nav")}
    assert shown[0] == lookup("zh", "nav.home") and set(shown) == expected, nav_links
    assert_clean(page)


def test_first_change_on_a_fresh_server_is_kept(fresh_server, page):
    """A fresh server's first run used to run app.py inside Streamlit's legacy navigation, whose widget ids
    differ from every later run's, so the first change a user made there was lost (the language stayed
    English). `shell.leave_legacy_pages_mode` reruns that first run in navigation mode."""
    open_page(page, f"{fresh_server}/")
    page.get_by_role("radio", name="中文").click()
    page.wait_for_function("() => document.querySelector('h1') && document.querySelector('h1').innerText.includes('标签平滑实验室')",
                           timeout=15_000)
    wait_idle(page)
    assert "lang=zh" in page.url
    assert_clean(page)


RAW_LATEX_OUTSIDE_KATEX = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const raw = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('.katex, script, style')) continue;
    if (/\\\\(frac|partial|varepsilon|sum|color|log)/.test(node.textContent)) raw.push(node.textContent.slice(0, 80));
  }
  return raw; }"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_derivation_formulas_render(server, page, lang):
    page.goto(f"{server}/derivation?lang={lang}&all=True&K=4")
    wait_idle(page)
    page.wait_for_selector(".katex", timeout=30_000)
    page.wait_for_timeout(500)
    assert page.locator(".katex").count() >= 20
    assert page.locator(".katex-error").count() == 0
    assert page.evaluate(RAW_LATEX_OUTSIDE_KATEX) == []
    # the colour code reaches the formulas: the true class's blue and the wrong classes' vermillion
    colours = page.evaluate("() => Array.from(document.querySelectorAll('.katex [style*=color]')).map(e => e.style.color)")
    assert "rgb(0, 114, 178)" in colours and "rgb(213, 94, 0)" in colours
    assert page.locator('[data-testid="stAlertContentSuccess"]').count() == 7
    assert_clean(page)
    page.screenshot(path=str(ARTIFACTS / f"derivation_{lang}.png"), full_page=True)


def render_check(server, page, path: str, lang: str, charts: int, query: str = "", katex: bool = False) -> None:
    """Open a page, wait for its charts, check nothing went wrong, save a screenshot."""
    page.goto(f"{server}/{path}?lang={lang}{query}")
    wait_idle(page)
    if katex:
        page.wait_for_selector(".katex", timeout=30_000)
    page.wait_for_function("(n) => document.querySelectorAll('.js-plotly-plot').length === n", arg=charts, timeout=30_000)
    page.wait_for_timeout(500)
    assert page.locator(".js-plotly-plot").count() == charts
    assert page.locator(".katex-error").count() == 0 and page.evaluate(RAW_LATEX_OUTSIDE_KATEX) == []
    assert_clean(page)
    page.screenshot(path=str(ARTIFACTS / f"{path}_{lang}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path,charts", [("regulariser", 2), ("conventions", 0)])
def test_regulariser_and_conventions_render(server, page, lang, path, charts):
    render_check(server, page, path, lang, charts, katex=True)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_by_hand_renders_and_reveals(server, page, lang):
    page.goto(f"{server}/by_hand?lang={lang}&predict=True")
    wait_idle(page)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length === 1", timeout=20_000)
    page.locator('[data-testid="stButton"] button[kind="primary"]').first.click()   # reveal
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length === 2", timeout=20_000)
    wait_idle(page)
    assert page.locator('[data-testid="stAlertContentSuccess"]').count() == 1
    assert_clean(page)
    page.screenshot(path=str(ARTIFACTS / f"by_hand_{lang}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_landscape_renders(server, page, lang):
    render_check(server, page, "landscape", lang, charts=1)
    traces = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullData.map(t => t.type)")
    assert traces.count("contour") == 2


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_gap_explorer_renders(server, page, lang):
    render_check(server, page, "gap_explorer", lang, charts=5, query="&align=True")


WATCH_PROGRESS = """() => {
  window.__progressSeen = [];
  const look = () => document.querySelectorAll('[data-testid="stProgress"]').forEach(bar => {
    const box = bar.getBoundingClientRect();
    window.__progressSeen.push({inView: box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight});
  });
  new MutationObserver(look).observe(document.body, {childList: true, subtree: true, attributes: true});
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_training_page_trains_with_a_progress_bar(server, page, lang):
    # about a second of training per run (one BLAS thread): long enough for the bar to be drawn, not only sent
    render_check(server, page, "training", lang, charts=7, query="&epochs=40&n=2000")
    titles = page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(p => p.layout.title.text)")
    # a new seed, applied with the form's button, retrains behind a progress bar and redraws the diagrams
    new_seed = {"en": "17", "zh": "18"}[lang]   # not trained before: the store is shared by every session
    seed = page.get_by_label(lookup(lang, "controls.seed"))
    seed.fill(new_seed)
    seed.press("Tab")
    # every bar drawn while the work runs is recorded (a bar drawn and removed between two polls counts too),
    # with whether it was inside the window: the bar must be where the user is looking
    page.evaluate(WATCH_PROGRESS)
    page.locator('[data-testid="stFormSubmitButton"] button').click()
    page.wait_for_function("() => window.__progressSeen.length > 0", timeout=20_000)
    wait_idle(page)
    assert any(seen["inView"] for seen in page.evaluate("() => window.__progressSeen")), "the progress bar was drawn out of view"
    page.wait_for_function("(old) => document.querySelectorAll('.js-plotly-plot')[0].layout.title.text !== old",
                           arg=titles[0], timeout=20_000)
    assert page.locator('[data-testid="stProgress"]').count() == 0
    assert f"seed={new_seed}" in page.url
    assert_clean(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_raw_markdown_on_any_page(server, page, lang):
    """Bold markers next to Chinese punctuation are easy to break (CommonMark's flanking rules): no page
    may show a literal ** or a $ of unrendered maths, in either language."""
    from pages.ui.lesson import NAMES

    for name in NAMES:
        page.goto(f"{server}/{'' if name == 'home' else name}?lang={lang}&epochs=10&n=200")
        wait_idle(page)
        page.wait_for_timeout(300)
        text = page.evaluate(RAW_TEXT_OUTSIDE_KATEX)
        assert "**" not in text and "$" not in text, (name, [line for line in text.splitlines() if "**" in line or "$" in line][:3])


RAW_TEXT_OUTSIDE_KATEX = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('.katex, script, style, code, pre, textarea')) continue;
    parts.push(node.textContent);
  }
  return parts.join('\\n'); }"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_distillation_and_the_digits_render(server, page, lang):
    """The distillation page (the temperature axis and the heat maps) and the training page on the digits (8 charts: the confident
    mistakes join the cluster page's seven), clean, with no raw LaTeX."""
    render_check(server, page, "distillation", lang, 2)
    render_check(server, page, "training", lang, 8, query="&data=digits&n=200&epochs=10")
    page.get_by_role("tab", name=lookup(lang, "training.tab_mistakes")).click()
    page.wait_for_timeout(500)
    digits = page.locator(".js-plotly-plot").filter(has=page.locator(".heatmaplayer, .hm"))
    assert digits.count() >= 1 and digits.first.is_visible()
