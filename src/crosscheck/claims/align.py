"""Line up the claims that different articles of a story make about the same thing.

Two claims are about the same thing when their sentences mean alike (embeddings),
they name the same actors, they count the same kind of thing (counted noun and
unit) or tell the same happening (event word), and their values are of one
order. Values may disagree — that is what cross-checking is for — but a figure
five times another is a different figure ("50,000 soldiers amassed" is not
"10,000 soldiers sent"), and dates weeks apart are different events.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from ..records import Claim
from .context import UNCLEAR, same_person
from .extract import same_words, stem
from .values import agree, in_base_unit, period, unit_family

QUANTITY_THRESHOLD = 0.5
DATE_THRESHOLD = 0.35  # chosen by 3-fold cross-validation over ECB+ dev topics (bench_claims gold)
LEAD = 1  # sentence indexes 0 and 1
STATEMENT_THRESHOLD = 0.82  # only near-paraphrases are the same statement
MAX_VALUE_RATIO = 2.5  # beyond this, two figures count different things
MAX_DATE_GAP_DAYS = 3  # beyond this, two dates are different events
NOUN_SYNONYM_COSINE = 0.55

# A claim's sentence vector, and a word's vector for comparing counted nouns.
SentenceVectors = dict[tuple[int, int], np.ndarray]
WordVectors = Callable[[Sequence[str]], dict[str, np.ndarray]]


@dataclass(frozen=True, slots=True)
class AlignConfig:
    quantity_threshold: float = QUANTITY_THRESHOLD
    date_threshold: float = DATE_THRESHOLD
    statement_threshold: float = STATEMENT_THRESHOLD


def align_claims(claims: Sequence[Claim], sentence_vectors: SentenceVectors, word_vectors: WordVectors,
                 config: AlignConfig = AlignConfig()) -> list[list[Claim]]:
    """Groups of claims about the same thing; each group holds at most one claim per article."""
    groups: list[list[Claim]] = []
    claims = _with_inferred_subjects(claims)
    nouns = word_vectors(sorted({c.noun for c in claims if c.noun}))
    for kind, threshold in (("quantity", config.quantity_threshold), ("date", config.date_threshold),
                            ("statement", config.statement_threshold)):
        of_kind = [c for c in claims if c.kind == kind]
        groups.extend(_group(of_kind, sentence_vectors, nouns, threshold))
    return groups


def _with_inferred_subjects(claims: Sequence[Claim]) -> list[Claim]:
    """A figure whose sentence names no one ("Jamaal Charles (226 yards) and...") takes the
    person that every other report of the same figure, counting the same thing, names:
    within one story, 226 rushing yards are one player's."""
    named: dict[tuple, Counter] = defaultdict(Counter)
    for c in claims:
        if c.kind == "quantity" and c.subject and c.subject != UNCLEAR:
            named[(c.value, c.value_max, c.unit, c.noun and stem(c.noun))][c.subject] += 1
    result = []
    for c in claims:
        if c.kind == "quantity" and c.subject in (None, UNCLEAR):
            owners = named.get((c.value, c.value_max, c.unit, c.noun and stem(c.noun)))
            if owners:
                owner, votes = owners.most_common(1)[0]
                if votes * 3 >= 2 * sum(owners.values()):  # two reports in three name one person
                    c = replace(c, subject=owner)
        result.append(c)
    return result


def _group(claims: list[Claim], vectors: SentenceVectors, nouns, threshold: float) -> list[list[Claim]]:
    if len(claims) <= 1:
        return [[c] for c in claims]
    similarity = similarity_matrix(claims, vectors, nouns)
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    labels = fcluster(linkage(squareform(distance, checks=False), method="average"), 1.0 - threshold,
                      criterion="distance")
    grouped: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        grouped[label].append(index)
    meaning = _cosine_matrix([vectors.get((c.article_id, c.sentence)) for c in claims])
    result: list[list[int]] = []
    for members in grouped.values():
        for confirmed in _confirmed(members, claims, meaning, nouns):
            result.extend(_one_claim_per_article(confirmed, claims, similarity))
    return [[claims[i] for i in indexes] for indexes in _join_same_figures(result, claims, meaning, nouns)]


