"""Results of a round: released only when closed with enough answers; distribution, mean
and spread per item; discussion points; change since earlier rounds; the poster; the
journal entry; and the anonymous aggregates across public communities."""

from __future__ import annotations

import datetime
import math

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import signed_in_client
from communities.tests.factories import make_community
from instruments.services import sector_get_or_create
from instruments.tests.factories import InstrumentFactory
from journal.models import JournalEntry
from scans import selectors, services
from scans.definitions import parse_items
from scans.models import Round
from scans.statistics import (
    DISAGREEMENT_THRESHOLD,
    MAX_DISCUSSION_POINTS,
    discussion_points,
    item_statistics,
)
from scans.tests.factories import (
    AGREE_KEY,
    OPEN_KEY,
    SLIDER_KEY,
    YES_NO_KEY,
    answered_round,
    make_scan,
)

pytestmark = pytest.mark.django_db

# Agreement 1, 3, 5 differs as much as it can on the middle; the slider agrees (4, 4, 4).
DISPUTED = [[1, 4, 1], [3, 4, 1], [5, 4, 0]]


def _results(round_):
    return selectors.round_results(Round.objects.get(pk=round_.pk))


# --- arithmetic -------------------------------------------------------------------------


def test_item_statistics_give_distribution_mean_and_spread():
    stats = item_statistics([1, 3, 5, 5], (1, 2, 3, 4, 5))

    assert stats.count == 4
    assert stats.mean == 3.5
    assert stats.spread == pytest.approx(math.sqrt(2.75))
    assert stats.disagreement == pytest.approx(math.sqrt(2.75) / 2)
    assert [(d.value, d.count, d.share) for d in stats.distribution] == [
        (1, 1, 0.25),
        (2, 0, 0.0),
        (3, 1, 0.25),
        (4, 0, 0.0),
        (5, 2, 0.5),
    ]


def test_item_statistics_of_yes_or_no_and_of_nothing():
    yes_no = item_statistics([1, 1, 0, 1], (0, 1))
    nothing = item_statistics([], (1, 2, 3, 4, 5))

    assert yes_no.mean == 0.75
    assert [(d.value, d.count) for d in yes_no.distribution] == [(0, 1), (1, 3)]
    assert (nothing.count, nothing.mean, nothing.spread, nothing.disagreement) == (
        0,
        None,
        None,
        None,
    )


def test_discussion_points_are_the_most_disputed_above_the_threshold():
    scale = (1, 2, 3, 4, 5)
    statistics = {
        "eens": item_statistics([4, 4, 4], scale),
        "verdeeld": item_statistics([1, 5, 1, 5], scale),
        "wat": item_statistics([2, 4, 2, 4], scale),
        "meer": item_statistics([1, 3, 5], scale),
        "ook": item_statistics([1, 2, 4, 5], scale),
    }
    below = item_statistics([2, 3, 4], scale)
    statistics["net-niet"] = below

    points = discussion_points(statistics)

    assert below.disagreement < DISAGREEMENT_THRESHOLD
    assert statistics["wat"].disagreement == pytest.approx(0.5)
    assert len(points) == MAX_DISCUSSION_POINTS
    assert points == ["verdeeld", "meer", "ook"]


# --- release ----------------------------------------------------------------------------


def test_results_are_hidden_while_the_round_is_open(facilitator, community, scan):
    round_ = answered_round(facilitator, community, scan, DISPUTED, close=False)

    assert _results(round_) is None


def test_results_are_hidden_at_two_answers_and_shown_at_three(facilitator, community, scan):
    two = answered_round(facilitator, community, scan, DISPUTED[:2])
    three = answered_round(facilitator, community, scan, DISPUTED)

    assert _results(two) is None
    assert _results(three).response_count == 3


@override_settings(SCANS_MIN_RESPONSES=4)
def test_a_higher_platform_minimum_hides_three_and_shows_four(facilitator, community, scan):
    three = answered_round(facilitator, community, scan, DISPUTED)
    four = answered_round(facilitator, community, scan, [*DISPUTED, [2, 2, 1]])

    assert _results(three) is None
    assert _results(four).response_count == 4


