"""Label dropout, the regulariser split, the library table and the errata: each number against an
independent computation; Monte-Carlo tolerances follow from N."""

import numpy as np
import pytest

import lsr_core as core
from lsr_core import conventions


@pytest.mark.parametrize("prior", ["uniform", "others"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_label_dropout_converges_at_the_rate_that_follows_from_n(prior, seed):
    z = np.array([2.0, 0.5, -1.0, 0.0, 1.0])
    eps, n = 0.3, 200_000
    run = core.label_dropout(z, 1, eps, prior, max_draws=n, seed=seed)
    q = core.smooth_targets(1, 5, eps, prior)
    losses = -core.log_softmax(z)
    sigma = np.sqrt(np.sum(q * losses**2) - np.sum(q * losses) ** 2)   # exact spread of one draw's loss
    assert run.smoothed_loss == pytest.approx(float(core.cross_entropy(z, q)), abs=1e-12)
    assert run.loss_error[-1] <= 4.5 * sigma / np.sqrt(n)
    assert run.standard_error[-1] == pytest.approx(sigma / np.sqrt(n), rel=0.05)
    # each class count is binomial: the gradient error per class is below 4.5 standard deviations
    assert np.all(np.abs(run.mean_gradient[-1] - run.smoothed_gradient) <= 4.5 * np.sqrt(q * (1 - q) / n) + 1e-12)
    np.testing.assert_allclose(run.smoothed_gradient, core.cross_entropy_grad(z, q), atol=1e-15)
    # and the error shrinks: far fewer draws are far less accurate on average
    assert run.draws[0] == 1 and run.draws[-1] == n and np.all(np.diff(run.draws) > 0)


def test_label_dropout_edges():
    z = np.array([1.0, 0.0, 0.0])
    exact = core.label_dropout(z, 0, 0.0, max_draws=50)
    assert np.all(exact.loss_error < 1e-12)  # eps = 0: every draw is the true label
    with pytest.raises(ValueError):
        core.label_dropout(z, 3, 0.1)
    with pytest.raises(ValueError):
        core.label_dropout(np.zeros((2, 3)), 0, 0.1)


@pytest.mark.parametrize("prior", ["uniform", "others", np.array([0.5, 0.25, 0.25, 0.0])])
def test_regulariser_terms_split_the_smoothed_loss(prior):
    gaps = np.linspace(-5, 15, 41)
    name = prior if isinstance(prior, str) else "uniform"
    terms = core.regulariser_terms(4, 0.25, name, gaps)
    for g, total, kl, h_up in zip(gaps, terms.total, terms.kl, terms.prior_term):
        z = np.array([g, 0.0, 0.0, 0.0])
        assert total == pytest.approx(float(core.cross_entropy(z, core.smooth_targets(0, 4, 0.25, name))), abs=1e-12)
        assert kl + terms.prior_entropy == pytest.approx(h_up, abs=1e-12) and kl >= -1e-12
    assert np.all(np.isfinite(terms.total))


def test_library_table():
    rows = {row.library: row for row in core.library_table(2, 0.1)}
    assert (rows["PyTorch"].true_target, rows["PyTorch"].wrong_target) == pytest.approx((0.95, 0.05), abs=1e-15)
    # fairseq 0.12 and later: eps/(K-1); 0.10 and earlier: eps/K, like PyTorch
    assert (rows["fairseq ≥ 0.12"].true_target, rows["fairseq ≥ 0.12"].wrong_target) == pytest.approx((0.9, 0.1), abs=1e-15)
    assert (rows["fairseq ≤ 0.10"].true_target, rows["fairseq ≤ 0.10"].wrong_target) == pytest.approx((0.95, 0.05), abs=1e-15)
    for row in core.library_table(10, 0.2):
        q = core.smooth_targets(0, 10, 0.2, row.prior)
        assert (row.true_target, row.wrong_target) == (q[0], q[1])
        assert row.optimal_gap == core.optimal_logit_gap(10, 0.2, row.prior)
    assert {row.prior for row in core.library_table(3, 0.1)} == {"uniform", "others"}
    np.testing.assert_allclose(core.binary_smoothing(0.2), [0.9, 0.1], atol=1e-15)


def test_erratum_alpha_inside_the_log():
    erratum = conventions.alpha_inside_log(10, 0.1, 2.0)
    assert erratum.differs
    # independent: logits whose wrong entries equal alpha and whose softmax is q' have this true logit
    q = core.smooth_targets(0, 10, 0.1, "others")
    z = np.log(q) - np.log(q[1]) + 2.0
    np.testing.assert_allclose(core.softmax(z), q, rtol=1e-12)
    assert erratum.correct == pytest.approx(z[0], abs=1e-12) == erratum.details["descent_true_logit"]
    assert erratum.claimed == pytest.approx(np.log(9 * 0.9 / 2.1), abs=1e-12)


def test_erratum_q_inside_the_log_is_minimised_by_the_uniform_prediction():
    erratum = conventions.q_inside_log(10, 0.1)
    assert erratum.differs
    assert erratum.details["claimed_at_uniform"] < erratum.details["claimed_at_q"]
    q = core.smooth_targets(0, 10, 0.1)
    # the correct cross-entropy is smallest at p = q' (Gibbs), unlike the claimed expression
    assert float(core.entropy(q)) < -np.sum(q * np.log(np.full(10, 0.1)))


def test_erratum_formula_versus_code():
    erratum = conventions.formula_versus_code(10, 0.1)
    assert erratum.differs
    assert (erratum.claimed, erratum.correct) == (core.optimal_logit_gap(10, 0.1, "others"), core.optimal_logit_gap(10, 0.1))
    eps = erratum.details["equivalent_eps"]
    np.testing.assert_allclose(core.smooth_targets(0, 10, eps, "others"), core.smooth_targets(0, 10, 0.1), atol=1e-15)


def test_erratum_true_logit_keeps_rising():
    erratum = conventions.true_logit_is_not_constant(10)
    values = erratum.details["true_logit"]
    assert all(b > a + 1.0 for a, b in zip(values, values[1:]))  # up by more than 1 per decade of steps
    assert erratum.details["mean_logit"] < 1e-12


def test_erratum_loss_split():
    erratum = conventions.loss_split(10, 0.1)
    assert erratum.differs and erratum.claimed > erratum.correct
    z = np.random.default_rng(0).normal(size=10)
    z[0] += 3.0
    parts = core.loss_decomposition(z, 0, 0.1, "others")
    assert erratum.correct == pytest.approx(float(parts.total), abs=1e-12)


# ---------- the errata's every number, against values computed here ----------

def test_alpha_inside_the_log_where_the_claim_has_no_logarithm():
    # ε + α ≤ 0: the claimed log has no real value, shown as −∞; just above 0 and below 1 it is finite
    assert conventions.alpha_inside_log(10, 0.1, -0.1).claimed == -np.inf
    assert conventions.alpha_inside_log(10, 0.1, -0.2).claimed == -np.inf
    assert conventions.alpha_inside_log(10, 0.1, 0.5).claimed == pytest.approx(np.log(9 * 0.9 / 0.6), abs=1e-12)
    small = conventions.alpha_inside_log(3, 0.2, -0.1)
    assert small.claimed == pytest.approx(np.log(2 * 0.8 / 0.1), abs=1e-12)
    assert small.correct == pytest.approx(np.log(2 * 0.8 / 0.2) - 0.1, abs=1e-12)
    assert small.details == {"descent_true_logit": pytest.approx(small.correct, abs=1e-12), "alpha": -0.1}


def test_q_inside_the_log_numbers():
    k, eps = 5, 0.2
    erratum = conventions.q_inside_log(k, eps, seed=3)
    q = np.array([0.84, 0.04, 0.04, 0.04, 0.04])
    z = np.random.default_rng(3).normal(size=k)
    p = np.exp(z) / np.exp(z).sum()
    assert erratum.claimed == pytest.approx(-np.sum(np.log(p * q)), rel=1e-13)
    assert erratum.correct == pytest.approx(-np.sum(q * np.log(p)), rel=1e-13)
    assert erratum.details["claimed_at_q"] == pytest.approx(-np.sum(np.log(q * q)), rel=1e-13)
    assert erratum.details["claimed_at_uniform"] == pytest.approx(-np.sum(np.log(q / k)), rel=1e-13)


def test_formula_versus_code_numbers():
    erratum = conventions.formula_versus_code(10, 0.1)
    np.testing.assert_allclose(erratum.details["formula_targets"], [0.9, 0.1 / 9], rtol=1e-14)
    np.testing.assert_allclose(erratum.details["code_targets"], [0.91, 0.01], rtol=1e-14)
    assert erratum.claimed == pytest.approx(np.log(9 * 0.9 / 0.1)) and erratum.correct == pytest.approx(np.log(1 + 10 * 0.9 / 0.1))
    assert erratum.details["equivalent_eps"] == pytest.approx(0.09)


def test_true_logit_numbers_follow_the_one_hot_run():
    steps = (10, 100, 1000)
    erratum = conventions.true_logit_is_not_constant(4, lr=0.5, steps=steps)
    run = core.descend(np.zeros(4), core.one_hot(0, 4), 0.5, 1000, num_records=2001)
    at = {int(s): z for s, z in zip(run.steps, run.logits[:, 0])}
    assert erratum.details["steps"] == [10, 100, 1000]
    assert erratum.details["true_logit"] == [pytest.approx(at[s], abs=1e-12) for s in steps]
    assert (erratum.claimed, erratum.correct) == (erratum.details["true_logit"][0], erratum.details["true_logit"][-1])
    assert erratum.differs and erratum.details["mean_logit"] < 1e-12


def test_loss_split_numbers():
    k, eps = 4, 0.3
    erratum = conventions.loss_split(k, eps, seed=2)
    z = np.random.default_rng(2).normal(size=k)
    z[0] += 3.0
    log_p = z - np.log(np.exp(z).sum())
    assert erratum.claimed == pytest.approx((1 - eps) * -log_p[0] + eps * -log_p[1:].sum(), rel=1e-13)
    q = np.array([0.7, 0.1, 0.1, 0.1])
    assert erratum.correct == pytest.approx(-(q * log_p).sum(), rel=1e-13)
    assert erratum.details == {"data_term": pytest.approx(-log_p[0], rel=1e-13),
                               "prior_term": pytest.approx(-log_p[1:].mean(), rel=1e-13)}


def test_an_erratum_differs_only_beyond_rounding():
    assert not conventions.Erratum(1.0, 1.0 + 1e-12, {}).differs
    assert conventions.Erratum(1.0, 1.0 + 1e-6, {}).differs
    assert not conventions.Erratum(0.0, 1e-13, {}).differs and conventions.Erratum(0.0, 1e-11, {}).differs
