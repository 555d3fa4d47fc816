"""Chromium re-check of the claims issue 12 changed: what a student reads at a boundary, and the charts
that carry the changed labels, as a real browser renders them."""

import numpy as np
import pytest

import lsr_core as core
from pages.ui.formatting import number
from pages.ui.i18n import load_catalogue, lookup
from tests.conftest import ARTIFACTS
from tests.test_browser import assert_clean, open_page
from tests.test_sentences_grid import pattern

pytestmark = pytest.mark.browser


def body_text(page) -> str:
    return page.evaluate("() => document.body.textContent")


def before_first_field(lang: str, key: str) -> str:
    """The start of a catalogue sentence, up to its first field or Markdown mark: what the browser shows verbatim."""
    return load_catalogue(lang)[key].split("**")[0].split("{")[0][:60]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_home_at_the_zero_gap_boundary_says_so_and_shows_zero(server, page, lang):
    open_page(page, f"{server}/?lang={lang}&K=10&eps=0.9&conv=others")
    metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert metrics == ["0.1000", "0.1000", "0"]
    text = body_text(page)
    assert before_first_field(lang, "home.notice.no_preference") in text
    assert lookup(lang, "home.caption.no_preference", true="0.1000", gap="0") in text
    for other in ("favours_wrong", "favours_true"):
        assert before_first_field(lang, f"home.caption.{other}") not in text
    bars = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullData.map(t => Array.from(t.y))")
    assert bars[1][0] == pytest.approx(bars[1][1], abs=1e-15)
    assert_clean(page)
    page.screenshot(path=str(ARTIFACTS / f"home_boundary_{lang}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_dynamics_labels_the_continuous_time_law_and_measures_the_lead(server, page, lang):
    open_page(page, f"{server}/dynamics?lang={lang}&steps=2000")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length === 3")
    names = page.evaluate("() => document.querySelectorAll('.js-plotly-plot')[0]._fullData.map(t => t.name)")
    assert lookup(lang, "legend.one_hot_theory") in names
    c = core.compare_runs(10, 0.1, "uniform", 1.0, 2000, np.zeros(10))
    text = body_text(page)
    assert number(c.flow_lead) in text and c.flow_lead > 0
    freeze = core.freeze_gap(10, 1.0)
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert "≈ " + number(freeze, 2) in values
    assert number(core.rounding_gap(10), 2) in text and number(core.freeze_gap(10, 1.0, np.float32), 2) in text
    assert_clean(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_training_past_the_boundary_says_the_model_avoids_the_label(server, page, lang):
    open_page(page, f"{server}/training?lang={lang}&K=3&eps=0.9&conv=others&n=200&epochs=10")
    text = body_text(page)
    assert pattern(lang, "training.regime.favours_wrong").search(text)
    assert not pattern(lang, "training.regime.no_preference").search(text)
    # T < 1 at these settings? whichever it is, the sentence shown is the one the fitted T calls for
    e = core.run_experiment(3, 0.4, 0.0, 200, 0, 0.9, "others", 10)   # page defaults: overlap 0.4, noise 0, seed 0
    effect = core.temperature_effect(e.temperature)
    assert lookup(lang, f"training.temperature.{effect}", T=f"{e.temperature:.2f}") in text
    assert_clean(page)
