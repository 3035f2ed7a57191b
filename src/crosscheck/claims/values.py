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


def value_interval(claim: Claim) -> tuple[float, float]:
    """The values a figure allows, given its qualifier. Bounds are closed: "more than
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
    return low * (1 - EXACT_TOLERANCE), high * (1 + EXACT_TOLERANCE)


def period(claim: Claim) -> tuple[date, date]:
    """The first and last day a dated claim covers."""
    return period_of(claim.date, claim.granularity)


def agree(a: Claim, b: Claim) -> bool:
    """Whether two claims' values can both be true."""
    if a.kind == "quantity":
        (a0, a1), (b0, b1) = value_interval(a), value_interval(b)
    elif a.kind == "date":
        (a0, a1), (b0, b1) = period(a), period(b)
    else:
        return True
    return a0 <= b1 and b0 <= a1
