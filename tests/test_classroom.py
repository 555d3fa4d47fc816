"""Classroom features (issue 8): exports, the PyTorch snippet, presenter mode, lesson links, and the
robustness sweep that drives every page's every control to its extremes and feeds every URL parameter garbage."""

import ast
import contextlib
import io
import json

import numpy as np
import pytest

import lsr_core as core
from pages.ui import exports, figures
from pages.ui.params import Param, hidden_keys
from pages.ui.i18n import lookup
from tests.apptest_checks import assert_url_values_ignored, no_exception

PAGES = ("home", "dynamics", "by_hand", "gap_explorer", "landscape", "training", "derivation", "regulariser",
         "distillation", "conventions")
# the training page trains on every change: start its sweep from a short run
PAGE_QUERY = {"training": {"epochs": "10", "n": "200"}, "distillation": {"seeds": "3"}}


# ---------- exports (pure) ----------

def test_dynamics_csv_reads_back_exactly():
    c = core.compare_runs(5, 0.1, "others", 1.0, 300, np.zeros(5))
    text = exports.csv_text(exports.dynamics_columns(c))
    header, *rows = text.strip().splitlines()
    names = header.split(",")
    table = np.loadtxt(io.StringIO("\n".join(rows)), delimiter=",")
    assert table.shape == (c.steps.size, len(names))
    np.testing.assert_array_equal(table[:, names.index("gap_smoothed")], c.gap[:, 1])   # round-trip precision
    np.testing.assert_array_equal(table[:, names.index("p_true_one_hot")], c.p_true[:, 0])


@pytest.mark.parametrize("prior", ["uniform", "others"])
@pytest.mark.parametrize("eps", [0.0, 0.1, 1.0])
def test_pytorch_snippet_is_valid_python_with_the_scene(prior, eps):
    code = exports.pytorch_snippet(core.Scene(7, eps, prior, 0.5, 300, "random", 3, 2.0))
    ast.parse(code)
    assert f"K, eps, lr, steps = 7, {eps!r}, 0.5, 300" in code
    assert ("label_smoothing=eps" in code) == (prior == "uniform")
    assert "default_rng(3)" in code and "* 2.0" in code


@pytest.mark.parametrize("prior", ["uniform", "others"])
def test_pytorch_snippet_reproduces_the_numpy_run(prior):
    pytest.importorskip("torch", reason="PyTorch is only installed with the benchmark extra (requirements-bench.txt)")
    # 15 steps: far from converged, so the gap depends on every step being the same
    scene = core.Scene(num_classes=6, eps=0.2, prior=prior, lr=0.1, steps=15, init="random", seed=5, scale=1.5)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(exports.pytorch_snippet(scene), "snippet", "exec"), {})
    printed = [float(line.rsplit(":", 1)[1]) for line in out.getvalue().strip().splitlines()]
    c = core.compare_runs(6, 0.2, prior, 0.1, 15, core.initial_logits(6, "random", 5, 1.5))
    assert abs(c.gap[-1, 1] - c.optimal_gap) > 0.01
    assert printed[0] == pytest.approx(c.gap[-1, 1], abs=1e-6)   # printed with 6 decimals
    assert printed[1] == pytest.approx(core.optimal_logit_gap(6, 0.2, prior), abs=1e-6)


# ---------- presenter mode and lesson links ----------

def test_for_presenter_enlarges_a_copy():
    c = core.compare_runs(4, 0.1, "uniform", 1.0, 50, np.zeros(4))
    fig = figures.gap_figure(c, {k: k for k in "title x y one_hot smoothed optimum theory run pause".split()})
    big = figures.for_presenter(fig)
    assert big.layout.font.size > fig.layout.font.size
    # taller, but never taller than the projector's first screen holds
    assert big.layout.height == min(round(fig.layout.height * figures.PRESENTER_HEIGHT), figures.PRESENTER_MAX_HEIGHT)
    assert figures.presenter_height(300) == 345 > 300 and figures.presenter_height(1000) == figures.PRESENTER_MAX_HEIGHT
    # the replay's step slider and Play/Pause need the full height: capped, Play/Pause lay on its axis title
    replay = figures.for_presenter(figures.replay_figure(c, {k: k for k in "title logits_title probs_title x y_logit y_prob "
                                                              "one_hot smoothed play pause step".split()}))
    assert replay.layout.height == figures.presenter_height(figures.HEIGHTS["replay"], capped=False) > figures.PRESENTER_MAX_HEIGHT
    assert big.data[0].line.width > fig.data[0].line.width
    assert fig.layout.font.size == figures.FONT["size"]   # the (possibly cached) original is untouched


