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
from dataclasses import replace

from ..analyze import own_day
from ..analyze.dates import is_dateline
from ..records import Analysis, Article, Claim, Quantity, Sentence
from .context import age_owner, located, measure, part_of_day, role, scope, subject

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
storm crash shooting war ceasefire merger hearing vigil protest rally session conference briefing game
match race concert wedding interview
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
_STATEMENT_WORDS = 6
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
    # the year the article reports from: its own, else the latest it names (news reports
    # the present and recalls the past)
    named = [d.value.year for d in analysis.dates if d.value is not None and not d.relative]
    home_year = own.year if own else (max(named) if named else None)
    for sentence in analysis.sentences:
        quantities = [q for q in analysis.quantities if q.sentence == sentence.index and not _is_label(sentence, q)]
        dates = [d for d in analysis.dates if d.sentence == sentence.index and d.value is not None]
        if len(dates) == 1 and not quantities and is_dateline(sentence, dates[0]):
            continue  # the dateline: the article's own date, not a claim
        actors = _actors(analysis, sentence.index)
        names = [(m.start - sentence.start, m.end - sentence.start, m.canonical) for m in analysis.entities
                 if m.sentence == sentence.index and m.label == "PERSON"]
        places = [(m.start - sentence.start, m.end - sentence.start, m.canonical) for m in analysis.entities
                  if m.sentence == sentence.index and m.label != "PERSON"]
        hedges = tuple(sorted({m.group(0).lower() for m in HEDGES.finditer(sentence.text)}))
        credited = tuple(sorted({c.source for c in analysis.citations if c.sentence == sentence.index}))
        common = dict(article_id=article.id, sentence=sentence.index, text=sentence.text, actors=actors,
                      hedges=hedges, attributed_to=credited)
        quantities = _sharing_units(sentence, quantities)
        for previous, q in zip([None, *quantities], quantities):
            if previous is not None and _converted(sentence, previous, q):
                continue  # "10 kilometers (six miles)", "$US1 million ($1.52 million)": the same figure again
            age = _is_age(sentence, q, names)
            if age:
                q = replace(q, unit="age", noun=None, kind="measure")
            elif q.kind == "measure" and q.unit in ("days", "hours", "weeks", "months", "years", "minutes"):
                continue  # durations describe, they are rarely what outlets dispute
            if q.value < 3 and not q.qualifier and (q.noun or "") in _GENERIC_COUNTED:
                continue
            if _OFFSET_AFTER.match(sentence.text, q.end - sentence.start):
                continue  # "fifteen games later", "two hours earlier": how long after, not a figure
            event_word = _event_word(sentence, q.start, q.end, q.noun)
            noun = q.noun or _implied_noun(sentence, q.start)
            local = (q.start - sentence.start, q.end - sentence.start)
            others = [(d.value, d.granularity) for d in dates]
            how = measure(sentence.text, *local, q.unit)
            # a distance belongs to the place it measures ("Gadera, 17 miles from Tel Aviv"),
            # as an age to its person
            owner = age_owner(sentence.text, *local, names) if age else \
                (how or "").startswith("distance") and located(sentence.text, local[0], places) or \
                subject(sentence.text, *local, names)
            claims.append(Claim(kind="quantity", start=q.start, end=q.end, value_text=q.text,
                                event=stem(event_word) if event_word else None, event_word=event_word,
                                value=q.value, value_max=q.value_max, unit=q.unit, noun=noun,
                                qualifier=q.qualifier, role=role(sentence.text, *local) if not q.unit else None,
                                subject=owner, measure=how,
                                scope=scope(sentence.text, *local, q.text, others, own, home_year),
                                modifiers=_modifiers(sentence, q) if q.unit != "age" else (), **common))
        for d in dates:
            if d.relative and _quoted(sentence, d.start - sentence.start):
                continue  # "how many kids will you kill today": the speaker's day, not a date of the story
            local = (d.start - sentence.start, d.end - sentence.start)
            # "her attorney said Thursday": the day dates the saying, not what was said
            said = _SAID_ON.search(sentence.text, 0, local[0])
            event_word = said.group("verb") if said else _event_word(sentence, d.start, d.end, None)
            claims.append(Claim(kind="date", start=d.start, end=d.end, value_text=d.text,
                                event=stem(event_word) if event_word else None, event_word=event_word,
                                date=d.value, granularity=d.granularity, inferred=d.inferred, relative=d.relative,
                                part_of_day=part_of_day(sentence.text, *local, d.text),
                                subject=subject(sentence.text, *local, names), **common))
        # a bare credit line ("Reference from: www.ndtv.com") names a source but states nothing
        if not quantities and not dates and credited and len(_WORD.findall(sentence.text)) >= _STATEMENT_WORDS:
            claims.append(Claim(kind="statement", start=sentence.start, end=sentence.end,
                                value_text=sentence.text, **common))
    return claims


# "a five-time All-Star", "a two-term senator": a number that names a kind of person, not a figure
_LABEL_AFTER = re.compile(r"-(?:time|term|star|point|game|year-long)\b", re.I)


_SAID_ON = re.compile(rf"\b(?P<verb>{'|'.join(sorted(_REPORTING))})\s+(?:on\s+)?\Z", re.I)
_OFFSET_AFTER = re.compile(r"\s+(?:later|earlier|ago|afterwards?|beforehand)\b", re.I)
_SCORE_AFTER = re.compile(r"\s*[-–]\s*\d")  # "(10-0)", "won 88-72": records and scores, not figures
_SCORE_BEFORE = re.compile(r"\d\s*[-–]\s*\Z")


