"""Label Smoothing Lab: the entry point only sets up the page, the language switch and the navigation."""

import html
import os
import time
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from pages.ui import lesson, process, room, scenes
from pages.ui.charts import PRESENT_KEY, PRESENTER_TEXT_SCALE, presenting
from pages.ui.i18n import DEFAULT_LANGUAGE, LANGUAGE_KEY, LANGUAGES, t
from pages.ui.params import HIDE_URL, Param, one_of
from pages.ui.url_state import seed_from_url, write_to_url
from pages.ui.shell import current_params, inside_shell, leave_legacy_pages_mode

LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
# a file the app serves itself: a :material/...: icon would make every browser ask a font CDN for it
ICON = str(Path(__file__).with_name("assets") / "icon.png")
SHELL_PARAMS = (Param(LANGUAGE_KEY, "lang", DEFAULT_LANGUAGE, one_of(LANGUAGES), "en | zh"),
                Param(PRESENT_KEY, "present", False, one_of((False, True)), "True | False"))
# presenter mode: every rem-sized text a third larger (Streamlit sizes its text in rem)
PRESENTER_CSS = (f"<style>html {{ font-size: {PRESENTER_TEXT_SCALE}rem; }}\n"
                 # a compact header band: the title shares the row of the header's two buttons, which float over it
                 "[data-testid='stHeader'] { background: transparent; height: 2.6rem; pointer-events: none; }\n"
                 "[data-testid='stHeader'] button, [data-testid='stHeader'] a { pointer-events: auto; }\n"
                 "[data-testid='stMainBlockContainer'] { padding-top: 0.9rem; padding-bottom: 4rem; }\n"
                 # titles on one line at 1024 pixels; less air between blocks, so the main chart fits the first screen
                 "[data-testid='stMainBlockContainer'] h1 { font-size: 1.75rem; padding: 0 0 0.2rem; }\n"
                 "[data-testid='stMainBlockContainer'] h2 { font-size: 1.4rem; padding: 0.4rem 0 0.2rem; }\n"
                 "[data-testid='stMainBlockContainer'] h3 { font-size: 1.2rem; padding: 0.3rem 0 0.2rem; }\n"
                 "[data-testid='stMainBlockContainer'] [data-testid='stVerticalBlock'] { gap: 0.7rem; }\n"
                 # the sidebar opens over the page, as a drawer, instead of squeezing it into a ~640 px column (where
                 # labels broke inside words and chart titles ran past their charts): the room's page stays as it was
                 "[data-testid='stSidebar'] { position: fixed !important; top: 0; left: 0; height: 100vh !important;"
                 " z-index: 999995; }\n"   # over the lesson's scene bar (999991), under a dialog
                 "[data-testid='stSidebar'][data-collapsed='false'] { box-shadow: 0 0 1.5rem rgba(0, 0, 0, 0.35); }\n"
                 "</style>")
STYLED_KEY = "styles_sent"
STYLE_WAIT_S = 0.5   # long enough for a browser to fetch st.html's code on a loaded classroom server
# a metric's value shrinks with the window instead of being cut off ("4.5108…") in a narrow column; it never
# grows beyond Streamlit's own size (2.25rem, which presenter mode enlarges like all text)
# labels, buttons and links wrap instead of hiding their end behind "…" in a narrow column (a metric's label, "+1 to
# every logit", "Previous", Home's lesson links): a room cannot hover for the full text
# heavy work's progress (widgets.work_slot) is pinned under the header, in view wherever the page is scrolled
BASE_CSS = ("<style>[data-testid='stMetricValue'] { font-size: clamp(1.1rem, 2.1vw, 2.25rem); }\n"
            ".stMarkdownEllipsis, .stMarkdownEllipsis *, [data-testid='stPageLink-NavLink'] span { white-space: normal !important;"
            " overflow: visible !important; text-overflow: clip !important; }\n"
            # a Chinese table header, heading or label breaks at its spaces and punctuation, not inside a word ("5 个种 /
            # 子"), and inside one only where a word is wider than its line
            "[data-testid='stTable'] th, [data-testid='stTable'] th *, h1, h2, h3, [data-testid='stWidgetLabel'] *,"
            " [data-testid='stMetricLabel'] *, [data-testid='stPageLink'] *, [role='tab'] * { word-break: keep-all !important;"
            " overflow-wrap: break-word; }\n"
            ".st-key-work_progress { position: fixed; top: 4rem; left: 50%; transform: translateX(-50%); z-index: 999990;"
            " width: min(36rem, 90vw); }\n"
            ".st-key-work_progress > div:has(> *) { padding: 0.5rem 1rem; border-radius: 0.5rem;"
            " background: rgba(128, 128, 128, 0.18); backdrop-filter: blur(8px); box-shadow: 0 2px 10px rgba(0, 0, 0, 0.2); }"
            "</style>")


