"""The pure UI modules at their edges: URL parsers' ranges, the notices' exact texts and count line, the
hide= list, the CSV export's exact text and column names, and presenter mode on every kind of trace."""

import numpy as np
import plotly.graph_objects as go
import pytest

import lsr_core as core
from pages.ui import exports, figures
from pages.ui.i18n import lookup
from pages.ui.params import MAX_NOTICES, Param, float_in, hidden_keys, int_in, url_notices


@pytest.mark.parametrize("parse, good, bad", [
    (int_in(2, 10), {"2": 2, "10": 10, "+5": 5}, ["1", "11", "2.0", "", " 3"]),
    (float_in(0.0, 1.0), {"0": 0.0, "1": 1.0, "-0": 0.0, "1e-3": 0.001}, ["-0.001", "1.0000001", "nan", "inf", "1e999"]),
])
def test_parsers_accept_their_whole_range_and_name_the_rejected_text(parse, good, bad):
    for text, value in good.items():
        assert parse(text) == value
    for text in bad:
        with pytest.raises(ValueError) as error:
            parse(text)
        assert str(error.value) == text


def test_url_notices_exact_texts_and_the_count_line():
    en = lambda key, **values: lookup("en", key, **values)   # noqa: E731
    rejected = [("a_very_long_parameter_name_indeed", "x" * 50, "0 … 1")] + [("K", str(k), "2 … 10") for k in range(MAX_NOTICES)]
    texts = url_notices(rejected[:MAX_NOTICES], en)
    assert len(texts) == MAX_NOTICES   # exactly MAX_NOTICES: no count line
    assert texts[0] == lookup("en", "common.url_ignored", name="`a_very_long_paramet…`", value="`" + "x" * 39 + "…`",
                              allowed="0 … 1")
    more = url_notices(rejected, en)
    assert more[:MAX_NOTICES] == texts and more[-1] == lookup("en", "common.url_more", count=1)


def test_hidden_keys_names_the_unknown_and_lists_what_is_allowed():
    params = [Param("dyn_eps", "eps", 0.1, float, ""), Param("dyn_K", "K", 10, int, "")]
    assert hidden_keys(params, "K,eps") == (["dyn_K", "dyn_eps"], [])
    assert hidden_keys(params, "bogus, eps,also") == (["dyn_eps"], [("hide", "bogus,also", "eps | K")])
    assert hidden_keys([], "x") == ([], [("hide", "x", "—")])


def test_csv_text_is_exact_and_round_trips():
    text = exports.csv_text({"step": np.array([0, 2]), "gap": np.array([0.1, 1 / 3])})
    assert text == "step,gap\n0,0.10000000000000001\n2,0.33333333333333331\n"
    assert np.loadtxt(text.splitlines()[1:], delimiter=",")[1, 1] == 1 / 3


def test_dynamics_columns_are_named_for_each_run():
    c = core.compare_runs(3, 0.1, "uniform", 1.0, 5, np.zeros(3))
    columns = exports.dynamics_columns(c)
    expected = ["step"] + [f"{field}_{run}" for field in ("true_logit", "wrong_mean", "gap", "p_true", "loss", "wrong_gradient")
                           for run in ("one_hot", "smoothed")] + ["one_hot_theory_gap"]
    assert list(columns) == expected
    np.testing.assert_array_equal(columns["one_hot_theory_gap"], c.theory_gap)
    np.testing.assert_array_equal(columns["loss_smoothed"], c.loss[:, 1])


def test_float_limits_follow_the_closed_forms():
    c = core.compare_runs(4, 0.1, "uniform", 0.5, 50, np.array([0.5, 0.0, -0.2, 0.1]))
    for dtype in (np.float64, np.float32):
        limits = c.float_limits(dtype)
        assert limits.rounding_gap == core.rounding_gap(4, dtype)
        assert limits.freeze_gap == core.freeze_gap(4, 0.5, dtype)
        assert limits.steps_to_freeze == core.one_hot_steps_to_gap(4, 0.5, limits.freeze_gap, float(c.gap[0, 0]))
    assert c.float_limits(np.float32).rounding_gap < c.float_limits(np.float64).rounding_gap
    assert c.gap[0, 0] != c.gap[1, 0]


def presenter_cases():
    c = core.compare_runs(4, 0.1, "uniform", 1.0, 20, np.zeros(4))
    eps = np.array([0.1, 0.2])
    yield figures.gap_figure(c, {k: k for k in "title x y one_hot smoothed optimum theory run pause".split()})
    yield figures.targets_figure(core.one_hot(0, 3), core.smooth_targets(0, 3, 0.1),
                                 {k: k for k in "title x y one_hot smoothed true_class wrong_class".split()})
    yield figures.gap_curves_figure([("a", "uniform", eps, eps)], (0.1, 0.1), {k: k for k in "title x y current sweep".split()},
                                    sweep=(eps, eps))


@pytest.mark.parametrize("index", range(3))
def test_presenter_mode_on_every_kind_of_trace(index):
    fig = list(presenter_cases())[index]
    big = figures.for_presenter(fig)
    assert big.layout.font.size == round(15 * 1.45)
    # taller, up to what the projector's first screen holds
    assert big.layout.height == min(round(fig.layout.height * 1.15), figures.PRESENTER_MAX_HEIGHT)
    for small, large in zip(fig.data, big.data):
        line_width = getattr(getattr(small, "line", None), "width", None)
        if small.type == "scatter" and small.mode != "markers":
            assert large.line.width == (line_width or 2) * 1.6
        elif getattr(small, "line", None) is not None:
            assert large.line.width == line_width          # marker-only traces and bars keep their lines
        size = getattr(getattr(small, "marker", None), "size", None)
        if isinstance(size, (int, float)):
            assert large.marker.size == size * 1.4
    bare = figures.for_presenter(go.Figure())   # a figure with no size set gets the defaults, enlarged
    assert bare.layout.font.size == round(15 * 1.45) and bare.layout.height == min(round(380 * 1.15), figures.PRESENTER_MAX_HEIGHT)


def test_one_of_matches_the_option_text():
    from pages.ui.params import one_of

    parse = one_of((False, True))
    assert parse("True") is True and parse("False") is False
    with pytest.raises(ValueError) as error:
        parse("None")
    assert str(error.value) == "None"


def test_vector_shows_ten_values_then_counts_the_rest():
    from pages.ui.formatting import vector

    assert vector(np.arange(10.0), 0) == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"
    assert vector(np.arange(11.0), 0) == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, … (+1)]"


def test_table_height_is_what_chromium_draws_the_grid_at():
    """st.dataframe's height given up front (so its placeholder does not make the page jump): the library table's
    9 rows and header measured in Chromium at 352 px, and 462 px in presenter mode's 20.8 px type."""
    from pages.ui.widgets import table_height

    assert table_height(9, False) == 10 * 35 + 2 == 352
    assert table_height(9, True) == 10 * 46 + 2 == 462
    assert table_height(1, False) == 72 and table_height(0, True) == 48
