"""Quantities: values, ranges, units, counted nouns, qualifiers, and what is not a quantity."""

from __future__ import annotations


import pytest

from crosscheck.analyze.quantities import QUALIFIERS, extract_quantities
from crosscheck.analyze.sentences import split_sentences


def quantities_in(text: str):
    sentences = split_sentences(text)
    found = extract_quantities(text, sentences)
    for q in found:
        assert text[q.start:q.end] == q.text
        sentence = sentences[q.sentence]
        assert sentence.start <= q.start < q.end <= sentence.end, q
    return found


def only_quantity(text: str):
    found = quantities_in(text)
    assert len(found) == 1, [q.text for q in found]
    return found[0]


def quantity_with_value(found, value: float):
    matching = [q for q in found if q.value == value]
    assert len(matching) == 1, [(q.text, q.value) for q in found]
    return matching[0]


# --- numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "span", "value"), [
    ("Officials said 11,000 troops had crossed.", "11,000 troops", 11_000),
    ("The census counted 1,234,567 residents in the province.", "1,234,567 residents", 1_234_567),
    ("The agency counted 10\u00a0000 refugees at the camp.", "10\u00a0000 refugees", 10_000),
    ("The agency counted 1 200 refugees at the camp.", "1 200 refugees", 1_200),
    ("Inflation reached 6.1 in the spring.", "6.1", 6.1),
    ("The army has 2.4 billion rounds in store.", "2.4 billion rounds", 2.4e9),
    ("The fund now holds 310 million shares.", "310 million shares", 310e6),
    ("Organisers expect 10k runners this year.", "10k runners", 10_000),
    ("Floods have displaced 3m people in the delta.", "3m people", 3e6),
    ("The ministry ordered 2 dozen generators.", "2 dozen generators", 24),
])
def test_digits_separators_decimals_and_scales(text, span, value):
    q = only_quantity(text)
    assert (q.text, q.value, q.kind) == (span, value, "count")


@pytest.mark.parametrize(("text", "span", "value"), [
    ("Rescuers pulled three passengers from the water.", "three passengers", 3),
    ("Twenty-five children were evacuated.", "Twenty-five children", 25),
    ("Volunteers handed out a dozen blankets.", "a dozen blankets", 12),
    ("The region lost two million residents.", "two million residents", 2e6),
    ("Police detained one hundred protesters.", "one hundred protesters", 100),
    ("The appeal reached two hundred and fifty thousand donors.",
     "two hundred and fifty thousand donors", 250_000),
    ("The war has displaced half a million people.", "half a million people", 500_000),
])
def test_numbers_written_as_words(text, span, value):
    q = only_quantity(text)
    assert (q.text, q.value) == (span, value)


def test_a_spelled_number_that_counts_nothing_is_not_a_quantity_but_two_nations_is():
    assert quantities_in("The two met in Pyongyang and the other two stayed away.") == []
    q = only_quantity("The pact binds the two nations to mutual defence.")
    assert (q.value, q.noun) == (2, "nations")


# --- ranges -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "span", "low", "high", "unit"), [
    ("Moscow used to send 50,000 to 100,000 tons of rice to North Korea.",
     "50,000 to 100,000 tons of rice", 50_000, 100_000, "tons"),
    ("Between 40 and 50 people were hurt in the crush.", "Between 40 and 50 people", 40, 50, None),
    ("The offensive could last 10-12 days according to planners.", "10-12 days", 10, 12, "days"),
    ("Estimates of the crowd ranged widely, 50,000-100,000 in all.", "50,000-100,000", 50_000, 100_000, None),
    ("Prices are expected to rise 5-10% next quarter.", "5-10%", 5, 10, "%"),
    ("Repairs will cost $5-10 million, officials said.", "$5-10 million", 5e6, 10e6, "USD"),
    ("The talks lasted two or three days in the end.", "two or three days", 2, 3, "days"),
    ("The fine will be between $40m and $50m for each firm.", "between $40m and $50m", 40e6, 50e6, "USD"),
])
def test_ranges(text, span, low, high, unit):
    q = only_quantity(text)
    assert (q.text, q.value, q.value_max, q.unit) == (span, low, high, unit)


def test_x_and_y_without_between_is_two_figures():
    found = quantities_in("Officials counted 40 tanks and 50 trucks at the border.")
    assert [(q.value, q.value_max, q.noun) for q in found] == [(40, None, "tanks"), (50, None, "trucks")]