def test_raising_the_platform_minimum_later_hides_older_rounds(facilitator, community, scan):
    round_ = answered_round(facilitator, community, scan, DISPUTED)

    with override_settings(SCANS_MIN_RESPONSES=4):
        assert _results(round_) is None
    assert _results(round_) is not None


def test_a_rounds_own_higher_minimum_is_respected(facilitator, community, scan):
    four = answered_round(facilitator, community, scan, [*DISPUTED, [2, 2, 1]], min_responses=5)
    five = answered_round(facilitator, community, scan, DISPUTED * 2, min_responses=5)

    assert _results(four) is None
    assert _results(five).response_count == 6
    assert list(selectors.released_rounds(Round.objects.all())) == [five]


@override_settings(SCANS_MIN_RESPONSES=4)
def test_the_round_page_shows_results_only_from_the_minimum(facilitator, community, scan, client):
    three = answered_round(facilitator, community, scan, DISPUTED)
    four = answered_round(facilitator, community, scan, [*DISPUTED, [2, 2, 1]])

    hidden = client.get(three.get_absolute_url())
    shown = client.get(four.get_absolute_url())

    assert hidden.context["results"] is None
    assert "scan-result" not in hidden.content.decode()
    assert shown.context["results"].response_count == 4
    assert shown.content.decode().count('<li class="scan-result') == 3


def test_a_facilitator_closing_early_releases_the_results(facilitator, community, scan):
    round_ = answered_round(facilitator, community, scan, DISPUTED, close=False)

    services.round_close(user=facilitator, round_=round_)

    assert _results(round_) is not None


# --- what the results hold --------------------------------------------------------------


def test_each_scored_item_has_its_distribution_mean_and_spread(facilitator, community, scan):
    round_ = answered_round(facilitator, community, scan, DISPUTED)

    by_key = {result.item.key: result for result in _results(round_).scored}

    agree = by_key[AGREE_KEY].statistics
    assert (agree.count, agree.mean) == (3, 3.0)
    assert agree.spread == pytest.approx(math.sqrt(8 / 3))
    assert [d.count for d in agree.distribution] == [1, 0, 1, 0, 1]
    assert (by_key[SLIDER_KEY].statistics.mean, by_key[SLIDER_KEY].statistics.spread) == (4, 0)
    assert by_key[YES_NO_KEY].statistics.mean == pytest.approx(2 / 3)
    assert list(by_key) == [AGREE_KEY, SLIDER_KEY, YES_NO_KEY]


def test_the_most_disputed_items_are_discussion_points(facilitator, community, scan):
    round_ = answered_round(facilitator, community, scan, DISPUTED)

    results = _results(round_)

    # Yes/no 1, 1, 0 is the most disputed relative to its scale, then agreement 1, 3, 5.
    assert [result.item.key for result in results.discussion_points] == [
        YES_NO_KEY,
        AGREE_KEY,
    ]
    assert {r.item.key for r in results.scored if r.is_discussion_point} == {
        AGREE_KEY,
        YES_NO_KEY,
    }


def test_the_round_page_marks_discussion_points(facilitator, community, scan, client):
    round_ = answered_round(facilitator, community, scan, DISPUTED)

    html = client.get(round_.get_absolute_url()).content.decode()

    assert f'class="scan-result scan-result--disputed" id="item-{AGREE_KEY}"' in html
    assert f'class="scan-result" id="item-{SLIDER_KEY}"' in html
    assert f'href="#item-{AGREE_KEY}"' in html


def test_open_answers_come_without_names_in_alphabetical_order(facilitator, community, scan):
    round_ = answered_round(
        facilitator, community, scan, DISPUTED, texts=["citroen", "Appel", "banaan"]
    )

    (open_result,) = _results(round_).open

    assert open_result.item.key == OPEN_KEY
    assert open_result.open_answers == ["Appel", "banaan", "citroen"]


