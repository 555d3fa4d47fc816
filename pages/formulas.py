"""The formula sheet: the lesson's formulas on one screen (targets in both conventions, the gradient p − q,
both closed forms of the optimal gap, the regulariser identity), each with a link to the page that shows it.
Not a step of the lesson: every page links to it (the sidebar and the footer, pages/ui/lesson.py)."""

import streamlit as st

from pages.ui import lesson
from pages.ui.i18n import t
from pages.ui.shell import begin_page

# (catalogue key of the heading, the formula, the page that shows it); one row each, heading and link beside the
# formula, written narrow enough for a 1024-pixel screen with the sidebar open, so the sheet fits one screen
SHEET = (
    ("formulas.targets",
     r"\begin{aligned}q'_k &= (1-\varepsilon)\,\delta_{k,y} + \varepsilon\,u_k\\"
     r"\varepsilon/K:\quad u_k &= \tfrac{1}{K}\\"
     r"\varepsilon/(K-1):\quad u_k &= \tfrac{1-\delta_{k,y}}{K-1}\end{aligned}", "conventions"),
    ("formulas.gradient", r"\frac{\partial L}{\partial z_i} = p_i - q_i \;\in [-1,\,1]", "derivation"),
    ("formulas.gap",
     r"\begin{aligned}\varepsilon/K:&\quad g^* = \log\Big(1 + \frac{K(1-\varepsilon)}{\varepsilon}\Big)\\"
     r"\varepsilon/(K-1):&\quad g^* = \log\frac{(K-1)(1-\varepsilon)}{\varepsilon}\end{aligned}", "gap_explorer"),
    ("formulas.regulariser", r"H(q',p) = (1-\varepsilon)\,H(q,p) + \varepsilon\,H(u,p)", "regulariser"),
)


def main() -> None:
    begin_page("formulas", ())
    for heading, formula, page in SHEET:
        left, right = st.columns([5, 8], vertical_alignment="center", border=False)
        left.markdown(f"**{t(heading)}**")
        left.page_link(lesson.path(page), label=t(f"nav.{page}"), icon=":material/arrow_forward:")
        right.latex(formula)


main()
