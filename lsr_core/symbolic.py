"""SymPy derivations returned as data: ordered, frozen steps, each checked by SymPy.

Every statement is built as a SymPy expression and printed with `sympy.latex`; `verified` says whether
SymPy reduced the difference of its two sides to 0 (for the chosen K, with explicit symbols
z_0..z_{K-1}, q_0..q_{K-1}: class 0 is the true class, as everywhere in the app). SymPy differentiates the
expressions in z; exponentials e^{c·z} are then replaced by monomials in positive symbols x_i = e^{z_i}, so
every check is a rational-function identity, decided exactly in SymPy's field of rational functions with
rational coefficients, where every element is a fraction in lowest terms (no blind `simplify`; `_Exact`).
No text from a user ever reaches SymPy's parser: all expressions are built in code.
"""

from __future__ import annotations

import functools
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


def _in_x(expression, z, x):
    """`expression` with every e^{c_0 z_0 + c_1 z_1 + …} (whole numbers c_i) replaced by x_0^{c_0} x_1^{c_1} …, which
    is exact since x_i = e^{z_i}. Any other exponential is left as it is (and the result is then not rational in x)."""
    index = dict(zip(z, x))
    powers = {}
    for power in expression.atoms(sp.exp):
        exponents = power.args[0].as_coefficients_dict()
        if all(zi in index and c.is_Integer for zi, c in exponents.items()):
            powers[power] = sp.Mul(*(index[zi] ** c for zi, c in exponents.items()))
    return expression.xreplace(powers)


class _NotRational(Exception):
    """An expression is not a rational function of the field's variables: no identity about it is verified."""


class _Exact:
    """Exact arithmetic in the field of rational functions of x_0 … x_{K−1} (x_i = e^{z_i}), q_0 … q_{K−1} and ε with
    rational coefficients (SymPy's `field`): every element is a fraction reduced to lowest terms, so two expressions
    are equal as rational functions exactly when their difference is the element 0 (`_zero`)."""

    def __init__(self, z, x, q, eps):
        self.z, self.x = z, x
        self.field, *gens = sp.field([*x, *q, eps], sp.QQ)
        k = len(x)
        self.x_, self.q_ = gens[:k], gens[k:2 * k]

    def __call__(self, expression):
        """`expression` (in e^{z_i}, q_i, ε) as a field element; `_NotRational` if it is not one."""
        try:
            return self.field.from_expr(_in_x(expression, self.z, self.x))
        except ValueError:
            raise _NotRational(expression) from None

    def substitute(self, element, values: dict):
        """`element` with q_i replaced by `values[i]`, field elements that are polynomials (their denominators are
        constants): the numerator and the denominator composed with them, then reduced to lowest terms."""
        pairs = []
        for i, value in values.items():
            if not value.denom.is_ground:
                raise _NotRational(value)
            pairs.append((self.q_[i].numer, value.numer.quo_ground(value.denom.LC)))
        return self.field.new(element.numer.compose(pairs), element.denom.compose(pairs))


def _zero(difference) -> bool:
    """Whether `difference()`, a field element, is 0 (False if a term in it was not a rational function)."""
    try:
        return not difference()
    except (_NotRational, ZeroDivisionError):
        return False


