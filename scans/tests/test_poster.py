"""The meeting poster: built from results made by hand (unsaved models, no database)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.utils import translation

from communities.models import Community
from scans.formatting import number_text, signed_text
from scans.models import ItemScale, Round, ScanItem, ScanVersion
from scans.poster import clean, round_poster_pdf
from scans.selectors import HistoryPoint, ItemResult, RoundResults
from scans.statistics import item_statistics

PAGE = re.compile(rb"/Type /Page\b(?!s)")


def page_count(pdf: bytes) -> int:
    return len(PAGE.findall(pdf))


def make_round(title="Teamscan spring") -> Round:
    return Round(
        title=title,
        community=Community(name="Het Leerhuis"),
        version=ScanVersion(number=1, title="Samen leren"),
        closes_at=datetime(2025, 3, 14, 17, 0, tzinfo=UTC),
        closed_at=datetime(2025, 3, 12, 9, 30, tzinfo=UTC),
    )


def scored(position, text, scale, values, *, point=False, change=None, **poles) -> ItemResult:
    item = ScanItem(position=position, key=f"item-{position}", text=text, scale=scale, **poles)
    statistics = item_statistics(values, item.values)
    return ItemResult(
        item=item,
        statistics=statistics,
        is_discussion_point=point,
        history=[HistoryPoint(round=None, mean=statistics.mean, is_current=True)],
        change=change,
    )


def open_item(position, text, answers) -> ItemResult:
    item = ScanItem(position=position, key=f"open-{position}", text=text, scale=ItemScale.OPEN)
    return ItemResult(item=item, open_answers=answers)


def small_results(**kwargs) -> RoundResults:
    items = [
        scored(
            1,
            "We share what goes wrong, not only what goes well.",
            ItemScale.AGREEMENT,
            [1, 1, 5, 5, 5, 2, 4],
            point=True,
            change=0.8,
        ),
        scored(
            2,
            "How do we decide?",
            ItemScale.BIPOLAR,
            [2, 3, 3, 4],
            left_pole="Top-down",
            right_pole="Together",
            change=-0.25,
        ),
        scored(3, "Did you try something new?", ItemScale.YES_NO, [0, 1, 1, 1], change=0.25),
        open_item(4, "What should we keep?", ["Koffie ↔ thee", "“Samen” 😀 leren", "Één idee"]),
    ]
    return RoundResults(
        round=make_round(**kwargs), response_count=7, items=items, earlier_rounds=[]
    )


def large_results() -> RoundResults:
    scales = [ItemScale.AGREEMENT, ItemScale.BIPOLAR, ItemScale.YES_NO]
    items = []
    for position in range(1, 41):
        scale = scales[position % 3]
        values = [1, 2, 3, 4, 5, 3, 4] if scale != ItemScale.YES_NO else [0, 1, 1]
        items.append(
            scored(
                position,
                f"Statement {position}: " + "a fairly long statement that needs wrapping " * 4,
                scale,
                values,
                point=position in (5, 17, 33),
                change=0.1 * position if position % 4 == 0 else None,
                left_pole="Everyone for themselves, each with their own plan and pace",
                right_pole="Together, in one plan that everyone knows and shares",
            )
        )
    answers = [f"Answer {n:02d} ↔ with some more words to read 😀 " * 3 for n in range(60)]
    answers.append("https://example.org/" + "very-long-path" * 40)
    items.append(open_item(41, "What else?", answers))
    items.append(
        scored(
            42,
            "Onesinglewordwithoutanyspaces" * 12,
            ItemScale.BIPOLAR,
            [1, 5, 1, 5],
            left_pole="Eenheelerglangwoordzonderspaties" * 2,
            right_pole="",
        )
    )
    return RoundResults(round=make_round(), response_count=12, items=items, earlier_rounds=[])


def test_poster_is_a_pdf_with_the_round_and_its_results():
    with translation.override("en"):
        pdf = round_poster_pdf(small_results(), compress=False)
    assert pdf.startswith(b"%PDF")
    assert page_count(pdf) == 1
    for text in (
        b"Teamscan spring",
        b"Het Leerhuis",
        b"Samen leren",
        b"Discussion points",
        b"Discussion point)",
        b"mean 3.3 \\267 spread 1.7",
        b"+0.8 since the previous round",
        b"-0.3 since the previous round",  # rounded half up, not cut off
        b"Strongly disagree",
        b"Strongly agree",
        b"Top-down",
        b"Together",
        b"75% yes \\267 4 answers",
        b"+25 percentage points since the previous round",
        b"(No)",
        b"(Yes)",
        b"What should we keep?",
        b"Koffie <",  # "Koffie <-> thee", drawn in pieces
        b"Page 1 of 1",
        b"/Title (Teamscan spring)",
    ):
        assert text in pdf, text
    # Seven answers, closed on 12 March (the earlier of closed_at and closes_at).
    assert b"7 answers" in pdf
    assert b"12, 2025" in pdf or b"12 March 2025" in pdf


def test_dutch_numbers_have_a_decimal_comma():
    with translation.override("nl"):
        pdf = round_poster_pdf(small_results(), compress=False)
    assert b"3,3" in pdf
    assert b"+0,8" in pdf
    assert b" 3.3 \\267" not in pdf


def test_compressed_by_default():
    pdf = round_poster_pdf(small_results())
    assert pdf.startswith(b"%PDF")
    assert b"Teamscan spring" not in pdf.split(b"/Title")[0].split(b"stream")[-1]
    assert b"FlateDecode" in pdf


def test_many_items_and_answers_run_over_several_pages():
    with translation.override("en"):
        pdf = round_poster_pdf(large_results(), compress=False)
    pages = page_count(pdf)
    assert pages >= 4
    assert f"Page {pages} of {pages}".encode() in pdf
    assert b"Statement 40:" in pdf
    assert b"Answer 59" in pdf
    assert pdf.count(b"(Discussion point)") == 3


@pytest.mark.parametrize(
    ("value", "places", "number", "signed"),
    [
        (3.25, 1, "3.3", "+3.3"),
        (-0.25, 1, "-0.3", "-0.3"),
        (-0.04, 1, "0.0", "±0.0"),
        (0.0, 1, "0.0", "±0.0"),
        (62.5, 0, "63", "+63"),
    ],
)
def test_numbers_are_rounded_half_up(value, places, number, signed):
    with translation.override("en"):
        assert number_text(value, places) == number
        assert signed_text(value, places) == signed
    with translation.override("nl"):
        assert number_text(value, places) == number.replace(".", ",")


def test_no_discussion_points_and_no_open_answers():
    results = small_results()
    results.items = [
        scored(1, "Calm", ItemScale.AGREEMENT, [4, 4, 4]),
        scored(2, "Nobody answered", ItemScale.AGREEMENT, []),
        open_item(3, "Anything else?", []),
    ]
    with translation.override("en"):
        pdf = round_poster_pdf(results, compress=False)
    assert b"close together on every statement" in pdf
    assert b"No answers to this statement." in pdf
    assert b"No answers." in pdf


@pytest.mark.parametrize(
    ("raw", "printed"),
    [
        ("Koffie ↔ thee", "Koffie <-> thee"),
        ("“Samen” – leren…", "“Samen” – leren…"),
        ("Één café, ő", "Één café, o"),
        ("top 👍🏽!", "top !"),
        ("a\x00b\u200dc", "abc"),
    ],
)
def test_clean_keeps_what_helvetica_prints(raw, printed):
    assert clean(raw) == printed
    clean(raw).encode("cp1252")


def test_unprintable_title_and_texts_do_not_break_the_poster():
    results = small_results(title="Ronde ↔ 😀 “één” <b>&</b>")
    pdf = round_poster_pdf(results, compress=False)
    assert pdf.startswith(b"%PDF")
    assert b"Ronde <" in pdf
    assert b"&lt;" not in pdf  # escaped for the markup, printed as the characters themselves
