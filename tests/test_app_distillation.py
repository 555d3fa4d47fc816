"""The distillation page in AppTest, in both languages: what it says is what the core measured, each sentence
is the one its case function chose, the temperature is a view (never a retrain), more seeds train only the new
ones, and the presets open the temperatures the stored 20-seed reference chose."""

import json

import numpy as np
import pytest

import lsr_core as core
from lsr_core import distillation as D
from pages.ui.i18n import lookup
from tests.apptest_checks import assert_url_values_ignored, no_exception
from tests.test_figures import array

SETTINGS = core.DistillationSettings(seeds=3)


@pytest.fixture(scope="module")
def result():
    return SETTINGS.run()


def shown_notices(at) -> list[str]:
    return [n.value for kind in ("success", "info", "warning") for n in getattr(at, kind)]


def interval(i: D.Interval) -> dict:
    return {"diff": f"{i.mean * 100:+.2f}", "low": f"{i.low * 100:+.2f}", "high": f"{i.high * 100:+.2f}"}


def chart(at, key: str) -> dict:
    return json.loads(next(c for c in at.get("plotly_chart") if c.key == key).proto.spec)


def values(trace_field) -> np.ndarray:
    return array(trace_field) if isinstance(trace_field, dict) else np.asarray(trace_field, dtype=float)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_says_what_the_core_measured(app_test, lang, result):
    at = app_test("distillation", lang=lang, seeds="3")
    no_exception(at)
    d, T = result, 4.0
    text = [m.value for m in at.markdown]
    # the headline: exploratory at 3 seeds, the case of the accuracy difference at T = 4, its interval
    accuracy = d.difference("student_accuracy", T)
    headline = lookup(lang, "distillation.headline", evidence=lookup(lang, "distillation.evidence.exploratory", seeds=3),
                      text=lookup(lang, f"distillation.paper.{d.paper_case(T)}", seeds=3, T="4", **interval(accuracy)))
    assert headline in shown_notices(at)
    axis = d.temperature_axis
    listed = {v: ", ".join(f"{x:g}" for x in axis.where(v)) for v in ("lower", "higher", "unclear")}
    assert lookup(lang, f"distillation.temperature_case.{axis.case}", seeds=3, **listed) in text
    labels = f"{d.control()[0].mean * 100:.2f}"
    for index, teacher in enumerate(D.TEACHERS):
        b = d.benefit(index, T)
        assert lookup(lang, f"distillation.benefit.{D.benefit_case(b.verdict)}", teacher=lookup(lang, f"distillation.col_{teacher}"),
                      T="4", seeds=3, labels=labels, **interval(b)) in text
    direct = d.direct_benefit
    assert lookup(lang, f"distillation.direct.{D.benefit_case(direct.verdict)}", seeds=3, **interval(direct)) in text
    raw, cal = d.summary("student_nll", T), d.summary("student_nll_calibrated", T)
    assert lookup(lang, f"distillation.nll.{d.nll_case(T)}", T="4", seeds=3, raw_one_hot=f"{raw[0].mean:.3f}",
                  raw_smoothed=f"{raw[1].mean:.3f}", cal_one_hot=f"{cal[0].mean:.3f}", cal_smoothed=f"{cal[1].mean:.3f}") in text
    shape = d.summary("structure", T)
    assert lookup(lang, f"distillation.mechanism.{d.mechanism_case(T)}", T="4", seeds=3, one_hot=f"{shape[0].mean:.3f}",
                  smoothed=f"{shape[1].mean:.3f}") in text
    info, diff = d.summary("information"), d.difference("information")
    assert lookup(lang, f"distillation.information.{diff.verdict}", seeds=3, one_hot=f"{info[0].mean:.3f}",
                  smoothed=f"{info[1].mean:.3f}", diff=f"{diff.mean:+.3f}", low=f"{diff.low:+.3f}", high=f"{diff.high:+.3f}") in text
    students, teachers = at.table[0].value, at.table[1].value
    assert students.shape == (4, 5) and teachers.shape == (7, 4)
    # the seed count beside every number: in each column of intervals, and in each table's first column
    assert list(students.columns)[0] == lookup(lang, "distillation.col_student", T="4", seeds=3)
    assert list(students.columns)[2] == lookup(lang, "distillation.col_benefit", seeds=3)
    assert list(teachers.columns)[3] == lookup(lang, "distillation.col_difference", seeds=3)
    a = d.summary("student_accuracy", T)[1]
    assert students.iloc[3, 1] == f"{a.mean * 100:.1f} ± {a.std * 100:.1f}"
    b = d.benefit(1, T)
    assert students.iloc[3, 2] == f"{b.mean * 100:+.2f} [{b.low * 100:+.2f}, {b.high * 100:+.2f}]" and students.iloc[0, 2] == "—"
    c = d.control("control_nll_calibrated")[0]
    assert students.iloc[0, 4] == f"{c.mean:.3f} ± {c.std:.3f}"
    assert teachers.iloc[2, 3] == f"{accuracy.mean * 100:+.2f} [{accuracy.low * 100:+.2f}, {accuracy.high * 100:+.2f}]"
    n = d.difference("teacher_nll")
    assert teachers.iloc[1, 3] == f"{n.mean:+.3f} [{n.low:+.3f}, {n.high:+.3f}]"
    # the main picture: this run's differences and intervals in points, and the reference's beside them
    spec = chart(at, "distil_temperature")
    live = next(t for t in spec["data"] if t["name"] == lookup(lang, "distillation.axis_live", seeds=3))
    np.testing.assert_allclose(values(live["y"]), 100 * axis.mean, rtol=1e-12)
    np.testing.assert_allclose(values(live["error_y"]["array"]), 100 * (axis.high - axis.mean), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(values(live["error_y"]["arrayminus"]), 100 * (axis.mean - axis.low), rtol=1e-9, atol=1e-12)
    reference = D.find_reference(D.load_references(), SETTINGS)
    ref = next(t for t in spec["data"] if t["name"] == lookup(lang, "distillation.axis_reference", seeds=reference.count))
    np.testing.assert_allclose(values(ref["y"]), 100 * reference.axis.mean, rtol=1e-12)
    assert lookup(lang, "distillation.axis_narrow", seeds=3, reference=reference.count) in [c.value for c in at.caption]
    # the heat maps: the teachers' actual average probabilities at T, the diagonal drawn as 0
    heat = chart(at, "distil_similarity")
    for trace, matrix in zip(heat["data"], d.wrong_probabilities(T)):
        np.testing.assert_allclose(values(trace["z"]).reshape(10, 10), matrix, rtol=1e-12)
    i, j, p = d.strongest_confusion(0, T)
    assert any(f"{p:.4f}" in m and f" {i} " in m for m in text)
    assert at.table[2].value.shape == (4, 5)   # the 20-seed reference, per temperature


def test_each_sentence_follows_its_case(app_test, monkeypatch, result):
    """Forcing a case function's answer shows that case's sentence and no other's."""
    for case in ("yes", "opposite", "unclear"):
        monkeypatch.setattr(core.Distillation, "paper_case", lambda self, T, c=case: c)
        at = app_test("distillation", seeds="3")
        no_exception(at)
        shown = " ".join(shown_notices(at))
        numbers = interval(result.difference("student_accuracy", 4.0))
        sentences = {c: lookup("en", f"distillation.paper.{c}", seeds=3, T="4", **numbers)
                     for c in ("yes", "opposite", "unclear")}
        assert [c for c, sentence in sentences.items() if sentence in shown] == [case]
    for case in ("consistent", "not_explanation", "no_loss"):
        monkeypatch.setattr(core.Distillation, "mechanism_case", lambda self, T, c=case: c)
        at = app_test("distillation", seeds="3")
        text = " ".join(m.value for m in at.markdown)
        shape = result.summary("structure", 4.0)
        found = [c for c in ("consistent", "not_explanation", "no_loss")
                 if lookup("en", f"distillation.mechanism.{c}", T="4", seeds=3, one_hot=f"{shape[0].mean:.3f}",
                           smoothed=f"{shape[1].mean:.3f}") in text]
        assert found == [case]


def test_temperature_is_a_view_and_more_seeds_train_only_the_new_ones(app_test, monkeypatch, result):
    """Every temperature comes from the same teachers: choosing T retrains nothing and changes the text; a
    language switch retrains nothing; going from 3 to 5 seeds trains seeds 3 and 4 only, and the result is
    no longer labelled exploratory."""
    at = app_test("distillation", seeds="3")
    calls = []
    original = D.distil_seed
    monkeypatch.setattr(D, "distil_seed", lambda s, seed, *a, **k: calls.append(seed) or original(s, seed, *a, **k))
    at.select_slider(key="distil_T").set_value(1.0).run()
    no_exception(at)
    accuracy = result.difference("student_accuracy", 1.0)
    assert calls == [] and any(f"T = 1" in n and interval(accuracy)["low"] in n for n in shown_notices(at))
    at.sidebar.segmented_control(key="lang").set_value("zh").run()
    no_exception(at)
    assert calls == [] and lookup("zh", "distillation.title") in [h.value for h in at.title]
    at.select_slider(key="distil_seeds").set_value(5)
    next(b for b in at.button if b.label == lookup("zh", "distillation.train")).click().run()
    no_exception(at)
    assert calls == [3, 4]
    notices = " ".join(shown_notices(at))
    assert lookup("zh", "distillation.evidence.stated", seeds=5) in notices
    assert lookup("zh", "distillation.evidence.exploratory", seeds=5) not in notices


def test_presets_open_the_temperatures_the_reference_chose(app_test, result):
    reference = D.find_reference(D.load_references(), core.DistillationSettings())
    assert reference.presets == D.reference_presets(reference.axis)
    at = app_test("distillation", seeds="3", T="2", eps="0.1")
    for name in ("absent", "shows"):
        temperature = reference.presets[name]
        at.button(key=f"distil_preset_{name}").click().run()
        no_exception(at)
        assert at.session_state["distil_T"] == temperature and at.session_state["distil_eps"] == reference.settings.eps
        case = result.paper_case(temperature)
        assert any(lookup("en", f"distillation.paper.{case}", seeds=3, T=f"{temperature:g}",
                          **interval(result.difference("student_accuracy", temperature))) in n for n in shown_notices(at))


def test_garbage_query(app_test):
    query = {"seeds": "1000", "T": "hot", "eps": "nan"}
    at = app_test("distillation", **query)
    assert_url_values_ignored(at, query)


@pytest.mark.parametrize("page, query", [("distillation", {"seeds": "3"}), ("training", {"data": "digits", "n": "200", "epochs": "10"})])
def test_a_missing_digits_file_gets_a_message_not_a_traceback(app_test, monkeypatch, tmp_path, page, query):
    import lsr_core.digits

    monkeypatch.setattr(lsr_core.digits, "DIGITS_FILE", tmp_path / "nowhere.npz")
    at = app_test(page, **query)
    no_exception(at)
    assert [e.value for e in at.error] == [lookup("en", "training.digits_missing")]