def test_hidden_keys_parses_names_and_reports_unknown_ones():
    params = [Param("dyn_eps", "eps", 0.1, float, ""), Param("dyn_K", "K", 10, int, "")]
    assert hidden_keys(params, "eps,K") == (["dyn_eps", "dyn_K"], [])
    keys, rejected = hidden_keys(params, " eps , <script>")
    assert keys == ["dyn_eps"] and rejected[0][:2] == ("hide", "<script>")
    assert hidden_keys(params, "") == ([], [])


def chart_font_sizes(at) -> list[int]:
    return [json.loads(chart.proto.spec)["layout"]["font"]["size"] for chart in at.get("plotly_chart")]


def test_presenter_mode_from_the_url(app_test):
    plain = app_test("dynamics")
    present = app_test("dynamics", present="True")
    no_exception(present)
    assert set(chart_font_sizes(plain)) == {figures.FONT["size"]}
    assert set(chart_font_sizes(present)) == {round(figures.FONT["size"] * figures.PRESENTER_FONT)}
    # no toolbar on the projector (it covered the chart's title under the teacher's mouse); on a screen, PNG export
    # from a toolbar shown while the mouse is over the chart (always shown, it sat over a narrow chart's title)
    toolbars = {at: {json.loads(chart.proto.config)["displayModeBar"] for chart in at.get("plotly_chart")} for at in (plain, present)}
    assert toolbars[plain] == {"hover"} and toolbars[present] == {False}
    # the one-line lead replaces the long one; the toggle shows the mode and stays in the URL
    leads = [m.value for m in present.main.markdown]
    assert lookup("en", "dynamics.lead_short") in leads and present.toggle(key="present").value is True
    assert present.query_params["present"] == "True"
    assert len(present.main.markdown) < len(plain.main.markdown) + 1


def test_lesson_link_hides_controls_and_the_builder_writes_the_link(app_test):
    at = app_test("dynamics", eps="0.3", hide="eps,conv")
    no_exception(at)
    styles = [h.proto.body for h in at.get("html")]
    assert any(".st-key-dyn_eps" in s and ".st-key-dyn_conv" in s and "display: none" in s for s in styles)
    assert at.slider(key="dyn_eps").value == 0.3   # hidden, but its value still comes from the link
    builder = at.sidebar.multiselect(key="lesson_hide_dyn_K")
    # listed by the controls' own labels (issue 14: raw URL names meant nothing to a teacher), with the URL name
    labels = ["controls.K", "controls.eps", "controls.conv", "controls.lr", "controls.steps", "controls.init",
              "controls.seed", "controls.scale", "dynamics.log_steps"]
    urls = ["K", "eps", "conv", "lr", "steps", "init", "seed", "scale", "logx"]
    assert builder.options == [f"{lookup('en', key)} ({url})" for key, url in zip(labels, urls)]
    builder.set_value(["K", "steps"]).run()
    at.sidebar.checkbox(key="lesson_present").check().run()
    link = at.sidebar.code[0].value
    assert "eps=0.3" in link and "hide=K,steps" in link and "present=True" in link


def test_unknown_hidden_control_is_named(app_test):
    at = app_test("landscape", hide="eps,bogus")
    assert_url_values_ignored(at, {"hide": "bogus"})
    assert any("bogus" in w.value for w in at.warning)


# ---------- robustness sweep: every control to its extremes, every URL parameter garbage ----------

def extremes(widget) -> list:
    kind = type(widget).__name__
    if kind in ("Slider", "NumberInput"):
        return [widget.min, widget.max]
    if kind == "SelectSlider":
        values = [type(widget.value)(float(option.replace(",", ""))) for option in (widget.options[0], widget.options[-1])]
        return values
    if kind in ("Radio", "Selectbox", "SegmentedControl"):
        # labels come from option_labels(...).get: the dict behind it maps the real options to their labels
        mapping = getattr(widget.format_func, "__self__", None)
        return list(mapping) if isinstance(mapping, dict) else list(widget.options)
    if kind in ("Toggle", "Checkbox"):
        return [True, False]
    return []


