"""URL parameters: parsing is strict and never evaluates text."""

import pytest

from pages.ui.params import Param, float_in, int_in, one_of, parse_url_values

PARAMS = (
    Param("k", "K", 10, int_in(2, 1000), "2 … 1000"),
    Param("e", "eps", 0.1, float_in(0.0, 1.0), "0 … 1"),
    Param("c", "conv", "uniform", one_of(("uniform", "others")), "uniform | others"),
    Param("lr", "lr", 1.0, one_of((0.1, 1.0, 10.0)), "0.1, 1, 10"),
    Param("x", "logx", False, one_of((False, True)), "True | False"),
)


def test_good_values_are_accepted():
    accepted, rejected = parse_url_values(PARAMS, {"K": "20", "eps": "0.25", "conv": "others", "lr": "10", "logx": "True"})
    assert accepted == {"k": 20, "e": 0.25, "c": "others", "lr": 10.0, "x": True} and not rejected


@pytest.mark.parametrize("query", [
    {"K": "abc"}, {"K": "1"}, {"K": "1001"}, {"K": "2.5"}, {"eps": "5"}, {"eps": "-0.1"}, {"eps": "nan"},
    {"eps": "inf"}, {"conv": "fairseq"}, {"lr": "3"}, {"logx": "yes"}, {"K": "__import__('os')"},
    {"eps": "1e999"}, {"K": ""},
])
def test_garbage_is_rejected_with_its_name(query):
    accepted, rejected = parse_url_values(PARAMS, query)
    assert not accepted
    assert [name for name, _, _ in rejected] == list(query)


def test_unknown_parameters_are_ignored():
    assert parse_url_values(PARAMS, {"zzz": "1"}) == ({}, [])


# ---------------------------------------------------------------- issue 17: strict ASCII numbers, -0, inert text

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from pages.ui.formatting import number
from pages.ui.params import MAX_NOTICES, accepts, inert, url_notices

PARSERS = {
    "K": int_in(2, 1000), "eps": float_in(0.0, 1.0), "g1": float_in(-4.0, 12.0), "scale": float_in(0.1, 5.0),
    "noise": float_in(0.0, 0.5), "lr": one_of((0.01, 0.1, 1.0, 10.0)), "logx": one_of((False, True)),
    "conv": one_of(("uniform", "others")),
}


@pytest.mark.parametrize("text", ["５", "1_0", " 5 ", "5 ", "\t5", "٣", "0x10", "1e", "--1", "+-1", "½", "5\n"])
def test_only_plain_ascii_numbers_are_accepted(text):
    for parse in (int_in(0, 100), float_in(0.0, 100.0), one_of((5.0, 10.0))):
        with pytest.raises(ValueError):
            parse(text)


@pytest.mark.parametrize("text", ["-0", "-0.0", "+0", "-0e5", "-.0"])
def test_minus_zero_is_read_as_zero(text):
    value = float_in(0.0, 1.0)(text)
    assert value == 0.0 and math.copysign(1.0, value) == 1.0
    assert number(value) == "0"


def test_plain_forms_are_accepted():
    assert int_in(2, 10)("+7") == 7 and float_in(0.0, 1.0)(".25") == 0.25 and float_in(0.0, 1.0)("1e-1") == 0.1
    assert one_of((0.5, 1.0))("1") == 1.0 and one_of((0.5, 1.0))("0.50") == 0.5


NUMBERISH = st.text(alphabet="0123456789+-.eE_ ５٣xn", max_size=12) | st.from_regex(r"[+-]?[0-9]*\.?[0-9]*(e[+-]?[0-9]+)?", fullmatch=True)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(PARSERS)), NUMBERISH | st.text(max_size=12))
def test_every_accepted_value_is_finite_normalised_and_prints_without_nan(name, text):
    parse = PARSERS[name]
    try:
        value = parse(text)
    except ValueError:
        return
    assert text.isascii() and text == text.strip()
    if isinstance(value, float):
        assert math.isfinite(value) and math.copysign(1.0, value) == 1.0 or value < 0
        assert "nan" not in number(value).lower()
    assert accepts(Param("k", name, value, parse, ""), value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_inert_text_is_one_code_span_of_bounded_length(text):
    shown = inert(text)
    assert "\n" not in shown and "\r" not in shown
    fence = len(shown) - len(shown.lstrip("`"))
    if fence:
        assert shown.endswith("`" * fence)
        inside = shown[fence:-fence]
        assert "`" * fence not in inside, "the fence must be longer than any backtick run inside"
        assert len(inside.strip()) <= 40


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_inert_text_shows_every_invisible_character(text):
    """Nothing the reader cannot see survives: each control, format (bidi, zero-width), separator other than the
    plain space, private-use or unassigned character is written as <U+XXXX>."""
    import unicodedata

    from pages.ui.params import INVISIBLE_MARKS

    shown = inert(text, limit=10_000)
    assert all(c == " " or unicodedata.category(c)[0] not in "CZ" and ord(c) not in INVISIBLE_MARKS for c in shown)
    assert shown.count("<U+") >= sum(c != " " and (unicodedata.category(c)[0] in "CZ" or ord(c) in INVISIBLE_MARKS)
                                     for c in text)


@pytest.mark.parametrize("received,shown", [
    ("\u202e5\u202d", "`<U+202E>5<U+202D>`"),              # right-to-left override around a 5
    ("5\u200b", "`5<U+200B>`"),                             # zero-width space
    ("\ufeff7", "`<U+FEFF>7`"),                             # byte-order mark
    ("\u20665\u2069", "`<U+2066>5<U+2069>`"),               # bidi isolates
    ("3\u00a0", "`3<U+00A0>`"),                             # no-break space
    ("1\u034f0", "`1<U+034F>0`"),                           # combining grapheme joiner
])
def test_a_value_with_invisible_characters_is_shown_as_received(received, shown):
    """K=%E2%80%AE5%E2%80%AD is not "5 is not allowed": the notice shows what the link really holds."""
    from urllib.parse import parse_qs

    from pages.ui.params import int_in, parse_url_values

    params = [Param("home_K", "K", 10, int_in(2, 20), "2 … 20")]
    accepted, rejected = parse_url_values(params, {"K": received})
    assert not accepted and rejected == [("K", received, "2 … 20")]
    notice = url_notices(rejected, lambda key, **values: values["value"])[0]
    assert notice == shown
    assert parse_qs("K=%E2%80%AE5%E2%80%AD")["K"] == ["\u202e5\u202d"]   # as Streamlit hands it over


def test_notices_are_bounded_and_name_only_the_first_few():
    rejected = [(f"p{i}", "[x](https://example.invalid)", "0 … 1") for i in range(30)]
    texts = url_notices(rejected, lambda key, **values: f"{key}|{values}")
    assert len(texts) == MAX_NOTICES + 1
    assert all("`[x](https://example.invalid)`" in text for text in texts[:MAX_NOTICES])
    assert "'count': 27" in texts[-1]