def _join_same_figures(groups: list[list[int]], claims: list[Claim], meaning: np.ndarray,
                       nouns) -> list[list[int]]:
    """Groups that state the very same figure, in sentences `same_claim` takes for one claim,
    are one group: clustering on whole sentences keeps apart "Danny Green had 14" and "Danny
    Green (14 points)", though both give one player's points. Only a figure the same in
    every report is joined, so no conflict is made here."""
    by_figure: dict[tuple, list[int]] = defaultdict(list)
    for index, group in enumerate(groups):
        figures = {_figure(claims[i]) for i in group}
        if len(figures) == 1:
            by_figure[figures.pop()].append(index)
    joined_away: set[int] = set()
    for indexes in by_figure.values():
        kept: list[int] = []  # groups that take in others
        for index in indexes:
            group = groups[index]
            home = next((k for k in kept if _one_claim(groups[k], group, claims, meaning, nouns)), None)
            if home is None:
                kept.append(index)
            else:
                groups[home] = groups[home] + group
                joined_away.add(index)
    return [sorted(group) for index, group in enumerate(groups) if index not in joined_away]


def _one_claim(first: list[int], second: list[int], claims: list[Claim], meaning: np.ndarray, nouns) -> bool:
    if {claims[i].article_id for i in first} & {claims[i].article_id for i in second}:
        return False
    pairs = [(a, b) for a in first for b in second]
    return any(same_claim(claims[a], claims[b], meaning[a, b], nouns) for a, b in pairs) \
        and not any(_differ(claims[a], claims[b]) for a, b in pairs)


def _figure(claim: Claim) -> tuple:
    if claim.kind == "date":
        return ("date", claim.date, claim.granularity)
    return (claim.kind, claim.value, claim.value_max, claim.qualifier, unit_family(claim.unit))


def _confirmed(members: list[int], claims: list[Claim], meaning: np.ndarray, nouns) -> list[list[int]]:
    """A group split where it would call a disagreement without being sure it is one claim.

    Claims whose values agree support each other: the same figure in two articles
    is itself evidence of one claim. Claims whose values disagree stay together
    only when `same_claim` holds for some pair across them; otherwise each set of
    agreeing values becomes its own group. A conflict is a claim to a reader, so it
    needs more than a similar sentence.
    """
    # sets whose values all agree with each other: "over 350" agrees with 352 and with 507,
    # but 352 and 507 do not, so agreement is not chained; exact values are placed first
    sets: list[list[int]] = []
    for m in sorted(members, key=lambda m: (_open_ended(claims[m]), in_base_unit(claims[m].value or 0.0, claims[m].unit),
                                            claims[m].date or 0)):
        home = next((s for s in sets if all(agree(claims[m], claims[other]) for other in s)), None)
        if home is None:
            sets.append([m])
        else:
            home.append(m)
    if len(sets) == 1:
        return _by_person(members, claims, meaning)
    # join sets that state one claim; a join is checked against everything already joined,
    # so two sets that plainly differ are never bridged by a third
    parts = [list(indexes) for indexes in sets]
    merged = True
    while merged:
        merged = False
        for i in range(len(parts)):
            for j in range(i + 1, len(parts)):
                pairs = [(a, b) for a in parts[i] for b in parts[j]]
                # the disagreement itself must be sure: a pair that is one claim and disagrees
                if any(not agree(claims[a], claims[b]) and same_claim(claims[a], claims[b], meaning[a, b], nouns)
                       for a, b in pairs) and not any(_differ(claims[a], claims[b]) for a, b in pairs):
                    parts[i].extend(parts.pop(j))
                    merged = True
                    break
            if merged:
                break
    return [sorted(indexes) for indexes in parts]


