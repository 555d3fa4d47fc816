"""The distillation page in AppTest, in both languages: what it says is what the core measured."""

import json

import numpy as np
import pytest

import lsr_core as core
from pages.ui.i18n import lookup
from tests.apptest_checks import assert_url_values_ignored, no_exception
from tests.test_figures import array

SETTINGS = core.DistillationSettings(seeds=3)


@pytest.fixture(scope="module")
def result():
    return SETTINGS.run()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_says_what_the_core_measured(app_test, lang, result):
    at = app_test("distillation", lang=lang, seeds="3")
    no_exception(at)
    d = result
    text = [m.value for m in at.markdown]
    accuracy = d.difference("student_accuracy")
    assert lookup(lang, f"distillation.verdict.accuracy.{d.verdict('student_accuracy')}", seeds=3,
                  diff=f"{accuracy.mean * 100:+.1f}", sem=f"{accuracy.sem * 100:.1f}") in text
    nll, shape = d.summary("student_nll"), d.summary("structure")
    assert lookup(lang, f"distillation.verdict.nll.{d.verdict('student_nll')}", seeds=3,
                  one_hot=f"{nll[0].mean:.3f}", smoothed=f"{nll[1].mean:.3f}") in text
    assert lookup(lang, f"distillation.verdict.structure.{d.verdict('structure')}", seeds=3,
                  one_hot=f"{shape[0].mean:.3f}", smoothed=f"{shape[1].mean:.3f}") in text
    notices = [n.value for kind in ("success", "info", "warning") for n in getattr(at, kind)]
    assert lookup(lang, f"distillation.paper.{d.reproduces_paper}", seeds=3) in notices
    table = at.table[0].value
    assert table.shape == (6, 4)
    a, b = d.summary("teacher_accuracy")
    assert table.iloc[0, 1] == f"{a.mean * 100:.1f} ± {a.std * 100:.1f}" and table.iloc[0, 2] == f"{b.mean * 100:.1f} ± {b.std * 100:.1f}"
    diff = d.difference("student_nll")
    assert table.iloc[3, 3] == f"{diff.mean:+.3f} ± {diff.std:.3f}"
    chart = next(c for c in at.get("plotly_chart") if c.key == "distil_similarity")
    spec = json.loads(chart.proto.spec)
    for trace, matrix in zip(spec["data"], d.similarity):
        z = array(trace["z"]) if isinstance(trace["z"], dict) else np.array(trace["z"], dtype=float)
        np.testing.assert_allclose(z.reshape(10, 10), matrix, rtol=1e-12)
    i, j, p = d.strongest_confusion(0)
    assert any(f"{p:.3f}" in m and str(i) in m for m in text)


def test_the_paper_sentence_follows_the_measured_verdict(app_test, monkeypatch, result):
    """Each outcome gets its own sentence: forcing the accuracy verdict shows the matching one only."""
    for verdict, outcome in (("lower", "yes"), ("higher", "opposite"), ("unclear", "unclear")):
        monkeypatch.setattr(core.Distillation, "reproduces_paper", property(lambda self, o=outcome: o))
        at = app_test("distillation", seeds="3")
        no_exception(at)
        shown = [n.value for kind in ("success", "info", "warning") for n in getattr(at, kind)]
        assert lookup("en", f"distillation.paper.{outcome}", seeds=3) in shown
        others = {"yes", "opposite", "unclear"} - {outcome}
        assert not any(lookup("en", f"distillation.paper.{o}", seeds=3) in shown for o in others), verdict


def test_garbage_query(app_test):
    query = {"seeds": "1000", "T": "hot", "eps": "nan"}
    at = app_test("distillation", **query)
    assert_url_values_ignored(at, query)


def test_language_and_view_changes_never_retrain(app_test, monkeypatch, result):
    """Teachers and students are trained once per setting: switching the language, opening the page again
    or folding a section reuses them; a new setting, submitted, trains once."""
    at = app_test("distillation", seeds="3")
    calls = []
    original = core.DistillationSettings.run
    monkeypatch.setattr(core.DistillationSettings, "run", lambda s, *a, **k: calls.append(s) or original(s, *a, **k))
    at.sidebar.segmented_control(key="lang").set_value("zh").run()
    no_exception(at)
    assert calls == [] and lookup("zh", "distillation.title") in [h.value for h in at.title]
    app_test("distillation", seeds="3", lang="zh")
    assert calls == []
    at.select_slider(key="distil_T").set_value(2.0)
    at.button[0].click().run()
    no_exception(at)
    assert calls == [core.DistillationSettings(seeds=3, temperature=2.0)]


@pytest.mark.parametrize("page, query", [("distillation", {"seeds": "3"}), ("training", {"data": "digits", "n": "200", "epochs": "10"})])
def test_a_missing_digits_file_gets_a_message_not_a_traceback(app_test, monkeypatch, tmp_path, page, query):
    import lsr_core.digits

    monkeypatch.setattr(lsr_core.digits, "DIGITS_FILE", tmp_path / "nowhere.npz")
    at = app_test(page, **query)
    no_exception(at)
    assert [e.value for e in at.error] == [lookup("en", "training.digits_missing")]
