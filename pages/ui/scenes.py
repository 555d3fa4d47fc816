"""Lesson scenes (issue 25): a teacher saves a sequence of scenes (a page, its control values and hidden
controls, presenter mode, language) as one lesson with a short code, `?lesson=AB23CD&scene=2`.

The lesson is kept on the server (`poll_store`, the same SQLite file as the class's predictions), not in the
URL: the code is six characters a room can type from the projector, and the predictions need codes the
server issued (a forged code is refused). A lesson expires a day after it was issued.

Roles: the session that built the lesson, or that opened it with the lesson's owner key (`owner=…`, in the
presenter's link the builder shows, never in the students' link), is the *presenter*: it steps through the
scenes (Previous / Next scene, ← / → keys), its guesses are not the class's, and it sees the class's
predictions. Every other session is a *student*: it opens a scene from the students' link, may change
everything, and has "Back to the lesson scene", which restores the scene's values. `present=True` is only
presenter *mode* (big text): a student who adds it to a link is still a student, answers and all. The key is
taken out of the URL as soon as it is read, so it is not left in the projector's address bar, nor in any link
the sidebar builds from the URL; a reloaded presenter tab opens the presenter's link again.
"""

from __future__ import annotations

import secrets

import streamlit as st

from . import lesson as lesson_order
from .charts import PRESENT_KEY
from .i18n import LANGUAGE_KEY, LANGUAGES, current_language, t
from .params import HIDE_URL, int_in, parse_url_values
from .poll_store import DB_VARIABLE, MAX_SCENES, Refusal, Scene, SQLiteStore, new_owner_key

LESSON_URL, SCENE_URL, OWNER_URL = "lesson", "scene", "owner"
STATE = "_lesson"            # {"code", "index", "role"}: the scene this session is in (or last was in)
GOTO = "_scene_goto"         # a scene index a button asked for, applied at the start of the next run
RESTORE = "_scene_restore"   # {"page", "query"}: values the scene's page takes before its widgets are drawn
OWNER = "_lesson_owner"      # the code of the lesson this session is building
OWNER_KEY = "_lesson_owner_key"   # that lesson's owner key (for the presenter's link)
VOTER = "_voter"             # this session's random, anonymous voter token
PRESENTER, STUDENT = "presenter", "student"


@st.cache_resource(max_entries=4, show_spinner=False)
def _store(path: str | None) -> SQLiteStore:
    return SQLiteStore(path)


def store() -> SQLiteStore:
    """This process's store (the file `LSR_POLL_DB` names, or poll_store.DEFAULT_PATH)."""
    import os

    return _store(os.environ.get(DB_VARIABLE) or None)


def voter() -> str:
    """A random id for this browser session: it tells one student's answers apart, and says nothing about them."""
    return st.session_state.setdefault(VOTER, secrets.token_hex(16))


def _refused(text: str | None, reason: str) -> tuple[str, str, str]:
    return (LESSON_URL, text or "", t(f"scenes.allowed_{reason}" if reason in ("unknown", "expired") else "scenes.allowed_code"))