def _is_label(sentence: Sentence, quantity: Quantity) -> bool:
    start, end = quantity.start - sentence.start, quantity.end - sentence.start
    return bool(_LABEL_AFTER.match(sentence.text, end) or _LABEL_AFTER.search(quantity.text)
                or (not quantity.unit and (_SCORE_AFTER.match(sentence.text, end)
                                           or _SCORE_BEFORE.search(sentence.text, max(0, start - 4), start))))


_MODIFIER_SKIP = frozenset("""
a an the of and or to in on at for with by from as than more less about around some nearly almost over under
up least most just only roughly approximately estimated some
""".split())
# "404 yards rushing, 440 receiving": a post-modifier, not a verb with an object ("shops suffering damage")
_WORD_AFTER = re.compile(r"\s+([a-z]+ing)\b(?=\s*(?:[,.;)]|and\b|or\b|in\b|on\b|for\b|\Z))")


def _modifiers(sentence: Sentence, quantity: Quantity) -> tuple[str, ...]:
    """The words that say which figure of its kind this is: between the number and its noun
    ("548 rushing yards", "11,000 North Korean troops") or right after it ("404 yards
    rushing", "a 36-yard field goal")."""
    words = re.findall(r"[A-Za-z]+", quantity.text)
    found = [w.lower() for w in words if w.lower() not in _MODIFIER_SKIP and not w.isdigit()
             and w.lower() not in {(quantity.noun or "").lower(), (quantity.unit or "").lower()}
             and w.lower() not in _NUMBER_WORDS and not (quantity.unit and w.lower().startswith(quantity.unit[:3]))]
    after = _WORD_AFTER.match(sentence.text, quantity.end - sentence.start)
    if after and after.group(1) not in _REPORTING:
        found.append(after.group(1))
    if quantity.unit and re.search(r"-[a-z]+\Z", quantity.text):  # "a 36-yard field goal": what it measures
        head = re.match(r"\s+([a-z]+)", sentence.text[quantity.end - sentence.start:])
        if head and head.group(1) not in _MODIFIER_SKIP:
            found.append(head.group(1))
    return tuple(dict.fromkeys(found))


_NUMBER_WORDS = frozenset("""
one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands
million millions billion billions trillion dozen dozens score scores tens several
""".split())


def _sharing_units(sentence: Sentence, quantities: list[Quantity]) -> list[Quantity]:
    """"quakes measuring 7.6 and 7.4 magnitude", "between 10 or 12 people": a bare number
    joined to the next figure takes that figure's unit and noun."""
    shared = list(quantities)
    for i in range(len(shared) - 2, -1, -1):
        this, following = shared[i], shared[i + 1]
        between = sentence.text[this.end - sentence.start:following.start - sentence.start]
        if this.unit is None and this.noun is None and (following.unit or following.noun) \
                and re.fullmatch(r"\s*(?:,|and|or|,\s*and)\s*", between):
            shared[i] = replace(this, unit=following.unit, noun=following.noun, kind=following.kind)
    return shared


def _quoted(sentence: Sentence, offset: int) -> bool:
    before = sentence.text[:offset]
    return (before.count('"') % 2 == 1) or before.count("“") > before.count("”")


def _converted(sentence: Sentence, previous: Quantity, quantity: Quantity) -> bool:
    """A figure in brackets right after another figure with a unit restates it in another unit."""
    between = sentence.text[previous.end - sentence.start:quantity.start - sentence.start]
    return bool(previous.unit) and bool(quantity.unit) and re.fullmatch(r"\s*[(\[]\s*(?:about|some|or)?\s*",
                                                                        between) is not None


_AGE_WORDS = re.compile(r"-?years?-old\b|\byears?\s+old\b", re.I)
_AGED = re.compile(r"\b(?:aged|age(?:d)?\s+of|age)\s*\Z", re.I)


def _is_age(sentence: Sentence, quantity: Quantity, names: list[tuple[int, int, str]]) -> bool:
    """"33-year-old", "28 years old", "aged 45", and a bare number set off by commas right
    after a person's name ("Lohan, 26, checked in")."""
    if _AGE_WORDS.search(quantity.text):
        return True
    start, end = quantity.start - sentence.start, quantity.end - sentence.start
    text = sentence.text
    if _AGED.search(text, max(0, start - 12), start):
        return True
    if quantity.unit is None and quantity.noun is None and not quantity.qualifier and 0 < quantity.value < 120 \
            and text[end:end + 1] in (",", ")") and re.search(r"[,(]\s*\Z", text[:start]):
        before = text[:start].rstrip(" ,(")
        return any(name_end == len(before) for _, name_end, _ in names)
    return False


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
        if is_noun and before and distance <= 1:
            score -= 100  # "a hearing Thursday", "the vigil Monday": the date is the noun's own
        if best is None or score < best[0]:
            best = (score, word)
    return best[1] if best else None


def same_words(a: Claim, b: Claim) -> bool:
    """Whether two claims stand in the same sentence word for word (a copy, whatever its
    punctuation or spacing)."""
    return _words_of(a.text) == _words_of(b.text)


def _words_of(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def claims_for_story(items: Iterable[tuple[Article, Analysis]]) -> list[Claim]:
    return [claim for article, analysis in items for claim in extract_claims(article, analysis)]
