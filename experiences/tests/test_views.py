"""Sharing an experience (from its own page and, with and without htmx, from the
instrument page), the experience page and the list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import signed_in_client
from experiences.models import Experience
from experiences.tests.factories import make_experience
from instruments.services import sector_get_or_create
from notifications.models import Follow, Notification

pytestmark = pytest.mark.django_db


def _data(**overrides) -> dict:
    data = {
        "level": "meso",
        "phase": "uitvoeren",
        "group_size": "12",
        "partners": ["business", "citizens"],
        "what_was_done": "Een werksessie met de opgavehouders.",
        "what_worked": "Korte rondes",
        "what_did_not": "Te weinig tijd",
        "adaptation": "We lieten stap 3 weg",
        "rating": "4",
        "would_recommend": "yes",
    }
    data.update(overrides)
    return data


def _create_url(instrument) -> str:
    return f"/ervaringen/nieuw/?instrument={instrument.slug}"


def test_sharing_from_the_share_page_saves_every_field_and_shows_the_experience(
    instrument, outsider
):
    sector = sector_get_or_create("energie")

    response = signed_in_client(outsider).post(
        _create_url(instrument), _data(sector=str(sector.pk))
    )

    experience = Experience.objects.get()
    assert response.status_code == 302
    assert response["Location"] == experience.get_absolute_url()
    assert (experience.author, experience.instrument, experience.sector) == (
        outsider,
        instrument,
        sector,
    )
    assert (experience.level, experience.phase, experience.group_size) == ("meso", "uitvoeren", 12)
    assert (experience.with_business, experience.with_education) == (True, False)
    assert (experience.with_government, experience.with_citizens) == (False, True)
    assert (experience.rating, experience.would_recommend) == (4, True)
    assert experience.adaptation == "We lieten stap 3 weg"


def test_sharing_notifies_the_instruments_followers(instrument, outsider, member):
    Follow.objects.create(user=member, instrument=instrument)

    signed_in_client(outsider).post(_create_url(instrument), _data())

    assert Notification.objects.filter(recipient=member).count() == 1


def test_sharing_from_the_instrument_page_without_js_returns_there(instrument, outsider):
    response = signed_in_client(outsider).post(
        _create_url(instrument), _data(**{"from": "instrument"})
    )

    assert response.status_code == 302
    assert response["Location"] == f"{instrument.get_absolute_url()}#where-it-worked"
    page = signed_in_client(outsider).get(response["Location"])
    assert page.context["where_it_worked"].count == 1


def test_sharing_with_htmx_answers_with_the_updated_region(instrument, outsider):
    response = signed_in_client(outsider).post(
        _create_url(instrument), _data(**{"from": "instrument"}), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "experiences/_instrument_region_update.html"
    assert response.context["where_it_worked"].count == 1
    assert response.context["experience_status"]
    assert 'id="experience-status" hx-swap-oob="innerHTML"' in response.text
    assert "<html" not in response.text
    assert not response.context["experience_form"].is_bound  # a fresh form for the next one


def test_an_invalid_htmx_post_shows_the_errors_in_the_region(instrument, outsider):
    response = signed_in_client(outsider).post(
        _create_url(instrument), _data(rating="", what_was_done=""), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200  # htmx swaps only 2xx answers
    form = response.context["experience_form"]
    assert set(form.errors) == {"rating", "what_was_done"}
    assert 'role="alert"' in response.text
    assert 'class="share-experience" open' in response.text
    assert not Experience.objects.exists()


def test_an_invalid_post_without_js_shows_the_form_page_with_errors(instrument, outsider):
    response = signed_in_client(outsider).post(
        _create_url(instrument), _data(rating="9", **{"from": "instrument"})
    )

    assert response.status_code == 400
    assert "rating" in response.context["form"].errors
    assert response.context["from_instrument"]
    assert 'name="from" value="instrument"' in response.text


def test_the_community_choice_lists_only_communities_where_one_may_write(
    instrument, communities, observer, member
):
    member_form = signed_in_client(member).get(_create_url(instrument)).context["form"]
    observer_form = signed_in_client(observer).get(_create_url(instrument)).context["form"]

    assert {value for value, _ in member_form.fields["community"].choices if value} == {
        c.pk for c in communities.values()
    }
    assert "community" not in observer_form.fields  # observer everywhere: nothing to choose


def test_posting_a_community_one_only_observes_is_refused(instrument, communities, observer):
    response = signed_in_client(observer).post(
        _create_url(instrument), _data(community=str(communities["public"].pk))
    )

    assert response.status_code == 302  # the field is not offered, so it is ignored
    assert Experience.objects.get().community is None


def test_a_member_shares_an_experience_in_their_community(instrument, communities, member):
    community = communities["confidential"]

    signed_in_client(member).post(_create_url(instrument), _data(community=str(community.pk)))

    assert Experience.objects.get().community == community


def test_a_member_cannot_post_a_community_they_do_not_belong_to(
    instrument, communities, member, outsider
):
    from communities.tests.factories import make_community

    other = make_community(facilitator=outsider, visibility="public")

    response = signed_in_client(member).post(
        _create_url(instrument), _data(community=str(other.pk))
    )

    assert response.status_code == 400
    assert "community" in response.context["form"].errors


def test_the_edit_form_starts_from_the_experience(instrument, outsider):
    experience = make_experience(
        instrument=instrument, author=outsider, with_citizens=True, would_recommend=False,
        rating=2,
    )  # fmt: skip

    form = (
        signed_in_client(outsider).get(f"{experience.get_absolute_url()}bewerken/").context["form"]
    )

    assert form.initial["partners"] == ["citizens"]
    assert form.initial["would_recommend"] == "no"
    assert form.initial["rating"] == 2


def test_the_experience_page_shows_the_experience_and_its_comments(instrument, outsider):
    experience = make_experience(instrument=instrument, author=outsider, what_worked="Rondes")

    response = signed_in_client(outsider).get(experience.get_absolute_url())

    assert response.status_code == 200
    assert response.context["can_edit"] is True
    assert response.context["comment_thread"].target == experience
    assert "Rondes" in response.text


def test_the_instrument_page_offers_signed_out_visitors_a_sign_in_link(client, instrument):
    response = client.get(instrument.get_absolute_url())

    assert response.context["experience_form"] is None
    assert "/account/login/?next=" in response.text
    assert response.context["where_it_worked"].count == 0


def test_the_instrument_page_has_unique_field_ids(instrument, outsider):
    make_experience(instrument=instrument, author=outsider)
    import re

    html = signed_in_client(outsider).get(instrument.get_absolute_url()).text
    ids = re.findall(r'\sid="([^"]+)"', html)

    assert len(ids) == len(set(ids))


class TestList:
    @pytest.fixture
    def three(self, instrument, outsider):
        energy = sector_get_or_create("energie")
        return [
            make_experience(instrument=instrument, author=outsider, sector=energy, phase="starten"),
            make_experience(instrument=instrument, author=outsider, level="macro"),
            make_experience(instrument=instrument, author=outsider, phase="starten"),
        ]

    def test_the_list_shows_the_latest_first(self, client, three):
        response = client.get("/ervaringen/")

        assert list(response.context["page"].object_list) == three[::-1]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [("sector=energie", [0]), ("niveau=macro", [1]), ("fase=starten", [2, 0]), ("", [2, 1, 0])],
    )
    def test_the_list_filters_by_sector_level_and_phase(self, client, three, query, expected):
        response = client.get(f"/ervaringen/?{query}")

        assert list(response.context["page"].object_list) == [three[i] for i in expected]

    def test_the_list_filters_by_instrument(self, client, three, outsider):
        from instruments.tests.factories import InstrumentFactory

        other = make_experience(instrument=InstrumentFactory(), author=outsider)

        response = client.get(f"/ervaringen/?instrument={other.instrument.slug}")

        assert list(response.context["page"].object_list) == [other]

    def test_unknown_filter_values_are_ignored(self, client, three):
        response = client.get("/ervaringen/?niveau=giga&fase=nooit")

        assert response.status_code == 200
        assert response.context["filters"].is_empty

    def test_an_empty_list_says_what_to_do_next(self, client, db):
        response = client.get("/ervaringen/")

        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0
        assert 'class="empty-state"' in response.text
        assert "/instrumenten/" in response.text


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/ervaringen/", "/ervaringen/?fase=starten&sector=energie"])
def test_the_list_query_count_is_constant(client, instrument, communities, member, url):
    energy = sector_get_or_create("energie")

    def make(n):
        for _ in range(n):
            make_experience(
                instrument=instrument, author=member, community=communities["public"],
                sector=energy, phase="starten",
            )  # fmt: skip

    make(2)
    small = _count(client, url)
    make(10)

    # 1 count for the paginator, 1 page of experiences with instrument, author, community
    # and sector joined, 1 sectors for the filter.
    assert _count(client, url) == small == 3


def test_the_signed_in_list_adds_only_the_session_and_user(outsider, instrument):
    make_experience(instrument=instrument, author=outsider)

    # The 3 of the anonymous list, plus 1 session, 1 user and 1 unread notifications (the
    # header's badge).
    assert _count(signed_in_client(outsider), "/ervaringen/") == 6