# --- percentages, money, measures ---------------------------------------------------


@pytest.mark.parametrize(("text", "span", "value", "unit", "noun"), [
    ("Support for the plan fell 5% in a month.", "5%", 5, "%", None),
    ("Turnout was 43 percent of registered voters.", "43 percent of registered voters", 43, "%", "voters"),
    ("The party won 43 per cent of the vote.", "43 per cent of the vote", 43, "%", "vote"),
    ("The rate rose by 2 percentage points this year.", "2 percentage points", 2, "percentage points", None),
])
def test_percentages(text, span, value, unit, noun):
    q = only_quantity(text)
    assert (q.text, q.value, q.unit, q.noun, q.kind) == (span, value, unit, noun, "percent")


@pytest.mark.parametrize(("text", "span", "value", "unit"), [
    ("The treaty created a joint fund of $310 million for the basin.", "$310 million", 310e6, "USD"),
    ("Britain pledged £5bn for reconstruction.", "£5bn", 5e9, "GBP"),
    ("Brussels set aside €2.5 billion for the region.", "€2.5 billion", 2.5e9, "EUR"),
    ("The deal is worth 310 million dollars to the port.", "310 million dollars", 310e6, "USD"),
    ("The city borrowed 5 million euros for the bridge.", "5 million euros", 5e6, "EUR"),
    ("The club paid $3m for the striker.", "$3m", 3e6, "USD"),
    ("Investors raised US$5bn for the pipeline.", "US$5bn", 5e9, "USD"),
    ("Ticket prices rose to 20 pounds for the final.", "20 pounds", 20, "GBP"),
])
def test_money(text, span, value, unit):
    q = only_quantity(text)
    assert (q.text, q.value, q.unit, q.kind) == (span, value, unit, "money")


def test_money_keeps_what_it_pays_for():
    q = only_quantity("Washington approved $310 million in military aid on Friday.")
    assert (q.value, q.unit, q.noun) == (310e6, "USD", "aid")


@pytest.mark.parametrize(("text", "span", "value", "unit", "noun"), [
    ("The treaty shares approximately 2.4 billion cubic metres of water a year.",
     "approximately 2.4 billion cubic metres of water", 2.4e9, "m3", "water"),
    ("Gusts of 110 km/h tore roofs off houses.", "110 km/h", 110, "km/h", None),
    ("The new line runs 300 km along the coast.", "300 km", 300, "km", None),
    ("A magnitude 6.1 earthquake struck before dawn.", "magnitude 6.1 earthquake", 6.1, "magnitude", "earthquake"),
    ("A 6.1-magnitude earthquake struck before dawn.", "6.1-magnitude earthquake", 6.1, "magnitude", "earthquake"),
    ("The quake measured 6.1 on the Richter scale.", "6.1 on the Richter scale", 6.1, "magnitude", None),
    ("Police found 200 pounds of explosives in the van.", "200 pounds of explosives", 200, "lb", "explosives"),
    ("The pipeline carries 2 bcm of gas each winter.", "2 bcm of gas", 2e9, "m3", "gas"),
    ("The storm left a 3m wall of debris.", "3m", 3, "m", None),
    ("Guards patrol the 1,500-km border day and night.", "1,500-km border", 1500, "km", "border"),
])
def test_measures(text, span, value, unit, noun):
    q = only_quantity(text)
    assert (q.text, q.value, q.unit, q.noun, q.kind) == (span, value, unit, noun, "measure")


# --- counted nouns ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "noun", "span"), [
    ("Intelligence says approximately 11,000 North Korean troops are active at the front.", "troops",
     "approximately 11,000 North Korean troops"),
    ("Pyongyang sent 10,000 soldiers to Russia last month.", "soldiers", "10,000 soldiers"),
    ("Rescuers found 87 survivors after the ferry sank.", "survivors", "87 survivors"),
    ("At least 41 people died in the storm.", "people", "At least 41 people"),
    ("The unit lost 300 heavily armed soldiers in a week.", "soldiers", "300 heavily armed soldiers"),
    ("Moscow deployed 50,000 Russian and North Korean troops near Kursk.", "troops",
     "50,000 Russian and North Korean troops"),
    ("Officials said 41 of the passengers were children.", "passengers", "41 of the passengers"),
    ("The Ministry lists 12,000 United States troops in the region.", "troops",
     "12,000 United States troops"),
    ("About 30,000 Ukrainians returned in May.", "ukrainians", "About 30,000 Ukrainians"),
    ("The ship carried 58 crew and a doctor.", "crew", "58 crew"),
    ("Observers counted 300 MPs in the chamber.", "mps", "300 MPs"),
])
def test_counted_noun_skips_adjectives_and_demonyms(text, noun, span):
    q = only_quantity(text)
    assert (q.noun, q.text, q.kind) == (noun, span, "count")


