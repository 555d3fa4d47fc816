"""Targets, softmax, cross-entropy and its gradient: hand cases, properties, finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lsr_core as L

PRIORS = ["uniform", "others"]


# ---------- hand-computable cases ----------

def test_smooth_targets_hand_cases():
    np.testing.assert_allclose(L.smooth_targets(0, 2, 0.1), [0.95, 0.05], atol=1e-15)
    np.testing.assert_allclose(L.smooth_targets(0, 2, 0.1, "others"), [0.9, 0.1], atol=1e-15)
    np.testing.assert_allclose(L.smooth_targets(2, 4, 0.0), [0, 0, 1, 0], atol=0)
    np.testing.assert_allclose(L.smooth_targets(1, 4, 1.0), [0.25] * 4, atol=1e-15)
    np.testing.assert_allclose(L.smooth_targets(1, 4, 1.0, "others"), [1 / 3, 0, 1 / 3, 1 / 3], atol=1e-15)
    np.testing.assert_allclose(L.smooth_targets(0, 3, 0.5, [0.5, 0.5, 0.0]), [0.75, 0.25, 0.0], atol=1e-15)


def test_smooth_targets_batch_shape():
    labels = np.array([[0, 1, 2], [2, 2, 1]])
    q = L.smooth_targets(labels, 5, 0.2, "others")
    assert q.shape == (2, 3, 5) and q.dtype == np.float64
    assert q[1, 0, 2] == pytest.approx(0.8) and q[1, 0, 0] == pytest.approx(0.05)


@pytest.mark.parametrize("bad", [
    dict(labels=0, num_classes=1, eps=0.1),
    dict(labels=0, num_classes=3, eps=-0.01),
    dict(labels=0, num_classes=3, eps=1.5),
    dict(labels=0, num_classes=3, eps=float("nan")),
    dict(labels=3, num_classes=3, eps=0.1),
    dict(labels=-1, num_classes=3, eps=0.1),
    dict(labels=0.5, num_classes=3, eps=0.1),
    dict(labels=0, num_classes=3, eps=0.1, prior="fairseq"),
    dict(labels=0, num_classes=3, eps=0.1, prior=[0.5, 0.5]),
    dict(labels=0, num_classes=3, eps=0.1, prior=[0.5, 0.6, -0.1]),
    dict(labels=0, num_classes=3, eps=0.1, prior=[0.2, 0.2, 0.2]),
])
def test_smooth_targets_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        L.smooth_targets(**bad)


def test_equivalent_eps_makes_targets_coincide():
    for k in (2, 5, 10, 1000):
        eps_o = L.equivalent_eps(0.1, k, "uniform", "others")
        np.testing.assert_allclose(L.smooth_targets(0, k, 0.1), L.smooth_targets(0, k, eps_o, "others"), atol=1e-15)
        assert L.equivalent_eps(eps_o, k, "others", "uniform") == pytest.approx(0.1, abs=1e-15)
    with pytest.raises(ValueError):
        L.equivalent_eps(0.9, 5, "others", "uniform")


def test_softmax_hand_and_extreme():
    np.testing.assert_allclose(L.softmax([0.0, 0.0]), [0.5, 0.5], atol=0)
    np.testing.assert_allclose(L.softmax([np.log(1.0), np.log(3.0)]), [0.25, 0.75], atol=1e-15)
    for big in (1e6, -1e6):
        p = L.softmax([big, big - 1.0, 0.0])
        assert np.all(np.isfinite(p))
        np.testing.assert_allclose(p.sum(), 1.0, atol=1e-15)
    np.testing.assert_allclose(L.softmax([1e6, -1e6]), [1.0, 0.0], atol=0)
    np.testing.assert_allclose(L.log_softmax([1e6, -1e6]), [0.0, -2e6], atol=0)


def test_cross_entropy_hand_cases():
    assert float(L.cross_entropy([0.0, 0.0, 0.0], [1.0, 0.0, 0.0])) == pytest.approx(np.log(3), abs=1e-15)
    # K = 2, z = [log 3, 0]: p = [3/4, 1/4]
    z = [np.log(3.0), 0.0]
    assert float(L.cross_entropy(z, [0.9, 0.1])) == pytest.approx(-(0.9 * np.log(0.75) + 0.1 * np.log(0.25)), abs=1e-15)
    np.testing.assert_allclose(L.cross_entropy_grad(z, [0.9, 0.1]), [-0.15, 0.15], atol=1e-15)
    # q = 0 entries contribute nothing even when p underflows to 0
    assert float(L.cross_entropy([1e6, -1e6], [1.0, 0.0])) == 0.0


def test_cross_entropy_rejects_bad_input():
    with pytest.raises(ValueError):
        L.cross_entropy([0.0, np.inf], [1.0, 0.0])
    with pytest.raises(ValueError):
        L.cross_entropy([0.0, 0.0], [0.5, 0.6])
    with pytest.raises(ValueError):
        L.cross_entropy([0.0, 0.0], [1.0, 0.0, 0.0])


def test_loss_decomposition_hand_case():
    z = np.array([2.0, 0.0, -1.0])
    parts = L.loss_decomposition(z, 0, 0.3, "uniform")
    log_p = L.log_softmax(z)
    assert float(parts.data_term) == pytest.approx(-log_p[0], abs=1e-15)
    assert float(parts.prior_term) == pytest.approx(-log_p.mean(), abs=1e-15)
    data, prior = parts
    assert float(parts.total) == pytest.approx(0.7 * data + 0.3 * prior, abs=1e-15)


# ---------- properties ----------

logit_rows = arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(2, 12)),
                    elements=st.floats(-50, 50, allow_nan=False))


@settings(max_examples=80, deadline=None)
@given(logit_rows, st.floats(0, 1), st.sampled_from(PRIORS), st.data())
def test_properties(z, eps, prior, data):
    k = z.shape[-1]
    labels = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=z.shape[0], max_size=z.shape[0])))
    q = L.smooth_targets(labels, k, eps, prior)
    np.testing.assert_allclose(q.sum(-1), 1.0, atol=1e-12)
    assert np.all(q >= 0)
    g = L.cross_entropy_grad(z, q)
    np.testing.assert_allclose(g.sum(-1), 0.0, atol=1e-12)
    assert np.all(np.abs(g) <= 1.0 + 1e-12)
    loss = L.cross_entropy(z, q)
    assert np.all(loss >= L.entropy(q) - 1e-9)  # Gibbs: H(q, p) >= H(q)
    parts = L.loss_decomposition(z, labels, eps, prior)
    np.testing.assert_allclose(parts.total, loss, rtol=1e-12, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.integers(2, 8), elements=st.floats(-5, 5)), st.floats(0, 1), st.sampled_from(PRIORS))
def test_gradient_matches_central_differences(z, eps, prior):
    k = z.size
    q = L.smooth_targets(0, k, eps, prior)
    h = 1e-6
    numeric = np.array([(L.cross_entropy(z + h * e, q) - L.cross_entropy(z - h * e, q)) / (2 * h) for e in np.eye(k)])
    np.testing.assert_allclose(L.cross_entropy_grad(z, q), numeric, atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.integers(2, 8), elements=st.floats(-30, 30)), st.floats(-1e3, 1e3))
def test_softmax_ignores_a_shared_shift(z, shift):
    np.testing.assert_allclose(L.softmax(z + shift), L.softmax(z), atol=1e-12)
