"""Widget values mirrored in the URL, so a teacher can share a link that opens the exact scene.

Each `Param` names a session-state/widget key and the short, language-neutral URL name. Before the
widgets are drawn, `seed_from_url` copies valid URL values into session state (once per visit) and
collects a notice for every value it had to ignore; after the widgets, `write_to_url` mirrors the
values that differ from their defaults. URL text is only ever parsed by the small parsers below
(int/float/choice), never evaluated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import streamlit as st


@dataclass(frozen=True)
class Param:
    key: str                      # widget and session-state key, e.g. "dyn_eps"
    url: str                      # URL name, e.g. "eps"
    default: Any
    parse: Callable[[str], Any]   # raises ValueError on text it cannot accept
    allowed: str                  # what is allowed, shown in the notice, e.g. "2 … 1000"


def int_in(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text.strip())
        if not low <= value <= high:
            raise ValueError(text)
        return value
    return parse


def float_in(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = float(text.strip())
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(text)
        return value
    return parse


def one_of(options) -> Callable[[str], Any]:
    """Accept the text form of one of `options` (numbers compare by value: "1" matches 1.0)."""
    def parse(text: str):
        for option in options:
            if text.strip() == str(option):
                return option
            if isinstance(option, (int, float)) and not isinstance(option, bool):
                try:
                    if float(text) == float(option):
                        return option
                except ValueError:
                    pass
        raise ValueError(text)
    return parse


def parse_url_values(params, query: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """Pure: the accepted values {key: value} and the rejected (url name, text, allowed) triples."""
    accepted: dict[str, Any] = {}
    rejected: list[tuple[str, str, str]] = []
    for param in params:
        if param.url not in query:
            continue
        text = query[param.url]
        try:
            accepted[param.key] = param.parse(text)
        except (ValueError, TypeError, OverflowError):
            rejected.append((param.url, text[:40], param.allowed))
    return accepted, rejected


HIDE_URL = "hide"   # a lesson link's list of controls to hide, by URL name: hide=eps,conv


def hidden_keys(params, text: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Pure: the widget keys named (by URL name, comma-separated) in `text`, and a rejected triple for
    each name that is not a control of this page.

    >>> hidden_keys([Param("dyn_eps", "eps", 0.1, float, "0 … 1")], "eps, nope")[0]
    ['dyn_eps']
    """
    by_url = {param.url: param.key for param in params}
    keys, unknown = [], []
    for name in (part.strip() for part in str(text).split(",")):
        if name in by_url:
            keys.append(by_url[name])
        elif name:
            unknown.append(name[:40])
    rejected = [(HIDE_URL, ",".join(unknown), " | ".join(by_url) or "—")] if unknown else []
    return keys, rejected


def seed_from_url(params) -> list[tuple[str, str, str]]:
    """Fill session state for keys not set yet: from the URL if valid, else the default. Returns the
    rejected URL values so the page can say what it ignored."""
    fresh = [p for p in params if p.key not in st.session_state]
    if not fresh:
        return []
    query = {p.url: st.query_params[p.url] for p in fresh if p.url in st.query_params}
    accepted, rejected = parse_url_values(fresh, query)
    for param in fresh:
        st.session_state[param.key] = accepted.get(param.key, param.default)
    return rejected


def write_to_url(params) -> None:
    """Mirror non-default values into the URL and drop the defaults, keeping links short."""
    for param in params:
        value = st.session_state.get(param.key, param.default)
        if value == param.default:
            if param.url in st.query_params:
                del st.query_params[param.url]
        elif st.query_params.get(param.url) != str(value):
            st.query_params[param.url] = str(value)


def show_url_notices(rejected) -> None:
    """Say, in the current language, which URL values were ignored and that defaults are used."""
    from .i18n import t

    for name, text, allowed in rejected:
        st.warning(t("common.url_ignored", name=name, value=text, allowed=allowed), icon=":material/link_off:")
