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


def test_the_exact_checker_rejects_wrong_identities_and_what_is_not_rational():
    """The gradient steps are decided in `_Exact`'s field after e^{c z} -> x^c: a wrong derivative is caught, an
    exponential that is not e^{whole multiples of z} and any other symbol or function are never "verified", and
    only polynomial values are substituted."""
    z, q, x = symbolic._symbols(2)
    eps = symbolic.EPS_SYMBOL
    exact = symbolic._Exact(z, x, q, eps)
    p0 = sp.exp(z[0]) / (sp.exp(z[0]) + sp.exp(z[1]))
    derivative = sp.diff(p0, z[0])                       # holds e^{2 z_0}
    assert sp.exp(2 * z[0]) in derivative.atoms(sp.exp)
    assert symbolic._zero(lambda: exact(derivative) - exact(p0) * (1 - exact(p0)))
    assert not symbolic._zero(lambda: exact(derivative) - exact(p0))            # a wrong derivative is caught
    assert not symbolic._zero(lambda: exact(derivative) - exact(p0) * (1 + exact(p0)))
    assert symbolic._in_x(sp.exp(2 * z[0] - z[1]), z, x) == x[0] ** 2 / x[1]
    for not_rational in (sp.exp(z[0] / 2), sp.exp(z[0] + 1), sp.exp(z[0] * z[1]), sp.log(x[0]), sp.Symbol("K")):
        assert not symbolic._zero(lambda e=not_rational: exact(e) - exact(e))
    x_, q_ = exact.x_, exact.q_
    one_minus_eps = exact(1 - eps)
    assert symbolic._zero(lambda: exact.substitute(q_[0] * x_[0] / (q_[1] + x_[1]), {0: one_minus_eps, 1: exact(eps / 3)})
                          - exact((1 - eps) * x[0] / (eps / 3 + x[1])))
    assert not symbolic._zero(lambda: exact.substitute(q_[0], {0: one_minus_eps}) - exact(1 + eps))
    assert not symbolic._zero(lambda: exact.substitute(q_[0], {0: exact(1 / eps)}) - exact(1 / eps))   # not a polynomial
    assert not symbolic._zero(lambda: exact.substitute(1 / q_[0], {0: exact(sp.Integer(0))}))           # 1 / 0


def test_a_wrong_derivative_fails_every_step_checked_with_one(monkeypatch):
    """Every check that uses SymPy's derivatives is performed: with each derivative doubled, only the definitions
    (the probabilities sum to 1, no derivative) are still verified."""
    true_diff = sp.diff
    monkeypatch.setattr(symbolic.sp, "diff", lambda *args, **kwargs: 2 * true_diff(*args, **kwargs))
    steps = symbolic.gradient_derivation(3)
    assert {s.id: s.verified for s in steps} == dict.fromkeys(STEP_IDS, False) | {"definitions": True}


@pytest.mark.parametrize("prior", ["uniform", "others"])
def test_the_one_hot_limit_and_the_zero_gap_are_what_sympy_finds_directly(prior):
    """The derivation takes the limit of the logarithm's argument and the zero gap from the roots of a numerator
    (cheaper); SymPy's limit of the logarithm itself and `solve` of e^gap = 1 find the same."""
    d = core.optimum_derivation(prior)
    eps = symbolic.EPS_SYMBOL
    assert sp.limit(d.gap, eps, 0, "+") == d.one_hot_limit == sp.oo
    assert sp.solve(sp.Eq(sp.exp(d.gap), 1), eps) == [d.zero_gap_eps]


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


def test_optimum_check_with_the_derivation_already_derived():
    cases = ((3, 0.1), (100, 0.01))
    derived = core.optimum_derivation("others")
    given, again = core.optimum_check("others", cases, derived), core.optimum_check("others", cases)
    np.testing.assert_array_equal(given.sympy, again.sympy)
    np.testing.assert_array_equal(given.numpy, again.numpy)
    with pytest.raises(ValueError, match="prior 'others', not 'uniform'"):
        core.optimum_check("uniform", cases, derived)
