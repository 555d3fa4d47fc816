"""The formula sheet: the lesson's formulas on one screen (targets in both conventions, the gradient p − q,
both closed forms of the optimal gap, the regulariser identity), each with a link to the page that shows it.
Not a step of the lesson: every page links to it (the sidebar and the footer, pages/ui/lesson.py)."""

import streamlit as st

from pages.ui import lesson
from pages.ui.i18n import t
from pages.ui.shell import begin_page

# (catalogue key of the heading, the formula, the page that shows it); two to a row, so the sheet fits one
# 1024×768 screen in presenter mode too
SHEET = (
    ("formulas.targets",
     r"\begin{aligned}\varepsilon/K:&\quad q'_k = (1-\varepsilon)\,\delta_{k,y} + \frac{\varepsilon}{K}\\"
     r"\varepsilon/(K-1):&\quad q'_k = (1-\varepsilon)\,\delta_{k,y} + \frac{\varepsilon}{K-1}\,(1-\delta_{k,y})"
     r"\end{aligned}", "conventions"),
    ("formulas.gradient", r"\frac{\partial L}{\partial z_i} = p_i - q_i \;\in [-1,\,1]", "derivation"),
    ("formulas.gap",
     r"\begin{aligned}\varepsilon/K:&\quad g^* = \log\Big(1 + \frac{K(1-\varepsilon)}{\varepsilon}\Big)\\"
     r"\varepsilon/(K-1):&\quad g^* = \log\frac{(K-1)(1-\varepsilon)}{\varepsilon}\end{aligned}", "gap_explorer"),
    ("formulas.regulariser", r"H(q',p) = (1-\varepsilon)\,H(q,p) + \varepsilon\,H(u,p)", "regulariser"),
)


def main() -> None:
    begin_page("formulas", ())
    for row in (SHEET[:2], SHEET[2:]):
        for column, (heading, formula, page) in zip(st.columns(2, gap="medium"), row):
            with column.container(border=True):
                st.markdown(f"**{t(heading)}**")
                st.latex(formula)
                st.page_link(lesson.path(page), label=t("formulas.see", page=t(f"nav.{page}")), icon=":material/arrow_forward:")


main()