# a displayed statement: built as written, not evaluated (deciding it is what the checks do, exactly)
_eq = functools.partial(sp.Eq, evaluate=False)


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
    loss = -sum(qi * sp.log(pi, evaluate=False) for qi, pi in zip(q, p))   # as written: SymPy differentiates it
    eps = sp.Symbol(r"\varepsilon", positive=True)
    exact = _Exact(z, x, q, eps)   # each identity below is decided in exact rational arithmetic, after x_i = e^{z_i}
    # SymPy's derivatives of the softmax, each taken once (steps 2, 3 and 5 use them), and p_i, both converted
    dp = functools.lru_cache(maxsize=None)(lambda j, i: exact(sp.diff(p[j], z[i])))
    p_ = functools.lru_cache(maxsize=None)(lambda i: exact(p[i]))
    p_sym, q_sym = sp.Symbol("p_i"), sp.Symbol("q_i")
    p_k, z_i, z_k = sp.Symbol("p_k"), sp.Symbol("z_i"), sp.Symbol("z_k")
    i_, j_ = sp.symbols("i j", integer=True)
    steps: list[DerivationStep] = []

    # 1. definitions; check: the probabilities sum to 1
    last = sp.Add(sp.Symbol("K"), -1, evaluate=False)   # classes 0 .. K − 1, printed "K - 1"
    definition = _eq(p_sym, sp.exp(z_i) / sp.Sum(sp.exp(sp.Indexed("z", j_)), (j_, 0, last)))
    loss_definition = _eq(sp.Symbol("L"), -sp.Sum(sp.Mul(sp.Indexed("q", i_), sp.log(sp.Indexed("p", i_)), evaluate=False),
                                                    (i_, 0, last)))
    steps.append(DerivationStep(
        "definitions", "derivation.step.definitions",
        sp.latex(definition) + r",\qquad " + sp.latex(loss_definition, order="none"),
        _zero(lambda: exact(sum(p) - 1)),
        instance_latex=sp.latex(_eq(sp.Symbol("p_0"), p[0], evaluate=False)), general=True))

    # 2. d p_i / d z_i = p_i (1 - p_i)
    diagonal = all(_zero(lambda i=i: dp(i, i) - p_(i) * (1 - p_(i))) for i in range(k))
    steps.append(DerivationStep(
        "softmax_diagonal", "derivation.step.softmax_diagonal",
        sp.latex(_eq(_d("p_i", "z_i"), p_sym * (1 - p_sym), evaluate=False)), diagonal,
        instance_latex=sp.latex(_eq(_d("p_0", "z_0"), sp.factor(_in_x(sp.diff(p[0], z[0]), z, x)).subs(
            {xi: sp.exp(zi) for zi, xi in zip(z, x)}), evaluate=False))))

    # 3. d p_i / d z_k = -p_i p_k (k != i); together p_i (delta_ik - p_k)
    off_diagonal = all(_zero(lambda i=i, m=m: dp(i, m) + p_(i) * p_(m)) for i in range(k) for m in range(k) if m != i)
    steps.append(DerivationStep(
        "softmax_off_diagonal", "derivation.step.softmax_off_diagonal",
        sp.latex(_eq(_d("p_i", "z_k"), -p_sym * p_k)) + r"\quad (k \ne i)\qquad\Longrightarrow\qquad "
        + sp.latex(_eq(_d("p_i", "z_k"), p_sym * (sp.KroneckerDelta(sp.Symbol("i"), sp.Symbol("k")) - p_k))),
        off_diagonal))

    # 4. d L / d p_i = -q_i / p_i, treating the p_i as free variables
    free_p = sp.symbols(f"P_0:{k}", positive=True)
    loss_in_p = -sum(qi * sp.log(pi) for qi, pi in zip(q, free_p))
    by_p = all(_is_zero(sp.diff(loss_in_p, free_p[i]) + q[i] / free_p[i]) for i in range(k))
    steps.append(DerivationStep(
        "loss_by_probability", "derivation.step.loss_by_probability",
        sp.latex(_eq(_d("L", "p_i"), -q_sym / p_sym)), by_p))

    # 5. chain rule: dL/dz_i = sum_j dL/dp_j dp_j/dz_i, which equals -q_i + p_i sum_j q_j
    # dL/dz_i as SymPy differentiates L itself, converted once and reused by steps 5 to 7; p_i written in the x_i
    direct = functools.lru_cache(maxsize=None)(lambda i: exact(sp.diff(loss, z[i])))
    q_, p_x = exact.q_, [xi / sum(exact.x_) for xi in exact.x_]
    chain_ok = all(_zero(lambda i=i: sum(-q_[j] / p_(j) * dp(j, i) for j in range(k)) - direct(i)) for i in range(k)) \
        and all(_zero(lambda i=i: direct(i) - (-q_[i] + p_x[i] * sum(q_))) for i in range(k))
    q_j, p_j = sp.Indexed("q", j_), sp.Indexed("p", j_)
    # kept unevaluated so the printed sum shows the chain rule's two factors before they cancel
    factor_l = sp.Mul(-1, q_j, sp.Pow(p_j, -1, evaluate=False), evaluate=False)
    factor_p = sp.Mul(p_j, sp.Add(sp.KroneckerDelta(j_, sp.Symbol("i")), -p_sym, evaluate=False), evaluate=False)
    chain_general = _eq(_d("L", "z_i"), sp.Sum(sp.Mul(factor_l, factor_p, evaluate=False), (j_, 0, last)),
                          evaluate=False)
    steps.append(DerivationStep(
        "chain_rule", "derivation.step.chain_rule",
        sp.latex(chain_general, order="none") + r" = -q_i + p_i \sum_{j=0}^{K-1} q_j", chain_ok, general=True))

    # 6. with sum_j q_j = 1: dL/dz_i = p_i - q_i, in [-1, 1]
    normalised = {k - 1: 1 - sum(q_[:-1])}   # q_{K-1} = 1 - (q_0 + ... + q_{K-2})
    final_ok = all(_zero(lambda i=i: exact.substitute(direct(i) - (p_x[i] - q_[i]), normalised)) for i in range(k))
    steps.append(DerivationStep(
        "gradient", "derivation.step.gradient",
        sp.latex(_eq(_d("L", "z_i"), p_sym - q_sym, evaluate=False)) + r"\in [-1,\,1]", final_ok))

    # 7. one-hot and smoothed targets (class 0 true), both conventions
    special_ok = True
    for targets in (
        [sp.Integer(1)] + [sp.Integer(0)] * (k - 1),
        [1 - eps + eps / k] + [eps / k] * (k - 1),
        [1 - eps] + [eps / (k - 1)] * (k - 1),
    ):
        values = [exact(target) for target in targets]
        substituted = dict(enumerate(values))
        special_ok &= all(_zero(lambda i=i: exact.substitute(direct(i), substituted) - (p_x[i] - values[i])) for i in range(k))
    true_z, wrong_z = sp.Symbol("z_0"), sp.Symbol("z_k")   # class 0 true, k = 1 .. K - 1 wrong
    colours = {true_z: rf"{{\color{{{TRUE_COLOUR}}}z_0}}", wrong_z: rf"{{\color{{{WRONG_COLOUR}}}z_k}}",
               sp.Symbol("p_0"): rf"{{\color{{{TRUE_COLOUR}}}p_0}}", sp.Symbol("p_k"): rf"{{\color{{{WRONG_COLOUR}}}p_k}}"}
    special_latex = (
        sp.latex(_eq(_d("L", "z_0"), sp.Symbol("p_0") - 1), symbol_names=colours) + r",\quad "
        + sp.latex(_eq(_d("L", "z_k"), sp.Symbol("p_k")), symbol_names=colours) + r"\ (\text{one-hot}),\qquad "
        + sp.latex(_eq(_d("L", "z_k"), sp.Symbol("p_k") - eps / sp.Symbol("K")), symbol_names=colours, order="none")
        + r"\ \text{or}\ " + sp.latex(_eq(_d("L", "z_k"), sp.Add(sp.Symbol("p_k"), sp.Mul(-1, sp.Mul(
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
    # the limit of the logarithm's argument e^gap, a rational function of epsilon, for K >= 2 classes (K = m + 2);
    # log is continuous and increasing, so the limit of the logarithm is its logarithm (log oo = oo). SymPy's limit
    # of the logarithm itself gives the same (tests/test_core_symbolic.py) at several times the cost
    classes = sp.Symbol("m", integer=True, nonnegative=True) + 2
    limit = sp.log(sp.limit(sp.exp(closed).subs(K, classes), eps, 0, "+"))
    # the gap is 0 where e^gap = 1, a rational equation in epsilon: with e^gap - 1 = N / D in lowest terms, its
    # solutions are the roots of the polynomial N that do not make D vanish (and, epsilon being positive, are not
    # known to be negative or 0), as `sympy.solve` finds them; the one found is substituted back below
    numerator, denominator = sp.fraction(sp.cancel(sp.exp(closed) - 1))
    zero_eps = [root for root in sp.roots(sp.Poly(numerator, eps))
                if denominator.subs(eps, root) != 0 and root.is_positive is not False]
    zero = zero_eps[0] if len(zero_eps) == 1 else sp.nan
    colours = {sp.Symbol("z_true"): rf"{{\color{{{TRUE_COLOUR}}}z^*_{{\text{{true}}}}}}",
               sp.Symbol("z_false"): rf"{{\color{{{WRONG_COLOUR}}}z^*_{{\text{{false}}}}}}"}
    zt, zf = sp.Symbol("z_true"), sp.Symbol("z_false")
    gap_symbol = sp.Add(zt, sp.Mul(-1, zf, evaluate=False), evaluate=False)
    steps = (
        DerivationStep("stationary", "derivation.optimum.stationary",
                       r"\frac{\partial L}{\partial z_i} = p_i - q'_i = 0 \;\Longrightarrow\; "
                       + sp.latex(_eq(sp.Symbol("z_i^*"), sp.log(sp.Symbol("q'_i")) + alpha), order="none"), True),
        DerivationStep("targets", "derivation.optimum.targets",
                       sp.latex(_eq(zt, sp.log(q_true) + alpha), symbol_names=colours, order="none") + r",\qquad "
                       + sp.latex(_eq(zf, sp.log(q_false) + alpha), symbol_names=colours, order="none"), True),
        DerivationStep("gap", "derivation.optimum.gap",
                       sp.latex(_eq(gap_symbol, closed, evaluate=False), symbol_names=colours, order="none"), bool(gap_ok)),
        DerivationStep("one_hot_limit", "derivation.optimum.one_hot_limit",
                       sp.latex(_eq(sp.Limit(closed, eps, 0, "+"), limit)), limit == sp.oo),
        DerivationStep("zero_gap", "derivation.optimum.zero_gap",
                       sp.latex(_eq(gap_symbol, 0, evaluate=False), symbol_names=colours, order="none") + r"\iff " + sp.latex(_eq(eps, zero)),
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
                       sp.latex(_eq(H(qp, p_), sp.Add((1 - eps_) * H(q_, p_), eps_ * H(u_, p_), evaluate=False)), order="none"), bool(mix_ok)),
        DerivationStep("kl", "derivation.regulariser.kl",
                       sp.latex(_eq(H(u_, p_), sp.Add(KL(u_, p_), H(u_), evaluate=False)), order="none"), bool(kl_ok)),
    )
