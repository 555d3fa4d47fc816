"""Widget values mirrored in the URL, so a teacher can share a link that opens the exact scene.

Each `Param` names a session-state/widget key and the short, language-neutral URL name. Before the
widgets are drawn, `url_state.seed_from_url` copies valid URL values into session state (once per visit)
and collects a notice for every value it had to ignore; after the widgets, `url_state.write_to_url`
mirrors the values that differ from their defaults. This module is the pure half: no Streamlit. URL text is only ever parsed by the small parsers below
(int/float/choice), never evaluated, and is shown back to the user only as inert text (`inert`).

The number syntax is ASCII on purpose, and simpler to explain than Python's: an optional sign, digits,
an optional decimal point with digits, an optional exponent. No spaces, no "_" separators, no
full-width or other Unicode digits ("５"), no "nan"/"inf". A repeated parameter (?K=3&K=5) is read
as Streamlit reads it: the last value wins. −0 is read as 0.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable



@dataclass(frozen=True)
class Param:
    key: str                      # widget and session-state key, e.g. "dyn_eps"
    url: str                      # URL name, e.g. "eps"
    default: Any
    parse: Callable[[str], Any]   # raises ValueError on text it cannot accept
    allowed: str                  # what is allowed, shown in the notice, e.g. "2 … 1000"
    label: str | None = None      # catalogue key of the control's label (the lesson-link builder lists it)


INTEGER = re.compile(r"[+-]?[0-9]{1,12}")
DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,20}(?:\.[0-9]{0,20})?|\.[0-9]{1,20})(?:[eE][+-]?[0-9]{1,3})?")


def int_in(low: int, high: int) -> Callable[[str], int]:
    """Parse ASCII digits with an optional sign, then check the range.

    >>> int_in(2, 10)("5"), int_in(2, 10)("+7")
    (5, 7)
    """
    def parse(text: str) -> int:
        if not INTEGER.fullmatch(text):
            raise ValueError(text)
        value = int(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value
    return parse


def float_in(low: float, high: float) -> Callable[[str], float]:
    """Parse an ASCII decimal number, then check the range; −0 comes back as 0.

    >>> float_in(0.0, 1.0)("-0"), float_in(0.0, 1.0)(".5")
    (0.0, 0.5)
    """
    def parse(text: str) -> float:
        if not DECIMAL.fullmatch(text):
            raise ValueError(text)
        value = float(text) + 0.0   # + 0.0 turns -0.0 into 0.0
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(text)
        return value
    return parse


def one_of(options) -> Callable[[str], Any]:
    """Accept the text form of one of `options` (numbers compare by value: "1" matches 1.0)."""
    def parse(text: str):
        for option in options:
            if text == str(option):
                return option
            if isinstance(option, (int, float)) and not isinstance(option, bool) and DECIMAL.fullmatch(text):
                if float(text) == float(option):
                    return option
        raise ValueError(text)
    return parse


def accepts(param: Param, value) -> bool:
    """Whether `value` is one the URL could have given `param` (its text form parses back to it)."""
    try:
        return param.parse(str(value)) == value
    except (ValueError, TypeError, OverflowError):
        return False


MAX_SHOWN_TEXT = 40   # characters of a rejected URL value shown back to the user
MAX_NOTICES = 3       # rejected values named one by one; the rest are counted in one line


# characters that draw nothing (or nothing distinct) without being in a "C" or "Z" category: combining grapheme
# joiner, Hangul fillers, Khmer inherent vowels, Mongolian variation selectors, variation selectors
INVISIBLE_MARKS = frozenset([0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0, *range(0x180B, 0x1810),
                             *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])


def visible(char: str) -> str:
    r"""`char`, or its code point as <U+XXXX> if it is invisible or could reorder, hide or break the text around
    it: controls and line breaks, format characters (bidi controls such as U+202E, zero-width characters),
    every space but the plain one, private-use, surrogate and unassigned code points, and INVISIBLE_MARKS.

    >>> visible("5"), visible("\u202e"), visible("\u200b"), visible("\n"), visible(" ")
    ('5', '<U+202E>', '<U+200B>', '<U+000A>', ' ')
    """
    if char != " " and (unicodedata.category(char)[0] in "CZ" or ord(char) in INVISIBLE_MARKS):
        return f"<U+{ord(char):04X}>"
    return char


def inert(text: str, limit: int = MAX_SHOWN_TEXT) -> str:
    r"""URL text as a Markdown code span that shows it as it was received: every invisible character made
    visible as <U+XXXX> (so "K=\u202e5\u202d" is shown as `<U+202E>5<U+202D>`, never as a plain 5, and no
    line break can start a "# heading" block), shortened to about `limit` characters (never inside a <U+…>),
    and fenced with more backticks than it contains, so links, images, LaTeX, HTML and Streamlit's
    :colour[...] directives inside it stay plain text.

    >>> inert("[click](https://example.invalid)"), inert("a`b"), inert("x\n# BIG")
    ('`[click](https://example.invalid)`', '``a`b``', '`x<U+000A># BIG`')
    >>> inert("\u202e5\u202d")
    '`<U+202E>5<U+202D>`'
    """
    shown, length = [], 0
    for piece in map(visible, str(text)):
        if length + len(piece) > limit - 1:
            shown.append("…")
            break
        shown.append(piece)
        length += len(piece)
    cleaned = "".join(shown)
    if not cleaned.strip():
        return f"`{cleaned}`" if cleaned else "“”"
    longest = max((len(run) for run in re.findall(r"`+", cleaned)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {cleaned} " if cleaned.startswith("`") or cleaned.endswith("`") else cleaned
    return f"{fence}{padded}{fence}"


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
            rejected.append((param.url, text, param.allowed))
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
            unknown.append(name)
    rejected = [(HIDE_URL, ",".join(unknown), " | ".join(by_url) or "—")] if unknown else []
    return keys, rejected


def hide_css(keys) -> str:
    """Pure: the CSS that hides the widgets `keys` (every keyed widget sits in an element with the class
    st-key-<key>) and every column left with nothing but hidden widgets, so the controls that stay close up
    instead of leaving holes. Keys are widget keys from the page's own Params, never URL text.

    >>> hide_css(["dyn_eps"])
    '.st-key-dyn_eps, [data-testid="stColumn"]:has(.st-key-dyn_eps):not(:has([class*="st-key-"]:not(.st-key-dyn_eps))) { display: none; }'
    >>> hide_css([])
    ''
    """
    if not keys:
        return ""
    widgets = ", ".join(f".st-key-{key}" for key in keys)
    others = "".join(f":not(.st-key-{key})" for key in keys)
    return f'{widgets}, [data-testid="stColumn"]:has({widgets}):not(:has([class*="st-key-"]{others})) {{ display: none; }}'


def url_notices(rejected, lookup) -> list[str]:
    """Pure: the notice texts for rejected (name, text, allowed) triples: the first `MAX_NOTICES` named,
    every URL text inert (`inert`), the rest counted in one more line. `lookup(key, **values)` is `t`.

    >>> url_notices([("K", "![x](http://e.invalid/x.png)", "2 … 10")] * 5, lambda key, **v: f"{key} {v}")[-1]
    "common.url_more {'count': 2}"
    """
    texts = [lookup("common.url_ignored", name=inert(name, 20), value=inert(text), allowed=allowed)
             for name, text, allowed in rejected[:MAX_NOTICES]]
    if len(rejected) > MAX_NOTICES:
        texts.append(lookup("common.url_more", count=len(rejected) - MAX_NOTICES))
    return texts
