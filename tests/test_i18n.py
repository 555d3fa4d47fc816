"""Both catalogues have exactly the same keys, no empty text, and the same {fields} in each text."""

import string

import pytest

from pages.ui.i18n import LANGUAGES, load_catalogue, lookup


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogues_have_the_same_keys():
    english, chinese = (set(load_catalogue(lang)) for lang in LANGUAGES)
    assert english == chinese, f"only in en: {sorted(english - chinese)}; only in zh: {sorted(chinese - english)}"
    assert len(english) > 50


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_empty_text(lang):
    empty = [key for key, text in load_catalogue(lang).items() if not isinstance(text, str) or not text.strip()]
    assert not empty


def test_same_format_fields_in_both_languages():
    english, chinese = (load_catalogue(lang) for lang in LANGUAGES)
    mismatched = [key for key in english if fields(english[key]) != fields(chinese[key])]
    assert not mismatched


def test_lookup_fills_fields_and_chinese_differs():
    assert "K = 7" in lookup("en", "home.bars_title", K=7, eps="0.10")
    assert lookup("zh", "nav.home") == "首页" and lookup("en", "nav.home") == "Home"


def test_every_key_used_in_code_exists():
    """Scan the pages for t("...") keys; each must be in the catalogue (catches typos before a user does)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    catalogue = load_catalogue("en")
    used = set()
    for path in list((root / "pages").rglob("*.py")) + [root / "app.py"]:
        used |= set(re.findall(r'\bt\(\s*"([a-z_]+\.[a-z0-9_.]+)"', path.read_text()))
    assert used, "the scan found no keys"
    missing = sorted(key for key in used if key not in catalogue)
    assert not missing


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_field_is_a_name_and_literal_braces_are_doubled(lang):
    """`lookup` always formats, so a LaTeX brace must be written `{{`/`}}`; a single one would be read as a
    field (`{k,y}` in `\\delta_{k,y}` was) and raise when the text is shown."""
    bad = {key: names for key, text in load_catalogue(lang).items()
           if (names := [n for n in fields(text) if not n.isidentifier()])}
    assert not bad


def _punctuation(char: str) -> bool:
    import unicodedata
    return unicodedata.category(char)[0] in "PS"


def unrendered_bold(text: str) -> list[str]:
    """The ** pairs in `text` that CommonMark would print literally: an opening ** must be left-flanking
    (not followed by a space; if followed by punctuation or a symbol such as ▶, then preceded by a space,
    punctuation or the start), a closing one right-flanking (the mirror image). Chinese text trips on this:
    "的**▶ 运行**" prints its asterisks."""
    import re

    bad = []
    marks = [m.start() for m in re.finditer(r"\*\*", text)]
    for n, at in enumerate(marks):
        before = text[at - 1] if at else " "
        after = text[at + 2] if at + 2 < len(text) else " "
        if n % 2 == 0:
            ok = not after.isspace() and (not _punctuation(after) or before.isspace() or _punctuation(before))
        else:
            ok = not before.isspace() and (not _punctuation(before) or after.isspace() or _punctuation(after))
        if not ok:
            bad.append(text[max(0, at - 8):at + 10])
    return bad


def test_unrendered_bold_is_detected():
    assert unrendered_bold("点击差距图上的**▶ 运行**。") == ["点击差距图上的**▶ 运行**。"]
    assert unrendered_bold("点击差距图上的 ▶ **运行**。") == [] and unrendered_bold("Press **▶ Run** now") == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_bold_text_renders(lang):
    catalogue = load_catalogue(lang)
    bad = {key: found for key, text in catalogue.items() if (found := unrendered_bold(text))}
    assert not bad
