"""Lesson scenes and the class's predictions in AppTest (issue 25): the presenter steps through the scenes with the
on-screen buttons, a student's "Back to the lesson scene" restores the scene's values, hostile lesson= / scene=
values get the usual notice, a teacher adds scenes from the sidebar, and the poll records a student's answer and
shows the class's counts to the presenter only."""

import pytest
from streamlit.testing.v1 import AppTest

from pages.ui import scenes
from pages.ui.i18n import LANGUAGES, load_catalogue, lookup
from pages.ui.poll_store import DB_VARIABLE, Scene, SQLiteStore, new_owner_key
from tests.apptest_checks import no_exception

KEY = new_owner_key()   # the lessons' owner key: what the presenter's link carries

SCENES = (Scene("dynamics", (("K", "5"), ("eps", "0.2")), "en", True),
          Scene("gap_explorer", (("hide", "K"),), "zh", True),
          Scene("dynamics", (("K", "50"),), "en", False))


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv(DB_VARIABLE, str(tmp_path / "lessons.sqlite3"))
    return SQLiteStore()


@pytest.fixture
def code(store):
    code = store.create_lesson(SCENES[0], owner_key=KEY)
    for scene in SCENES[1:]:
        store.add_scene(code, scene)
    return code


def alerts(at) -> list[str]:
    return [w.value for w in at.warning]


def position(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith(("Scene **", "第 **"))]


def test_the_presenter_steps_through_the_scenes(app_test, code):
    at = app_test(lesson=code, scene="1", present="True", owner=KEY)
    no_exception(at)
    assert at.query_params["lesson"] == code and at.query_params["scene"] == "1"
    assert "owner" not in at.query_params          # read, then out of the URL (the projector's address bar)
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
    presenter_link = [c.value for c in at.sidebar.code if f"lesson={code}" in c.value and "owner=" in c.value]
    key = at.session_state[scenes.OWNER_KEY]
    assert len(presenter_link) == 1 and presenter_link[0].endswith(f"?lesson={code}&scene=1&present=True&owner={key}")
    assert store.owns(code, key)
    # every other link in the sidebar (the page's lesson link, the students' link) is without the key
    assert [c.value for c in at.sidebar.code if key in c.value] == presenter_link
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


# ---------------------------------------------------------------- who presents: the owner key, not present=True

GAP_SCENE = Scene("gap_explorer", (("predict", "True"),), "en", True)   # K = 10: the question is K = 100's gap


@pytest.fixture
def gap_code(store):
    return store.create_lesson(GAP_SCENE, owner_key=KEY)


def poll_titles(at) -> list[str]:
    """The titles of the class-predictions charts on the page (the presenter's view only)."""
    import json

    start = lookup("en", "poll.title", count=0).split("(")[0]
    titles = [json.loads(chart.proto.spec)["layout"].get("title", {}).get("text", "") for chart in at.get("plotly_chart")]
    return [title for title in titles if title.startswith(start)]


def answer_and_reveal(at, choice: str):
    at.radio(key="gap_guess_k100").set_value(choice).run()
    no_exception(at)
    at.button(key="gap_reveal").click().run()
    no_exception(at)
    return at


def counts(store, code) -> dict:
    from pages.ui.predict import GAP_BRACKETS

    return {c: n for c, n in store.counts(code, 0, "gap_explorer", "k100", GAP_BRACKETS).items() if n}


def test_present_true_gives_a_student_big_text_not_the_presenters_role(app_test, store, gap_code):
    student = app_test(lesson=gap_code, scene="1", present="True")
    no_exception(student)
    assert student.session_state["present"] and student.query_params["present"] == "True"   # presenter styling
    assert student.session_state[scenes.STATE]["role"] == scenes.STUDENT
    assert not [b for b in student.button if b.key in ("scene_prev", "scene_next")] and student.button(key="scene_back")
    answer_and_reveal(student, "3_6")
    assert counts(store, gap_code) == {"3_6": 1}   # the answer is the class's
    assert not poll_titles(student)                  # and the class's counts are not shown to a student
    student.run()
    assert not poll_titles(student) and counts(store, gap_code) == {"3_6": 1}


def test_the_owner_key_makes_the_presenter_on_another_machine(app_test, store, gap_code):
    answer_and_reveal(app_test(lesson=gap_code, scene="1"), "0_3")   # a student first
    teacher = app_test(lesson=gap_code, scene="1", present="True", owner=KEY)
    no_exception(teacher)
    assert teacher.session_state[scenes.STATE]["role"] == scenes.PRESENTER and "owner" not in teacher.query_params
    assert position(teacher) == [f"Scene **1** of 1 · {gap_code}"] and not alerts(teacher)
    answer_and_reveal(teacher, "6_9")                     # the presenter's guess is not the class's
    assert counts(store, gap_code) == {"0_3": 1}
    assert poll_titles(teacher) == [lookup("en", "poll.title", count=1)]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("forged", ["wrong", "<script>alert(1)</script>", "", "x" * 5000, "lower"])
def test_a_wrong_owner_key_is_a_student_with_the_usual_notice(app_test, store, gap_code, lang, forged):
    key = {"wrong": new_owner_key(), "lower": KEY.lower() if KEY.lower() != KEY else KEY.upper()}.get(forged, forged)
    at = app_test(lesson=gap_code, scene="1", present="True", owner=key, lang=lang)
    no_exception(at)
    assert at.session_state[scenes.STATE]["role"] == scenes.STUDENT and "owner" not in at.query_params
    notices = [text for text in alerts(at) if "`owner`" in text]
    start = load_catalogue(lang)["common.url_ignored"].split("{")[0]
    assert len(notices) == 1 and notices[0].startswith(start), alerts(at)
    assert lookup(lang, "scenes.allowed_owner") in notices[0] and "<script>" not in " ".join(m.value for m in at.markdown)
    answer_and_reveal(at, "3_6")
    assert counts(store, gap_code) == {"3_6": 1} and not poll_titles(at)


def test_a_lesson_without_an_owner_key_has_no_presenter_but_its_builder(app_test, store):
    code = store.create_lesson(GAP_SCENE)   # e.g. made before owner keys: nobody else can present it
    at = app_test(lesson=code, scene="1", present="True", owner=KEY)
    assert at.session_state[scenes.STATE]["role"] == scenes.STUDENT


def test_the_builders_presenter_link_opens_the_presenter_in_another_session(app_test, store):
    from urllib.parse import parse_qsl, urlsplit

    builder = app_test("gap_explorer", predict="True")
    builder.sidebar.button(key="scene_add").click().run()
    no_exception(builder)
    code = builder.session_state[scenes.OWNER]
    link = next(c.value for c in builder.sidebar.code if "owner=" in c.value)
    query = dict(parse_qsl(urlsplit(link).query))
    assert query == {"lesson": code, "scene": "1", "present": "True", "owner": builder.session_state[scenes.OWNER_KEY]}
    projector = app_test(**query)   # a new session: another tab or the projector's machine
    no_exception(projector)
    assert projector.session_state[scenes.STATE]["role"] == scenes.PRESENTER
    assert position(projector) == [f"Scene **1** of 1 · {code}"] and "owner" not in projector.query_params
    students = {name: value for name, value in query.items() if name != "owner"}
    student = app_test(**students)
    assert student.session_state[scenes.STATE]["role"] == scenes.STUDENT
    answer_and_reveal(student, "3_6")
    answer_and_reveal(projector, "0_3")
    assert counts(store, code) == {"3_6": 1}
    assert poll_titles(projector) == [lookup("en", "poll.title", count=1)] and not poll_titles(student)