def test_the_round_page_lists_the_open_answers_alphabetically(facilitator, community, scan, client):
    round_ = answered_round(
        facilitator, community, scan, DISPUTED, texts=["citroen", "Appel", "banaan"]
    )

    html = client.get(round_.get_absolute_url()).content.decode()

    assert '<ul class="scan-open-answers">' in html
    assert html.index("Appel") < html.index("banaan") < html.index("citroen")


# --- comparison with earlier rounds -----------------------------------------------------


def _earlier(facilitator, community, scan, rows, **fields):
    started = timezone.now() - datetime.timedelta(days=30)
    return answered_round(facilitator, community, scan, rows, started_at=started, **fields)


def test_the_second_round_shows_the_change_since_the_first(facilitator, community, scan):
    first = _earlier(facilitator, community, scan, [[2, 1, 0], [2, 1, 0], [2, 1, 1]])
    second = answered_round(facilitator, community, scan, [[4, 1, 1], [4, 1, 1], [4, 1, 1]])

    results = _results(second)
    by_key = {result.item.key: result for result in results.scored}

    assert results.earlier_rounds == [first]
    assert by_key[AGREE_KEY].change == 2.0
    assert by_key[SLIDER_KEY].change == 0.0
    assert by_key[YES_NO_KEY].change == pytest.approx(0.67)
    assert [point.mean for point in by_key[AGREE_KEY].history] == [2.0, 4.0]
    assert [point.is_current for point in by_key[AGREE_KEY].history] == [False, True]
    assert _results(first).earlier_rounds == []
    assert all(result.change is None for result in _results(first).scored)


def test_the_round_page_shows_the_change(facilitator, community, scan, client):
    _earlier(facilitator, community, scan, [[2, 1, 0]] * 3)
    second = answered_round(facilitator, community, scan, [[4, 1, 1]] * 3)

    response = client.get(second.get_absolute_url())

    assert response.content.decode().count('class="scan-change"') == 3
    assert '<table class="scan-history">' in response.content.decode()


def test_withheld_rounds_and_other_communities_are_not_compared(
    facilitator, community, scan, provider
):
    _earlier(facilitator, community, scan, [[1, 1, 0]] * 2)
    other = make_community(facilitator=facilitator)
    _earlier(facilitator, other, scan, [[1, 1, 0]] * 3)
    _earlier(facilitator, community, make_scan(provider), [[1, 1, 0]] * 3)
    round_ = answered_round(facilitator, community, scan, [[4, 1, 1]] * 3)

    results = _results(round_)

    assert results.earlier_rounds == []
    assert all(result.change is None for result in results.scored)


def test_rounds_of_two_versions_compare_on_unchanged_items(facilitator, community, scan, provider):
    _earlier(facilitator, community, scan, [[2, 1, 0]] * 3)
    services.scan_update(
        user=provider,
        scan=scan,
        title="Versie 2",
        instructions="",
        items=parse_items(
            "[eens] We delen een doel dat we samen beter bereiken.\n[eens] Een nieuwe stelling."
        ),
    )
    second = answered_round(facilitator, community, scan, [[5, 3]] * 3)

    by_key = {result.item.key: result for result in _results(second).scored}

    assert by_key[AGREE_KEY].change == 3.0
    assert by_key["een-nieuwe-stelling"].change is None
    assert [point.mean for point in by_key["een-nieuwe-stelling"].history] == [None, 3.0]


# --- the poster -------------------------------------------------------------------------


