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