def test_part_of_a_stated_total_counts_the_same_noun_and_keeps_the_total():
    found = quantities_in("Air defences shot down 23 of 25 drones overnight.")
    assert [(q.text, q.value, q.noun) for q in found] == [
        ("23 of 25 drones", 23, "drones"), ("25 drones", 25, "drones")]


def test_counted_noun_stops_at_function_words_and_verbs():
    q = only_quantity("In all 300 were killed when the dam broke.")
    assert (q.value, q.noun, q.text) == (300, None, "300")


def test_a_single_thing_counted_with_one():
    q = only_quantity("Only one passenger was still missing on Friday.")
    assert (q.value, q.noun) == (1, "passenger")


# --- qualifiers ---------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "qualifier"), [
    ("about", "approximately"), ("around", "approximately"), ("roughly", "approximately"),
    ("some", "approximately"), ("approximately", "approximately"), ("approx.", "approximately"),
    ("an estimated", "approximately"), ("estimated", "approximately"), ("~", "approximately"),
    ("more than", "more than"), ("over", "more than"), ("upwards of", "more than"),
    ("in excess of", "more than"), ("at least", "at least"), ("no fewer than", "at least"),
    ("a minimum of", "at least"), ("up to", "up to"), ("as many as", "up to"),
    ("less than", "less than"), ("fewer than", "less than"), ("under", "less than"),
    ("below", "less than"), ("nearly", "nearly"), ("almost", "nearly"), ("close to", "nearly"),
    ("just under", "nearly"), ("at most", "at most"), ("no more than", "at most"),
])
def test_qualifiers_are_normalized(phrase, qualifier):
    text = f"Officials said {phrase} 5,000 soldiers crossed the river."
    q = only_quantity(text)
    assert (q.qualifier, q.text, q.value, q.noun) == (qualifier, f"{phrase} 5,000 soldiers", 5000, "soldiers")
    assert q.qualifier in QUALIFIERS


@pytest.mark.parametrize(("text", "qualifier", "span"), [
    ("Officials said 5,000 or more soldiers crossed.", "at least", "5,000 or more soldiers"),
    ("Officials said 300 or so tanks crossed.", "approximately", "300 or so tanks"),
    ("Officials said 10,000-plus troops crossed.", "more than", "10,000-plus troops"),
    ("Officials said 5,000 soldiers or more crossed.", "at least", "5,000 soldiers or more"),
])
def test_qualifiers_after_the_number(text, qualifier, span):
    q = only_quantity(text)
    assert (q.qualifier, q.text) == (qualifier, span)


def test_no_qualifier_when_none_is_written():
    q = only_quantity("Officials said 5,000 soldiers crossed the river.")
    assert q.qualifier is None


def test_over_before_a_duration_means_during_not_more_than():
    during = only_quantity("Fighting raged over 3 days in the north.")
    assert (during.qualifier, during.text, during.unit) == (None, "3 days", "days")
    longer = only_quantity("He served for over 2 years in the army.")
    assert (longer.qualifier, longer.text) == ("more than", "over 2 years")


@pytest.mark.parametrize(("text", "qualifier", "value", "noun"), [
    ("Millions of people fled the fighting.", "millions of", 1e6, "people"),
    ("Thousands of North Korean troops are in Kursk.", "thousands of", 1e3, "troops"),
    ("Hundreds of homes were flattened.", "hundreds of", 1e2, "homes"),
    ("Dozens of aftershocks followed.", "dozens of", 12, "aftershocks"),
    ("Tens of thousands of civilians were trapped.", "tens of thousands of", 1e4, "civilians"),
    ("Several thousand troops were moved.", "several", 1e3, "troops"),
])
def test_vague_multiples(text, qualifier, value, noun):
    q = only_quantity(text)
    assert (q.qualifier, q.value, q.noun, q.value_max) == (qualifier, value, noun, None)
    assert q.qualifier in QUALIFIERS


