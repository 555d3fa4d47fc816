"""Numbers as a reader wants them: ∞ for infinities, powers of ten for huge or tiny values."""

import math

SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def signed_infinity(value: float) -> str | None:
    if math.isinf(value):
        return "+∞" if value > 0 else "−∞"
    return None


def measured(value: float, digits: int = 2) -> str:
    """`number(value, digits)`, or — for a value that could not be measured (not finite: a class with no points).

    >>> measured(0.3612), measured(float("nan"))
    ('0.36', '—')
    """
    return number(value, digits) if math.isfinite(value) else "—"


def number(value: float, digits: int = 6) -> str:
    """Fixed decimals for ordinary sizes, a × 10ⁿ for very large or small ones, ∞ for infinities,
    and an exact zero (of either sign) as 0.

    >>> number(4.510859506), number(float("inf")), number(3.6e15), number(2.5e-12), number(-0.0)
    ('4.510860', '+∞', '3.6 × 10¹⁵', '2.5 × 10⁻¹²', '0')
    """
    infinite = signed_infinity(value)
    if infinite:
        return infinite
    if value == 0:
        return "0"
    if value != 0 and (abs(value) >= 1e7 or abs(value) < 1e-4):
        mantissa, exponent = f"{value:.1e}".split("e")
        return f"{mantissa} × 10{str(int(exponent)).translate(SUPERSCRIPTS)}"
    return f"{value:,.0f}" if digits == 0 else f"{value:.{digits}f}"


def count(value: int) -> str:
    """Whole numbers with thousands separators.

    >>> count(100000)
    '100,000'
    """
    return f"{value:,}"


def vector(values, digits: int = 3, limit: int = 10) -> str:
    """A short vector for a sentence: the first `limit` entries, then how many more.

    >>> vector([0.5, 0.25, 0.25]), vector(range(12), digits=0, limit=2)
    ('[0.500, 0.250, 0.250]', '[0, 1, … (+10)]')
    """
    values = list(values)
    shown = ", ".join(number(float(v), digits) for v in values[:limit])
    return f"[{shown}, … (+{len(values) - limit})]" if len(values) > limit else f"[{shown}]"


def percent(fraction: float) -> str:
    """A fraction as a whole number of percent, without the sign (the catalogue text adds " %").

    >>> percent(0.3), percent(0.05), percent(1.0)
    ('30', '5', '100')
    """
    return f"{fraction:.0%}"[:-1]


def points(fraction: float, digits: int = 1, signed: bool = False) -> str:
    """A fraction as percentage points, without the sign "%" (the label says the unit).

    >>> points(0.9592), points(-0.0032, signed=True), points(0.0052, signed=True)
    ('95.9', '-0.3', '+0.5')
    """
    return f"{fraction * 100:{'+' if signed else ''}.{digits}f}"


def compact_count(value: int) -> str:
    """A step count in at most three significant digits, for crowded tick labels: 950, 1.22k, 37.8k, 100k.

    >>> [compact_count(n) for n in (0, 950, 1000, 1220, 37782, 100000, 2500000)]
    ['0', '950', '1k', '1.22k', '37.8k', '100k', '2.5M']
    """
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return str(int(value))
