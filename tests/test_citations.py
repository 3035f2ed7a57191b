"""Citations: who an article names as its source, with outlet names normalized."""

import pytest

from crosscheck.analyze.citations import extract_citations
from crosscheck.analyze.outlets import normalize_outlet, outlet_index
from crosscheck.analyze.sentences import split_sentences


def cite(text, known=()):
    return [(c.kind, c.source) for c in extract_citations(text, split_sentences(text), known)]


@pytest.mark.parametrize("name", ["apnews.com", "AP", "the Associated Press", "AP News", "www.apnews.com"])
def test_ap_aliases_are_one_outlet(name):
    assert normalize_outlet(name) == ("AP News", True)


def test_store_outlets_are_matched_by_name_and_domain():
    known = ["Harbour Ledger", "Kesh Evening Standard"]
    assert normalize_outlet("harbourledger.example", known) == ("Harbour Ledger", True)
    assert normalize_outlet("the Kesh Evening Standard", known) == ("Kesh Evening Standard", True)


@pytest.mark.parametrize("text, expected", [
    ("The ministry denied it, according to Reuters.", ("outlet", "Reuters")),
    ("apnews.com reported, The pact takes effect now.", ("outlet", "AP News")),
    ("The deal was signed in June, as reported by AP News.", ("outlet", "AP News")),
    ("A spokesman told Yonhap that talks had stalled.", ("outlet", "Yonhap")),
    ("Refrence From: www.ndtv.com", ("outlet", "NDTV")),
    ("Reference from: harbourledger.example", ("outlet", "harbourledger.example")),
    ("The toll rose to 12, the Daily Courier reported.", ("outlet", "Daily Courier")),
    ("Troops moved north, according to South Korean intelligence.", ("other", "South Korean intelligence")),
    ("The treaty was ratified, according to state media sources.", ("other", "state media sources")),
    ("Prices rose, according to analysis by Reuters.", ("outlet", "Reuters")),
])
def test_attribution_forms(text, expected):
    assert expected in cite(text)


@pytest.mark.parametrize("text", [
    "According to the agreement, both sides will help each other.",
    "Putin said the treaty was historic.",
    "He told reporters nothing new.",
    "The reported figures were revised on Monday.",
])
def test_non_citations(text):
    assert [c for c in cite(text) if c[0] == "outlet"] == []
    assert ("other", "the agreement") not in cite(text) and ("other", "agreement") not in cite(text)


def test_spans_point_at_the_attribution():
    text = "Rescuers worked overnight.\nThe toll stands at 41, according to Meridian Wire."
    [c] = extract_citations(text, split_sentences(text), ["Meridian Wire"])
    assert text[c.start:c.end] == c.text == "according to Meridian Wire"
    assert c.sentence == 1 and c.source == "Meridian Wire"


def test_seed_citations(seeds_dir):
    from crosscheck.ingest.text import parse_plain_text

    found = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        body = parse_plain_text(path.read_text(encoding="utf-8")).body
        found[path.name[:3]] = {c.source for c in extract_citations(body, split_sentences(body))
                                if c.kind == "outlet"}
    assert "NDTV" in found["001"]
    assert {"AP News", "Reuters"} <= found["004"]
    assert not found["000"]


def test_an_outlet_index_grown_batch_by_batch_equals_one_built_at_once():
    """The analyser adds each batch's new outlet names to its index instead of rebuilding it
    from every stored name; whatever order the names come in, it is the same index."""
    from crosscheck.analyze.outlets import outlet_index

    names = ["The Meridian Wire", "meridianwire.example", "Meridian Wire", "Harbor Ledger",
             "harborledger.example", "The Harbor Ledger", "Coastal Times", ""]
    whole = outlet_index(sorted(names))
    assert whole["meridianwire"] == "Meridian Wire" and whole["harborledger"] == "Harbor Ledger"
    for batches in ([names[:3], names[3:]], [names[::-1]], [[n] for n in names[3:] + names[:3]]):
        grown: dict[str, str] = {}
        for batch in batches:
            outlet_index(batch, into=grown)
        assert grown == whole
