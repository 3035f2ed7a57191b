"""When two reported values agree: the figures a qualifier allows, and the days a date covers.

"approximately 10,000" allows 9,700 to 10,300 and so disagrees with 11,000; "at
least 12" agrees with 14; "nearly 300" agrees with "more than 300" (both put it
about 300); "June" agrees with "June 19".
"""

from __future__ import annotations

import math
from datetime import date

from ..analyze.dates import period_of
from ..records import Claim

APPROXIMATE_TOLERANCE = 0.03  # "approximately 10,000" allows 9,700-10,300, not 11,000
EXACT_TOLERANCE = 0.005
NEARLY_TOLERANCE = 0.10


# Units of one dimension, in a base unit: "200 feet" and "about 60 metres" are one fall.
_IN_BASE = {
    "km": ("m", 1000.0), "m": ("m", 1.0), "cm": ("m", 0.01), "mm": ("m", 0.001), "miles": ("m", 1609.344),
    "nmi": ("m", 1852.0), "ft": ("m", 0.3048), "inches": ("m", 0.0254),
    "km/h": ("km/h", 1.0), "mph": ("km/h", 1.609344), "knots": ("km/h", 1.852),
    "km2": ("m2", 1e6), "m2": ("m2", 1.0), "sq mi": ("m2", 2_589_988.0), "sq ft": ("m2", 0.09290304),
    "ha": ("m2", 1e4), "acres": ("m2", 4046.8564),
    "tonnes": ("kg", 1000.0), "kg": ("kg", 1.0), "g": ("kg", 0.001), "lb": ("kg", 0.45359237),
    "oz": ("kg", 0.028349523), "l": ("l", 1.0), "gallons": ("l", 3.785411784),
}


def unit_family(unit: str | None) -> str | None:
    """The dimension a unit measures, named by its base unit: "ft" and "km" are both "m"."""
    return _IN_BASE.get(unit, (unit, 1.0))[0] if unit else unit


def in_base_unit(value: float, unit: str | None) -> float:
    return value * _IN_BASE.get(unit, (unit, 1.0))[1] if unit else value


def value_interval(claim: Claim) -> tuple[float, float]:
    low, high = _reported_interval(claim)
    return in_base_unit(low, claim.unit), in_base_unit(high, claim.unit)


def _reported_interval(claim: Claim) -> tuple[float, float]:
    """The values a figure allows, given its qualifier, in its own unit. Bounds are closed: "more than
    300" and "nearly 300" both stand for a figure of about 300, and readers do not
    call them a disagreement."""
    low = claim.value or 0.0
    high = claim.value_max if claim.value_max is not None else low
    qualifier = claim.qualifier or ""
    if qualifier == "approximately":
        return low * (1 - APPROXIMATE_TOLERANCE), high * (1 + APPROXIMATE_TOLERANCE)
    if qualifier in ("more than", "at least"):
        return low, math.inf
    if qualifier in ("up to", "at most", "less than"):
        return 0.0, high
    if qualifier == "nearly":
        return high * (1 - NEARLY_TOLERANCE), high
    if qualifier.endswith(" of") or qualifier == "several":  # "hundreds of": at least the multiple
        return low, low * 1000
    return low - _rounding(low), high + _rounding(high)


def _rounding(value: float) -> float:
    """How far a figure stated without qualifier may be from the truth it rounds: half its
    last digit ("2,301" ±0.49, "6.1" ±0.049), or EXACT_TOLERANCE of a round figure
    ("10,000" ±50), which outlets often round."""
    # just under half, so that neighbouring figures (3 and 4, 8.6 and 8.7) never touch
    if not float(value).is_integer():
        decimals = len(f"{value:.4f}".rstrip("0").split(".")[1])
        return 0.49 * 10 ** -decimals
    if value % 10:
        return 0.49
    return abs(value) * EXACT_TOLERANCE


def period(claim: Claim) -> tuple[date, date]:
    """The first and last day a dated claim covers."""
    return period_of(claim.date, claim.granularity)


CONVERTED_TOLERANCE = 0.06  # "six miles" is "10 km" rounded: converted figures are never exact


def agree(a: Claim, b: Claim) -> bool:
    """Whether two claims' values can both be true."""
    if a.kind == "quantity":
        (a0, a1), (b0, b1) = value_interval(a), value_interval(b)
        if a.unit != b.unit:
            a0, a1 = a0 * (1 - CONVERTED_TOLERANCE), a1 * (1 + CONVERTED_TOLERANCE)
    elif a.kind == "date":
        (a0, a1), (b0, b1) = period(a), period(b)
        first, second = (a, b) if a0 <= b0 else (b, a)
        # "late Thursday" and "early Friday, around 1:30 a.m." date one night; a plain
        # "Tuesday" against "late Monday" is a discrepancy a reader should see
        if first.part_of_day == "late" and second.part_of_day == "early" and (max(a0, b0) - min(a1, b1)).days == 1:
            return True
    else:
        return True
    return a0 <= b1 and b0 <= a1
