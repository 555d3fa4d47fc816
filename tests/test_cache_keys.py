"""Every cached or shared result is keyed by every setting that changes it (issue 26).

A planted bug that made `Scene.seed` not part of the record's equality (so one seed's run would be served for
every seed, to every student) once passed the whole suite. These properties are written over
`dataclasses.fields`, so a field added to a settings record later is covered without touching this file:
changing any one field of any record gives a different key, by equality, by hash (the shared-work table in
`pages/ui/heavy.py` keys in-flight jobs by them), by Streamlit's cache hash, and in the app's own stores."""

import dataclasses
import inspect
import typing

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import lsr_core as core
from pages.ui import compute

RECORDS = [core.Scene, core.ExperimentSettings, core.DistillationSettings]

# values of each field type whose equality and hash agree with "is a different setting": no NaN (never equal
# to itself), no negative ints (in CPython hash(-1) == hash(-2)), no -0.0 (equal to 0.0 anyway)
INTS = st.integers(0, 10**6)
FLOATS = st.floats(0.0, 1e6, allow_nan=False, allow_infinity=False)
BY_TYPE = {int: INTS, float: FLOATS, str: st.text(max_size=12), bool: st.booleans()}


def strategy(hint) -> st.SearchStrategy:
    if hint in BY_TYPE:
        return BY_TYPE[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return st.lists(strategy(args[0]), max_size=6).map(tuple)
    if origin is tuple:
        return st.tuples(*map(strategy, args))
    raise AssertionError(f"tests/test_cache_keys.py has no values for a field of type {hint!r}: add them")


def field_strategies(record) -> dict[str, st.SearchStrategy]:
    hints = typing.get_type_hints(record)
    return {field.name: strategy(hints[field.name]) for field in dataclasses.fields(record)}


def instances(record) -> st.SearchStrategy:
    return st.fixed_dictionaries(field_strategies(record)).map(lambda values: record(**values))


def one_field_changed(record) -> st.SearchStrategy:
    """(a record, the same record with exactly one field given another value, that field's name)."""
    @st.composite
    def build(draw):
        before = draw(instances(record))
        name = draw(st.sampled_from([field.name for field in dataclasses.fields(record)]))
        value = draw(field_strategies(record)[name])
        assume(value != getattr(before, name))
        return before, dataclasses.replace(before, **{name: value}), name
    return build()


def streamlit_key(value) -> str:
    """The hash `st.cache_data` / `st.cache_resource` compute for an argument."""
    import hashlib

    from streamlit.runtime.caching.cache_type import CacheType
    from streamlit.runtime.caching.hashing import update_hash

    hasher = hashlib.new("md5", usedforsecurity=False)
    update_hash(value, hasher=hasher, cache_type=CacheType.RESOURCE)
    return hasher.hexdigest()


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.__name__)
def test_every_field_takes_part_in_equality_and_hash(record):
    """Read from the declaration: a frozen dataclass whose every field compares and hashes."""
    params = record.__dataclass_params__
    assert params.eq and params.frozen, f"{record.__name__} must be a frozen dataclass with field equality"
    assert record.__hash__ is not None and record.__eq__ is not object.__eq__
    for field in dataclasses.fields(record):
        assert field.compare, f"{record.__name__}.{field.name} has compare=False: it would not be part of any key"
        assert field.hash in (None, True), f"{record.__name__}.{field.name} has hash=False"


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.__name__)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_changing_any_one_field_changes_every_key(record, data):
    before, after, name = data.draw(one_field_changed(record))
    assert before != after, f"{record.__name__}.{name} changed but the records are equal"
    assert hash(before) != hash(after), f"{record.__name__}.{name} changed but the hash did not"
    assert len({before, after}) == 2, "a dict keyed by the record would serve one for the other"
    assert streamlit_key(before) != streamlit_key(after), f"Streamlit's cache key ignores {record.__name__}.{name}"
    # and equal records are one key, so equal settings never recompute
    twin = dataclasses.replace(before)
    assert twin == before and hash(twin) == hash(before) and streamlit_key(twin) == streamlit_key(before)


