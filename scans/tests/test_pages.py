"""The scan pages: starting, answering and closing a round through the site; who may
read a round (its community's visibility); privacy (no page or export shows whose
answers are whose); and pinned query counts."""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.personal_data import personal_data_export
from accounts.tests.factories import UserFactory, signed_in_client
from communities import sections
from communities.tests.factories import add_member, make_community
from instruments.tests.factories import InstrumentFactory
from journal.models import JournalEntry
from scans.models import Response, Round
from scans.tests.factories import (
    AGREE_KEY,
    OPEN_KEY,
    SLIDER_KEY,
    YES_NO_KEY,
    answer,
    answered_round,
    end_round,
    make_scan,
    start_round,
)

pytestmark = pytest.mark.django_db

CHECKED = re.compile(r'<input type="radio" name="item-([\w-]+)" value="(\d)" checked>')


def _url(name: str, round_: Round) -> str:
    return reverse(f"scans:{name}", args=[round_.code])


def _checked(html: str) -> dict[str, str]:
    return dict(CHECKED.findall(html))


# --- starting a round -------------------------------------------------------------------


def _start_data(community, **overrides) -> dict:
    data = {
        "community": community.pk,
        "title": "Kick-off 12 maart",
        "closes_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        "min_responses": 3,
    }
    data.update(overrides)
    return data


