"""Closed forms and gradient descent: hand cases, descend converging to the closed forms, theory curves."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lsr_core as L


def test_optimal_logit_gap_hand_cases():
    # K = 2, uniform, eps = 0.1: targets [0.95, 0.05] -> gap log 19
    assert L.optimal_logit_gap(2, 0.1) == pytest.approx(np.log(19.0), abs=1e-12)
    assert L.optimal_logit_gap(2, 0.1, "others") == pytest.approx(np.log(9.0), abs=1e-12)
    assert L.optimal_logit_gap(10, 0.1) == pytest.approx(np.log(1 + 10 * 0.9 / 0.1), abs=1e-12)
    assert L.optimal_logit_gap(10, 0.1, "others") == pytest.approx(np.log(9 * 0.9 / 0.1), abs=1e-12)
    assert L.optimal_logit_gap(5, 0.0) == np.inf
    assert L.optimal_logit_gap(5, 0.0, "others") == np.inf
    assert L.optimal_logit_gap(5, 1.0) == 0.0
    assert L.optimal_logit_gap(5, 1.0, "others") == -np.inf
    assert L.optimal_logit_gap(5, 0.8, "others") == pytest.approx(0.0, abs=1e-12)
    assert L.optimal_logit_gap(5, 0.9, "others") < 0
    np.testing.assert_allclose(L.optimal_logit_gap(3, np.array([0.1, 0.2])),
                               [L.optimal_logit_gap(3, 0.1), L.optimal_logit_gap(3, 0.2)], rtol=0)
    for bad in (dict(num_classes=1, eps=0.1), dict(num_classes=3, eps=1.1), dict(num_classes=3, eps=0.1, prior="x")):
        with pytest.raises(ValueError):
            L.optimal_logit_gap(**bad)


@pytest.mark.parametrize("k", [2, 3, 10, 100])
@pytest.mark.parametrize("prior", ["uniform", "others"])
def test_optimal_logits_agree_with_gap_and_targets(k, prior):
    q = L.smooth_targets(0, k, 0.15, prior)
    z = L.optimal_logits(q)
    assert z.mean() == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(L.softmax(z), q, rtol=1e-12)
    assert z[0] - z[1] == pytest.approx(L.optimal_logit_gap(k, 0.15, prior), abs=1e-12)


def test_optimal_logits_with_a_zero_target():
    z = L.optimal_logits([0.5, 0.5, 0.0])
    assert z[2] == -np.inf and z[0] == pytest.approx(0.0) and z[1] == pytest.approx(0.0)


@pytest.mark.parametrize("k,eps,prior,lr", [
    (2, 0.1, "uniform", 1.0), (2, 0.1, "others", 2.0), (10, 0.1, "uniform", 1.0),
    (10, 0.2, "others", 3.0), (50, 0.3, "uniform", 2.0), (5, 0.5, "others", 1.0),
])
def test_descend_reaches_the_closed_form(k, eps, prior, lr):
    q = L.smooth_targets(0, k, eps, prior)
    run = L.descend(np.zeros(k), q, lr=lr, steps=60_000, num_records=50)
    assert run.gap()[-1] == pytest.approx(L.optimal_logit_gap(k, eps, prior), abs=1e-9)
    np.testing.assert_allclose(run.logits[-1], L.optimal_logits(q), atol=1e-9)
    assert run.loss[-1] == pytest.approx(float(L.entropy(q)), abs=1e-12)
    assert run.loss_increases == 0


def test_descend_batch_sweep_matches_separate_runs_and_conserves_mean():
    rng = np.random.default_rng(0)
    eps = np.array([0.05, 0.1, 0.3])
    q = L.smooth_targets(np.zeros(3, dtype=int), 6, 0.0) * (1 - eps[:, None]) + eps[:, None] / 6
    z0 = rng.normal(size=6)
    batch = L.descend(z0, q, lr=1.5, steps=700, num_records=30)
    for i in range(3):
        single = L.descend(z0, q[i], lr=1.5, steps=700, num_records=30)
        np.testing.assert_allclose(batch.logits[:, i], single.logits, atol=1e-13)
    np.testing.assert_allclose(batch.logits.mean(-1), z0.mean(), atol=1e-12)


def test_descend_records_are_bounded_and_include_ends():
    run = L.descend(np.zeros(1000), L.one_hot(0, 1000), lr=1.0, steps=100_000, num_records=201)
    assert run.steps[0] == 0 and run.steps[-1] == 100_000 and run.steps.size == 201
    assert np.all(np.diff(run.steps) > 0)
    assert run.logits.shape == (201, 1000) and run.logits.nbytes < 2_000_000
    assert np.all(np.isfinite(run.logits)) and np.all(np.isfinite(run.loss))
    short = L.descend(np.zeros(3), L.one_hot(0, 3), lr=1.0, steps=7)
    np.testing.assert_array_equal(short.steps, np.arange(8))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 300_000), st.integers(2, 3000))
def test_record_steps_properties(steps, num_records):
    when = L.record_steps(steps, num_records)
    assert when[0] == 0 and when[-1] == steps
    assert when.size == min(steps + 1, num_records)
    assert np.all(np.diff(when) > 0)


def test_descend_first_step_by_hand():
    # K = 2, z = 0, one-hot: p = [.5, .5], grad = [-.5, .5]; lr 2 -> z = [1, -1]
    run = L.descend(np.zeros(2), [1.0, 0.0], lr=2.0, steps=1)
    np.testing.assert_allclose(run.logits[1], [1.0, -1.0], atol=0)
    assert run.loss[0] == pytest.approx(np.log(2))
    assert run.grad_norm[0] == pytest.approx(np.sqrt(0.5))


def test_progressive_yields_growing_prefixes_of_the_same_run():
    q = L.smooth_targets(0, 4, 0.1)
    parts = list(L.descend_progressive(np.zeros(4), q, 1.0, 500, num_records=101, updates=5))
    assert len(parts) == 5
    sizes = [p.steps.size for p in parts]
    assert sizes == sorted(sizes) and sizes[-1] == 101
    full = L.descend(np.zeros(4), q, 1.0, 500, num_records=101)
    np.testing.assert_array_equal(parts[-1].logits, full.logits)


def test_large_learning_rate_is_detected():
    q = L.smooth_targets(0, 2, 0.1)
    assert L.descend(np.zeros(2), q, lr=1.0, steps=300).loss_increases == 0
    assert L.descend(np.array([3.0, -3.0]), q, lr=60.0, steps=300).loss_increases > 0


@pytest.mark.parametrize("k", [2, 10, 1000])
def test_one_hot_gap_curve_solves_its_equation(k):
    t = np.array([0.0, 1.0, 10.0, 1e3, 1e6, 1e12])
    for g0 in (0.0, -2.0, 3.0):
        g = L.one_hot_gap_curve(k, 0.5, t, initial_gap=g0)
        lhs = np.exp(g) + (k - 1) * g
        rhs = 0.5 * k * t + np.exp(g0) + (k - 1) * g0
        np.testing.assert_allclose(lhs, rhs, rtol=1e-12, atol=1e-9)
        assert g[0] == pytest.approx(g0, abs=1e-12)
        np.testing.assert_allclose(L.one_hot_steps_to_gap(k, 0.5, g, initial_gap=g0), t, rtol=1e-9, atol=1e-7)
    # grows like log(lr K t), without bound
    late = L.one_hot_gap_curve(k, 0.5, 1e12)
    assert late - np.log(0.5 * k * 1e12) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("k,lr", [(2, 1.0), (10, 1.0), (10, 0.1), (100, 2.0)])
def test_one_hot_descent_tracks_the_theory_curve(k, lr):
    run = L.descend(np.zeros(k), L.one_hot(0, k), lr=lr, steps=100_000, num_records=60)
    theory = L.one_hot_gap_curve(k, lr, run.steps)
    error = np.abs(run.gap() - theory) / theory.clip(min=1e-12)
    late = run.steps >= 1000
    assert np.all(error[late] < 0.05)
    # relative error shrinks with t
    assert error[-1] < error[np.argmax(late)]
    assert run.gap()[-1] > run.gap()[-10] > 0  # still growing


def _correctly_rounded_p_true(num_classes: int, gap: float, precision: int) -> float:
    """p_true = 1 / (1 + (K-1) e^-g) in 80-digit arithmetic, rounded to `precision` significand bits."""
    import mpmath

    with mpmath.workprec(300):
        exact = 1 / (1 + (num_classes - 1) * mpmath.exp(-mpmath.mpf(gap)))
    with mpmath.workprec(precision):
        return float(+exact)   # unary + rounds to the working precision (to nearest)


@pytest.mark.parametrize("k", [2, 3, 10, 1000])
@pytest.mark.parametrize("dtype, bits", [(np.float64, 53), (np.float32, 24)])
def test_rounding_gap_is_where_the_correctly_rounded_p_true_becomes_one(k, dtype, bits):
    gap = L.rounding_gap(k, dtype)
    assert _correctly_rounded_p_true(k, gap + 1e-9, bits) == 1.0
    assert _correctly_rounded_p_true(k, gap - 1e-6, bits) < 1.0
    # the closed form the docstring states: about log((K - 1) 2^54) in float64, log((K - 1) 2^25) in float32
    assert gap == pytest.approx(np.log((k - 1) * 2.0 ** (bits + 1)), abs=1e-6)


def test_rounding_gap_does_not_depend_on_summation_order():
    """K = 2 and K = 3 differ by log 2, which a softmax that adds e^-g to 1 one at a time does not see."""
    assert L.rounding_gap(3) - L.rounding_gap(2) == pytest.approx(np.log(2.0), abs=1e-12)
    with pytest.raises(ValueError):
        L.rounding_gap(3, np.int32)


def _one_hot_step(z: np.ndarray, lr: float) -> np.ndarray:
    """One step of gradient descent towards class 0, every operation in z's dtype (as freeze_gap states)."""
    q = np.zeros_like(z)
    q[0] = 1
    exps = np.exp(z - z.max())
    return z - z.dtype.type(lr) * (exps / exps.sum() - q)


