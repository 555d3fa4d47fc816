"""Assertions that every page's AppTest tests share."""


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def assert_url_values_ignored(at, query: dict) -> None:
    """The page ran, and each rejected URL value got a notice that names it."""
    no_exception(at)
    notices = [warning.value for warning in at.warning]
    for name in query:
        assert any(f"{name} =" in notice for notice in notices), (name, notices)
