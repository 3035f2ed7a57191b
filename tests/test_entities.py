"""Entity recognition: what is found, how it is labelled, and which canonical name links it."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import ECB_DEV
from crosscheck.analyze import entities as entities_module
from crosscheck.analyze.entities import (
    EntityRecognizer,
    RecognizerUnavailable,
    RuleEntityRecognizer,
    SpacyEntityRecognizer,
    canonical_key,
    get_recognizer,
)
from crosscheck.analyze.sentences import split_sentences
from crosscheck.engine import sample_corpus_path

RULES = RuleEntityRecognizer()


def ents(text: str):
    return RULES.recognize(text, split_sentences(text))


def canon(text: str) -> dict[str, tuple[str, str]]:
    """mention text -> (label, canonical); the last mention wins, which the tests avoid relying on."""
    return {m.text: (m.label, m.canonical) for m in ents(text)}


def mentions_of(text: str, surface: str):
    found = [m for m in ents(text) if m.text == surface]
    assert found, f"{surface!r} not found in {[m.text for m in ents(text)]}"
    return found


# --- canonical_key ----------------------------------------------------------------------


@pytest.mark.parametrize("a, b", [
    ("Kim Jong-un", "Kim Jong Un"),
    ("U.S.", "US"),
    ("Zürich", "Zurich"),
    ("the Kremlin", "Kremlin"),
    ("Putin's", "Putin"),
    ("Democratic People’s Republic of Korea", "Democratic People's Republic of Korea"),
])
def test_canonical_key_folds_spelling_variants(a, b):
    assert canonical_key(a) == canonical_key(b)


def test_canonical_key_keeps_different_names_apart():
    assert canonical_key("Kim Jong Un") != canonical_key("Kim Yo Jong")
    assert canonical_key("Theater") != canonical_key("The Ater")


# --- countries, capitals and demonyms --------------------------------------------------------


def test_north_korea_aliases_share_one_canonical():
    text = ("Officials in N. Korea said the DPRK would respond. The Democratic People's Republic of Korea "
            "signed it. North Korea and Pyongyang stayed silent, and North Korean troops moved.")
    found = {m.text: m for m in ents(text)}
    for surface in ("N. Korea", "DPRK", "Democratic People's Republic of Korea", "North Korea", "Pyongyang",
                    "North Korean"):
        assert found[surface].canonical == "North Korea", surface
        assert found[surface].label == "GPE", surface


@pytest.mark.parametrize("sentence, surface, country", [
    ("A Russian general arrived.", "Russian", "Russia"),
    ("Two Ukrainian drones fell.", "Ukrainian", "Ukraine"),
    ("South Korean officials met.", "South Korean", "South Korea"),
    ("She met American diplomats.", "American", "United States"),
    ("The Americans declined.", "Americans", "United States"),
    ("Seoul protested.", "Seoul", "South Korea"),
    ("They flew to Beijing.", "Beijing", "China"),
    ("Talks in Moscow ended.", "Moscow", "Russia"),
    ("Shelling hit Kyiv.", "Kyiv", "Ukraine"),
    ("Shelling hit Kiev.", "Kiev", "Ukraine"),
    ("The Russian Federation objected.", "Russian Federation", "Russia"),
    ("Officials in the Republic of Korea agreed.", "Republic of Korea", "South Korea"),
    ("Trade with Viet Nam grew.", "Viet Nam", "Vietnam"),
    ("Exports to Kiribati fell.", "Kiribati", "Kiribati"),  # from pycountry, not the hand table
])
def test_demonyms_capitals_and_official_names_map_to_friendly_country(sentence, surface, country):
    (mention,) = mentions_of(sentence, surface)
    assert (mention.label, mention.canonical) == ("GPE", country)


def test_united_states_spellings_and_washington_metonym():
    text = "The U.S. and the US, the United States and Washington all said no."
    found = [m for m in ents(text)]
    assert [m.text for m in found] == ["U.S.", "US", "United States", "Washington"]
    assert {m.canonical for m in found} == {"United States"}


def test_washington_inside_an_outlet_name_is_the_outlet():
    assert canon("It was reported by The Washington Post on Friday.")["Washington Post"][0] == "ORG"


def test_lower_case_us_is_not_the_united_states():
    assert ents("They told us nothing, and it went on.") == []


def test_person_named_after_a_place_stays_a_person():
    found = canon("George Washington crossed the river. Paris Hilton flew to Paris.")
    assert found["George Washington"][0] == "PERSON"
    assert found["Paris Hilton"][0] == "PERSON"
    assert found["Paris"] == ("GPE", "France")
    assert canon("Flights between Paris and London resumed.")["Paris"] == ("GPE", "France")


def test_surname_that_is_a_country_follows_the_person():
    text = "Michael Jordan scored 40 points. Jordan then left the court."
    labels = [(m.text, m.label, m.canonical) for m in ents(text)]
    assert ("Jordan", "PERSON", "Michael Jordan") in labels


# --- regions and places ------------------------------------------------------------------


def test_kursk_region_oblast_and_bare_name_link():
    text = "Troops moved into the Kursk Oblast and later the Kursk region. Kursk itself was calm."
    found = ents(text)
    assert [m.text for m in found] == ["Kursk Oblast", "Kursk region", "Kursk"]
    assert {(m.label, m.canonical) for m in found} == {("GPE", "Kursk")}


def test_named_regions_peninsulas_and_counties():
    text = ("Tension rose on the Korean Peninsula and across the Asia-Pacific region. "
            "Fires spread through Orange County and the Crimean Peninsula.")
    found = canon(text)
    assert found["Korean Peninsula"] == ("GPE", "Korean Peninsula")
    assert found["Asia-Pacific region"] == ("GPE", "Asia-Pacific")
    assert found["Orange County"] == ("GPE", "Orange County")
    assert found["Crimean Peninsula"] == ("GPE", "Crimea")


def test_unknown_places_from_suffixes_and_prefixes():
    text = ("A quake struck Ardmoor province and rattled Callow Bridge. Boats searched Lake Orvanne "
            "and Tallon Bay.")
    found = canon(text)
    assert found["Ardmoor province"] == ("GPE", "Ardmoor")
    assert found["Callow Bridge"] == ("GPE", "Callow Bridge")
    assert found["Lake Orvanne"] == ("GPE", "Lake Orvanne")
    assert found["Tallon Bay"] == ("GPE", "Tallon Bay")


@pytest.mark.parametrize("sentence, place", [
    ("Rescuers worked in Dunmere overnight.", "Dunmere"),
    ("The ferry sank near Brackwell on Tuesday.", "Brackwell"),
    ("Volunteers came from Kesswick to help.", "Kesswick"),
    ("It capsized off Kesswick in the storm.", "Kesswick"),
    ("Flags flew at half-mast in the town of Corrance.", "Corrance"),
    ("Boats waited in Kesswick harbour.", "Kesswick"),
])
def test_unknown_places_from_prepositions_and_place_nouns(sentence, place):
    assert canon(sentence)[place] == ("GPE", place)


def test_from_before_a_full_name_is_not_a_place_cue():
    assert canon("The offer came from Nadia Korvel on Monday.")["Nadia Korvel"][0] == "PERSON"
    assert canon("The offer came from Lindqvist Harbour on Monday.")["Lindqvist Harbour"][0] == "GPE"


def test_an_unknown_word_without_a_place_cue_is_not_a_place():
    found = canon("The plan, which officials called Brackwell, was shelved.")
    assert found.get("Brackwell", ("MISC",))[0] != "GPE"


def test_place_mentioned_once_makes_its_other_mentions_places():
    text = "Volunteers came from Kesswick. Schools in the region sent buses to Kesswick as well."
    assert {m.canonical: m.label for m in ents(text)} == {"Kesswick": "GPE"}


def test_dateline_place_in_capitals():
    text = "KESSWICK, Veyrland – A passenger ferry capsized on Tuesday."
    found = canon(text)
    assert found["KESSWICK"] == ("GPE", "Kesswick")
    assert found["Veyrland"] == ("GPE", "Veyrland")


def test_demonym_links_to_a_place_named_in_the_same_article():
    text = "Valdoria's parliament voted on Monday. Valdorian lawmakers then left the chamber."
    found = canon(text)
    assert found["Valdoria"] == ("GPE", "Valdoria")
    assert found["Valdorian"] == ("GPE", "Valdoria")


def test_demonym_without_its_place_is_not_invented_into_one():
    found = canon("Valdorian lawmakers then left the chamber after the vote in Corrance.")
    assert found.get("Valdorian", (None, None))[1] != "Valdoria"


def test_state_named_after_republic_of_links_to_its_short_name():
    text = "The Republic of Kesh must now ratify it. Kesh has until April."
    assert {m.canonical for m in ents(text)} == {"Kesh"}
    assert {m.label for m in ents(text)} == {"GPE"}


# --- organisations ----------------------------------------------------------------------------


@pytest.mark.parametrize("surface, canonical", [
    ("UN", "United Nations"),
    ("United Nations", "United Nations"),
    ("UN Security Council", "UN Security Council"),
    ("United Nations Security Council", "UN Security Council"),
    ("NATO", "NATO"),
    ("EU", "European Union"),
    ("State Duma", "State Duma"),
    ("Russian State Duma", "State Duma"),
    ("Federation Council", "Federation Council"),
    ("Kremlin", "Kremlin"),
    ("Pentagon", "Pentagon"),
    ("White House", "White House"),
    ("IAEA", "IAEA"),
    ("WHO", "World Health Organization"),
    ("IMF", "International Monetary Fund"),
])
def test_gazetteer_organisations(surface, canonical):
    (mention,) = mentions_of(f"Officials said the {surface} would meet again soon.", surface)
    assert (mention.label, mention.canonical) == ("ORG", canonical)


def test_who_the_pronoun_is_not_the_health_organisation():
    assert [m for m in ents("Who said that? Nobody knows who did it.") if m.label == "ORG"] == []


@pytest.mark.parametrize("sentence, surface", [
    ("the Veyrland Coast Guard said on Tuesday.", "Veyrland Coast Guard"),
    ("The ferry was run by Orvanne Lake Lines until March.", "Orvanne Lake Lines"),
    ("according to the Harbor Ledger and others.", "Harbor Ledger"),
    ("Patients were taken to Kesswick General Hospital overnight.", "Kesswick General Hospital"),
    ("Deputy Aurel Manz of the Upland Farmers' Party objected.", "Upland Farmers' Party"),
    ("He said the Ministry of Health would act.", "Ministry of Health"),
    ("She spoke for the Institute for the Study of War on Friday.", "Institute for the Study of War"),
    ("It went to the Veyrland Seismological Institute for review.", "Veyrland Seismological Institute"),
])
def test_organisations_from_name_words(sentence, surface):
    assert canon(sentence)[surface][0] == "ORG"


def test_department_of_x_is_one_organisation_and_and_separates_two():
    text = "The Department of Justice and the Institute for the Study of War disagreed."
    assert [m.text for m in ents(text)] == ["Department of Justice", "Institute for the Study of War"]


def test_coordinated_known_names_are_not_merged_into_one_organisation():
    text = "The U.S. and European Union imposed sanctions."
    assert [(m.text, m.label) for m in ents(text)] == [("U.S.", "GPE"), ("European Union", "ORG")]


def test_acronym_in_parentheses_links_to_its_long_form():
    text = ("The Veyrland Maritime Safety Agency (VMSA) opened an inquiry. "
            "Later the VMSA said the ferry had been overloaded.")
    found = [m for m in ents(text) if m.text in ("Veyrland Maritime Safety Agency", "VMSA")]
    assert len(found) == 3
    assert {(m.label, m.canonical) for m in found} == {("ORG", "Veyrland Maritime Safety Agency")}


def test_outlets_are_organisations():
    found = canon("as reported by AP News and Reuters, according to Yonhap News Agency.")
    assert found["AP News"] == ("ORG", "Associated Press")
    assert found["Reuters"] == ("ORG", "Reuters")
    assert found["Yonhap News Agency"] == ("ORG", "Yonhap")


def test_a_demonym_leading_a_title_names_a_work_not_a_country():
    found = [(m.text, m.label) for m in ents("She was the American Pie star, her publicist said.")]
    assert found == [("American Pie", "MISC")]


def test_ship_names_are_not_organisations_or_people():
    text = "The MV Saltmarsh Dawn sank on Tuesday. Divers reached the Saltmarsh Dawn at noon."
    found = ents(text)
    assert [(m.text, m.label, m.canonical) for m in found] == [
        ("MV Saltmarsh Dawn", "MISC", "Saltmarsh Dawn"), ("Saltmarsh Dawn", "MISC", "Saltmarsh Dawn")]


# --- people -----------------------------------------------------------------------------------


@pytest.mark.parametrize("sentence, person", [
    ("President Vladimir Putin spoke on Tuesday.", "Vladimir Putin"),
    ("Prime Minister Teodor Vance welcomed the result.", "Teodor Vance"),
    ("Transport Minister Hana Ostrova travelled there.", "Hana Ostrova"),
    ("Water Minister Sabine Torvald said so.", "Sabine Torvald"),
    ("The talks were led by Dr. Jane Foster of the institute.", "Jane Foster"),
    ("Judge Elena Marrow adjourned the case.", "Elena Marrow"),
    ("Mrs. Nella Brodie ran into the street.", "Nella Brodie"),
    ("A statement from spokeswoman Ilse Varga followed.", "Ilse Varga"),
    ("Commander Aldo Brennick of the Veyrland Coast Guard spoke.", "Aldo Brennick"),
])
def test_titles_introduce_people_and_stay_out_of_the_name(sentence, person):
    (mention,) = [m for m in ents(sentence) if m.label == "PERSON"]
    assert (mention.text, mention.canonical) == (person, person)


def test_mr_with_surname_only():
    (mention,) = ents("The bill was drafted by Mr. Castellan last year.")
    assert (mention.text, mention.label) == ("Castellan", "PERSON")


def test_north_korean_leader_is_a_place_and_a_person():
    found = [(m.text, m.label, m.canonical) for m in ents("North Korean leader Kim Jong Un arrived.")]
    assert found == [("North Korean", "GPE", "North Korea"), ("Kim Jong Un", "PERSON", "Kim Jong Un")]


def test_later_surname_links_to_the_full_name():
    text = ("Transport Minister Hana Ostrova announced an inquiry. Ostrova said it would be independent. "
            "Judge Elena Marrow agreed, and Marrow set a date.")
    found = [(m.text, m.canonical) for m in ents(text) if m.label == "PERSON"]
    assert ("Ostrova", "Hana Ostrova") in found
    assert ("Marrow", "Elena Marrow") in found


def test_putin_after_president_vladimir_putin():
    found = ents("President Vladimir Putin signed it. Later Putin flew home.")
    assert [(m.text, m.canonical) for m in found] == [("Vladimir Putin", "Vladimir Putin"),
                                                        ("Putin", "Vladimir Putin")]


def test_korean_family_name_first_links_and_hyphen_styles_agree():
    text = "Choi Min-seo arrived first. Choi Min Seo later spoke, and Choi thanked the crowd."
    found = [m for m in ents(text) if m.label == "PERSON"]
    assert [m.text for m in found] == ["Choi Min-seo", "Choi Min Seo", "Choi"]
    assert {m.canonical for m in found} == {"Choi Min Seo"}


def test_kim_jong_un_spellings_share_a_canonical():
    found = ents("Kim Jong-un met officials. Kim Jong Un's envoy left, and Kim Jong-un's sister stayed.")
    assert {m.canonical for m in found} == {"Kim Jong Un"}
    assert len(found) == 3


def test_given_names_that_are_also_common_words():
    found = canon("Bill Gates met Will Smith. The Bill passed. Will Kesswick recover?")
    assert found["Bill Gates"][0] == "PERSON"
    assert found["Will Smith"][0] == "PERSON"
    assert "Bill" not in found and "Will Kesswick" not in found


def test_names_with_particles_and_hyphens():
    found = canon("Ursula von der Leyen met Bashar al-Assad and Jean-Luc Picard in Brussels.")
    assert found["Ursula von der Leyen"][0] == "PERSON"
    assert found["Bashar al-Assad"][0] == "PERSON"
    assert found["Jean-Luc Picard"][0] == "PERSON"


def test_plain_two_word_name_is_a_person_and_its_surname_links():
    text = "Tara Reid checked into a clinic. Reid's publicist confirmed it on Friday."
    found = [(m.text, m.label, m.canonical) for m in ents(text)]
    assert found == [("Tara Reid", "PERSON", "Tara Reid"), ("Reid", "PERSON", "Tara Reid")]


def test_demonym_before_a_title_does_not_join_the_name():
    found = [(m.text, m.label, m.canonical) for m in
             ents("Valdoria agreed. Valdorian President Ilsa Marrow signed it.")]
    assert ("Valdorian", "GPE", "Valdoria") in found
    assert ("Ilsa Marrow", "PERSON", "Ilsa Marrow") in found


def test_byline_is_a_person():
    text = "Ardmoor quake leaves province in rubble\nBy Sam Oderin\nA strong quake hit the province."
    assert canon(text)["Sam Oderin"] == ("PERSON", "Sam Oderin")


def test_theresa_may_is_a_person_but_may_the_modal_is_nothing():
    assert canon("Theresa May said Britain would leave.")["Theresa May"] == ("PERSON", "Theresa May")
    assert ents("Officials may act soon, they said in May.") == []


# --- what is not an entity ---------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "However, nothing changed after that.",
    "The talks ended without agreement.",
    "In the end, they agreed.",
    "Reports indicate that soldiers were deployed.",
    "On Tuesday and Wednesday the rain continued.",
    "Officials said talks would resume in March or April.",
    "Rescuers pulled 87 survivors from the water.",
    "Image created by AI",
    "Global Implications of the Treaty",
    "Rising Military Cooperation",
    "No comments yet",
])
def test_no_entities_in_function_words_dates_and_headings(text):
    assert ents(text) == []


def test_heading_keeps_only_names_the_gazetteers_or_body_confirm():
    text = ("Russia and North Korea Sign Mutual Defense Treaty: A New Era of Strategic Partnership\n"
            "The two countries signed the pact in June.")
    assert [(m.text, m.canonical) for m in ents(text)] == [("Russia", "Russia"), ("North Korea", "North Korea")]


def test_heading_run_is_cut_to_the_person_the_body_names():
    text = "Lindsay Lohan Checks Into Rehab Again\nThe actress arrived on Friday, Lohan's lawyer said."
    found = [(m.text, m.label) for m in ents(text)]
    assert ("Lindsay Lohan", "PERSON") in found
    assert not any("Checks" in surface for surface, _ in found)


def test_title_prefix_before_a_colon_is_a_heading():
    text = "Specific Military Aid and Exchange: The pact formalizes an observed trend, officials in Seoul said."
    assert [m.text for m in ents(text)] == ["Seoul"]


def test_all_capitals_line_does_not_turn_words_into_organisations():
    assert [m for m in ents("BREAKING: WHO IS TO BLAME FOR THE FERRY DISASTER") if m.label == "ORG"] == []


# --- spans and sentence indexes ---------------------------------------------------------------


def _check_invariants(text: str, recognizer: EntityRecognizer = RULES) -> list:
    sentences = split_sentences(text)
    found = recognizer.recognize(text, sentences)
    previous_end = -1
    for m in sorted(found, key=lambda m: m.start):
        assert text[m.start:m.end] == m.text
        assert m.label in {"PERSON", "ORG", "GPE", "MISC"}
        assert m.canonical and m.canonical == m.canonical.strip()
        s = sentences[m.sentence]
        assert s.start <= m.start and m.end <= s.end, (m, s)
        assert m.start >= previous_end, f"overlapping mention {m}"
        previous_end = m.end
    return found


@pytest.mark.parametrize("text", [
    "",
    "   \n\n  ",
    "A",
    "—",
    "U.S.-led forces, Russian-backed units and pro-Kremlin media (RT) clashed.",
    "Hwasong-19 missiles, the 5th Division and ICBM tests: 50,000-100,000 tons.",
    "Zürich’s Lord Mayor Corine Mauch met São Paulo officials in Île-de-France.",
    "Mr. Dr. Prof. St. Jr. Inc. Co. N. S. E. W.",
    "'Quoted Name' and \"Another One\" – then (Parenthesized Thing) [Bracketed Words].",
    "A-B-C D-E-F al- -al al-Qaeda's de-escalation Farmers' Workers'",
])
def test_spans_are_exact_and_sentences_right_on_odd_text(text):
    _check_invariants(text)


def test_works_when_sentences_are_not_given():
    found = RULES.recognize("Talks in Moscow ended. Seoul protested.", [])
    assert [(m.sentence, m.canonical) for m in found] == [(0, "Russia"), (1, "South Korea")]


def test_spans_are_exact_on_the_packaged_sample_corpus():
    paths = sorted(sample_corpus_path().glob("*.txt"))
    assert paths
    for path in paths:
        _check_invariants(path.read_text(encoding="utf-8"))


def test_spans_are_exact_on_real_news():
    if not ECB_DEV.exists():
        pytest.skip(f"{ECB_DEV} is not available (a user's clone has no ../shared)")
    with ECB_DEV.open(encoding="utf-8") as lines:
        for line in lines:
            _check_invariants(json.loads(line)["text"])


# --- seed articles (real news about one story) --------------------------------------------------


def _seed_mentions(seeds_dir: Path):
    paths = sorted(seeds_dir.glob("00[0-4]_*.txt"))
    if len(paths) < 5:
        pytest.skip("seed articles 000-004 are not all present")
    return [m for path in paths for m in ents(path.read_text(encoding="utf-8"))]


def test_seeds_kim_jong_un_spellings_share_one_canonical(seeds_dir):
    found = _seed_mentions(seeds_dir)
    kims = [m for m in found if m.text in ("Kim Jong Un", "Kim Jong-un")]
    assert {m.text for m in kims} == {"Kim Jong Un", "Kim Jong-un"}
    assert {(m.label, m.canonical) for m in kims} == {("PERSON", "Kim Jong Un")}


def test_seeds_north_korea_names_share_one_canonical(seeds_dir):
    found = _seed_mentions(seeds_dir)
    names = ("DPRK", "North Korea", "Democratic People's Republic of Korea", "North Korean")
    for surface in names:
        matching = [m for m in found if m.text == surface]
        assert matching, surface
        assert {(m.label, m.canonical) for m in matching} == {("GPE", "North Korea")}, surface


def test_seeds_putin_after_president_vladimir_putin(seeds_dir):
    text = next(seeds_dir.glob("001_*.txt"), None)
    if text is None:
        pytest.skip("seed 001 is missing")
    found = ents(text.read_text(encoding="utf-8"))
    putins = [m for m in found if m.text in ("Vladimir Putin", "Putin")]
    assert {m.text for m in putins} == {"Vladimir Putin", "Putin"}
    assert {m.canonical for m in putins} == {"Vladimir Putin"}
    assert all(m.text != "President Vladimir Putin" for m in found)


def test_seeds_organisations_where_present(seeds_dir):
    found = _seed_mentions(seeds_dir)
    for surface, canonical in [("UN Security Council", "UN Security Council"), ("NATO", "NATO"),
                               ("Russian State Duma", "State Duma")]:
        matching = [m for m in found if m.text == surface]
        assert matching, surface
        assert {(m.label, m.canonical) for m in matching} == {("ORG", canonical)}


def test_seeds_kursk_region(seeds_dir):
    found = _seed_mentions(seeds_dir)
    kursk = [m for m in found if m.text == "Kursk region"]
    assert len(kursk) >= 2
    assert {(m.label, m.canonical) for m in kursk} == {("GPE", "Kursk")}


def test_seeds_have_no_heading_or_boilerplate_junk(seeds_dir):
    found = _seed_mentions(seeds_dir)
    surfaces = {m.text for m in found}
    for junk in ("AI", "Image", "Reports", "However", "Global Implications", "Strategic Partnership",
                 "Join the Discussion", "November", "Monday"):
        assert junk not in surfaces


# --- speed ---------------------------------------------------------------------------------------

_TYPICAL_ARTICLE = " ".join([
    "A passenger ferry capsized in a violent storm on Lake Orvanne on Tuesday, killing 41 people, "
    "the Veyrland Coast Guard said.",
    "The MV Saltmarsh Dawn, run by Orvanne Lake Lines, was carrying about 130 passengers.",
    "Coast guard crews rescued 87 survivors from the water near Kesswick.",
    '"Waves of more than three metres hit the vessel," Commander Aldo Brennick told reporters.',
    "Transport Minister Hana Ostrova announced an independent inquiry into the disaster.",
    "Ostrova said investigators would examine the weather warnings issued before the ferry left port.",
    "President Vladimir Putin and North Korean leader Kim Jong Un sent condolences.",
    "The UN Security Council observed a minute of silence, and NATO offered divers.",
    "Officials in Pyongyang, Moscow and Seoul issued statements on Wednesday.",
    "The Institute for the Study of War (ISW) said the storm was unrelated to the conflict.",
    "Residents of Dunmere and Callow Bridge held a vigil on the lakeside promenade.",
    "The company has suspended all crossings on the lake until further notice.",
    "Flags at the Kesswick harbour office were lowered to half-mast.",
    "Storm warnings had been in force across the lake since the morning, the national weather service said.",
    "Divers from the Russian Federation and the United States joined the search.",
    "Ostrova is expected to report to the State Duma delegation next week.",
])


def test_a_typical_sixteen_sentence_article_takes_well_under_five_milliseconds():
    sentences = split_sentences(_TYPICAL_ARTICLE)
    assert len(sentences) == 16
    RULES.recognize(_TYPICAL_ARTICLE, sentences)  # warm-up
    best = float("inf")
    for _ in range(15):
        start = time.perf_counter()
        RULES.recognize(_TYPICAL_ARTICLE, sentences)
        best = min(best, time.perf_counter() - start)
    assert best < 0.005, f"{best * 1000:.2f} ms"


# --- choosing a recognizer; the spaCy plug-in --------------------------------------------------------


@pytest.fixture
def fresh_recognizers():
    get_recognizer.cache_clear()
    yield
    get_recognizer.cache_clear()


@pytest.fixture
def no_spacy(monkeypatch, fresh_recognizers):
    monkeypatch.setitem(sys.modules, "spacy", None)  # makes `import spacy` fail as if not installed


def test_auto_falls_back_to_rules_without_spacy(no_spacy):
    recognizer = get_recognizer("auto")
    assert isinstance(recognizer, RuleEntityRecognizer)
    assert recognizer.name == "rules"
    assert isinstance(recognizer, EntityRecognizer)


def test_auto_is_rules_on_this_machine(fresh_recognizers):
    try:
        import spacy  # noqa: F401
    except ImportError:
        assert isinstance(get_recognizer(), RuleEntityRecognizer)
    else:
        pytest.skip("spaCy is installed here; auto may pick it")


def test_spacy_recognizer_says_how_to_get_it_when_absent(no_spacy):
    with pytest.raises(RecognizerUnavailable) as error:
        get_recognizer("spacy")
    message = str(error.value)
    assert "pip install spacy" in message and "rules" in message


def test_unknown_recognizer_name_is_rejected(fresh_recognizers):
    with pytest.raises(ValueError, match="auto.*rules.*spacy"):
        get_recognizer("stanza")


def test_get_recognizer_is_cached(fresh_recognizers):
    assert get_recognizer("rules") is get_recognizer("rules")


def test_gazetteers_are_built_once():
    assert entities_module._lexicon() is entities_module._lexicon()
    assert RuleEntityRecognizer()._lex is RULES._lex


class _FakeSpacy:
    """Stands in for a spaCy pipeline: finds fixed spans with spaCy's labels."""

    def __init__(self, spans: list[tuple[str, str]]):
        self.spans = spans
        self.meta = {"name": "fake"}

    def __call__(self, text: str):
        ents, offset = [], 0
        for surface, label in self.spans:
            start = text.index(surface, offset)
            offset = start + len(surface)
            ents.append(SimpleNamespace(start_char=start, end_char=offset, label_=label, text=surface))
        return SimpleNamespace(ents=ents)


