"""The public list and page: anyone reads them, and nothing on them leads back to the
source (community name or code, people, partners, the source's URL or id)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import signed_in_client
from lessons.models import PublicLesson
from lessons.services import lesson_publish
from lessons.tests.conftest import PARTNERS, PEOPLE, valid_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(experience, facilitator, sector):
    fields = {**valid_fields(), "sector": sector, "instruments": [experience.instrument]}
    return lesson_publish(user=facilitator, source=experience, fields=fields)


def _forbidden(experience) -> list[str]:
    community = experience.community
    return [
        community.name,
        community.slug,
        *PEOPLE.values(),
        *PARTNERS,
        experience.get_absolute_url(),
        community.get_absolute_url(),
        f"experience/{experience.pk}",
        f"ervaringen/{experience.pk}",
        "source_id",
    ]


@pytest.mark.parametrize("role", ["anonymous", "outsider", "facilitator"])
def test_the_public_pages_reveal_nothing_of_the_source(
    lesson, experience, instrument, people, role
):
    client = signed_in_client(people[role])
    pages = [reverse("lessons:detail", args=[lesson.pk]), reverse("lessons:list")]
    if role != "facilitator":  # a member reads the source itself on the instrument page
        pages.append(instrument.get_absolute_url())
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert lesson.title in html
        for text in _forbidden(experience):
            assert text not in html, text


def test_the_public_page_never_loads_the_private_fields(client, lesson):
    response = client.get(reverse("lessons:detail", args=[lesson.pk]))
    shown = response.context["lesson"]
    assert {"source_kind", "source_id", "published_by_id"} <= shown.get_deferred_fields()


def test_anyone_reads_the_lesson_with_its_instruments_linked(client, lesson, instrument):
    response = client.get(reverse("lessons:detail", args=[lesson.pk]))
    assert response.status_code == 200
    assert instrument.get_absolute_url() in response.content.decode()


def test_a_missing_lesson_is_404(client):
    assert client.get(reverse("lessons:detail", args=[424242])).status_code == 404


def test_the_list_filters_by_phase_and_sector(client, lesson, sector):
    url = reverse("lessons:list")
    assert lesson.title in client.get(url, {"fase": "uitvoeren"}).content.decode()
    assert lesson.title not in client.get(url, {"fase": "starten"}).content.decode()
    assert lesson.title in client.get(url, {"sector": sector.slug}).content.decode()
    assert lesson.title not in client.get(url, {"sector": "zorg"}).content.decode()


def test_the_empty_list_says_what_to_do(client):
    response = client.get("/en" + reverse("lessons:list"))
    assert "No lessons published yet" in response.content.decode()


def _make_lessons(n: int, start: int, sector) -> None:
    PublicLesson.objects.bulk_create(
        PublicLesson(
            title=f"Lesson {i}",
            what_was_done="Done",
            lesson="Learned",
            sector=sector,
            phase="starten",
            source_kind="experience",
            source_id=10_000 + i,
        )
        for i in range(start, start + n)
    )


def test_the_list_query_count_is_constant(client, sector, django_assert_num_queries):
    _make_lessons(3, 0, sector)
    url = reverse("lessons:list")
    # 1 count for the paginator, 1 page of lessons with their sector, 1 sectors for the filter.
    with django_assert_num_queries(3):
        client.get(url)
    _make_lessons(30, 3, sector)
    with django_assert_num_queries(3):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 20
    assert response.context["page"].paginator.num_pages == 2


def test_the_instrument_tag_lists_lessons_in_one_query(
    lesson, instrument, django_assert_num_queries
):
    from lessons.templatetags.lessons import instrument_lessons

    with django_assert_num_queries(1):
        context = instrument_lessons(instrument)
    assert context["lessons"] == [lesson]