def test_the_poster_of_a_released_round_is_a_pdf(facilitator, community, scan, client):
    round_ = answered_round(facilitator, community, scan, DISPUTED, texts=["Appel"])

    response = client.get(reverse("scans:round_poster", args=[round_.code]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert round_.code in response["Content-Disposition"]


def test_there_is_no_poster_while_results_are_withheld(facilitator, community, scan, client):
    open_round = answered_round(facilitator, community, scan, DISPUTED, close=False)
    too_few = answered_round(facilitator, community, scan, DISPUTED[:2])

    for round_ in (open_round, too_few):
        assert client.get(reverse("scans:round_poster", args=[round_.code])).status_code == 404


# --- the journal entry ------------------------------------------------------------------


def test_recording_in_the_journal_creates_one_entry_with_the_discussion_points(
    facilitator, community, scan
):
    round_ = answered_round(facilitator, community, scan, DISPUTED, texts=["Geheim plan"])
    client = signed_in_client(facilitator)
    url = reverse("scans:round_journal", args=[round_.code])

    first = client.post(url)
    second = client.post(url)

    entry = JournalEntry.objects.get(community=community)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == entry.get_absolute_url()
    round_.refresh_from_db()
    assert round_.journal_entry == entry
    assert entry.author == facilitator
    assert list(entry.instruments.all()) == [scan.instrument]
    assert "We delen een doel dat we samen beter bereiken." in entry.text
    assert "Hebben we resultaten buiten de community gedeeld?" in entry.text
    assert "Waar ligt de nadruk" not in entry.text
    assert "Geheim plan" not in entry.text


def test_the_journal_entry_names_the_change_since_the_previous_round(facilitator, community, scan):
    _earlier(facilitator, community, scan, [[2, 4, 1]] * 3)
    round_ = answered_round(facilitator, community, scan, [[4, 4, 1]] * 3)

    entry = services.round_journal_entry(user=facilitator, round_=round_)

    assert "We delen een doel dat we samen beter bereiken.: +2,0" in entry.text  # Dutch comma
    assert "Waar ligt de nadruk van onze samenwerking?:" not in entry.text


def test_a_member_may_record_the_round_in_the_journal(facilitator, member, community, scan):
    round_ = answered_round(facilitator, community, scan, DISPUTED)

    response = signed_in_client(member).post(reverse("scans:round_journal", args=[round_.code]))

    assert response.status_code == 302
    assert JournalEntry.objects.get(community=community).author == member


@pytest.mark.parametrize("role", ["observer", "outsider"])
def test_observers_and_outsiders_cannot_record_the_round(
    role, request, facilitator, community, scan
):
    round_ = answered_round(facilitator, community, scan, DISPUTED)
    client = signed_in_client(request.getfixturevalue(role))

    response = client.post(reverse("scans:round_journal", args=[round_.code]))

    assert response.status_code == 403
    assert not JournalEntry.objects.exists()


def test_a_withheld_round_is_not_recorded(facilitator, community, scan):
    round_ = answered_round(facilitator, community, scan, DISPUTED[:2])

    response = signed_in_client(facilitator).post(
        reverse("scans:round_journal", args=[round_.code])
    )

    assert response.status_code == 302
    assert response["Location"] == round_.get_absolute_url()
    assert not JournalEntry.objects.exists()


# --- across communities -----------------------------------------------------------------


@pytest.fixture
def sectors(db):
    return {slug: sector_get_or_create(slug) for slug in ("energie", "zorg-welzijn")}


def _community(facilitator, visibility="public", sector="energie", level="meso"):
    return make_community(
        facilitator=facilitator, visibility=visibility, sectors=[sector], level=level
    )


def _labels(aggregate) -> dict[str, int]:
    return {group.label: group.responses for group in aggregate.groups}


def test_aggregates_count_only_released_rounds_in_public_communities(facilitator, scan, sectors):
    counted = _community(facilitator)
    answered_round(facilitator, counted, scan, [[2, 1, 1]] * 3)
    answered_round(facilitator, _community(facilitator, "members"), scan, [[5, 5, 0]] * 4)
    answered_round(facilitator, _community(facilitator, "confidential"), scan, [[5, 5, 0]] * 4)
    answered_round(facilitator, _community(facilitator), scan, [[5, 5, 0]] * 4, close=False)
    answered_round(facilitator, _community(facilitator), scan, [[5, 5, 0]] * 2)

    (aggregate,) = selectors.instrument_aggregates(scan.instrument)

    assert aggregate.scan == scan
    assert [item.key for item in aggregate.items] == [AGREE_KEY, SLIDER_KEY, YES_NO_KEY]
    assert (aggregate.total.responses, aggregate.total.rounds) == (3, 1)
    assert aggregate.total.means == {AGREE_KEY: 2.0, SLIDER_KEY: 1.0, YES_NO_KEY: 1.0}
    assert aggregate.total.spreads == {AGREE_KEY: 0.0, SLIDER_KEY: 0.0, YES_NO_KEY: 0.0}


def test_aggregates_are_grouped_by_sector_and_level(facilitator, scan, sectors):
    answered_round(facilitator, _community(facilitator), scan, [[2, 1, 1]] * 3)
    answered_round(
        facilitator,
        _community(facilitator, sector="zorg-welzijn", level="micro"),
        scan,
        [[4, 3, 0]] * 3,
    )

    with translation.override("en"):
        (aggregate,) = selectors.instrument_aggregates(scan.instrument)

    energy, care = sectors["energie"].name, sectors["zorg-welzijn"].name
    assert _labels(aggregate) == {
        "Level: Meso": 3,
        "Level: Micro": 3,
        f"Sector: {energy}": 3,
        f"Sector: {care}": 3,
    }
    by_label = {group.label: group for group in aggregate.groups}
    assert by_label[f"Sector: {care}"].means[AGREE_KEY] == 4.0
    assert aggregate.total.means[AGREE_KEY] == 3.0
    assert aggregate.total.responses == 6


def test_a_group_below_the_minimum_is_left_out(facilitator, scan, sectors):
    answered_round(facilitator, _community(facilitator), scan, [[2, 1, 1]] * 3)
    answered_round(
        facilitator,
        _community(facilitator, sector="zorg-welzijn", level="micro"),
        scan,
        [[4, 3, 0]] * 2,
    )

    with translation.override("en"):
        (aggregate,) = selectors.instrument_aggregates(scan.instrument)

    assert _labels(aggregate) == {"Level: Meso": 3, f"Sector: {sectors['energie'].name}": 3}
    assert aggregate.total.responses == 3


def test_the_total_is_none_below_the_minimum(facilitator, scan, sectors):
    answered_round(facilitator, _community(facilitator), scan, [[2, 1, 1]] * 2)
    answered_round(facilitator, _community(facilitator, "members"), scan, [[2, 1, 1]] * 3)

    (aggregate,) = selectors.instrument_aggregates(scan.instrument)

    assert aggregate.total is None
    assert aggregate.groups == []


def test_members_only_answers_never_count_even_with_a_public_round_beside_them(
    facilitator, scan, sectors
):
    answered_round(facilitator, _community(facilitator), scan, [[1, 1, 0]] * 3)
    closed = _community(facilitator, "members", sector="zorg-welzijn", level="macro")
    answered_round(facilitator, closed, scan, [[5, 5, 1]] * 5)

    with translation.override("en"):
        (aggregate,) = selectors.instrument_aggregates(scan.instrument)

    assert aggregate.total.means[AGREE_KEY] == 1.0
    assert aggregate.total.responses == 3
    assert not any("Macro" in label or "Zorg" in label for label in _labels(aggregate))


def test_aggregates_follow_a_higher_platform_minimum(facilitator, scan, sectors):
    answered_round(facilitator, _community(facilitator), scan, [[2, 1, 1]] * 3)

    with override_settings(SCANS_MIN_RESPONSES=4):
        (aggregate,) = selectors.instrument_aggregates(scan.instrument)

    assert aggregate.total is None
    assert aggregate.groups == []


def test_an_instrument_without_scans_has_no_aggregates(provider):
    assert selectors.instrument_aggregates(InstrumentFactory(owner=provider)) == []


def test_the_instrument_page_shows_the_aggregates_to_anonymous_visitors(
    facilitator, scan, sectors, client
):
    answered_round(facilitator, _community(facilitator), scan, [[2, 1, 1]] * 3)

    response = client.get(scan.instrument.get_absolute_url())

    assert response.status_code == 200
    aggregate = response.context["scan_section"]["aggregates"][0]
    assert aggregate.total.responses == 3
    assert 'class="scan-aggregate"' in response.content.decode()