def test_spacy_plugin_maps_labels_and_canonicalizes_with_the_gazetteers():
    text = ("The North Korean leader Kim Jong-un met Vladimir Putin in Pyongyang. "
            "Putin praised the DPRK, and the Kremlin and the Veyrland Coast Guard agreed on Tuesday.")
    nlp = _FakeSpacy([("North Korean", "NORP"), ("Kim Jong-un", "PERSON"), ("Vladimir Putin", "PERSON"),
                      ("Pyongyang", "GPE"), ("Putin", "PERSON"), ("DPRK", "GPE"), ("the Kremlin", "ORG"),
                      ("the Veyrland Coast Guard", "ORG"), ("Tuesday", "DATE")])
    recognizer = SpacyEntityRecognizer(nlp=nlp)
    found = recognizer.recognize(text, split_sentences(text))
    assert [(m.sentence, m.text, m.label, m.canonical) for m in found] == [
        (0, "North Korean", "GPE", "North Korea"),
        (0, "Kim Jong-un", "PERSON", "Kim Jong Un"),
        (0, "Vladimir Putin", "PERSON", "Vladimir Putin"),
        (0, "Pyongyang", "GPE", "North Korea"),
        (1, "Putin", "PERSON", "Vladimir Putin"),
        (1, "DPRK", "GPE", "North Korea"),
        (1, "Kremlin", "ORG", "Kremlin"),
        (1, "Veyrland Coast Guard", "ORG", "Veyrland Coast Guard"),
    ]