def _by_person(members: list[int], claims: list[Claim], meaning: np.ndarray) -> list[list[int]]:
    """One figure given to two people ("14 points" for Green and for Lawson) is two claims:
    a group of agreeing values splits by the person named; a report naming no one joins
    the person whose reports read most like it."""
    if claims[members[0]].kind != "quantity":
        return [members]  # a day is no one's: the people near a date are who acted on it
    people: list[list[int]] = []
    unnamed = []
    for m in members:
        subject = claims[m].subject
        if not subject or subject == UNCLEAR:
            unnamed.append(m)
            continue
        home = next((p for p in people if same_person(claims[p[0]].subject, subject)), None)
        if home is None:
            people.append([m])
        else:
            home.append(m)
    if len(people) <= 1:
        return [members]
    for m in unnamed:
        max(people, key=lambda p: float(np.mean([meaning[m, other] for other in p]))).append(m)
    return [sorted(p) for p in people]


def _open_ended(claim: Claim) -> bool:
    return claim.kind == "quantity" and (claim.qualifier or "") in ("more than", "at least", "up to", "at most",
                                                                      "less than", "nearly")


CONFIRM_COSINE = 0.5  # two sentences that state one claim say much the same around it
LEAD_DATE_COSINE = 0.3  # two leads dating the same happening need only be about the same story
SAME_SENTENCE_COSINE = 0.7  # near-paraphrases: one claim whatever words they use
_OFF_MAIN = ("part", "background", "future")


def same_claim(a: Claim, b: Claim, cosine: float, nouns: dict[str, np.ndarray]) -> bool:
    """Whether two claims of different values are surely about one thing, so that their
    disagreement is a conflict: same attribute (unit, or counted noun; role; measure and
    reference), same scope, sentences alike; for dates, the same named event (or much
    the same sentence) and neither resolved against an inferred day. Copies of one
    sentence never disagree with each other: their values differ only by how they were
    resolved."""
    if a.article_id == b.article_id or same_words(a, b) or _differ(a, b):
        return False
    # a quake's magnitude is the quake's, whoever the sentence also names
    if (a.subject or b.subject) and not same_person(a.subject, b.subject) and a.unit not in _OWNERLESS_UNITS:
        if a.subject and b.subject:
            return False  # two people's figures, or two figures whose owners the sentences leave open
        if cosine < SAME_SENTENCE_COSINE:
            return False  # one report gives the figure to someone, the other to no one
    if a.kind == "date":
        # the same named happening, or the date each lead gives for the story's event
        same_event = bool(a.event) and a.event == b.event
        # leads that each state a date outright ("Monday 9 March") date the story's event; a
        # weekday said relative to the article ("on Friday") may date anything that week
        both_lead = a.sentence <= LEAD and b.sentence <= LEAD and a.granularity == b.granularity == "day" \
            and not (a.relative or b.relative)
        if a.inferred or b.inferred or any(c.relative and c.granularity != "day" for c in (a, b)):
            return False  # "this week" is too loose to contradict a day
        if (a.relative or b.relative) and not same_event:
            return False  # "on Friday" dates what its own sentence says happened, nothing else
        if a.relative or b.relative:
            return cosine >= CONFIRM_COSINE  # one event word ("began") is thin: which night began?
        return cosine >= (LEAD_DATE_COSINE if same_event or both_lead else SAME_SENTENCE_COSINE)
    # only figures of the story's own event, or two running totals, can contradict each other:
    # background figures differ by which past event they recall, parts by which part
    if a.scope != b.scope or a.scope in _OFF_MAIN:
        # two reports that recall one past event in much the same words ("the 2004 tsunami
        # killed people in 13/14 countries") can still disagree about it
        if not (a.scope == b.scope == "background" and cosine >= SAME_SENTENCE_COSINE):
            return False
    if a.role != b.role:  # stricter than _differ: a role against none is not one claim either
        return False
    if (a.unit or b.unit) and unit_family(a.unit) != unit_family(b.unit):
        return False
    if a.noun and b.noun and not _same_noun(a.noun, b.noun, nouns):
        return False  # "$7.3 billion in sales" and "$5.4 billion in cash" are both dollars
    if not (a.unit or b.unit) and not (a.noun and b.noun):
        # a bare number ("Carter added 12") says what it counts only through its sentence
        if not (a.noun or b.noun) or cosine < SAME_SENTENCE_COSINE:
            return False
    if a.unit == "age" and not (a.subject and b.subject):
        return False  # an age is a person's: without the person, two ages are two people
    # a unit that names the attribute itself (a quake's magnitude, a person's age) needs the
    # sentences only to be about the same story; a figure whose words do not say what it
    # counts ("60 people", "$2.5 billion") needs the two sentences to say the same thing
    if a.unit in _ATTRIBUTE_UNITS:
        return cosine >= LEAD_DATE_COSINE
    if not (_names_its_attribute(a) and _names_its_attribute(b)):
        # a sum of money or a measure that both reports give to one named person is pinned
        # by its owner: Elton Brand's "$80 million" and his "$82 million deal"
        owned = a.unit and same_person(a.subject, b.subject)
        return cosine >= (CONFIRM_COSINE if owned else SAME_SENTENCE_COSINE)
    return cosine >= CONFIRM_COSINE


