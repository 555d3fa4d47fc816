"""SymPy derivations returned as data: ordered, frozen steps, each checked by SymPy.

Every statement is built as a SymPy expression and printed with `sympy.latex`; `verified` says whether
SymPy reduced the difference of its two sides to 0 (for the chosen K, with explicit symbols
z_0..z_{K-1}, q_0..q_{K-1}: class 0 is the true class, as everywhere in the app). Exponentials are replaced by positive symbols x_i = e^{z_i} before checking, so
every check is a rational-function identity that `cancel` decides exactly (no blind `simplify`).
No text from a user ever reaches SymPy's parser: all expressions are built in code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ._validation import check_prior_name

TRUE_COLOUR = "#0072B2"   # the app's colour for the true class (kept in step with the UI palette)
WRONG_COLOUR = "#D55E00"  # and for the wrong classes
MIN_CLASSES, MAX_CLASSES = 2, 8


@dataclass(frozen=True)
class DerivationStep:
    """One step: `latex` is the statement for general K; `instance_latex` the same statement written
    out for the chosen K (when that adds something); `verified` whether SymPy checked it for that K."""

    id: str
    title_key: str
    latex: str
    verified: bool
    instance_latex: str = ""
    general: bool = False  # True when `latex` is the general-K argument (shown, checked only via the K instance)


def _is_zero(expression) -> bool:
    """True when SymPy proves `expression` == 0 (a rational function after x_i = e^{z_i})."""
    return sp.cancel(sp.together(expression)) == 0


def _symbols(num_classes: int):
    z = sp.symbols(f"z_0:{num_classes}", real=True)
    q = sp.symbols(f"q_0:{num_classes}", nonnegative=True)
    x = sp.symbols(f"x_0:{num_classes}", positive=True)  # x_i stands for e^{z_i}
    return z, q, x


def _as_rational(expression, z, x):
    """Replace e^{z_i} by x_i (and log e^{z_i} by log x_i) so identities become rational ones."""
    return sp.expand_log(expression.subs({sp.exp(zi): xi for zi, xi in zip(z, x)}), force=True)


def _d(name_top: str, name_bottom: str) -> sp.Symbol:
    return sp.Symbol(rf"\frac{{\partial {name_top}}}{{\partial {name_bottom}}}")


def _check_num_classes(num_classes) -> int:
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) \
            or not MIN_CLASSES <= num_classes <= MAX_CLASSES:
        raise ValueError(f"num_classes must be a whole number from {MIN_CLASSES} to {MAX_CLASSES}, got {num_classes!r}")
    return int(num_classes)


def gradient_derivation(num_classes: int) -> tuple[DerivationStep, ...]:
    """The softmax / cross-entropy gradient, step by step, each step verified for this K (2..8).

    >>> steps = gradient_derivation(3)
    >>> [s.id for s in steps][:3], all(s.verified for s in steps)
    (['definitions', 'softmax_diagonal', 'softmax_off_diagonal'], True)
    """
    k = _check_num_classes(num_classes)
    z, q, x = _symbols(k)
    total = sum(sp.exp(zj) for zj in z)
    p = [sp.exp(zi) / total for zi in z]
    loss = -sum(qi * sp.log(pi) for qi, pi in zip(q, p))
    rational = lambda e: _as_rational(e, z, x)  # noqa: E731
    p_sym, q_sym = sp.Symbol("p_i"), sp.Symbol("q_i")
    p_k, z_i, z_k = sp.Symbol("p_k"), sp.Symbol("z_i"), sp.Symbol("z_k")
    i_, j_ = sp.symbols("i j", integer=True)
    steps: list[DerivationStep] = []

    # 1. definitions; check: the probabilities sum to 1
    last = sp.Add(sp.Symbol("K"), -1, evaluate=False)   # classes 0 .. K − 1, printed "K - 1"
    definition = sp.Eq(p_sym, sp.exp(z_i) / sp.Sum(sp.exp(sp.Indexed("z", j_)), (j_, 0, last)))
    loss_definition = sp.Eq(sp.Symbol("L"), -sp.Sum(sp.Mul(sp.Indexed("q", i_), sp.log(sp.Indexed("p", i_)), evaluate=False),
                                                    (i_, 0, last)))
    steps.append(DerivationStep(
        "definitions", "derivation.step.definitions",
        sp.latex(definition) + r",\qquad " + sp.latex(loss_definition, order="none"),
        _is_zero(rational(sum(p) - 1)),
        instance_latex=sp.latex(sp.Eq(sp.Symbol("p_0"), p[0])), general=True))

    # 2. d p_i / d z_i = p_i (1 - p_i)
    diagonal = all(_is_zero(rational(sp.diff(p[i], z[i]) - p[i] * (1 - p[i]))) for i in range(k))
    steps.append(DerivationStep(
        "softmax_diagonal", "derivation.step.softmax_diagonal",
        sp.latex(sp.Eq(_d("p_i", "z_i"), p_sym * (1 - p_sym))), diagonal,
        instance_latex=sp.latex(sp.Eq(_d("p_0", "z_0"), sp.factor(rational(sp.diff(p[0], z[0])))).subs(
            {xi: sp.exp(zi) for zi, xi in zip(z, x)}))))

    # 3. d p_i / d z_k = -p_i p_k (k != i); together p_i (delta_ik - p_k)
    off_diagonal = all(_is_zero(rational(sp.diff(p[i], z[m]) + p[i] * p[m])) for i in range(k) for m in range(k) if m != i)
    steps.append(DerivationStep(
        "softmax_off_diagonal", "derivation.step.softmax_off_diagonal",
        sp.latex(sp.Eq(_d("p_i", "z_k"), -p_sym * p_k)) + r"\quad (k \ne i)\qquad\Longrightarrow\qquad "
        + sp.latex(sp.Eq(_d("p_i", "z_k"), p_sym * (sp.KroneckerDelta(sp.Symbol("i"), sp.Symbol("k")) - p_k))),
        off_diagonal))

    # 4. d L / d p_i = -q_i / p_i, treating the p_i as free variables
    free_p = sp.symbols(f"P_0:{k}", positive=True)
    loss_in_p = -sum(qi * sp.log(pi) for qi, pi in zip(q, free_p))
    by_p = all(_is_zero(sp.diff(loss_in_p, free_p[i]) + q[i] / free_p[i]) for i in range(k))
    steps.append(DerivationStep(
        "loss_by_probability", "derivation.step.loss_by_probability",
        sp.latex(sp.Eq(_d("L", "p_i"), -q_sym / p_sym)), by_p))

    # 5. chain rule: dL/dz_i = sum_j dL/dp_j dp_j/dz_i, which equals -q_i + p_i sum_j q_j
    chain = [sum((-q[j] / p[j]) * sp.diff(p[j], z[i]) for j in range(k)) for i in range(k)]
    # dL/dz_i and p_i in rational form (x_i = e^{z_i}), converted once and reused by steps 5 to 7
    direct = [rational(sp.diff(loss, z[i])) for i in range(k)]
    p_x = [xi / sum(x) for xi in x]
    chain_ok = all(_is_zero(rational(chain[i]) - direct[i]) for i in range(k)) and all(
        _is_zero(direct[i] - (-q[i] + p_x[i] * sum(q))) for i in range(k))
    q_j, p_j = sp.Indexed("q", j_), sp.Indexed("p", j_)
    # kept unevaluated so the printed sum shows the chain rule's two factors before they cancel
    factor_l = sp.Mul(-1, q_j, sp.Pow(p_j, -1, evaluate=False), evaluate=False)
    factor_p = sp.Mul(p_j, sp.Add(sp.KroneckerDelta(j_, sp.Symbol("i")), -p_sym, evaluate=False), evaluate=False)
    chain_general = sp.Eq(_d("L", "z_i"), sp.Sum(sp.Mul(factor_l, factor_p, evaluate=False), (j_, 0, last)),
                          evaluate=False)
    steps.append(DerivationStep(
        "chain_rule", "derivation.step.chain_rule",
        sp.latex(chain_general, order="none") + r" = -q_i + p_i \sum_{j=0}^{K-1} q_j", chain_ok, general=True))

    # 6. with sum_j q_j = 1: dL/dz_i = p_i - q_i, in [-1, 1]
    normalised = {q[-1]: 1 - sum(q[:-1])}
    final_ok = all(_is_zero((direct[i] - (p_x[i] - q[i])).subs(normalised)) for i in range(k))
    steps.append(DerivationStep(
        "gradient", "derivation.step.gradient",
        sp.latex(sp.Eq(_d("L", "z_i"), p_sym - q_sym)) + r"\in [-1,\,1]", final_ok))

    # 7. one-hot and smoothed targets (class 0 true), both conventions
    eps = sp.Symbol(r"\varepsilon", positive=True)
    special_ok = True
    for targets in (
        [sp.Integer(1)] + [sp.Integer(0)] * (k - 1),
        [1 - eps + eps / k] + [eps / k] * (k - 1),
        [1 - eps] + [eps / (k - 1)] * (k - 1),
    ):
        substituted = {qi: ti for qi, ti in zip(q, targets)}
        special_ok &= all(_is_zero(direct[i].subs(substituted) - (p_x[i] - targets[i])) for i in range(k))
    true_z, wrong_z = sp.Symbol("z_0"), sp.Symbol("z_k")   # class 0 true, k = 1 .. K - 1 wrong
    colours = {true_z: rf"{{\color{{{TRUE_COLOUR}}}z_0}}", wrong_z: rf"{{\color{{{WRONG_COLOUR}}}z_k}}",
               sp.Symbol("p_0"): rf"{{\color{{{TRUE_COLOUR}}}p_0}}", sp.Symbol("p_k"): rf"{{\color{{{WRONG_COLOUR}}}p_k}}"}
    special_latex = (
        sp.latex(sp.Eq(_d("L", "z_0"), sp.Symbol("p_0") - 1), symbol_names=colours) + r",\quad "
        + sp.latex(sp.Eq(_d("L", "z_k"), sp.Symbol("p_k")), symbol_names=colours) + r"\ (\text{one-hot}),\qquad "
        + sp.latex(sp.Eq(_d("L", "z_k"), sp.Symbol("p_k") - eps / sp.Symbol("K")), symbol_names=colours, order="none")
        + r"\ \text{or}\ " + sp.latex(sp.Eq(_d("L", "z_k"), sp.Add(sp.Symbol("p_k"), sp.Mul(-1, sp.Mul(
            eps, sp.Pow(sp.Add(sp.Symbol("K"), -1, evaluate=False), -1, evaluate=False), evaluate=False), evaluate=False),
            evaluate=False)), symbol_names=colours, order="none"))
    steps.append(DerivationStep("special_targets", "derivation.step.special_targets", special_latex, special_ok))
    return tuple(steps)


@dataclass(frozen=True)
class OptimumDerivation:
    """Where the smoothed loss is smallest, for one convention, derived and checked by SymPy."""

    prior: str
    steps: tuple[DerivationStep, ...]
    gap: sp.Expr                 # the optimal gap as a SymPy expression in K and epsilon
    one_hot_limit: sp.Expr       # its limit as epsilon -> 0+ (oo)
    zero_gap_eps: sp.Expr        # the epsilon at which the gap is 0

    def gap_value(self, num_classes: int, eps: float) -> float:
        """The SymPy formula evaluated numerically (for checks against `optimal_logit_gap`)."""
        return float(self.gap.subs({K_SYMBOL: num_classes, EPS_SYMBOL: sp.Float(eps, 30)}).evalf(30))


K_SYMBOL = sp.Symbol("K", integer=True, positive=True)
EPS_SYMBOL = sp.Symbol(r"\varepsilon", positive=True)


def optimum_derivation(prior: str = "uniform") -> OptimumDerivation:
    """Setting the gradient to zero: softmax(z) = q', so z_i = log q'_i + alpha, and the optimal gap.

    >>> d = optimum_derivation("others")
    >>> d.gap, d.one_hot_limit, d.zero_gap_eps
    (log((1 - \\varepsilon)*(K - 1)/\\varepsilon), oo, (K - 1)/K)
    """
    check_prior_name(prior)
    K, eps = K_SYMBOL, EPS_SYMBOL
    alpha = sp.Symbol(r"\alpha", real=True)
    if prior == "uniform":
        q_true, q_false = 1 - eps + eps / K, eps / K
        closed = sp.log(1 + K * (1 - eps) / eps)
    else:
        q_true, q_false = 1 - eps, eps / (K - 1)
        closed = sp.log((K - 1) * (1 - eps) / eps)
    z_true, z_false = sp.log(q_true) + alpha, sp.log(q_false) + alpha
    gap = z_true - z_false
    # the shift alpha cancels, and e^gap = q_true / q_false is a rational identity in K and epsilon
    gap_ok = not gap.has(alpha) and sp.cancel(q_true / q_false - sp.exp(closed)) == 0
    limit = sp.limit(closed, eps, 0, "+")
    zero_eps = sp.solve(sp.Eq(sp.exp(closed), 1), eps)
    zero = zero_eps[0] if len(zero_eps) == 1 else sp.nan
    colours = {sp.Symbol("z_true"): rf"{{\color{{{TRUE_COLOUR}}}z^*_{{\text{{true}}}}}}",
               sp.Symbol("z_false"): rf"{{\color{{{WRONG_COLOUR}}}z^*_{{\text{{false}}}}}}"}
    zt, zf = sp.Symbol("z_true"), sp.Symbol("z_false")
    gap_symbol = sp.Add(zt, sp.Mul(-1, zf, evaluate=False), evaluate=False)
    steps = (
        DerivationStep("stationary", "derivation.optimum.stationary",
                       r"\frac{\partial L}{\partial z_i} = p_i - q'_i = 0 \;\Longrightarrow\; "
                       + sp.latex(sp.Eq(sp.Symbol("z_i^*"), sp.log(sp.Symbol("q'_i")) + alpha), order="none"), True),
        DerivationStep("targets", "derivation.optimum.targets",
                       sp.latex(sp.Eq(zt, sp.log(q_true) + alpha), symbol_names=colours, order="none") + r",\qquad "
                       + sp.latex(sp.Eq(zf, sp.log(q_false) + alpha), symbol_names=colours, order="none"), True),
        DerivationStep("gap", "derivation.optimum.gap",
                       sp.latex(sp.Eq(gap_symbol, closed, evaluate=False), symbol_names=colours, order="none"), bool(gap_ok)),
        DerivationStep("one_hot_limit", "derivation.optimum.one_hot_limit",
                       sp.latex(sp.Eq(sp.Limit(closed, eps, 0, "+"), limit)), limit == sp.oo),
        DerivationStep("zero_gap", "derivation.optimum.zero_gap",
                       sp.latex(sp.Eq(gap_symbol, 0, evaluate=False), symbol_names=colours, order="none") + r"\iff " + sp.latex(sp.Eq(eps, zero)),
                       zero is not sp.nan and sp.cancel(sp.exp(closed).subs(eps, zero) - 1) == 0),
    )
    return OptimumDerivation(prior, steps, closed, limit, zero)


def regulariser_identity(num_classes: int = 4) -> tuple[DerivationStep, ...]:
    """H(q', p) = (1 - eps) H(q, p) + eps H(u, p), and H(u, p) = KL(u || p) + H(u), checked for K classes.

    >>> [s.verified for s in regulariser_identity()]
    [True, True]
    """
    k = num_classes
    eps = EPS_SYMBOL
    p = sp.symbols(f"p_0:{k}", positive=True)
    q = sp.symbols(f"q_0:{k}", nonnegative=True)
    u = sp.symbols(f"u_0:{k}", positive=True)

    def cross_entropy(target, prediction):
        return -sum(a * sp.log(b) for a, b in zip(target, prediction))

    smoothed = [(1 - eps) * qi + eps * ui for qi, ui in zip(q, u)]
    mix_ok = sp.expand(cross_entropy(smoothed, p) - ((1 - eps) * cross_entropy(q, p) + eps * cross_entropy(u, p))) == 0
    kl = sum(ui * sp.log(ui / pi) for ui, pi in zip(u, p))
    entropy_u = -sum(ui * sp.log(ui) for ui in u)
    kl_ok = sp.expand(sp.expand_log(cross_entropy(u, p) - (kl + entropy_u), force=True)) == 0
    H = sp.Function("H")
    KL = sp.Function(r"\mathrm{KL}")
    qp, q_, u_, p_ = sp.Symbol("q'"), sp.Symbol("q"), sp.Symbol("u"), sp.Symbol("p")
    eps_ = EPS_SYMBOL
    return (
        DerivationStep("mixture", "derivation.regulariser.mixture",
                       sp.latex(sp.Eq(H(qp, p_), sp.Add((1 - eps_) * H(q_, p_), eps_ * H(u_, p_), evaluate=False)), order="none"), bool(mix_ok)),
        DerivationStep("kl", "derivation.regulariser.kl",
                       sp.latex(sp.Eq(H(u_, p_), sp.Add(KL(u_, p_), H(u_), evaluate=False)), order="none"), bool(kl_ok)),
    )
