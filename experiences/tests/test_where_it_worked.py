"""An instrument's "where it worked": the aggregates, and THE visibility proof of issue 3:
an experience in a community reaches nobody's aggregates, lessons, pages or lists unless
they may read that community's content.
"""

from __future__ import annotations

import pytest

from accounts.tests.factories import signed_in_client
from experiences.selectors import where_it_worked
from experiences.tests.factories import make_experience
from experiences.tests.personas import READERS, ROLES, VISIBILITIES
from instruments.services import sector_get_or_create

pytestmark = pytest.mark.django_db

SECRET = "Secret lesson from a closed community"


def _user(people, role):
    return people[role] if people[role] is not None else _anonymous()


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_experiences_are_grouped_by_sector_level_and_phase(instrument, outsider, member):
    energy, education = sector_get_or_create("energie"), sector_get_or_create("onderwijs")
    make_experience(
        instrument=instrument, author=outsider, sector=energy, level="micro", phase="starten",
        rating=5, would_recommend=True,
    )  # fmt: skip
    make_experience(
        instrument=instrument, author=member, sector=energy, level="meso", phase="starten",
        rating=2, would_recommend=False,
    )  # fmt: skip
    make_experience(
        instrument=instrument, author=member, sector=education, level="micro", rating=4,
        would_recommend=True,
    )  # fmt: skip
    make_experience(instrument=instrument, author=member, rating=3, would_recommend=True)

    where = where_it_worked(user=outsider, instrument=instrument)

    assert where.count == 4
    assert where.total.mean_rating == pytest.approx(3.5)
    assert where.total.recommend_percentage == 75
    sectors = [(g.key, g.count, g.rating_sum, g.recommend_count) for g in where.by_sector]
    assert sectors == [
        (str(energy.pk), 2, 7, 1),
        (str(education.pk), 1, 4, 1),
        ("", 1, 3, 1),  # "sector not given" comes last
    ]
    assert [(g.key, g.count) for g in where.by_level] == [("micro", 2), ("meso", 1), ("", 1)]
    assert [(g.key, g.count) for g in where.by_phase] == [("starten", 2), ("", 2)]
    assert where.by_phase[0].mean_rating == pytest.approx(3.5)
    assert where.by_phase[0].recommend_percentage == 50


def test_latest_lessons_are_the_newest_experiences_with_a_lesson(instrument, outsider):
    make_experience(instrument=instrument, author=outsider, what_worked="Old lesson")
    make_experience(instrument=instrument, author=outsider)  # no lesson
    newest = make_experience(instrument=instrument, author=outsider, what_did_not="New lesson")

    where = where_it_worked(user=outsider, instrument=instrument, lesson_limit=5)

    assert [e.what_worked or e.what_did_not for e in where.lessons] == [
        "New lesson",
        "Old lesson",
    ]
    assert where.lessons[0] == newest


def test_experiences_of_other_instruments_do_not_count(instrument, outsider):
    from instruments.tests.factories import InstrumentFactory

    make_experience(instrument=InstrumentFactory(), author=outsider)

    where = where_it_worked(user=outsider, instrument=instrument)

    assert where.count == 0
    assert where.lessons == []


def test_where_it_worked_runs_two_queries_however_many_experiences(
    instrument, outsider, django_assert_num_queries
):
    for rating in (1, 2, 3, 4, 5, 5, 4):
        make_experience(instrument=instrument, author=outsider, rating=rating, what_worked="x")

    # 1 grouped aggregate (sector x level x phase), 1 latest lessons with their relations.
    with django_assert_num_queries(2):
        where = where_it_worked(user=outsider, instrument=instrument)
        [(e.author, e.community, e.sector) for e in where.lessons]


@pytest.fixture
def one_experience_per_community(instrument, communities, member, outsider):
    """A public experience outside communities, and one per community with a unique sector."""
    make_experience(instrument=instrument, author=outsider, rating=5, what_worked="Open lesson")
    experiences = {}
    for visibility in VISIBILITIES:
        experiences[visibility] = make_experience(
            instrument=instrument,
            author=member,
            community=communities[visibility],
            sector=sector_get_or_create(f"sector-{visibility}"),
            rating=1,
            would_recommend=False,
            what_worked=f"{SECRET} ({visibility})",
            what_was_done=f"Closed work ({visibility})",
        )
    return experiences


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_aggregates_include_a_community_experience_only_for_those_who_may_read_it(
    instrument, one_experience_per_community, people, role, visibility
):
    experience = one_experience_per_community[visibility]
    may_read = role in READERS[visibility]

    where = where_it_worked(user=_user(people, role), instrument=instrument)

    sector_keys = {group.key for group in where.by_sector}
    assert (str(experience.sector_id) in sector_keys) is may_read
    assert (experience in where.lessons) is may_read
    readable = sum(role in READERS[v] for v in VISIBILITIES)
    assert where.count == 1 + readable
    # The open experience rates 5 and recommends; each readable community's rates 1 and
    # does not: nothing unreadable shifts the mean or the share.
    assert where.total.mean_rating == pytest.approx((5 + readable) / (1 + readable))
    assert where.total.recommend_count == 1


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_the_instrument_page_shows_a_community_experience_only_to_its_readers(
    instrument, one_experience_per_community, people, role, visibility
):
    may_read = role in READERS[visibility]

    response = signed_in_client(people[role]).get(instrument.get_absolute_url())

    assert response.status_code == 200
    assert (f"{SECRET} ({visibility})" in response.text) is may_read
    experience = one_experience_per_community[visibility]
    # (The sector's name is no secret: the share form lists every sector.)
    sector_keys = {group.key for group in response.context["where_it_worked"].by_sector}
    assert (str(experience.sector_id) in sector_keys) is may_read
    assert (experience.get_absolute_url() in response.text) is may_read


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_the_experience_list_and_page_show_a_community_experience_only_to_its_readers(
    instrument, one_experience_per_community, people, role, visibility
):
    experience = one_experience_per_community[visibility]
    may_read = role in READERS[visibility]
    client = signed_in_client(people[role])

    listed = client.get("/ervaringen/")
    page = client.get(experience.get_absolute_url())

    assert (experience in listed.context["page"].object_list) is may_read
    assert (f"Closed work ({visibility})" in listed.text) is may_read
    assert page.status_code == (200 if may_read else 404)


def test_the_experience_list_count_excludes_what_the_viewer_may_not_read(
    instrument, one_experience_per_community, people
):
    counts = {
        role: signed_in_client(people[role]).get("/ervaringen/").context["page"].paginator.count
        for role in ROLES
    }

    assert counts == {
        "anonymous": 2,
        "outsider": 2,
        "observer": 4,
        "member": 4,
        "facilitator": 4,
    }


def test_a_confidential_communitys_name_never_reaches_an_outsiders_instrument_page(
    instrument, one_experience_per_community, communities, outsider
):
    response = signed_in_client(outsider).get(instrument.get_absolute_url())

    assert communities["confidential"].name not in response.text
    assert communities["members"].name not in response.text