def test_freeze_gap_is_where_a_real_float32_run_stops():
    k, lr = 2, 10.0
    frozen_at = L.freeze_gap(k, lr, np.float32)
    # start a real float32 run half a nat below, from logits with mean 0, and run it until it stops
    start = frozen_at - 0.3
    z = np.array([start / 2, -start / 2], dtype=np.float32)
    for _ in range(2_000_000):
        following = _one_hot_step(z, lr)
        if np.array_equal(following, z):
            break
        z = following
    else:
        pytest.fail("the float32 run did not freeze")
    assert float(z[0] - z[1]) == pytest.approx(frozen_at, abs=0.02)


@pytest.mark.parametrize("k, lr", [(2, 1.0), (10, 0.1), (1000, 10.0)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_freeze_gap_is_a_fixed_point_and_lies_below_the_rounding_gap_plus_a_margin(k, lr, dtype):
    frozen_at = L.freeze_gap(k, lr, dtype)
    def logits(gap):
        z = np.full(k, -gap / k)
        z[0] = (k - 1) * gap / k
        return z.astype(dtype)
    z = logits(frozen_at)
    assert np.array_equal(_one_hot_step(z, lr), z)
    earlier = logits(frozen_at - 0.5)
    assert not np.array_equal(_one_hot_step(earlier, lr), earlier)
    assert frozen_at < L.rounding_gap(k, dtype) + 1.0
    # float32 freezes ~20 nats earlier than float64
    assert L.freeze_gap(k, lr, np.float32) < L.freeze_gap(k, lr, np.float64) - 10


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 12), st.integers(0, 2**32 - 1))
def test_softmax_hessian_is_at_most_one_half_so_rates_below_four_never_raise_the_loss(k, seed):
    """The page tells users that eta <= 4 is always safe: the Hessian of the cross-entropy in the
    logits is diag(p) - p p^T, whose eigenvalues lie in [0, 1/2], and gradient descent with a rate
    below 2 / (1/2) = 4 cannot raise the loss."""
    rng = np.random.default_rng(seed)
    z = 3 * rng.standard_normal(k)
    p = L.softmax(z)
    hessian = np.diag(p) - np.outer(p, p)
    # the Hessian by central differences of the gradient, as an independent check of the formula
    h = 1e-6
    q = L.smooth_targets(0, k, rng.uniform(0, 1))
    numeric = np.stack([(L.cross_entropy_grad(z + h * e, q) - L.cross_entropy_grad(z - h * e, q)) / (2 * h)
                        for e in np.eye(k)])
    np.testing.assert_allclose(numeric, hessian, atol=1e-7)
    eigenvalues = np.linalg.eigvalsh(hessian)
    assert eigenvalues.min() >= -1e-12 and eigenvalues.max() <= 0.5 + 1e-12
    run = L.descend(z, q, lr=3.9, steps=300, num_records=301)
    assert run.loss_increases == 0