def test_vague_money():
    q = only_quantity("The war has cost billions of dollars so far.")
    assert (q.qualifier, q.value, q.unit, q.kind) == ("billions of", 1e9, "USD", "money")


# --- not quantities -----------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "The treaty was signed in 2024 after talks.",
    "Fighting has continued since 2022 without pause.",
    "The 2024 elections were postponed.",
    "Russia's 2022 invasion changed everything.",
    "Kim ratified the treaty on 11 November.",
    "Putin visited Pyongyang on June 19, 2024.",
    "The decree appeared on 2024-11-12 in state media.",
    "The notice is dated 12/11/2024 in the archive.",
    "The report was filed at 07:29 on Tuesday.",
    "The quake struck at 04:12 local time.",
    "The train leaves at 7 p.m. every night.",
    "North Korea ratified the agreement on 11th November.",
    "Talks ran from 10 to 11 November in Geneva.",
    "Delegates met June 19-20 in the capital.",
    "They met for the first time on the 19th.",
    "One of the key elements is mutual assistance.",
    "No one was hurt when the wall fell.",
    "Both sides pledged to support one another.",
    "For details call +1 202 555 0143 or 020 7946 0958 today.",
    "Call (202) 555-0143 for help.",
    "Leaders of the G7 met in Italy.",
    "The COVID-19 pandemic slowed trade.",
    "A Boeing 737 landed safely.",
    "Families in Section 8 housing were moved.",
    "He lives at No. 10 on the square.",
    "Pilots flew F-16s over the border.",
    "The 5G network went down.",
    "Music from the 1990s played all night.",
    "One-third of voters stayed home.",
    "The shop is open 24/7 now.",
])
def test_not_quantities(text):
    assert [q.text for q in quantities_in(text)] == []


def test_a_year_like_number_that_counts_something_is_a_quantity():
    q = only_quantity("The ministry sent 1500 soldiers to the border.")
    assert (q.value, q.noun) == (1500, "soldiers")
    assert quantities_in("In 2024 soldiers were sent to the border.") == []


def test_a_capitalised_verb_opening_the_sentence_is_not_a_name():
    q = only_quantity("Yesterday 300 people marched through the capital.")
    assert (q.value, q.noun) == (300, "people")


# --- tallies and changes: two figures, never a range -------------------------------


def test_vote_tally_is_two_counts_of_votes():
    found = quantities_in("The Assembly voted 212 to 38 in favour of the treaty.")
    assert [(q.text, q.value, q.value_max, q.noun) for q in found] == [
        ("212", 212, None, "votes"), ("38", 38, None, "votes")]


def test_vote_tally_with_votes_written_and_a_hyphen():
    found = quantities_in("The bill passed with 212 votes to 38 after a 5-4 vote in committee.")
    assert [(q.value, q.noun) for q in found] == [(212, "votes"), (38, "votes"), (5, "votes"), (4, "votes")]


def test_score_is_two_counts_without_votes():
    found = quantities_in("The home side won 3-1 on Saturday.")
    assert [(q.value, q.value_max, q.noun) for q in found] == [(3, None, None), (1, None, None)]


def test_a_change_from_one_figure_to_another_is_not_a_range():
    found = quantities_in("The toll rose from 30 to 50 overnight.")
    assert [(q.value, q.value_max) for q in found] == [(30, None), (50, None)]
    ranged = only_quantity("Estimates range from 30 to 50 dead.")
    assert (ranged.value, ranged.value_max) == (30, 50)


# --- spans, sentences, order --------------------------------------------------------


def test_sentence_indices_and_offsets_across_paragraphs():
    text = ("Headline about the treaty\n"
            "The vote was close. Officials counted 212 ballots.\n"
            "\n"
            "Rescuers found 87 survivors on Tuesday.")
    found = quantities_in(text)
    sentences = split_sentences(text)
    assert [q.text for q in found] == ["212 ballots", "87 survivors"]
    assert [sentences[q.sentence].text for q in found] == [
        "Officials counted 212 ballots.", "Rescuers found 87 survivors on Tuesday."]
    assert text.index("87 survivors") == found[1].start


def test_quantities_come_in_text_order_and_do_not_overlap():
    text = ("About 130 passengers and 58 crew were aboard; 41 people died, 87 survivors were found "
            "and more than 300 buildings were damaged by the magnitude 6.1 quake.")
    found = quantities_in(text)
    assert [q.value for q in found] == [130, 58, 41, 87, 300, 6.1]
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