def test_spacy_plugin_links_a_lone_surname_and_strips_titles():
    text = "Judge Elena Marrow opened the hearing. Marrow adjourned it in the Kursk region."
    nlp = _FakeSpacy([("Judge Elena Marrow", "PERSON"), ("Marrow", "PERSON"), ("Kursk region", "LOC")])
    found = SpacyEntityRecognizer(nlp=nlp).recognize(text, split_sentences(text))
    assert [(m.text, m.label, m.canonical) for m in found] == [
        ("Elena Marrow", "PERSON", "Elena Marrow"), ("Marrow", "PERSON", "Elena Marrow"),
        ("Kursk region", "GPE", "Kursk")]


def test_real_spacy_model_when_installed(fresh_recognizers):
    pytest.importorskip("spacy")
    try:
        recognizer = SpacyEntityRecognizer()
    except RecognizerUnavailable as exc:
        pytest.skip(str(exc))
    text = "Russian President Vladimir Putin met North Korean leader Kim Jong Un in Pyongyang. Putin left."
    found = _check_invariants(text, recognizer)
    by_text = {m.text: m.canonical for m in found}
    assert by_text.get("Vladimir Putin") == "Vladimir Putin"
    assert by_text.get("Pyongyang") == "North Korea"
    assert isinstance(get_recognizer("auto"), SpacyEntityRecognizer)
