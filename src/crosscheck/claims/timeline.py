"""The story's events in date order, each with the outlets that support it.

Each dated claim group is one event: the same happening reported "in June" by
one outlet and "on June 19" by another was already grouped by alignment, and
the event takes the most precise date its sources agree on. Relative dates
("on Monday") count once resolved against the article's own day; one resolved
against a day inferred from the story is used only when nothing better exists,
and the event is then marked inferred.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from ..records import ClaimGroup, TimelineEvent

_PRECISION = {"day": 0, "week": 1, "month": 2, "year": 3}


def build_timeline(groups: Sequence[ClaimGroup]) -> list[TimelineEvent]:
    events = [_event(g) for g in groups if g.kind == "date"]
    return sorted(events, key=lambda e: (e.date, _PRECISION.get(e.granularity, 4), e.label))


def _event(group: ClaimGroup) -> TimelineEvent:
    dated = [e for e in group.evidence if e.date]
    # A date the article itself fixes outranks one resolved against a day inferred from the
    # story ("on Saturday" in an undated article): the timeline never shows an exact date
    # that only an inference gives, and says so when that is all it has.
    stated = [e for e in dated if not e.inferred] or dated
    # the date most sources give; among equals, the most precise
    votes = Counter(e.date for e in stated)
    best = min(stated, key=lambda e: (-votes[e.date], _PRECISION.get(e.granularity or "", 4)))
    if group.verdict != "conflicting":
        # sources agree: take the most precise date any of them gives
        best = min(stated, key=lambda e: _PRECISION.get(e.granularity or "", 4))
    alternatives = tuple(d for d in dict.fromkeys(e.date for e in stated) if d != best.date) \
        if group.verdict == "conflicting" else ()
    # the source that states the date shown comes first: it is the one quoted
    evidence = (best, *(e for e in group.evidence if e is not best))
    return TimelineEvent(date=_parse(best.date), granularity=best.granularity or "day", label=group.about,
                         verdict=group.verdict, outlets=group.outlets, evidence=evidence,
                         alternatives=alternatives, inferred=best.inferred)


def _parse(text: str) -> date:
    parts = [int(p) for p in text.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
