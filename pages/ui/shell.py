"""Make sure every page runs inside the app shell (language switch, navigation).

While a `pages/` folder exists, Streamlit runs a page file on its own (without app.py) in two cases:
on a freshly started server until some session has called `st.navigation` (a deep link such as
/dynamics), and in AppTest after the first run. Each page therefore calls `require_shell()` first:
outside the shell it runs the shell, which renders this very page inside it, and then stops.
"""

import threading
from contextlib import contextmanager

import streamlit as st

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
    from .charts import presenting
    from .i18n import t
    from .params import HIDE_URL, hidden_keys, seed_from_url, show_url_notices

    require_shell()
    _run.params = params   # for the lesson-link builder the shell draws after the page
    rejected = seed_from_url(params)
    keys, unknown = hidden_keys(params, st.query_params.get(HIDE_URL, ""))
    if keys:
        # every keyed widget sits in an element with the class st-key-<key>; its value still comes from the URL
        st.html("<style>" + ", ".join(f".st-key-{key}" for key in keys) + " { display: none; }</style>")
    st.title(t(f"{section}.title"))
    st.markdown(t(f"{section}.lead_short" if presenting() else f"{section}.lead"))
    show_url_notices(getattr(_run, "shell_rejected", []) + rejected + unknown)


def current_params() -> tuple:
    """The URL parameters of the page that ran in this script run (empty before one has)."""
    return getattr(_run, "params", ())


def require_shell() -> None:
    if getattr(_run, "active", False):
        return
    import app  # the entry point; importing it draws nothing

    app.main()
    st.stop()
