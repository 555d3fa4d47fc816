"""Every user-visible string comes from the catalogues in assets/i18n/ through `t`."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import streamlit as st

CATALOGUE_DIR = Path(__file__).resolve().parents[2] / "assets" / "i18n"
LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"
LANGUAGE_KEY = "lang"


@lru_cache(maxsize=len(LANGUAGES))
def load_catalogue(lang: str) -> dict[str, str]:
    """The flat catalogue {dotted.key: text} for one language."""
    with open(CATALOGUE_DIR / f"{lang}.toml", "rb") as handle:
        return _flatten(tomllib.load(handle))


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def lookup(lang: str, key: str, **values) -> str:
    """The text for `key` in `lang`, with `{name}` fields filled from `values`. A literal brace (in LaTeX)
    is written twice in the catalogue, `{{` and `}}`, in every text, whether it has fields or not."""
    return load_catalogue(lang)[key].format(**values)


def current_language() -> str:
    lang = st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values) -> str:
    """The text for `key` in the language chosen in the sidebar."""
    return lookup(current_language(), key, **values)


def option_labels(prefix: str, options) -> dict:
    """{option: text of "prefix.option"}, resolved now, so a widget's `format_func=labels.get` keeps the
    language it was drawn in (Streamlit may call format_func after the script run)."""
    return {option: t(f"{prefix}.{option}") for option in options}
