"""The person page: name, organisation, roles and public contributions, read through the
visibility rule; a hidden or inactive profile is missing to others."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory, signed_in_client
from comments.tests.factories import make_comment
from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from instruments.models import Organisation
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from moderation.constants import ModerationState
from questions.tests.factories import make_question

pytestmark = pytest.mark.django_db


def _url(person) -> str:
    return reverse("people:person", kwargs={"user_id": person.pk})


@pytest.fixture
def person(db):
    organisation = Organisation.objects.create(name="Gemeente Zwolle")
    return UserFactory(
        name="Fenna Facilitator", organisation=organisation, is_facilitator=True, is_provider=True
    )


@pytest.fixture
def contributions(person):
    """Public contributions, plus members-only, confidential and held ones."""
    instrument = InstrumentFactory(owner=person, title="Openbaar instrument")
    InstrumentFactory(owner=person, title="Concept instrument", status="draft")
    public = make_community(facilitator=person, name="Open gemeenschap")
    members = make_community(facilitator=person, visibility="members", name="Ledenkring")
    secret = make_community(facilitator=person, visibility="confidential", name="Geheime kring")
    made = {
        "instrument": instrument,
        "public_experience": make_experience(instrument=instrument, author=person),
        "members_experience": make_experience(
            instrument=instrument, author=person, community=members
        ),
        "public_entry": make_entry(community=public, author=person, title="Open verslag"),
        "members_entry": make_entry(community=members, author=person, title="Ledenverslag"),
        "secret_entry": make_entry(community=secret, author=person, title="Geheim verslag"),
        "question": make_question(author=person, title="Openbare vraag"),
        "members": members,
    }
    return made


def test_the_page_shows_who_someone_is(person, contributions, client):
    response = client.get("/en" + _url(person))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "Fenna Facilitator" in page and "Gemeente Zwolle" in page
    assert "Facilitator" in page and "Instrument provider" in page


def test_public_contributions_are_listed_and_others_only_to_those_who_may_read_them(
    person, contributions, outsider_client
):
    shown = outsider_client.get(_url(person)).context["contributions"]
    assert [i.title for i in shown.instruments] == ["Openbaar instrument"]
    assert [e.pk for e in shown.experiences] == [contributions["public_experience"].pk]
    assert [e.title for e in shown.journal_entries] == ["Open verslag"]
    assert [q.title for q in shown.questions] == ["Openbare vraag"]
    page = outsider_client.get(_url(person)).content.decode()
    for hidden in ("Ledenverslag", "Geheim verslag", "Geheime kring", "Concept instrument"):
        assert hidden not in page

    member = UserFactory()
    add_member(contributions["members"], member)
    as_member = signed_in_client(member).get(_url(person)).context["contributions"]
    assert {e.pk for e in as_member.experiences} == {
        contributions["public_experience"].pk,
        contributions["members_experience"].pk,
    }
    assert {e.title for e in as_member.journal_entries} == {"Open verslag", "Ledenverslag"}


def test_held_contributions_are_not_listed(outsider_client):
    newcomer = UserFactory(trusted_at=None)
    question = make_question(author=newcomer, title="Wachtende vraag")
    assert question.moderation_state == ModerationState.PENDING
    # Nothing of theirs is visible yet, so to others the page does not exist.
    assert outsider_client.get(_url(newcomer)).status_code == 404
    shown = signed_in_client(newcomer).get(_url(newcomer)).context["contributions"]
    assert shown.questions == [] and shown.is_empty


def test_people_met_nowhere_have_no_page_and_cannot_be_reported(client, outsider_client):
    """Someone who only takes part in a confidential community: no name or organisation
    for anyone outside it (pages or the report form), but fellow members see the page."""
    insider = UserFactory(name="Ineke Binnen")
    secret = make_community(facilitator=insider, visibility="confidential", name="Geheime kring")
    make_entry(community=secret, author=insider, title="Geheim verslag")
    report_url = reverse("reports:report", kwargs={"kind": "profile", "object_id": insider.pk})
    for reader in (client, outsider_client):
        assert reader.get(_url(insider)).status_code == 404
        assert reader.get(report_url).status_code in (302, 404)
    assert outsider_client.get(report_url).status_code == 404

    fellow = UserFactory()
    add_member(secret, fellow)
    assert "Ineke Binnen" in signed_in_client(fellow).get(_url(insider)).content.decode()


def test_the_page_runs_a_fixed_number_of_queries(
    person, contributions, outsider, django_assert_num_queries
):
    client = signed_in_client(outsider)
    client.get(_url(person))  # warm caches (content types, site)
    for _extra in range(3):
        make_question(author=person)
        make_experience(instrument=contributions["instrument"], author=person)
    with django_assert_num_queries(8):
        # session, viewer, person with organisation, instruments, experiences (with
        # instruments), journal entries (with communities), questions, and the header's
        # unread-notification count
        client.get(_url(person))


@pytest.mark.parametrize("change", ["hidden", "inactive"])
def test_a_hidden_or_inactive_profile_is_missing_to_others(change, person, outsider_client):
    if change == "hidden":
        person.moderation_state = ModerationState.HIDDEN
    else:
        person.is_active = False
    person.save()
    assert outsider_client.get(_url(person)).status_code == 404
    assert Client().get(_url(person)).status_code == 404
    if change == "hidden":
        assert signed_in_client(person).get(_url(person)).status_code == 200


def test_an_unknown_person_is_missing(client):
    assert client.get(reverse("people:person", kwargs={"user_id": 999999})).status_code == 404


def test_the_page_has_a_report_link_for_others_only(person, contributions, outsider_client, client):
    report_url = reverse("reports:report", kwargs={"kind": "profile", "object_id": person.pk})
    assert f'href="{report_url}"' in outsider_client.get(_url(person)).content.decode()
    assert report_url not in signed_in_client(person).get(_url(person)).content.decode()
    assert f"?next={report_url}" in client.get(_url(person)).content.decode()


def test_authors_names_link_to_their_page(person, outsider_client):
    instrument = InstrumentFactory(owner=UserFactory())
    make_comment(target=instrument, author=person)
    experience = make_experience(instrument=instrument, author=person)
    link = f'href="{_url(person)}"'
    assert link in outsider_client.get(instrument.get_absolute_url()).content.decode()
    assert link in outsider_client.get(experience.get_absolute_url()).content.decode()
    assert link in outsider_client.get(reverse("experiences:list")).content.decode()