_ATTRIBUTE_UNITS = frozenset({"magnitude", "age"})
_OWNERLESS_UNITS = frozenset({"magnitude"})
# Nouns that count without saying what is counted: "60 people" inside a shop, at a vigil, arrested
_GENERIC_NOUNS = frozenset("""
people persons others men women children residents individuals civilians adults figure figures times
""".split())


def _names_its_attribute(claim: Claim) -> bool:
    """Whether a figure's own words say what it is: a role (killed), a measure (depth), a
    counted noun that is not generic (troops, votes, buildings)."""
    return bool(claim.role or claim.measure or (claim.noun and claim.noun.lower() not in _GENERIC_NOUNS))


def _same_noun(a: str, b: str, nouns: dict[str, np.ndarray]) -> bool:
    if stem(a) == stem(b):
        return True
    va, vb = nouns.get(a), nouns.get(b)
    if va is None or vb is None:
        return False
    return float(np.dot(va, vb) / ((np.linalg.norm(va) * np.linalg.norm(vb)) or 1.0)) >= NOUN_SYNONYM_COSINE


def _differ(a: Claim, b: Claim) -> bool:
    """Whether two claims plainly say different things: different people, roles, kinds of
    the figure or measures, or a value no report of one thing would give."""
    if _two_people(a, b):
        return True
    if a.kind == "date":
        return False
    if (a.role and b.role and a.role != b.role) or not _same_measure(a.measure, b.measure):
        return True
    if a.modifiers and b.modifiers and not set(a.modifiers) & set(b.modifiers):
        return True
    # magnitudes are logarithmic: reports of one quake differ by tenths, not by whole points
    return a.unit == b.unit == "magnitude" and abs((a.value or 0.0) - (b.value or 0.0)) >= 1.0


def _two_people(a: Claim, b: Claim) -> bool:
    return bool(a.subject and b.subject and UNCLEAR not in (a.subject, b.subject)
                and not same_person(a.subject, b.subject))


def _same_measure(a: str | None, b: str | None) -> bool:
    if a == b:
        return True
    if a is None or b is None:
        return False
    kind_a, _, place_a = a.partition(":")
    kind_b, _, place_b = b.partition(":")
    return kind_a == kind_b and not (place_a and place_b)


def _one_claim_per_article(members: list[int], claims: list[Claim], similarity: np.ndarray) -> list[list[int]]:
    """An article saying two things in one group keeps the one closest to the others;
    the rest stand alone."""
    by_article: dict[int, list[int]] = defaultdict(list)
    for index in members:
        by_article[claims[index].article_id].append(index)
    keep, alone = [], []
    for indexes in by_article.values():
        others = [m for m in members if claims[m].article_id != claims[indexes[0]].article_id]
        best = max(indexes, key=lambda i: similarity[i, others].mean() if others else 0.0)
        keep.append(best)
        alone.extend(i for i in indexes if i != best)
    return [sorted(keep)] + [[i] for i in alone]


