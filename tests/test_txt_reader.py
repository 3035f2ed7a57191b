"""Plain-text header and footer detection on forms the seeds do not show."""

from datetime import datetime

import pytest

from crosscheck.ingest.errors import InputError
from crosscheck.ingest.text import parse_plain_text


def test_header_block_fields():
    raw = ("Title: Dam gates opened after week of rain\nOutlet: River Times\nAuthor: Mira Holt\n"
           "Published: 2026-03-11T09:30:00+01:00\nURL: https://rivertimes.example/dam\n\n"
           "Engineers opened all four gates of the dam on Wednesday.\nThe reservoir had risen two metres.")
    f = parse_plain_text(raw)
    assert f.title == "Dam gates opened after week of rain" and not f.title_derived
    assert (f.outlet, f.author, f.url) == ("River Times", "Mira Holt", "https://rivertimes.example/dam")
    assert f.published.isoformat() == "2026-03-11T09:30:00+01:00" and f.published_has_time
    assert f.body.startswith("Engineers opened")
    assert "Outlet:" not in f.body


def test_byline_caption_and_copyright_footer_in_any_order():
    raw = ("Photo: Cranes idle at the east quay\nDockworkers walk out over pay\nBy Lena Ortiz\n"
           "Tuesday, 3 March 2026 14:05\nHundreds of dockworkers stopped work at dawn.\n"
           "The union said talks had failed.\n© 2026 Quayside Herald. All rights reserved.")
    f = parse_plain_text(raw)
    assert f.title == "Dockworkers walk out over pay"
    assert f.author == "Lena Ortiz"
    assert f.published == datetime(2026, 3, 3, 14, 5)
    assert f.outlet == "Quayside Herald"
    assert f.body == "Hundreds of dockworkers stopped work at dawn.\nThe union said talks had failed."


def test_first_sentence_is_not_taken_for_a_title():
    f = parse_plain_text("The council voted 7 to 2 on Monday to close the library.\nResidents protested.")
    assert f.title_derived
    assert f.title == "The council voted 7 to 2 on Monday to close the library"
    assert f.body.startswith("The council voted")


def test_long_first_sentence_gives_a_shortened_derived_title():
    first = " ".join(["word"] * 40) + "."
    f = parse_plain_text(first + "\nSecond paragraph.")
    assert f.title_derived and f.title.endswith("…") and len(f.title.split()) == 14


def test_dateline_deep_in_the_body_is_body_text():
    body = "\n".join(f"Paragraph {i} of the report." for i in range(8))
    f = parse_plain_text(body + "\n12 November 2024\nClosing paragraph.")
    assert f.published is None
    assert "12 November 2024" in f.body


def test_separator_lines_and_comment_box_are_dropped():
    f = parse_plain_text("Headline here\nBody one.\n-\nBody two.\n***\nNo comments yet\nLeave a comment")
    assert f.body == "Body one.\nBody two."


def test_us_style_dateline_and_labelled_dateline():
    assert parse_plain_text("Title\nNovember 12, 2024\nBody.").published == datetime(2024, 11, 12)
    f = parse_plain_text("Title\nPublished: 12 Nov 2024 at 9:15\nBody.")
    assert f.published == datetime(2024, 11, 12, 9, 15) and f.published_has_time


def test_only_boilerplate_is_rejected():
    with pytest.raises(InputError, match="no article text"):
        parse_plain_text("No comments yet\nSign in to comment")