def follow_url(page: str) -> list[tuple[str, str, str]]:
    """Called by the shell after `st.navigation` and before any widget: if the URL (or a scene button) names a
    scene this session is not in yet, enter it: its language (and presenter mode, for the presenter), then
    its page with its values (`st.switch_page`, which ends this run). Returns the rejected URL values (a
    malformed, forged or expired code, a scene number the lesson lacks, an owner key that is not the lesson's)
    for the page's notices."""
    goto = st.session_state.pop(GOTO, None)
    state = st.session_state.get(STATE)
    code_text, scene_text = st.query_params.get(LESSON_URL), st.query_params.get(SCENE_URL)
    key_text = st.query_params.get(OWNER_URL)
    if key_text is not None:   # read once, then out of the URL (and so out of every link built from it)
        del st.query_params[OWNER_URL]
    if goto is None and code_text is None and scene_text is None:
        return []
    rejected = []
    if goto is not None and state:
        code, index = state["code"], goto
    else:
        code = (code_text or "").strip().upper()
        index = 0
    try:
        lesson = store().lesson(code)
    except Refusal as refusal:
        _forget_url()
        if state and state.get("code") == code:
            st.session_state.pop(STATE, None)
        return [_refused(code_text if goto is None else code, refusal.reason)]
    count = len(lesson.scenes)
    if goto is None and scene_text is not None:
        try:
            index = int_in(1, count)(scene_text) - 1
        except ValueError:
            rejected.append((SCENE_URL, scene_text, f"1 … {count}"))
            index = 0
    index = min(max(int(index), 0), count - 1)
    # the presenter: the session that built the lesson, or one that showed its owner key (present=True is only the
    # big-text mode: a student who adds it is still a student)
    was_presenter = bool(state) and state["code"] == code and state["role"] == PRESENTER
    keyed = goto is None and key_text is not None and _owns(code, key_text)
    if goto is None and key_text is not None and not keyed:
        rejected.append((OWNER_URL, key_text, t("scenes.allowed_owner")))
    role = PRESENTER if (was_presenter or keyed or st.session_state.get(OWNER) == code) else STUDENT
    if (goto is None and not rejected and state and state["code"] == code and state["index"] == index
            and role == state["role"]):
        return []    # already in this scene: the student's own changes stay
    scene = lesson.scenes[index]
    st.session_state[STATE] = {"code": code, "index": index, "role": role}
    if scene.lang in LANGUAGES and (role == PRESENTER or (state is None and "lang" not in st.query_params)):
        st.session_state[LANGUAGE_KEY] = scene.lang
    if role == PRESENTER:
        st.session_state[PRESENT_KEY] = scene.present
    st.session_state[RESTORE] = {"page": scene.page, "query": dict(scene.query)}
    if rejected:   # say so on the scene's page, after the switch
        st.session_state["_scene_rejected"] = rejected
    query = dict(scene.query) | {LESSON_URL: code, SCENE_URL: str(index + 1)}
    if st.session_state.get(LANGUAGE_KEY, "en") != "en":
        query["lang"] = st.session_state[LANGUAGE_KEY]
    if st.session_state.get(PRESENT_KEY):
        query["present"] = "True"
    st.switch_page(lesson_order.path(scene.page), query_params=query)


def _owns(code: str, key: str) -> bool:
    try:
        return store().owns(code, key)
    except Refusal:   # expired between two reads: no presenter of it
        return False


def _forget_url() -> None:
    for name in (LESSON_URL, SCENE_URL):
        if name in st.query_params:
            del st.query_params[name]


def pending_notices() -> list[tuple[str, str, str]]:
    """Rejected scene values found before a switch, shown once on the scene's page."""
    return st.session_state.pop("_scene_rejected", [])


def restore_values(section: str, params) -> None:
    """Called by `begin_page` before the page seeds its controls: a scene just entered sets every control of
    its page, the ones it does not name to their defaults (the student's own changes are undone)."""
    pending = st.session_state.get(RESTORE)
    if not pending or pending.get("page") != section:
        return
    del st.session_state[RESTORE]
    accepted, _ = parse_url_values(params, pending["query"])
    for param in params:
        st.session_state[param.key] = accepted.get(param.key, param.default)


def active_scene(page: str) -> tuple[str, int, str] | None:
    """(code, scene index, role) if this run shows `page` as the scene of a lesson (the URL names the lesson
    this session is in and `page` is the scene's page), else None."""
    state = st.session_state.get(STATE)
    if not state or not state.get("code") or st.query_params.get(LESSON_URL) != state["code"]:
        return None
    if st.query_params.get(SCENE_URL) != str(state["index"] + 1):
        return None
    return state["code"], state["index"], state["role"]


def _goto(index: int) -> None:
    st.session_state[GOTO] = index


# ← / → step through the scenes: a script in a same-origin frame (st.iframe; st.html runs no scripts) listens on the app's document and
# clicks the on-screen buttons, so a key does exactly what a click does. Keys typed into a field, or moving a
# slider or a radio, are left alone. One listener at a time (each new frame replaces the last one's).
KEYS_SCRIPT = """<script>
(function () {
  const doc = window.parent.document;
  if (doc.lsrSceneKeys) { doc.removeEventListener("keydown", doc.lsrSceneKeys, true); }
  doc.lsrSceneKeys = function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.defaultPrevented) { return; }
    const key = {ArrowLeft: "scene_prev", ArrowRight: "scene_next"}[event.key];
    if (!key) { return; }
    const focus = doc.activeElement;
    if (focus && (focus.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(focus.tagName) ||
                  focus.closest("[role=slider], [role=radiogroup], [role=listbox], [role=tablist], [data-baseweb=select]"))) { return; }
    const button = doc.querySelector(".st-key-" + key + " button");
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  };
  doc.addEventListener("keydown", doc.lsrSceneKeys, true);
})();
</script>"""


