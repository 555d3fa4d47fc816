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
def inside_shell():
    _run.active = True
    try:
        yield
    finally:
        _run.active = False


def begin_page(section: str, params) -> None:
    """Every page's preamble: inside the shell, URL values seeded, title, lead, notices for bad URL values."""
    from .i18n import t
    from .params import seed_from_url, show_url_notices

    require_shell()
    rejected = seed_from_url(params)
    st.title(t(f"{section}.title"))
    st.markdown(t(f"{section}.lead"))
    show_url_notices(rejected)


def require_shell() -> None:
    if getattr(_run, "active", False):
        return
    import app  # the entry point; importing it draws nothing

    app.main()
    st.stop()
