"""A small multi-layer perceptron in NumPy: forward pass, cross-entropy, and its backward pass beside it.

Hidden layers use ReLU; the output layer is linear (logits), so that the last hidden activations h are
the "penultimate layer" of Müller, Kornblith & Hinton (2019) and the columns of the output weight
matrix are the class templates w_k with z_k = h · w_k + b_k.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_count
from .losses import _cross_entropy, softmax


@dataclass(frozen=True)
class MLP:
    """Weights `(n_in, n_out)` and biases `(n_out,)` per layer, input to output."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    @property
    def templates(self) -> np.ndarray:
        """The output-layer class templates, one column per class: `(H, K)`."""
        return self.weights[-1]

    def parameters(self) -> list[np.ndarray]:
        return [*self.weights, *self.biases]

    @staticmethod
    def from_parameters(arrays) -> MLP:
        layers = len(arrays) // 2
        return MLP(tuple(arrays[:layers]), tuple(arrays[layers:]))


def init_mlp(sizes, seed: int = 0) -> MLP:
    """He-initialised weights for layer sizes `(n_in, h_1, ..., K)`, zero biases.

    >>> [w.shape for w in init_mlp((4, 8, 3)).weights]
    [(4, 8), (8, 3)]
    """
    sizes = [check_count("layer size", int(s), 1) for s in sizes]
    if len(sizes) < 2:
        raise ValueError("an MLP needs at least an input and an output size")
    rng = np.random.default_rng(check_count("seed", seed, 0))
    weights = tuple(rng.standard_normal((a, b)) * np.sqrt(2.0 / a) for a, b in zip(sizes[:-1], sizes[1:]))
    return MLP(weights, tuple(np.zeros(b) for b in sizes[1:]))


def forward(model: MLP, x: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Activations of every layer (input first, penultimate last) and the logits `(N, K)`."""
    activations = [np.asarray(x, dtype=np.float64)]
    for w, b in zip(model.weights[:-1], model.biases[:-1]):
        activations.append(np.maximum(activations[-1] @ w + b, 0.0))
    return activations, activations[-1] @ model.weights[-1] + model.biases[-1]


def logits(model: MLP, x) -> np.ndarray:
    return forward(model, x)[1]


def loss(model: MLP, x, targets) -> float:
    """Mean cross-entropy H(q, softmax(f(x))) over the batch."""
    return float(_cross_entropy(logits(model, x), np.asarray(targets, dtype=np.float64)).mean())


def loss_and_gradient(model: MLP, x, targets) -> tuple[float, MLP]:
    """The mean cross-entropy and its gradient with respect to every weight and bias.

    Backward rules: ∂L/∂z = (p − q)/N at the output; through a linear layer a = h W + b,
    ∂L/∂W = hᵀ ∂L/∂a, ∂L/∂b = Σ_rows ∂L/∂a, ∂L/∂h = ∂L/∂a Wᵀ; through ReLU, ∂L/∂a = ∂L/∂h where a > 0.
    """
    activations, z = forward(model, x)
    q = np.asarray(targets, dtype=np.float64)
    n = z.shape[0]
    value = float(_cross_entropy(z, q).mean())
    upstream = (softmax(z) - q) / n
    grad_w, grad_b = [], []
    for layer in range(len(model.weights) - 1, -1, -1):
        h = activations[layer]
        grad_w.append(h.T @ upstream)
        grad_b.append(upstream.sum(axis=0))
        if layer:
            upstream = (upstream @ model.weights[layer].T) * (h > 0)
    return value, MLP(tuple(reversed(grad_w)), tuple(reversed(grad_b)))


@dataclass
class Adam:
    """Adam (Kingma & Ba 2015) with the usual defaults; state per parameter array."""

    rate: float
    beta1: float = 0.9
    beta2: float = 0.999
    tiny: float = 1e-8
    steps: int = 0
    first: list | None = None
    second: list | None = None

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> list[np.ndarray]:
        if self.first is None:
            self.first = [np.zeros_like(p) for p in params]
            self.second = [np.zeros_like(p) for p in params]
        self.steps += 1
        correction1 = 1.0 - self.beta1 ** self.steps
        correction2 = 1.0 - self.beta2 ** self.steps
        updated = []
        for p, g, m, v in zip(params, grads, self.first, self.second):
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            updated.append(p - self.rate * (m / correction1) / (np.sqrt(v / correction2) + self.tiny))
        return updated