def navigation_bar() -> None:
    """Above the page: for the presenter, Previous scene · "Scene 2 of 5 · AB23CD" · Next scene (and the keys);
    for a student who opened a scene, "Back to the lesson scene"."""
    state = st.session_state.get(STATE)
    if not state:
        return
    try:
        lesson = store().lesson(state["code"])
    except Refusal:
        st.session_state.pop(STATE, None)   # expired while open: nothing to step through or back to
        return
    index, count = state["index"], len(lesson.scenes)
    # above Streamlit's header (z-index 999990), which a compact presenter layout lets reach over the bar: else the
    # header's transparent toolbar takes the clicks meant for the scene buttons
    st.html("<style>.st-key-scene_bar { position: relative; z-index: 999991; }</style>")
    with st.container(horizontal=True, vertical_alignment="center", key="scene_bar", gap="small"):
        if state["role"] == PRESENTER:
            st.button(t("scenes.previous"), key="scene_prev", icon=":material/arrow_back:", disabled=index == 0,
                      on_click=_goto, args=(index - 1,), help=t("scenes.keys_help"))
            st.markdown(t("scenes.position", index=index + 1, count=count, code=state["code"]))
            st.button(t("scenes.next"), key="scene_next", icon=":material/arrow_forward:", disabled=index + 1 >= count,
                      on_click=_goto, args=(index + 1,), help=t("scenes.keys_help"))
            st.iframe(KEYS_SCRIPT, width=1, height=1)
        else:
            st.button(t("scenes.back"), key="scene_back", icon=":material/undo:", on_click=_goto, args=(index,),
                      help=t("scenes.back_help", index=index + 1, code=state["code"]))


def builder(page: str, params, query: dict[str, str]) -> dict[str, str] | None:
    """In the sidebar's lesson-link box: add this page (its values as the URL has them, the controls chosen to
    hide, presenter mode as chosen, the current language) as the next scene of this session's lesson; the
    lesson's code and the presenter's link. Returns the students' query for the lesson's current scene, or
    None when this page is not a scene of it."""
    own = st.session_state.get(OWNER)
    lesson = None
    if own:
        try:
            lesson = store().lesson(own)
        except Refusal:
            st.session_state.pop(OWNER, None)
            st.session_state.pop(OWNER_KEY, None)
    st.markdown(f"**{t('scenes.title')}**")
    urls = {param.url for param in params} | {HIDE_URL}
    scene = Scene(page, tuple((name, value) for name, value in query.items() if name in urls), current_language(),
                  query.get("present") == "True")
    full = lesson is not None and len(lesson.scenes) >= MAX_SCENES
    if st.button(t("scenes.add"), key="scene_add", icon=":material/add_to_queue:", disabled=full,
                 help=t("scenes.add_help")):
        try:
            if lesson is None:
                key = new_owner_key()
                own = store().create_lesson(scene, owner_key=key)
                st.session_state[OWNER], st.session_state[OWNER_KEY] = own, key
            else:
                store().add_scene(own, scene)
            lesson = store().lesson(own)
        except Refusal as refusal:
            st.warning(t("scenes.not_added", reason=t(f"poll.reason_{refusal.reason}")), icon=":material/block:")
    if lesson is None:
        st.caption(t("scenes.none"))
        return None
    st.markdown(t("scenes.code", code=lesson.code, count=len(lesson.scenes)))
    base = (st.context.url or "").split("?")[0].rsplit("/", 1)[0]
    key = st.session_state.get(OWNER_KEY)   # the presenter's link only: the students' link never has it
    st.code(f"{base}/?{LESSON_URL}={lesson.code}&{SCENE_URL}=1&present=True" + (f"&{OWNER_URL}={key}" if key else ""),
            language=None, wrap_lines=True)
    st.caption(t("scenes.presenter_help"))
    if st.button(t("scenes.new"), key="scene_new", icon=":material/restart_alt:"):
        st.session_state.pop(OWNER, None)
        st.session_state.pop(OWNER_KEY, None)
        st.rerun()
    state = st.session_state.get(STATE)
    if state and state["code"] == lesson.code and active_scene(page):
        return {LESSON_URL: lesson.code, SCENE_URL: str(state["index"] + 1)}
    return {LESSON_URL: lesson.code, SCENE_URL: "1"}