def similarity_matrix(claims: Sequence[Claim], vectors: SentenceVectors, nouns: dict[str, np.ndarray]) -> np.ndarray:
    """How alike every pair of claims is, from 0 (never the same thing) up; 0 on the diagonal,
    between claims of one article and between claims of different kinds.

    Figures: sentence meaning, counted noun (or unit), actors, event word, closeness of
    the values, and whether both sit in their articles' leads; figures of different units
    or orders are never alike. Dates: event word, meaning, actors, same period, leads; dates
    more than MAX_DATE_GAP_DAYS apart are never alike. Statements: meaning alone. Scored as
    arrays: a story of a few hundred claims has tens of thousands of pairs.
    """
    n = len(claims)
    total = np.zeros((n, n))
    for kind in {c.kind for c in claims}:
        rows = [i for i, c in enumerate(claims) if c.kind == kind]
        total[np.ix_(rows, rows)] = _kind_similarity([claims[i] for i in rows], kind, vectors, nouns)
    articles = np.array([c.article_id for c in claims])
    total = np.where(articles[:, None] == articles[None, :], 0.0, total)
    np.fill_diagonal(total, 0.0)
    return total


def _kind_similarity(claims: list[Claim], kind: str, vectors: SentenceVectors,
                     nouns: dict[str, np.ndarray]) -> np.ndarray:
    meaning = _cosine_matrix([vectors.get((c.article_id, c.sentence)) for c in claims])
    if kind not in ("quantity", "date"):
        return meaning
    actors = _jaccard_matrix([set(c.actors) for c in claims])
    events = _column([c.event for c in claims])
    same_event = (_equal(events) & np.array([bool(e) for e in events])[:, None]).astype(float)
    # News states its main event and figures in the first sentences: two leads
    # that give a date or a figure are most likely giving the same one.
    lead = np.array([c.sentence <= LEAD for c in claims])
    both_lead = np.outer(lead, lead).astype(float)
    if kind == "quantity":
        return np.where(_comparable_matrix(claims),
                        0.3 * meaning + 0.3 * _noun_matrix(claims, nouns) + 0.15 * actors + 0.1 * same_event
                        + 0.15 * _closeness_matrix(claims) + 0.1 * both_lead, 0.0)
    first = np.array([period(c)[0].toordinal() for c in claims], dtype=float)
    last = np.array([period(c)[1].toordinal() for c in claims], dtype=float)
    gap = np.maximum(0.0, np.maximum(first[:, None] - last[None, :], first[None, :] - last[:, None]))
    same = _equal(_column([(c.date, c.granularity) for c in claims]))
    # a day apart is how outlets disagree on a date: close, not the same
    same_period = np.where(same, 1.0, np.where(gap == 0, 0.5, np.clip(0.5 - 0.15 * gap, 0.0, None)))
    return np.where(gap > MAX_DATE_GAP_DAYS, 0.0,
                    0.3 * same_event + 0.3 * meaning + 0.15 * actors + 0.15 * same_period + 0.2 * both_lead)


def _cosine_matrix(rows: list) -> np.ndarray:
    """The cosine of every pair of rows; a missing row (None) gives 0."""
    dim = next((len(r) for r in rows if r is not None), 1)
    matrix = np.stack([np.asarray(r, dtype=np.float64) if r is not None else np.zeros(dim) for r in rows])
    norms = np.linalg.norm(matrix, axis=1)
    scale = np.outer(norms, norms)
    return (matrix @ matrix.T) / np.where(scale == 0, 1.0, scale)


def _jaccard_matrix(sets: list[set]) -> np.ndarray:
    vocabulary = {name: i for i, name in enumerate(sorted(set().union(*sets)))}
    member = np.zeros((len(sets), max(1, len(vocabulary))))
    for row, names in enumerate(sets):
        for name in names:
            member[row, vocabulary[name]] = 1.0
    shared = member @ member.T
    sizes = member.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - shared
    both = np.outer(sizes > 0, sizes > 0)
    return np.where(both, shared / np.where(union == 0, 1.0, union), 0.0)


