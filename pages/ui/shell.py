"""Make sure every page runs inside the app shell (language switch, navigation).

While a `pages/` folder exists, Streamlit runs a page file on its own (without app.py) in two cases:
on a freshly started server until some session has called `st.navigation` (a deep link such as
/dynamics), and in AppTest before every run. Each page therefore calls `require_shell()` first.
"""

import threading
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from .charts import presenting
from .i18n import t
from .params import HIDE_URL, hidden_keys, hide_css
from .scenes import restore_values
from .url_state import seed_from_url, show_url_notices

_run = threading.local()  # per script-run thread: is the shell on the stack right now?


@contextmanager
def inside_shell(rejected=()):
    """The shell is running; `rejected` are its own rejected URL values (lang, present), shown by the
    page together with the page's, so one link can never raise more than a bounded number of notices."""
    _run.active = True
    _run.params = ()
    _run.shell_rejected = list(rejected)
    try:
        yield
    finally:
        _run.active = False


def begin_page(section: str, params) -> None:
    """Every page's preamble: inside the shell, URL values seeded, controls a lesson link hides hidden,
    title, lead (one line in presenter mode), notices for bad URL values."""
    require_shell()
    _run.params = params   # for the lesson-link builder the shell draws after the page
    restore_values(section, params)   # a lesson scene just entered (or "back to the lesson scene") sets the controls
    rejected = seed_from_url(params)
    keys, unknown = hidden_keys(params, st.query_params.get(HIDE_URL, ""))
    if keys:   # hidden, with the columns they leave empty; their values still come from the URL
        st.html(f"<style>{hide_css(keys)}</style>")
    st.title(t(f"{section}.title"))
    st.markdown(t(f"{section}.lead_short" if presenting() else f"{section}.lead"))
    show_url_notices(getattr(_run, "shell_rejected", []) + rejected + unknown)


def current_params() -> tuple:
    """The URL parameters of the page that ran in this script run (empty before one has)."""
    return getattr(_run, "params", ())


def require_shell() -> None:
    """Called first by every page: outside the shell, the page was run on its own (legacy mode)."""
    if not getattr(_run, "active", False):
        _rerun_in_navigation_mode()


def leave_legacy_pages_mode() -> None:
    """Called first by app.py: Streamlit may have wrapped app.py in its legacy navigation."""
    if PagesManager.uses_pages_directory:
        _rerun_in_navigation_mode()


def _rerun_in_navigation_mode() -> None:
    # Streamlit 1.67 reads PagesManager.uses_pages_directory before each script run; while it is set (a fresh
    # server; AppTest) it runs the URL's pages/ file on its own, or app.py inside its own navigation.
    # st.navigation clears it; we clear it and rerun, so app.py runs plainly and its st.navigation renders
    # the page from the same URL inside the shell, with the widget ids of every later run (no import of app.py).
    PagesManager.uses_pages_directory = False
    st.rerun()
