"""SymPy derivations: every step verified for K = 2..8, the verifier can say no, and the symbolic
results agree with the NumPy core."""

import numpy as np
import pytest
import sympy as sp

import lsr_core as core
from lsr_core import symbolic
from pages.ui.i18n import LANGUAGES, load_catalogue

STEP_IDS = ["definitions", "softmax_diagonal", "softmax_off_diagonal", "loss_by_probability", "chain_rule",
            "gradient", "special_targets"]


@pytest.mark.parametrize("k", range(2, 9))
def test_every_gradient_step_is_verified(k):
    steps = core.gradient_derivation(k)
    assert [s.id for s in steps] == STEP_IDS
    assert all(s.verified for s in steps), [s.id for s in steps if not s.verified]
    for step in steps:
        assert step.latex and "\\" in step.latex  # produced by sympy.latex, not empty


def test_final_expression_is_p_minus_q_for_each_class():
    """Independent of the module's own check: differentiate L and compare with p_i - q_i."""
    k = 4
    z = sp.symbols("z1:5", real=True)
    q = sp.symbols("q1:5", nonnegative=True)
    p = [sp.exp(zi) / sum(sp.exp(zj) for zj in z) for zi in z]
    loss = -sum(qi * sp.log(pi) for qi, pi in zip(q, p))
    for i in range(k):
        gradient = sp.diff(loss, z[i]).subs(q[-1], 1 - sum(q[:-1]))
        values = {zi: v for zi, v in zip(z, (0.3, -1.2, 2.0, 0.1))} | {q[0]: 0.7, q[1]: 0.1, q[2]: 0.1}
        expected = (p[i] - (q[i] if i < k - 1 else 1 - sum(q[:-1]))).subs(values)
        assert float(gradient.subs(values)) == pytest.approx(float(expected), abs=1e-12)


def test_the_verifier_rejects_a_wrong_identity():
    x = sp.symbols("x_1:3", positive=True)
    p1 = x[0] / (x[0] + x[1])
    assert symbolic._is_zero(p1 * (1 - p1) - p1 + p1**2)
    assert not symbolic._is_zero(p1 * (1 - p1) - p1)          # a wrong derivative is caught
    assert not symbolic._is_zero(p1 - x[0] / (x[0] + 2 * x[1]))


@pytest.mark.parametrize("bad", [1, 9, 2.0, True, "3"])
def test_gradient_derivation_rejects_bad_k(bad):
    with pytest.raises(ValueError):
        core.gradient_derivation(bad)


@pytest.mark.parametrize("prior", ["uniform", "others"])
def test_optimum_derivation_agrees_with_the_numpy_core(prior):
    derivation = core.optimum_derivation(prior)
    assert all(s.verified for s in derivation.steps)
    assert derivation.one_hot_limit == sp.oo
    rng = np.random.default_rng(7)
    for _ in range(25):
        k = int(rng.integers(2, 2000))
        eps = float(rng.uniform(1e-4, 0.999))
        numeric = core.optimal_logit_gap(k, eps, prior)
        if np.isfinite(numeric):
            assert derivation.gap_value(k, eps) == pytest.approx(numeric, rel=1e-12, abs=1e-12)
    zero = derivation.zero_gap_eps.subs(symbolic.K_SYMBOL, 10)
    assert core.optimal_logit_gap(10, float(zero), prior) == pytest.approx(0.0, abs=1e-12)


def test_regulariser_identity_holds_symbolically_and_numerically():
    assert all(s.verified for s in core.regulariser_identity())
    rng = np.random.default_rng(3)
    for prior in ("uniform", "others"):
        z = rng.normal(size=6)
        parts = core.loss_decomposition(z, 2, 0.3, prior)
        q = core.smooth_targets(2, 6, 0.3, prior)
        assert float(parts.total) == pytest.approx(float(core.cross_entropy(z, q)), abs=1e-12)
        u = core.prior_distribution(2, 6, prior)
        kl = np.sum(np.where(u > 0, u * np.log(np.where(u > 0, u, 1) / core.softmax(z)), 0.0))
        assert float(parts.prior_term) == pytest.approx(kl + float(core.entropy(u)), abs=1e-12)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_step_has_a_title_and_text_in_both_catalogues(lang):
    catalogue = load_catalogue(lang)
    steps = list(core.gradient_derivation(2)) + list(core.regulariser_identity())
    steps += [s for prior in ("uniform", "others") for s in core.optimum_derivation(prior).steps]
    for step in steps:
        assert catalogue[step.title_key + ".title"] and catalogue[step.title_key + ".text"]


def test_numerical_gradient_is_independent_and_agrees():
    z = np.array([1.0, -2.0, 0.5, 3.0])
    q = core.smooth_targets(1, 4, 0.2, "others")
    np.testing.assert_allclose(core.numerical_gradient(z, q), core.cross_entropy_grad(z, q), atol=1e-8)
    with pytest.raises(ValueError):
        core.numerical_gradient(np.zeros((2, 3)), np.full((2, 3), 1 / 3))
