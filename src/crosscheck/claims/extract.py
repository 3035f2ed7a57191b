"""Claims: the checkable statements of one article.

A figure ("approximately 10,000 soldiers"), a dated event ("ratified ... on 11
November") or an attributed statement ("according to South Korean
intelligence ..."). Each claim keeps who acts in its sentence, what happens
(the event word), its value or date, how it is hedged and whom the article
credits for it, so claims of different outlets can be lined up and judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..analyze import own_day
from ..records import Analysis, Article, Claim, DateMention, Quantity, Sentence
from .context import measure, role, scope, subject

HEDGES = re.compile(
    r"\b(reportedly|allegedly|purportedly|apparently|possibly|probably|likely|unconfirmed|"
    r"may(?: well)? have|might have|could have|may be|might be|"
    r"(?:is|are|was|were) (?:believed|thought|said|understood|suspected|alleged|reported) to|"
    r"believed to|thought to be|suspected|alleged|claims?|claimed|"
    r"reports (?:indicate|suggest)|suggest(?:s|ing|ed)?|it is believed|it is thought)\b", re.I)

# Words that report rather than happen: never the event of a claim.
_REPORTING = frozenset("""
said says say told tell reported reports report noted notes added adds according stated states
confirmed confirms cited quoted wrote writes announced believed thought suggested claimed
""".split())
_IRREGULAR_PAST = frozenset("""
sent went sank struck met made gave took held won lost fell rose began left came fled hit shot
ran fought stood broke built bought sold paid led brought kept spent swept overran overthrew
""".split())
# Nouns that name events ("the signing", "his visit").
_EVENT_NOUNS = frozenset("""
ratification signing approval consent visit summit attack invasion incursion offensive election
vote earthquake quake tremor capsizing collapse strike arrest launch deployment ceremony meeting
talks inquiry resignation death funeral trial verdict sentencing rescue explosion fire flood
storm crash shooting war ceasefire merger
""".split())
# Counts of this kind ("the two nations", "both sides") describe, they are not checkable figures.
_GENERIC_COUNTED = frozenset("""
nations countries sides parties leaders states men women people times ways things
""".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_SUFFIXES = ("ication", "ation", "ition", "ment", "ings", "ing", "ied", "ies", "ed", "es", "al", "s", "e")
# Event words outlets use for the same happening, reduced to one stem.
# (Keys are stems as `stem` cuts them, so "earthquake" is "earthqua".)
_SYNONYMS = {
    "sanction": "ratif", "endors": "ratif",
    "ink": "sign",
    "overturn": "capsiz", "sank": "capsiz", "sink": "capsiz",
    "die": "kill", "dead": "kill", "death": "kill", "fatal": "kill",
    "deploy": "send", "sent": "send", "dispatch": "send",
    "quak": "earthqua", "tremor": "earthqua",
}
_NEAR = 90  # characters around a value or date where its event word is looked for


def stem(word: str) -> str:
    """Crude stem shared by inflections and nominalisations: ratified, ratification -> 'ratif'."""
    word = word.lower().strip("'")
    if word.endswith("ified") or word.endswith("ification") or word.endswith("ify"):
        base = word[: word.rfind("if") + 2]
    else:
        base = word
        for suffix in _SUFFIXES:
            if base.endswith(suffix) and len(base) - len(suffix) >= 3:
                base = base[: -len(suffix)]
                break
    base = base[:8]
    return next((target for key, target in _SYNONYMS.items() if base.startswith(key)), base)


def extract_claims(article: Article, analysis: Analysis) -> list[Claim]:
    """Every checkable claim of an article, in text order."""
    claims: list[Claim] = []
    own = own_day(article, analysis.sentences)
    for sentence in analysis.sentences:
        quantities = [q for q in analysis.quantities if q.sentence == sentence.index and not _is_label(sentence, q)]
        dates = [d for d in analysis.dates if d.sentence == sentence.index and d.value is not None]
        if own is not None and sentence.index <= 2 and own in [d.value for d in dates if d.granularity == "day"] \
                and len(dates) == 1 and not quantities and len(sentence.text.split()) <= 8:
            continue  # the dateline: the article's own date, not a claim
        actors = _actors(analysis, sentence.index)
        names = [(m.start - sentence.start, m.end - sentence.start, m.canonical) for m in analysis.entities
                 if m.sentence == sentence.index and m.label == "PERSON"]
        hedges = tuple(sorted({m.group(0).lower() for m in HEDGES.finditer(sentence.text)}))
        credited = tuple(sorted({c.source for c in analysis.citations if c.sentence == sentence.index}))
        common = dict(article_id=article.id, sentence=sentence.index, text=sentence.text, actors=actors,
                      hedges=hedges, attributed_to=credited)
        for q in quantities:
            if q.kind == "measure" and q.unit in ("days", "hours", "weeks", "months", "years", "minutes"):
                continue  # durations describe, they are rarely what outlets dispute
            if q.value < 3 and not q.qualifier and (q.noun or "") in _GENERIC_COUNTED:
                continue
            event_word = _event_word(sentence, q.start, q.end, q.noun)
            noun = q.noun or _implied_noun(sentence, q.start)
            local = (q.start - sentence.start, q.end - sentence.start)
            others = [d.value for d in dates if d.granularity in ("day", "week", "month")] + \
                [d.value for d in dates if d.granularity == "year" and own and d.value.year != own.year]
            claims.append(Claim(kind="quantity", start=q.start, end=q.end, value_text=q.text,
                                event=stem(event_word) if event_word else None, event_word=event_word,
                                value=q.value, value_max=q.value_max, unit=q.unit, noun=noun,
                                qualifier=q.qualifier, role=role(sentence.text, *local),
                                subject=subject(sentence.text, *local, names),
                                measure=measure(sentence.text, *local, q.unit),
                                scope=scope(sentence.text, *local, q.text, others, own), **common))
        for d in dates:
            event_word = _event_word(sentence, d.start, d.end, None)
            claims.append(Claim(kind="date", start=d.start, end=d.end, value_text=d.text,
                                event=stem(event_word) if event_word else None, event_word=event_word,
                                date=d.value, granularity=d.granularity, inferred=d.inferred, **common))
        if not quantities and not dates and credited:
            claims.append(Claim(kind="statement", start=sentence.start, end=sentence.end,
                                value_text=sentence.text, **common))
    return claims


# "a five-time All-Star", "a two-term senator": a number that names a kind of person, not a figure
_LABEL_AFTER = re.compile(r"-(?:time|term|star|seat|member|man|woman|point|game|year-long)\b", re.I)


def _is_label(sentence: Sentence, quantity: Quantity) -> bool:
    return bool(_LABEL_AFTER.match(sentence.text, quantity.end - sentence.start)
                or _LABEL_AFTER.search(quantity.text))


# "The death toll ... stands at 43", "the number of people killed rose to 43":
# the figure has no noun after it, but the sentence says what it counts.
_IMPLIED = [
    (re.compile(r"\bdeath toll\b|\btoll\b|\b(?:number of )?(?:people )?(?:killed|dead)\b", re.I), "people"),
    (re.compile(r"\bnumber of ([a-z]+)", re.I), None),
]


def _implied_noun(sentence: Sentence, start: int) -> str | None:
    before = sentence.text[: max(0, start - sentence.start)]
    for pattern, noun in _IMPLIED:
        found = list(pattern.finditer(before))
        if found:
            return noun or found[-1].group(1).lower()
    return None


def _actors(analysis: Analysis, sentence_index: int) -> tuple[str, ...]:
    found: list[str] = []
    for mention in analysis.entities:
        if mention.sentence == sentence_index and mention.label in ("PERSON", "ORG", "GPE") \
                and mention.canonical not in found:
            found.append(mention.canonical)
    return tuple(found)


def _event_word(sentence: Sentence, start: int, end: int, noun: str | None) -> str | None:
    """The word saying what happened to a value or on a date: the nearest event verb,
    preferring past-tense verbs to nouns, ignoring reporting verbs."""
    best: tuple[float, str] | None = None
    local_start, local_end = start - sentence.start, end - sentence.start
    for match in _WORD.finditer(sentence.text):
        word = match.group(0)
        lower = word.lower()
        if lower in _REPORTING or (noun and lower == noun.lower()) or match.start() >= local_start and \
                match.end() <= local_end:
            continue
        is_verb = (lower.endswith("ed") and len(lower) > 4) or lower in _IRREGULAR_PAST
        is_noun = lower in _EVENT_NOUNS
        if not (is_verb or is_noun):
            continue
        before = match.end() <= local_start
        distance = local_start - match.end() if before else match.start() - local_end
        if distance > _NEAR:
            continue
        # A verb says what happened; a nearby noun is often only its object
        # ("signed a partnership agreement on June 19"). News states the event
        # before its date more often than after.
        score = distance - (60 if is_verb else 0) - (10 if before else 0)
        if best is None or score < best[0]:
            best = (score, word)
    return best[1] if best else None


def claims_for_story(items: Iterable[tuple[Article, Analysis]]) -> list[Claim]:
    return [claim for article, analysis in items for claim in extract_claims(article, analysis)]
