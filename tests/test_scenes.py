"""Lesson scenes and the class's predictions in AppTest (issue 25): the presenter steps through the scenes with the
on-screen buttons, a student's "Back to the lesson scene" restores the scene's values, hostile lesson= / scene=
values get the usual notice, a teacher adds scenes from the sidebar, and the poll records a student's answer and
shows the class's counts to the presenter only."""

import pytest
from streamlit.testing.v1 import AppTest

from pages.ui import scenes
from pages.ui.i18n import LANGUAGES, load_catalogue, lookup
from pages.ui.poll_store import DB_VARIABLE, Scene, SQLiteStore
from tests.apptest_checks import no_exception

SCENES = (Scene("dynamics", (("K", "5"), ("eps", "0.2")), "en", True),
          Scene("gap_explorer", (("hide", "K"),), "zh", True),
          Scene("dynamics", (("K", "50"),), "en", False))


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv(DB_VARIABLE, str(tmp_path / "lessons.sqlite3"))
    return SQLiteStore()


@pytest.fixture
def code(store):
    code = store.create_lesson(SCENES[0])
    for scene in SCENES[1:]:
        store.add_scene(code, scene)
    return code


def alerts(at) -> list[str]:
    return [w.value for w in at.warning]


def position(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith(("Scene **", "第 **"))]


def test_the_presenter_steps_through_the_scenes(app_test, code):
    at = app_test(lesson=code, scene="1", present="True")
    no_exception(at)
    assert at.query_params["lesson"] == code and at.query_params["scene"] == "1"
    assert at.session_state["dyn_K"] == 5 and at.session_state["dyn_eps"] == 0.2 and at.session_state["present"]
    assert position(at) == [f"Scene **1** of 3 · {code}"]
    assert at.button(key="scene_prev").disabled and not at.button(key="scene_next").disabled
    at.button(key="scene_next").click().run()
    no_exception(at)
    assert position(at) == [f"第 **2** / 3 个场景 · {code}"]            # the scene's language
    assert at.query_params["hide"] == "K" and at.query_params["scene"] == "2"
    assert at.title[0].value == lookup("zh", "gap_explorer.title")
    at.button(key="scene_next").click().run()
    assert at.session_state["dyn_K"] == 50 and at.session_state["dyn_eps"] == 0.1   # not named: the default
    assert not at.session_state["present"] and at.button(key="scene_next").disabled   # the scene's presenter mode
    at.button(key="scene_prev").click().run()
    at.button(key="scene_prev").click().run()
    no_exception(at)
    assert at.session_state["dyn_K"] == 5 and position(at) == [f"Scene **1** of 3 · {code}"]


def test_a_student_goes_back_to_the_lesson_scene(app_test, code):
    at = app_test(lesson=code, scene="1", lang="en")
    no_exception(at)
    assert not at.session_state["present"]               # the scene's presenter mode is the presenter's
    assert not [b for b in at.button if b.key in ("scene_prev", "scene_next")]
    assert at.session_state["dyn_K"] == 5
    at.number_input(key="dyn_K").set_value(7).run()
    at.slider(key="dyn_eps").set_value(0.5).run()
    assert at.session_state["dyn_K"] == 7 and at.query_params["K"] == "7"
    back = at.button(key="scene_back")
    assert back.label == lookup("en", "scenes.back")
    back.click().run()
    no_exception(at)
    assert at.session_state["dyn_K"] == 5 and at.session_state["dyn_eps"] == 0.2
    assert at.number_input(key="dyn_K").value == 5 and at.query_params["K"] == "5"


def test_back_to_the_scene_from_another_page(app_test, code):
    at = app_test(lesson=code, scene="1")
    at.switch_page("pages/landscape.py").run()
    no_exception(at)
    at.button(key="scene_back").click().run()
    no_exception(at)
    assert at.title[0].value == lookup("en", "dynamics.title") and at.session_state["dyn_K"] == 5


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("lesson, scene, name", [
    ("FORGED", "1", "lesson"), ("<script>alert(1)</script>", "1", "lesson"), ("[x](http://e.invalid)", None, "lesson"),
    ("x" * 5000, "1", "lesson"), (None, "2", "lesson"), ("real", "99", "scene"), ("real", "abc", "scene"),
    ("real", "-1", "scene"), ("real", "\u202e2", "scene"),
])
def test_hostile_lesson_and_scene_values_get_the_usual_notice(app_test, code, lang, lesson, scene, name):
    query = {"lang": lang}
    if lesson is not None:
        query["lesson"] = code if lesson == "real" else lesson
    if scene is not None:
        query["scene"] = scene
    at = app_test(**query)
    no_exception(at)
    notices = [text for text in alerts(at) if f"`{name}`" in text]
    start = load_catalogue(lang)["common.url_ignored"].split("{")[0]
    assert len(notices) == 1 and notices[0].startswith(start), alerts(at)
    assert "<script>" not in " ".join(m.value for m in at.markdown)
    if name == "scene":   # the lesson opens at its first scene
        assert at.session_state["dyn_K"] == 5
    else:
        assert scenes.STATE not in at.session_state and "lesson" not in at.query_params
    at.run()
    assert not [text for text in alerts(at) if f"`{name}`" in text], "said once"