@settings(max_examples=100, deadline=None)
@given(changed=one_field_changed(core.DistillationSettings))
def test_the_per_seed_key_keeps_every_field_but_the_seed_count(changed):
    """A finished seed is stored under (`settings.per_seed`, seed): every field but `seeds` must reach it."""
    before, after, name = changed
    if name == "seeds":
        assert before.per_seed == after.per_seed
    else:
        assert before.per_seed != after.per_seed and hash(before.per_seed) != hash(after.per_seed), name


def cached_functions():
    """(name, the plain function) of every st.cache_data / st.cache_resource function in pages/ui/compute.py."""
    for name, value in vars(compute).items():
        info = getattr(value, "_info", None)
        if info is not None and callable(getattr(info, "func", None)):
            yield name, info.func


def test_compute_has_cached_functions():
    names = dict(cached_functions())
    assert {"_stored_comparison", "_stored_experiment", "_stored_distillation_seed"} <= set(names), sorted(names)


@pytest.mark.parametrize("name,func", list(cached_functions()), ids=lambda v: v if isinstance(v, str) else "")
def test_cached_functions_hash_every_setting_and_take_whole_records(name, func):
    """Streamlit leaves every parameter whose name starts with `_` out of the key: only a store's result may be
    such a parameter. Whatever takes a settings record takes the record itself (so every field is hashed)."""
    hints = typing.get_type_hints(func)
    for parameter in inspect.signature(func).parameters.values():
        if parameter.name.startswith("_"):
            assert parameter.name == "_result", f"{name}({parameter.name}) is left out of its cache key"
        hint = hints.get(parameter.name)
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            assert hint in RECORDS, f"{name} takes {hint.__name__}: add it to RECORDS so its fields are checked"


STORES = [(compute._stored_comparison, core.Scene), (compute._stored_experiment, core.ExperimentSettings)]


@pytest.mark.parametrize("store,record", STORES, ids=lambda v: getattr(v, "__name__", ""))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_stored_result_is_never_served_for_other_settings(store, record, data):
    """The app's own stores (st.cache_resource, driven as `heavy.shared` drives them): a result stored for one
    record is found for an equal record and for no record that differs in one field."""
    before, after, name = data.draw(one_field_changed(record))
    marker = object()
    store.clear()
    store(before, marker)
    assert store(dataclasses.replace(before)) is marker
    with pytest.raises(compute._NotCached):
        store(after)
        pytest.fail(f"{store.__name__} served the result of other settings: only {record.__name__}.{name} differed")
    store.clear()


@settings(max_examples=60, deadline=None)
@given(changed=one_field_changed(core.DistillationSettings), seed=INTS)
def test_a_stored_seed_is_never_served_for_other_settings(changed, seed):
    before, after, name = changed
    store = compute._stored_distillation_seed
    marker = object()
    store.clear()
    store((before.per_seed, seed), marker)
    assert store((before.per_seed, seed)) is marker
    with pytest.raises(compute._NotCached):
        store((before.per_seed, seed + 1))
    if name != "seeds":
        with pytest.raises(compute._NotCached):
            store((after.per_seed, seed))
    store.clear()


@given(texts=st.dictionaries(st.text(max_size=5), st.text(max_size=8), min_size=1, max_size=6), data=st.data())
@settings(max_examples=60, deadline=None)
def test_figure_label_keys_change_with_any_label(texts, data):
    """`compute.freeze` turns a chart's label texts into its cache key: any changed label is a new key."""
    key = data.draw(st.sampled_from(sorted(texts)))
    new = data.draw(st.text(max_size=8))
    assume(new != texts[key])
    assert compute.freeze(texts) != compute.freeze(texts | {key: new})
    assert compute.freeze(texts) == compute.freeze(dict(reversed(list(texts.items()))))