# --- the seed articles --------------------------------------------------------------


def _seed(seeds_dir, prefix: str) -> str:
    matches = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"no seed {prefix}_* in {seeds_dir}")
    return matches[0].read_text(encoding="utf-8")


def _assert_dates_untouched(text: str, found, dates: list[str]) -> None:
    for written in dates:
        at = text.index(written)
        overlapping = [q.text for q in found if q.start < at + len(written) and at < q.end]
        assert overlapping == [], written


def test_seed_000(seeds_dir):
    text = _seed(seeds_dir, "000")
    found = quantities_in(text)
    q = quantity_with_value(found, 10_000)
    assert (q.text, q.qualifier, q.noun, q.kind) == ("approximately 10,000 soldiers", "approximately",
                                                     "soldiers", "count")
    _assert_dates_untouched(text, found, ["12 November 2024", "07:29", "11th November"])
    assert not {2024, 11, 12} & {q.value for q in found}


def test_seed_002(seeds_dir):
    text = _seed(seeds_dir, "002")
    found = quantities_in(text)
    troops = quantity_with_value(found, 11_000)
    assert (troops.qualifier, troops.noun) == ("approximately", "troops")
    soldiers = quantity_with_value(found, 50_000)
    assert (soldiers.qualifier, soldiers.noun, soldiers.text) == ("approximately", "soldiers",
                                                                  "an estimated 50,000 soldiers")
    _assert_dates_untouched(text, found, ["June 19", "November 6"])
    assert not {19, 6} & {q.value for q in found}


def test_seed_003(seeds_dir):
    text = _seed(seeds_dir, "003")
    found = quantities_in(text)
    rice = quantity_with_value(found, 50_000)
    assert (rice.value_max, rice.unit, rice.noun, rice.kind) == (100_000, "tons", "rice", "measure")
    _assert_dates_untouched(text, found, ["2024-11-12", "November 11", "February 2022", "November 2024"])
    assert not {2024, 2022, 11, 12} & {q.value for q in found}


# --- pathological input -------------------------------------------------------------
# Speed is measured in benchmarks/; this only checks that inputs built to make a
# regex backtrack still come back with well-formed results.


def test_pathological_input_returns_well_formed_quantities():
    pathological = " ".join(["1,1,1.1-1"] * 200) + " " + " ".join(["one and"] * 200) + "."
    found = extract_quantities(pathological, split_sentences(pathological))
    assert all(pathological[q.start:q.end] == q.text for q in found)


@pytest.mark.parametrize("text, kept", [
    ("The Sea Me We 3 cable was cut near Alexandria, and 75 million users lost service.", [75e6]),
    ("Apple cut the price of the 11-inch Air to $999 and the 13-inch MacBook Pro to $1,199.", [999, 1199]),
    ("The new 9.7-inch iPad sells for $499.", [499]),
    # figures that sit beside names are still figures
    ("McNutt drove around the 9-acre Mat Maid complex.", [9]),
    ("Cheeks logged an impressive 15-year NBA career.", [15]),
    ('" For 35 years, the act has protected species," she said.', [35]),
    ("Colts Clinch Playoff Berth With 31 Points Against Jaguars", [31]),  # a title-case headline
])
def test_numbers_inside_names_are_not_figures(text, kept):
    assert [q.value for q in quantities_in(text)] == kept


@pytest.mark.parametrize("text, currency", [
    ("Its shares closed at NT $24.05.", "TWD"),
    ("The plant cost NT$5 billion.", "TWD"),
    ("Damage was estimated at $US1 million.", "USD"),
    ("The fine was S$3,000.", "SGD"),
    ("A $5 fee applies.", "USD"),  # the article "A" is no Australian dollar
    ("They paid the CEO $5 million.", "USD"),
])
def test_dollars_of_other_countries_are_not_us_dollars(text, currency):
    [money] = [q for q in quantities_in(text) if q.kind == "money"]
    assert money.unit == currency


def test_a_count_written_as_an_adjective_belongs_to_the_noun_it_describes():
    [school] = quantities_in("One shell hit a 200-student schoolhouse.")[-1:]
    assert school.value == 200 and school.noun == "schoolhouse"
    [run] = quantities_in("He broke an 80-yard run.")
    assert run.noun == "yard"  # a measure word states the measure itself