def lesson_link(path: str) -> None:
    """In the sidebar: the link to this page with its current settings, chosen controls hidden, and
    optionally presenter mode, for a teacher to paste into a lesson plan."""
    params = current_params()
    if not params:
        return
    with st.sidebar.expander(t("shell.lesson_title"), icon=":material/link:"):
        st.caption(t("shell.lesson_help"))
        names = {p.url: f"{t(p.label)} ({p.url})" if p.label else p.url for p in params}   # the control's label
        hide = st.multiselect(t("shell.lesson_hide"), list(names), key="lesson_hide_" + params[0].key, format_func=names.get)
        present = st.checkbox(t("shell.lesson_present"), key="lesson_present")
        query = {name: value for name, value in st.query_params.to_dict().items() if name not in (HIDE_URL, "present")}
        if hide:
            query[HIDE_URL] = ",".join(hide)
        if present:
            query["present"] = "True"
        base = (st.context.url or "").split("?")[0]
        st.code(base + ("?" + urlencode(query, safe=",") if query else ""), language=None, wrap_lines=True)
        # the lesson's scenes: while this session builds one, the students' link opens the lesson
        lesson_query = scenes.builder(path or lesson.LESSON[0].name, params, query)
        students_link(path, lesson_query if lesson_query is not None else query)


@st.cache_data(max_entries=32, show_spinner=False)
def qr_code(link: str) -> bytes:
    return room.qr_png(link)


def students_link(path: str, query: dict[str, str]) -> None:
    """The same link at an address the room can reach (`room.room_address`), in the language chosen for the
    students, as text and as a QR code, and a button that shows both large for the projector."""
    where = room.room_address(st.get_option("server.address"), os.environ.get(room.ROOM_ADDRESS_VARIABLE),
                              st.get_option("server.port"))
    st.markdown(f"**{t('shell.room_title')}**")
    if where.base is None:
        st.info(t(f"shell.room_{where.case}"), icon=":material/wifi_off:")
        return
    language = st.segmented_control(t("shell.room_language"), LANGUAGES, key="room_lang", format_func=LANGUAGE_NAMES.get,
                                    default=st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE), required=True)
    link = room.student_link(where.base, path, query | {"lang": language})
    st.code(link, language=None, wrap_lines=True)
    st.image(qr_code(link), caption=t("shell.room_qr"), width=200)
    if st.button(t("shell.room_show"), key="room_show", icon=":material/fullscreen:"):
        st.dialog(t("shell.room_title"), width="large")(show_to_the_room)(link)


def show_to_the_room(link: str) -> None:
    """The students' link, large enough to read and scan from the back of the room."""
    left, right = st.columns([3, 2], vertical_alignment="center")
    # the link's text is escaped: its values come from a URL
    left.html(f"<div style='font-size:2rem; line-height:1.3; word-break:break-all; font-family:monospace'>"
              f"{html.escape(link)}</div>")
    right.image(qr_code(link), width=360)


def styles() -> None:
    """The app's styles, drawn first, before anything else: a presenter link drew its page at 16 px and then jumped to
    20.8 px when they arrived. A browser fetches the code that draws st.html on its first use, ~0.2 s after the
    page's title is drawn; so a presenter-mode session's first run waits a moment after sending them."""
    st.html(BASE_CSS + (PRESENTER_CSS if presenting() else ""))
    if presenting() and not st.session_state.get(STYLED_KEY):
        st.session_state[STYLED_KEY] = True
        time.sleep(STYLE_WAIT_S)


def main() -> None:
    process.one_blas_thread_once()
    leave_legacy_pages_mode()
    rejected = seed_from_url(SHELL_PARAMS)
    st.set_page_config(page_title="Label Smoothing Lab", page_icon=ICON, layout="wide",
                       initial_sidebar_state="collapsed" if presenting() else "auto")
    styles()
    navigation = st.navigation(lesson.pages(), position="hidden")
    # a lesson scene named by the URL or a scene button: entered before any widget is drawn (may switch page)
    rejected += scenes.follow_url(navigation.url_path or lesson.LESSON[0].name) + scenes.pending_notices()
    lesson.sidebar()
    with st.sidebar:
        st.divider()
        st.segmented_control("Language · 语言", LANGUAGES, key=LANGUAGE_KEY, format_func=LANGUAGE_NAMES.get,
                             required=True, persist_state="session")
        st.toggle(t("shell.present"), key=PRESENT_KEY, help=t("shell.present_help"), persist_state="session")
    write_to_url(SHELL_PARAMS)
    with inside_shell(rejected):
        scenes.navigation_bar()
        navigation.run()
        lesson.footer(navigation.url_path or lesson.LESSON[0].name)
        lesson_link(navigation.url_path)
    process.freeze_long_lived()   # after the first complete run: its imports and first results live for ever


if __name__ == "__main__":
    main()
