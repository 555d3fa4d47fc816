"""Assertions that every page's AppTest tests share."""

from pages.ui.i18n import lookup
from pages.ui.params import MAX_NOTICES, inert


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def assert_url_values_ignored(at, query: dict) -> None:
    """The page ran, each rejected URL value got a notice that names it (inert, as a code span), up to
    MAX_NOTICES of them, and the rest are counted in one closing line: never more than MAX_NOTICES + 1."""
    no_exception(at)
    notices = [warning.value for warning in at.warning]
    named = [name for name in query if any(f"{inert(name, 20)} =" in notice for notice in notices)]
    assert len(named) == min(len(query), MAX_NOTICES), (query, notices)
    url_notices = [n for n in notices if any(f"{inert(name, 20)} =" in n for name in query)]
    assert len(url_notices) <= MAX_NOTICES
    if len(query) > MAX_NOTICES:
        assert any(str(len(query) - MAX_NOTICES) in notice and not any(f"{inert(name, 20)} =" in notice for name in query)
                   for notice in notices), notices


def metric(at, key: str, lang: str = "en", **values) -> str:
    """The value of the one metric whose label is the catalogue text `key` (never looked up by position)."""
    label = lookup(lang, key, **values)
    matches = [m.value for m in at.metric if m.label == label]
    assert len(matches) == 1, (label, [m.label for m in at.metric])
    return matches[0]