def test_an_expired_lesson_is_refused(app_test, store, code, monkeypatch):
    import pages.ui.poll_store as ps

    monkeypatch.setattr(ps, "LESSON_SECONDS", 0)
    at = app_test(lesson=code)
    no_exception(at)
    allowed = lookup("en", "scenes.allowed_expired")
    assert [text for text in alerts(at) if allowed in text]


def test_a_teacher_adds_scenes_from_the_sidebar(app_test, store):
    at = app_test("dynamics", K="7")
    at.sidebar.multiselect(key="lesson_hide_dyn_K").set_value(["eps"]).run()
    at.sidebar.button(key="scene_add").click().run()
    no_exception(at)
    code = at.session_state[scenes.OWNER]
    lesson = store.lesson(code)
    assert [s.page for s in lesson.scenes] == ["dynamics"]
    assert dict(lesson.scenes[0].query) == {"K": "7", "hide": "eps"} and lesson.scenes[0].lang == "en"
    assert [m.value for m in at.sidebar.markdown if code in m.value]
    presenter_link = [c.value for c in at.sidebar.code if f"lesson={code}" in c.value]
    assert presenter_link and presenter_link[0].endswith(f"?lesson={code}&scene=1&present=True")
    at.switch_page("pages/landscape.py").run()
    at.sidebar.button(key="scene_add").click().run()
    assert [s.page for s in store.lesson(code).scenes] == ["dynamics", "landscape"]
    assert [m.value for m in at.sidebar.markdown if lookup("en", "scenes.code", code=code, count=2) == m.value]


# ---------------------------------------------------------------- the poll, through a tiny page of its own

def poll_page():
    import streamlit as st

    from pages.ui import poll, scenes

    role = st.query_params.get("role", "student")
    if "entered" in st.query_params:   # as if the shell had entered the scene the URL names
        st.session_state.setdefault(scenes.STATE, {"code": st.query_params.get("lesson"), "index": 0, "role": role})
    choice = st.query_params.get("choice", "up")
    if st.button("answer", key="answer"):
        poll.record_prediction("dynamics", "gap", choice, ("up", "down"))
    poll.show_class_predictions("dynamics", "gap", ("up", "down"), {"up": "It grows", "down": "It stops"},
                                st.query_params.get("truth"))


def open_poll(**query) -> AppTest:
    at = AppTest.from_function(poll_page, default_timeout=30)
    for key, value in ({"entered": "1"} | query).items():
        at.query_params[key] = value
    return at.run()


def test_a_students_answer_is_recorded_once_and_the_presenter_sees_the_count(store, code):
    for number, choice in enumerate(("up", "down", "down")):
        student = open_poll(lesson=code, scene="1", choice=choice)
        for _ in range(3 if number == 0 else 1):   # clicking again replaces, never adds
            student.button(key="answer").click().run()
        assert not student.exception and not student.warning
        assert not student.get("plotly_chart")        # students never see the class's answers
    assert store.counts(code, 0, "dynamics", "gap", ("up", "down")) == {"up": 1, "down": 2}
    teacher = open_poll(lesson=code, scene="1", role="presenter", truth="down")
    chart = teacher.get("plotly_chart")
    assert len(chart) == 1
    import json

    figure = json.loads(chart[0].proto.spec)
    assert {trace["name"]: trace["x"] for trace in figure["data"]} == {"It grows": [1], "It stops": [2]}
    assert "3" in figure["layout"]["title"]["text"]
    teacher.button(key="answer").click().run()        # the presenter's own guess is not the class's
    assert store.counts(code, 0, "dynamics", "gap", ("up", "down")) == {"up": 1, "down": 2}


@pytest.mark.parametrize("query", [dict(choice="sideways"), dict(choice="<b>up</b>")])
def test_a_hostile_answer_is_refused_in_one_line_and_stores_nothing(store, code, query):
    student = open_poll(lesson=code, scene="1", **query)
    student.button(key="answer").click().run()
    assert not student.exception
    assert [w.value for w in student.warning] == [lookup("en", "poll.refused", reason=lookup("en", "poll.reason_choice"))]
    assert store.counts(code, 0, "dynamics", "gap", ("up", "down")) == {"up": 0, "down": 0}


def test_outside_a_lesson_the_poll_does_nothing(store, code):
    for query in (dict(lesson="", scene="1"), dict(lesson=code, scene="2")):   # no lesson; not the session's scene
        student = open_poll(**query)
        student.button(key="answer").click().run()
        assert not student.exception and not student.warning and not student.get("plotly_chart")
    outsider = AppTest.from_function(poll_page, default_timeout=30)   # the URL names a lesson the session never entered
    outsider.query_params["lesson"], outsider.query_params["scene"] = code, "1"
    outsider.run().button(key="answer").click().run()
    assert not outsider.exception and not outsider.warning
    assert store.counts(code, 0, "dynamics", "gap", ("up", "down")) == {"up": 0, "down": 0}