def test_a_facilitator_starts_a_round_from_the_scan(facilitator, community, scan):
    client = signed_in_client(facilitator)
    url = reverse("scans:round_start", args=[scan.pk])

    page = client.get(url, {"gemeenschap": community.slug})
    response = client.post(url, _start_data(community, min_responses=4))

    round_ = Round.objects.get()
    assert page.status_code == 200
    assert page.context["form"].initial["community"] == community.pk
    assert response.status_code == 302
    assert response["Location"] == round_.get_absolute_url()
    assert (round_.community, round_.title, round_.min_responses) == (
        community,
        "Kick-off 12 maart",
        4,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"closes_on": (datetime.date.today() - datetime.timedelta(days=2)).isoformat()},
        {"min_responses": 2},
        {"title": ""},
    ],
)
def test_a_faulty_start_form_starts_nothing(overrides, facilitator, community, scan):
    response = signed_in_client(facilitator).post(
        reverse("scans:round_start", args=[scan.pk]), _start_data(community, **overrides)
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Round.objects.exists()


def test_a_facilitator_cannot_start_a_round_in_a_community_they_only_belong_to(
    facilitator, member, community, scan
):
    own = make_community(facilitator=member)

    response = signed_in_client(member).post(
        reverse("scans:round_start", args=[scan.pk]), _start_data(community)
    )

    assert response.status_code == 200
    assert "community" in response.context["form"].errors
    assert list(response.context["form"].fields["community"].queryset) == [own]
    assert not Round.objects.exists()


@pytest.mark.parametrize("role", ["member", "observer", "outsider"])
def test_only_facilitators_reach_the_start_form(role, request, community, scan):
    client = signed_in_client(request.getfixturevalue(role))
    url = reverse("scans:round_start", args=[scan.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, _start_data(community)).status_code == 403
    assert not Round.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in_to_start_a_round(client, scan):
    response = client.get(reverse("scans:round_start", args=[scan.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- closing ----------------------------------------------------------------------------


def test_the_facilitator_closes_the_round_from_its_page(facilitator, community, scan):
    round_ = answered_round(facilitator, community, scan, [[1, 1, 1]] * 3, close=False)

    response = signed_in_client(facilitator).post(_url("round_close", round_))

    round_.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == round_.get_absolute_url()
    assert round_.closed_at is not None


def test_a_member_cannot_close_the_round(facilitator, member, community, scan):
    round_ = start_round(facilitator, community, scan)
    client = signed_in_client(member)

    assert client.post(_url("round_close", round_)).status_code == 403
    assert client.get(_url("round_close", round_)).status_code == 405
    round_.refresh_from_db()
    assert round_.closed_at is None


def test_only_a_facilitator_sees_the_close_button(facilitator, member, community, scan):
    round_ = start_round(facilitator, community, scan)
    close = f'action="{_url("round_close", round_)}"'

    assert close in signed_in_client(facilitator).get(round_.get_absolute_url()).content.decode()
    assert close not in signed_in_client(member).get(round_.get_absolute_url()).content.decode()


# --- answering --------------------------------------------------------------------------


def _post(values: dict, texts: dict | None = None) -> dict:
    data = {f"item-{key}": str(value) for key, value in values.items()}
    data.update({f"item-{key}": text for key, text in (texts or {}).items()})
    return data


ANSWERS = {AGREE_KEY: 4, SLIDER_KEY: 2, YES_NO_KEY: 1}


def test_a_member_answers_on_the_answer_page(facilitator, member, community, scan):
    round_ = start_round(facilitator, community, scan)
    client = signed_in_client(member)

    page = client.get(_url("answer", round_))
    response = client.post(_url("answer", round_), _post(ANSWERS, {OPEN_KEY: "Eerst praten."}))

    assert page.status_code == 200
    assert 'class="form scan-answer-form"' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == round_.get_absolute_url()
    saved = Response.objects.get(round=round_, respondent=member)
    assert dict(saved.answers.values_list("item__key", "value")) == {**ANSWERS, OPEN_KEY: None}


def test_a_second_post_changes_the_answers_and_adds_no_response(
    facilitator, member, community, scan
):
    round_ = start_round(facilitator, community, scan)
    client = signed_in_client(member)
    client.post(_url("answer", round_), _post(ANSWERS))

    client.post(_url("answer", round_), _post({AGREE_KEY: 1, SLIDER_KEY: 5, YES_NO_KEY: 0}))

    (saved,) = Response.objects.filter(round=round_)
    assert dict(saved.answers.values_list("item__key", "value")) == {
        AGREE_KEY: 1,
        SLIDER_KEY: 5,
        YES_NO_KEY: 0,
    }


def test_the_answer_page_shows_the_members_earlier_answers_to_change(
    facilitator, member, community, scan
):
    round_ = start_round(facilitator, community, scan)
    answer(member, round_, [5, 2, 0], {OPEN_KEY: "Mijn eigen idee"})

    html = signed_in_client(member).get(_url("answer", round_)).content.decode()

    assert _checked(html) == {AGREE_KEY: "5", YES_NO_KEY: "0"}
    assert 'value="2" list=' in html
    assert "Mijn eigen idee</textarea>" in html


def test_a_missing_answer_is_an_error_and_what_was_typed_is_kept(
    facilitator, member, community, scan
):
    round_ = start_round(facilitator, community, scan)

    response = signed_in_client(member).post(
        _url("answer", round_), _post({AGREE_KEY: 2, SLIDER_KEY: 5}, {OPEN_KEY: "Half af"})
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert set(response.context["errors"]) == {YES_NO_KEY}
    assert 'class="error-summary"' in html
    assert f'<li class="scan-question field--error" id="item-{YES_NO_KEY}">' in html
    assert _checked(html) == {AGREE_KEY: "2"}
    assert 'value="5" list=' in html
    assert "Half af</textarea>" in html
    assert not Response.objects.exists()


def test_the_missing_answer_message_is_clear(facilitator, member, community, scan):
    round_ = start_round(facilitator, community, scan)

    response = signed_in_client(member).post(
        "/en" + _url("answer", round_), _post({AGREE_KEY: 2, SLIDER_KEY: 5})
    )

    assert response.status_code == 400
    assert '<p class="field__error">Please answer this statement.</p>' in response.content.decode()


def test_an_observer_gets_no_form_and_cannot_post(facilitator, observer, community, scan):
    round_ = start_round(facilitator, community, scan)
    client = signed_in_client(observer)

    page = client.get(_url("answer", round_))
    post = client.post(_url("answer", round_), _post(ANSWERS))

    assert page.status_code == 200
    assert "scan-answer-form" not in page.content.decode()
    assert post.status_code == 403
    assert not Response.objects.exists()


def test_a_closed_round_shows_no_form_and_refuses_answers(facilitator, member, community, scan):
    round_ = start_round(facilitator, community, scan)
    answer(member, round_, [4, 2, 1])
    signed_in_client(facilitator).post(_url("round_close", round_))
    client = signed_in_client(member)

    page = client.get(_url("answer", round_))
    post = client.post(_url("answer", round_), _post({AGREE_KEY: 1, SLIDER_KEY: 1, YES_NO_KEY: 0}))

    assert page.status_code == 200
    assert "scan-answer-form" not in page.content.decode()
    assert post.status_code == 403
    assert dict(Response.objects.get().answers.values_list("item__key", "value"))[AGREE_KEY] == 4


def test_a_round_whose_date_passed_refuses_answers(facilitator, member, community, scan):
    round_ = end_round(start_round(facilitator, community, scan))

    response = signed_in_client(member).post(_url("answer", round_), _post(ANSWERS))

    assert response.status_code == 403
    assert not Response.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in_to_answer(client, facilitator, community, scan):
    round_ = start_round(facilitator, community, scan)

    response = client.get(_url("answer", round_))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={_url('answer', round_)}"


def test_the_short_link_leads_to_the_answer_page(client, facilitator, community, scan):
    round_ = start_round(facilitator, community, scan)

    response = client.get(reverse("scan_short", args=[round_.code.upper()]))

    assert response.status_code == 302
    assert response["Location"] == _url("answer", round_)


def test_the_qr_code_is_an_svg_of_the_short_link(client, facilitator, community, scan):
    round_ = start_round(facilitator, community, scan)

    response = client.get(_url("round_qr", round_))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "<svg" in response.content.decode()


def test_the_round_page_counts_answers_against_members(facilitator, member, community, scan):
    round_ = answered_round(facilitator, community, scan, [[1, 1, 1]] * 2, close=False)

    response = signed_in_client(member).get(round_.get_absolute_url())

    # The fixture's facilitator and member plus the two who answered; observers do not count.
    assert (response.context["round"].response_count, response.context["member_count"]) == (2, 4)
    assert response.context["can_answer"] is True


# --- scans on the list and the scan page ------------------------------------------------


def test_the_scan_list_shows_scans_of_visible_instruments(provider, client):
    shown = make_scan(provider, title="Zichtbare scan")
    make_scan(provider, instrument=InstrumentFactory(owner=provider, status="draft"))

    response = client.get(reverse("scans:list"))

    assert response.status_code == 200
    assert [scan.pk for scan in response.context["scans"]] == [shown.pk]


def test_a_scan_of_a_draft_instrument_is_404_for_others(provider, provider_client, client):
    scan = make_scan(provider, instrument=InstrumentFactory(owner=provider, status="draft"))

    assert client.get(scan.get_absolute_url()).status_code == 404
    assert provider_client.get(scan.get_absolute_url()).status_code == 200


def test_the_scan_page_offers_start_and_edit_to_the_right_people(
    provider, provider_client, facilitator, community
):
    scan = make_scan(provider)
    start = reverse("scans:round_start", args=[scan.pk])
    edit = reverse("scans:edit", args=[scan.pk])

    as_provider = provider_client.get(scan.get_absolute_url()).content.decode()
    as_facilitator = signed_in_client(facilitator).get(scan.get_absolute_url()).content.decode()

    assert edit in as_provider and start not in as_provider
    assert start in as_facilitator and edit not in as_facilitator


# --- visibility -------------------------------------------------------------------------


def _round_urls(round_) -> list[str]:
    return [
        round_.get_absolute_url(),
        _url("answer", round_),
        _url("round_poster", round_),
        _url("round_qr", round_),
    ]


@pytest.mark.parametrize("visibility", ["members", "confidential"])
def test_a_closed_communitys_round_is_404_for_outsiders(visibility, facilitator, outsider, scan):
    community = make_community(facilitator=facilitator, visibility=visibility)
    round_ = answered_round(facilitator, community, scan, [[2, 2, 1]] * 3)
    client = signed_in_client(outsider)

    for url in _round_urls(round_):
        assert client.get(url).status_code == 404, url
    assert client.post(_url("round_journal", round_)).status_code == 404
    assert client.post(_url("round_close", round_)).status_code == 404


@pytest.mark.parametrize("visibility", ["members", "confidential"])
def test_a_closed_communitys_round_is_hidden_from_anonymous_visitors(
    visibility, facilitator, scan, client
):
    community = make_community(facilitator=facilitator, visibility=visibility)
    round_ = answered_round(facilitator, community, scan, [[2, 2, 1]] * 3)

    for url in (round_.get_absolute_url(), _url("round_poster", round_), _url("round_qr", round_)):
        assert client.get(url).status_code == 404, url
    # The answer page asks anonymous visitors to sign in first, for any code alike, so the
    # redirect says nothing about the round; after signing in an outsider gets the 404 above.
    answer_page = client.get(_url("answer", round_))
    assert answer_page.status_code == 302
    assert answer_page["Location"].startswith(reverse("account_login"))
    assert client.get("/scans/rondes/bestaatniet/antwoorden/").status_code == 302


@pytest.mark.parametrize("role", ["observer", "member", "facilitator"])
def test_members_of_a_closed_community_read_its_round(role, request, facilitator, scan):
    community = make_community(facilitator=facilitator, visibility="confidential")
    user = request.getfixturevalue(role)
    if role != "facilitator":
        add_member(community, user, role)
    round_ = answered_round(facilitator, community, scan, [[2, 2, 1]] * 3)
    client = signed_in_client(user)

    for url in _round_urls(round_):
        assert client.get(url).status_code == 200, url


def test_a_public_communitys_released_round_is_readable_by_anonymous_visitors(
    facilitator, community, scan, client
):
    round_ = answered_round(facilitator, community, scan, [[2, 2, 1]] * 3)

    page = client.get(round_.get_absolute_url())

    assert page.status_code == 200
    assert page.context["results"].response_count == 3
    assert 'class="section scan-results"' in page.content.decode()
    assert client.get(_url("round_poster", round_)).status_code == 200
    assert client.get(_url("round_qr", round_)).status_code == 200


def test_the_community_page_lists_its_rounds(facilitator, community, scan, client):
    round_ = answered_round(facilitator, community, scan, [[2, 2, 1]] * 3, title="Najaar")

    html = client.get(community.get_absolute_url()).content.decode()

    assert 'id="scans"' in html
    assert f'<a href="{round_.get_absolute_url()}">Najaar</a>' in html


def test_a_closed_communitys_rounds_are_not_listed_to_outsiders(facilitator, outsider, scan):
    community = make_community(facilitator=facilitator, visibility="members")
    start_round(facilitator, community, scan, title="Geheime ronde")

    response = signed_in_client(outsider).get(community.get_absolute_url())

    assert response.status_code == 200
    assert "Geheime ronde" not in response.content.decode()


# --- privacy ----------------------------------------------------------------------------

RESPONDENTS = [
    ("Rosa Zonnebloem", "rosa.zonnebloem@example.org", [1, 1, 0], "Geheimpje charlie"),
    ("Bram Klaproos", "bram.klaproos@example.org", [5, 5, 1], "Geheimpje alfa"),
    ("Cas Madeliefje", "cas.madeliefje@example.org", [3, 4, 1], "Geheimpje bravo"),
]


@pytest.fixture
def respondents(community):
    people = []
    for name, email, _values, _text in RESPONDENTS:
        user = UserFactory(name=name, email=email)
        add_member(community, user, "member")
        people.append(user)
    return people


def _answer_all(round_, respondents, count=3):
    pairs = list(zip(respondents, RESPONDENTS, strict=True))
    for user, (_name, _email, values, text) in pairs[:count]:
        answer(user, round_, values, {OPEN_KEY: text})


def _scans_section(html: str) -> str:
    match = re.search(r'<section class="section scans-section" id="scans".*?</section>', html, re.S)
    assert match, "the community page has no scans section"
    return match.group(0)


def _pages(client, round_, scan, community) -> dict[str, str]:
    """Every page of a round and around it, as the client sees it (HTML or PDF bytes)."""
    pages = {}
    for url in (
        reverse("scans:list"),
        scan.get_absolute_url(),
        round_.get_absolute_url(),
        _url("answer", round_),
        _url("round_qr", round_),
        scan.instrument.get_absolute_url(),
        reverse("notifications:list"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    community_page = client.get(community.get_absolute_url())
    pages[community.get_absolute_url()] = _scans_section(community_page.content.decode())
    poster = client.get(_url("round_poster", round_))
    if poster.status_code == 200:
        pages[_url("round_poster", round_)] = poster.content.decode("latin-1")
    return pages


def _assert_nobody_named(pages: dict[str, str]) -> None:
    for url, content in pages.items():
        for name, email, _values, _text in RESPONDENTS:
            for part in (name, *name.split(), email):
                assert part not in content, f"{part} appears on {url}"


@pytest.fixture(params=["facilitator", "member"])
def viewer(request):
    """The facilitator, and a member who did not answer: neither sees who answered what."""
    return request.getfixturevalue(request.param)


def test_while_open_no_page_names_a_respondent_or_shows_an_answer(
    viewer, facilitator, community, scan, respondents, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round_ = start_round(facilitator, community, scan)
    _answer_all(round_, respondents)

    pages = _pages(signed_in_client(viewer), round_, scan, community)

    _assert_nobody_named(pages)
    answer_page = pages[_url("answer", round_)]
    assert _checked(answer_page) == {}
    assert 'value="3" list=' in answer_page  # the slider's neutral start, nobody's answer
    assert "></textarea>" in answer_page
    for content in pages.values():
        assert "Geheimpje" not in content
    assert _url("round_poster", round_) not in pages


def test_the_answer_page_shows_only_the_viewers_own_choices(
    facilitator, community, scan, respondents
):
    round_ = start_round(facilitator, community, scan)
    _answer_all(round_, respondents)

    for user, (_name, _email, values, text) in zip(respondents, RESPONDENTS, strict=True):
        html = signed_in_client(user).get(_url("answer", round_)).content.decode()
        assert _checked(html) == {AGREE_KEY: str(values[0]), YES_NO_KEY: str(values[2])}
        assert f'value="{values[1]}" list=' in html
        assert f"{text}</textarea>" in html
        others = [other for *_person, other in RESPONDENTS if other != text]
        assert not any(other in html for other in others)


def test_with_two_answers_there_is_no_poster_and_no_mean(
    viewer, facilitator, community, scan, respondents
):
    round_ = start_round(facilitator, community, scan)
    _answer_all(round_, respondents, count=2)
    signed_in_client(facilitator).post(_url("round_close", round_))
    client = signed_in_client(viewer)

    pages = _pages(client, round_, scan, community)

    assert client.get(_url("round_poster", round_)).status_code == 404
    round_page = pages[round_.get_absolute_url()]
    assert "scan-results" not in round_page
    assert "scan-result" not in round_page
    assert "scan-bars" not in round_page
    assert client.get(round_.get_absolute_url()).context["results"] is None
    for content in pages.values():
        assert "Geheimpje" not in content
    _assert_nobody_named(pages)
    journal = client.post(_url("round_journal", round_))
    assert journal["Location"] == round_.get_absolute_url()
    assert not JournalEntry.objects.exists()


def test_once_released_no_page_or_journal_entry_names_a_respondent(
    viewer, facilitator, community, scan, respondents, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round_ = start_round(facilitator, community, scan)
    _answer_all(round_, respondents)
    client = signed_in_client(viewer)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in_client(facilitator).post(_url("round_close", round_))
        journal = client.post(_url("round_journal", round_))

    pages = _pages(client, round_, scan, community)
    entry = client.get(journal["Location"])
    pages[journal["Location"]] = entry.content.decode()

    assert entry.status_code == 200
    assert pages[_url("round_poster", round_)].startswith("%PDF")
    _assert_nobody_named(pages)
    assert _checked(pages[_url("answer", round_)]) == {}
    # Open answers are on the round page, without names and alphabetically; not in the journal.
    round_page = pages[round_.get_absolute_url()]
    assert (
        round_page.index("Geheimpje alfa")
        < round_page.index("Geheimpje bravo")
        < round_page.index("Geheimpje charlie")
    )
    assert "Geheimpje" not in JournalEntry.objects.get().text
    assert "Geheimpje" not in pages[journal["Location"]]


def test_the_facilitators_export_holds_nobody_elses_answers(
    facilitator, community, scan, respondents
):
    round_ = start_round(facilitator, community, scan)
    _answer_all(round_, respondents)
    answer(facilitator, round_, [2, 3, 1], {OPEN_KEY: "Eigen antwoord van Fien"})
    signed_in_client(facilitator).post(_url("round_close", round_))
    signed_in_client(facilitator).post(_url("round_journal", round_))

    with zipfile.ZipFile(io.BytesIO(personal_data_export(facilitator))) as archive:
        files = {name: archive.read(name).decode() for name in archive.namelist()}

    everything = "\n".join(files.values())
    for _name, _email, _values, text in RESPONDENTS:
        assert text not in everything
    if "scan_answers.json" in files:
        (own,) = json.loads(files["scan_answers.json"])
        assert own["round"] == round_.title
        assert {a["text"] for a in own["answers"]} == {"", "Eigen antwoord van Fien"}
        assert sorted(a["value"] for a in own["answers"] if a["value"] is not None) == [1, 2, 3]


def test_a_respondents_export_holds_only_their_own_answers(
    facilitator, community, scan, respondents
):
    round_ = start_round(facilitator, community, scan)
    _answer_all(round_, respondents)
    rosa = respondents[0]

    with zipfile.ZipFile(io.BytesIO(personal_data_export(rosa))) as archive:
        everything = "\n".join(archive.read(name).decode() for name in archive.namelist())

    assert "Geheimpje alfa" not in everything
    assert "Geheimpje bravo" not in everything


# --- query counts -----------------------------------------------------------------------
# A change in these numbers is a reviewed decision: update the comment with the reason.


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _released(facilitator, community, scan, answers: int, days_ago: int = 0) -> Round:
    started = timezone.now() - datetime.timedelta(days=days_ago, minutes=1)
    return answered_round(facilitator, community, scan, [[2, 3, 1]] * answers, started_at=started)


def test_the_round_page_query_count_is_constant_for_anonymous(facilitator, community, scan, client):
    small = _released(facilitator, community, scan, 3)
    few = _count(client, small.get_absolute_url())
    _released(facilitator, community, scan, 8, days_ago=20)
    _released(facilitator, community, scan, 5, days_ago=10)
    large = _released(facilitator, community, scan, 8)

    # 1 round (community, version, scan, instrument, journal entry, answer count), 1 earlier
    # released rounds, 1 answers of all those rounds, 1 items, 1 member count.
    assert _count(client, large.get_absolute_url()) == few == 5


def test_the_round_page_query_count_is_constant_for_a_member(facilitator, member, community, scan):
    client = signed_in_client(member)
    small = _released(facilitator, community, scan, 3)
    few = _count(client, small.get_absolute_url())
    _released(facilitator, community, scan, 8, days_ago=20)
    _released(facilitator, community, scan, 5, days_ago=10)
    large = _released(facilitator, community, scan, 8)

    # The 5 of anonymous, plus 1 session, 1 user, 1 the viewer's role, 1 "has answered",
    # 1 unread notifications (header badge).
    assert _count(client, large.get_absolute_url()) == few == 10


@pytest.fixture
def only_scan_section(monkeypatch):
    monkeypatch.setattr(sections, "SECTION_PROVIDERS", ["scans.sections.community_section"])
    monkeypatch.setattr(sections, "ACTION_PROVIDERS", [])


def test_the_community_sections_query_count_is_constant(
    only_scan_section, facilitator, community, scan
):
    client = signed_in_client(facilitator)
    url = community.get_absolute_url()
    _released(facilitator, community, scan, 3)
    few = _count(client, url)
    _released(facilitator, community, scan, 8, days_ago=20)
    start_round(facilitator, community, make_scan(UserFactory()))
    _released(facilitator, community, scan, 5, days_ago=10)

    # The community page of a facilitator (communities/tests/test_query_counts.py: 8, one
    # less here as the community has no sectors to name) plus 1 for the rounds with their
    # versions and answer counts.
    assert _count(client, url) == few == 8


def test_the_community_sections_query_count_is_constant_for_anonymous(
    only_scan_section, facilitator, community, scan, client
):
    url = community.get_absolute_url()
    _released(facilitator, community, scan, 3)
    few = _count(client, url)
    _released(facilitator, community, scan, 8, days_ago=20)
    _released(facilitator, community, scan, 5, days_ago=10)

    # The community page (community, partners, members; no sectors to name) plus 1 for
    # the rounds with their versions and answer counts.
    assert _count(client, url) == few == 4


def test_the_community_section_lists_the_newest_round_first(facilitator, community, scan):
    now = timezone.now()
    for title, days_ago in (("Nulmeting", 90), ("Tweede meting", 20), ("Tussenmeting", 40)):
        start_round(
            facilitator,
            community,
            scan,
            title=title,
            started_at=now - datetime.timedelta(days=days_ago),
            days=1,
        )

    html = signed_in_client(facilitator).get(community.get_absolute_url()).content.decode()
    section = html[html.index('id="scans"') :]

    positions = [section.index(title) for title in ("Tweede meting", "Tussenmeting", "Nulmeting")]
    assert positions == sorted(positions)