SKIP = {"lang", "present", "lesson_present", "hand_reveal"}   # the shell's own controls have their own tests


def submit_if_in_form(at) -> None:
    for button in at.button:
        if button.proto.is_form_submitter:
            button.click()


WIDGET_KINDS = ("slider", "number_input", "select_slider", "radio", "toggle", "segmented_control", "checkbox")


def find_widget(at, key):
    return next((w for kind in WIDGET_KINDS for w in getattr(at.main, kind) if w.key == key), None)


def shown(at) -> tuple:
    """What a student sees, as comparable data: metric values, texts, tables and every chart's figure."""
    return (tuple(m.value for m in at.metric), tuple(c.value for c in at.caption), tuple(m.value for m in at.markdown),
            tuple(a.value for kind in ("info", "warning", "error", "success") for a in getattr(at, kind)),
            tuple(str(d.value) for d in at.dataframe), tuple(c.proto.spec for c in at.get("plotly_chart")))


@pytest.mark.parametrize("page", PAGES)
def test_every_control_at_its_extremes(app_test, page):
    """Each control is set to each extreme; the page runs, the control holds the value it was given, and at
    least one extreme changes what the page shows (a control that changes nothing would be a bug)."""
    at = app_test(page, **PAGE_QUERY.get(page, {}))
    no_exception(at)
    keys = [w.key for kind in WIDGET_KINDS for w in getattr(at.main, kind) if w.key and w.key not in SKIP]
    assert keys, page
    inert_controls = []
    for key in keys:
        widget = find_widget(at, key)
        original, before = widget.value, shown(at)
        changed = False
        for value in extremes(widget):
            widget.set_value(value)
            submit_if_in_form(at)
            at.run()
            no_exception(at)
            widget = find_widget(at, key)
            if widget is None:   # a control that only exists in some states (e.g. the seed of random logits)
                changed = True
                break
            assert widget.value == value, (key, value, widget.value)
            changed = changed or shown(at) != before
        if not changed:
            inert_controls.append(key)
        if widget is not None:
            widget.set_value(original)
            submit_if_in_form(at)
            at.run()
    assert not inert_controls, f"{page}: these controls changed nothing at either extreme: {inert_controls}"


@pytest.mark.parametrize("page", PAGES)
def test_every_url_parameter_rejects_garbage_with_a_notice(app_test, page):
    # the lesson-link builder lists the page's parameters as "label (url name)", or the url name alone
    options = app_test(page).sidebar.multiselect[0].options
    names = [option.rsplit("(", 1)[1][:-1] if option.endswith(")") else option for option in options]
    query = {name: "1e999<script>" for name in names}
    at = app_test(page, **query)
    assert_url_values_ignored(at, query)


def drawn_in_order(node) -> list[str]:
    """The page's elements in the order they are drawn: "chart" for a Plotly chart, a caption's or Markdown's text."""
    out = []
    for child in getattr(node, "children", {}).values():
        if child.type == "plotly_chart":
            out.append("chart")
        elif child.type in ("caption", "markdown"):
            out.append(child.value)
        out += drawn_in_order(child)
    return out


@pytest.mark.parametrize("page, main_charts", [("dynamics", 2), ("landscape", 1), ("regulariser", 1), ("by_hand", 2),
                                               ("gap_explorer", 2)])
def test_on_the_projector_the_lead_in_follows_the_main_chart(app_test, page, main_charts):
    """'Look for / Try this' come before the main chart on a screen and right after it in presenter mode, where the
    first screen must hold the chart whole (issue 24); the same lines in both."""
    prompt = "  \n".join(lookup("en", f"prompts.{kind}_label") + lookup("en", f"prompts.{page}.{kind}") for kind in ("look", "try"))
    for present, before in (("False", True), ("True", False)):
        at = app_test(page, present=present)
        no_exception(at)
        order = drawn_in_order(at.main)
        first_chart = order.index("chart")
        assert (order.index(prompt) < first_chart) is before, (page, present)
        if not before:   # after the main charts, before the page's next chart
            assert order[first_chart:first_chart + main_charts] == ["chart"] * main_charts
            later = order[first_chart + main_charts:]
            assert prompt in later and "chart" not in later[:later.index(prompt)]
