""""Look for" and "Try this": one line each under every page's title, drawn the same way on every page.

The lines are questions and instructions ("which gap stops, if either does?", "set ε = 0.01: predict where the
dashed line goes, then look"): they state no outcome, so each is true at every setting a student can reach
and needs no claim in `lsr_core.claims` (a line that named an outcome would have to be chosen there, from the
measured result). An instruction names the control it asks for, so it still makes sense after the student has
moved the others.
"""

from __future__ import annotations

import streamlit as st

from .i18n import t

# the pages that have a pair of lines (every page of the lesson, and the formula sheet has none)
KINDS = ("look", "try")


def lines(section: str) -> tuple[str, str]:
    """The two lines of page `section`, with their labels, as shown."""
    return tuple(t(f"prompts.{kind}_label") + t(f"prompts.{section}.{kind}") for kind in KINDS)


def show(section: str) -> None:
    """Both lines in one small caption (two short lines: the main chart stays in the projector's first screen)."""
    with st.container(key=f"prompts_{section}"):
        st.caption("  \n".join(lines(section)))