def _comparable_matrix(claims: Sequence[Claim]) -> np.ndarray:
    unit_stems = np.array([stem(unit_family(c.unit) or "") for c in claims], dtype=object)
    has_unit = np.array([bool(c.unit) for c in claims])
    low = np.array([in_base_unit(c.value or 0.0, c.unit) for c in claims])
    high = np.array([in_base_unit(c.value_max or (c.value or 0.0), c.unit) for c in claims])
    units_differ = (has_unit[:, None] | has_unit[None, :]) & (unit_stems[:, None] != unit_stems[None, :])
    # what the figure is about: people killed are not people injured, a depth is not a
    # distance, a part is not its total, last year's figure is not this one
    roles = _column([c.role for c in claims])
    roles_differ = ~_equal(roles) & np.array([r is not None for r in roles])[:, None] & \
        np.array([r is not None for r in roles])[None, :]
    measures = _column([(c.measure or "").partition(":")[0] or None for c in claims])
    places = _column([(c.measure or "").partition(":")[2] or None for c in claims])
    has_place = np.array([p is not None for p in places])
    measures_differ = ~_equal(measures) | (~_equal(places) & has_place[:, None] & has_place[None, :])
    scopes = [c.scope if c.scope != "running" else None for c in claims]
    scopes_differ = ~_equal(_column(scopes))
    top_low = np.maximum(low[:, None], low[None, :])
    bottom_high = np.minimum(high[:, None], high[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        near = (top_low <= bottom_high) | (top_low / bottom_high <= MAX_VALUE_RATIO)
    # the same figure stated as part of a sentence about its total ("including $281 million in
    # cash") and on its own is one claim: scope keeps apart only figures that differ
    same_value = np.isclose(low[:, None], low[None, :], rtol=0.005) & np.isclose(high[:, None], high[None, :],
                                                                               rtol=0.005)
    return ~units_differ & ~roles_differ & ~measures_differ & (~scopes_differ | same_value) & (bottom_high > 0) & near


def _noun_matrix(claims: Sequence[Claim], nouns: dict[str, np.ndarray]) -> np.ndarray:
    names = _column([c.noun for c in claims])
    named = np.array([bool(n) for n in names])
    stems = _column([stem(n) if n else None for n in names])
    cosine = _cosine_matrix([nouns.get(n) if n else None for n in names])
    synonym = np.where(cosine >= NOUN_SYNONYM_COSINE, cosine, 0.0)
    out = np.where(np.outer(named, named), np.where(_equal(stems), 1.0, synonym),
                   np.where(_equal(names), 0.3, 0.0))
    units = _column([unit_family(c.unit) for c in claims])
    same_unit = _equal(units) & np.array([bool(u) for u in units])[:, None]
    return np.where(same_unit, np.maximum(out, 0.8), out)


def _column(values: list) -> np.ndarray:
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


def _equal(column: np.ndarray) -> np.ndarray:
    """Pairwise ==, None equal to None as in Python."""
    return (column[:, None] == column[None, :]).astype(bool)


def _closeness_matrix(claims: Sequence[Claim]) -> np.ndarray:
    values = np.array([in_base_unit(c.value or 0.0, c.unit) for c in claims])
    low = np.minimum(values[:, None], values[None, :])
    high = np.maximum(values[:, None], values[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        close = np.maximum(0.0, 1.0 - (high / low - 1.0) / (MAX_VALUE_RATIO - 1.0))
    return np.where(low <= 0, 0.0, close)


def date_gap_days(a: Claim, b: Claim) -> int:
    """Days between two dated claims' periods; 0 when one contains or overlaps the other."""
    (a0, a1), (b0, b1) = period(a), period(b)
    if a1 < b0:
        return (b0 - a1).days
    if b1 < a0:
        return (a0 - b1).days
    return 0
