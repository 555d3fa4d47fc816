"""The URL and the session's widget state, in a script run: seed controls from a lesson link, write them
back, survive a server restart, and show the notices for rejected values. The pure half (parsers,
notices' texts, hidden controls) is `params.py`; this half is exercised by AppTest and Chromium."""

from __future__ import annotations

import threading

import streamlit as st

from .i18n import t
from .params import accepts, parse_url_values, url_notices


def browser_widget_keys() -> set[str]:
    """The keys of widgets whose values this script run brought from the browser, before any is drawn.

    After a server restart the browser reconnects with a new, empty session, and its first rerun carries
    the control the user just moved; `key in st.session_state` is still False for it (Streamlit maps keys
    to widgets only when they are drawn), so seeding it from the URL would undo that change. This reads
    Streamlit's widget ids ("$$ID-<hash>-<key>") from its session state; if that internal ever changes, it
    returns nothing and seeding behaves as before (tests/test_browser_restart.py would then fail).
    """
    try:
        from streamlit.runtime.state.session_state_proxy import get_session_state

        widget_ids = list(get_session_state()._state._new_widget_state.states)
    except Exception:   # not in a script run, or Streamlit's internals moved
        return set()
    return {widget_id.split("-", 2)[2] for widget_id in widget_ids if widget_id.startswith("$$ID-") and widget_id.count("-") >= 2}


RESTORE_KEY = "_url_restore"   # values a session that outlived a server restart had, re-applied once
ADOPTED_KEY = "_url_adopted"   # keys whose first value this session took from the browser, not the URL


def seed_from_url(params) -> list[tuple[str, str, str]]:
    """Fill session state for keys not set yet (neither in session state nor sent by the browser): from the
    URL if valid, else the default. Returns the rejected URL values so the page can say what it ignored.

    A key the browser sent but session state lacks (the session outlived a server restart) keeps the
    browser's value; `write_to_url` then re-applies it once through session state, so the control shows it."""
    restore = st.session_state.pop(RESTORE_KEY, {})
    for param in params:
        if param.key in restore and param.key not in st.session_state:
            st.session_state[param.key] = restore[param.key]
    from_browser = browser_widget_keys()
    adopted = [p.key for p in params if p.key not in st.session_state and p.key in from_browser]
    if adopted:
        st.session_state.setdefault(ADOPTED_KEY, set()).update(adopted)
    fresh = [p for p in params if p.key not in st.session_state and p.key not in from_browser]
    if not fresh:
        return []
    query = {p.url: st.query_params[p.url] for p in fresh if p.url in st.query_params}
    accepted, rejected = parse_url_values(fresh, query)
    for param in fresh:
        st.session_state[param.key] = accepted.get(param.key, param.default)
    return rejected


def write_to_url(params) -> None:
    """Mirror non-default values into the URL and drop the defaults, keeping links short. A value the URL
    could not have given (e.g. None from a control whose state a server restart lost) is never written:
    the default goes to the URL, and to the control on the next run. Values adopted from the browser after
    a restart are re-applied once, by a rerun, so every control shows what the session holds."""
    adopted = st.session_state.get(ADOPTED_KEY, set())
    restore = {}
    for param in params:
        value = st.session_state.get(param.key, param.default)
        if not accepts(param, value):
            value = param.default
            restore[param.key] = value
        elif param.key in adopted:
            restore[param.key] = value
        adopted.discard(param.key)
        if value == param.default:
            if param.url in st.query_params:
                del st.query_params[param.url]
        elif st.query_params.get(param.url) != str(value):
            st.query_params[param.url] = str(value)
    if restore:
        for key in restore:
            st.session_state.pop(key, None)
        st.session_state[RESTORE_KEY] = st.session_state.get(RESTORE_KEY, {}) | restore
        st.rerun()


# ---------------------------------------------------------------- a link longer than Streamlit reads
# Streamlit ignores the whole query string of a browser that sends more than 1,000 fields or 512 Ki characters
# (streamlit/runtime/state/query_params.py, `sanitize_query_string`, called by `AppSession.request_rerun`): the
# script then sees no parameters at all, and neither st.context.url nor the WebSocket's headers carry the query.
# So the app watches the one place that still has it, the browser's rerun request, and notes the session.

_too_long: dict[str, tuple[int, int]] = {}   # session id -> (characters, fields) of an ignored query string
_too_long_guard = threading.Lock()
_TOO_LONG_KEPT = 1000                        # sessions noted at most (one that never runs a page is dropped)


def query_limits() -> tuple[int, int]:
    """Streamlit's limits: (characters, fields)."""
    try:
        from streamlit.runtime.state.query_params import (CLIENT_STATE_QUERY_STRING_MAX_FIELDS,
                                                          CLIENT_STATE_QUERY_STRING_MAX_LENGTH)
        return CLIENT_STATE_QUERY_STRING_MAX_LENGTH, CLIENT_STATE_QUERY_STRING_MAX_FIELDS
    except ImportError:
        return 512 * 1024, 1000


def too_long(query_string: str) -> bool:
    """Whether Streamlit ignores this query string (its own test: characters, then `&` count + 1)."""
    characters, fields = query_limits()
    return bool(query_string) and (len(query_string) > characters or query_string.count("&") + 1 > fields)


def watch_ignored_query_strings() -> None:
    """Once per process: note every session whose browser asks for a run with a query string Streamlit will
    ignore. If Streamlit's internals move, nothing is noted and links that are too long open silently, as before
    (tests/test_url_edges.py would then fail). A session that started before this module was first imported (the
    first one on a fresh server) is not noted."""
    try:
        from streamlit.runtime.app_session import AppSession
    except ImportError:
        return
    original = AppSession.request_rerun
    if getattr(original, "lsr_watches_query_strings", False):
        return

    def request_rerun(session, client_state=None):
        try:
            text = client_state.query_string if client_state is not None else ""
            if too_long(text):
                with _too_long_guard:
                    if len(_too_long) >= _TOO_LONG_KEPT:
                        _too_long.pop(next(iter(_too_long)))
                    _too_long[session.id] = (len(text), text.count("&") + 1)
        except Exception:   # noting must never stop a rerun
            pass
        return original(session, client_state)

    request_rerun.lsr_watches_query_strings = True
    AppSession.request_rerun = request_rerun


watch_ignored_query_strings()


def ignored_query_string() -> tuple[int, int] | None:
    """(characters, fields) of the query string this session's browser sent and Streamlit ignored, once."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return None
    with _too_long_guard:
        return _too_long.pop(ctx.session_id, None)


def show_url_notices(rejected) -> None:
    """Say, in the current language, that the link was too long to read, and which URL values were ignored and
    that defaults are used."""
    ignored = ignored_query_string()
    if ignored is not None:
        max_characters, max_fields = query_limits()
        st.warning(t("common.url_too_long", characters=f"{ignored[0]:,}", fields=f"{ignored[1]:,}",
                     max_characters=f"{max_characters:,}", max_fields=f"{max_fields:,}"), icon=":material/link_off:")
    for text in url_notices(rejected, t):
        st.warning(text, icon=":material/link_off:")
