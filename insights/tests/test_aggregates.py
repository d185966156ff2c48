"""What the insights pages count, and what they never reveal.

The setting: one instrument used in a public community (Utrecht), a members-only one
(Groningen), a confidential one (Zeeland) and once outside any community. The provider is
a member of none of them, so only the public use and the loose experience count, and the
other two communities' names, regions and journal entries appear nowhere on the page.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from insights.models import InstrumentViewDay
from insights.selectors import WEEKS, view_counts
from insights.tests.helpers import chart_from_page, rows_from_data
from instruments.models import Sector
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from questions.tests.factories import make_answer, make_question

pytestmark = pytest.mark.django_db

SECRET_WORDS = [
    "Geheime Ledenkring",
    "Vertrouwelijk Netwerk",
    "Besloten stap",
    "Vertrouwelijke stap",
    "Groningen",
    "Zeeland",
]


@pytest.fixture
def used(provider, outsider):
    """The instrument and its use; ``outsider`` facilitates all three communities."""
    instrument = InstrumentFactory(
        owner=provider, phases=["starten"], keywords=["samenwerken"], sectors=["energie"]
    )
    energy = Sector.objects.get(slug="energie")
    public = make_community(facilitator=outsider, name="Open Energiekring", region="Utrecht")
    members = make_community(
        facilitator=outsider, name="Geheime Ledenkring", region="Groningen", visibility="members"
    )
    confidential = make_community(
        facilitator=outsider,
        name="Vertrouwelijk Netwerk",
        region="Zeeland",
        visibility="confidential",
    )
    make_experience(
        instrument=instrument,
        author=outsider,
        community=public,
        sector=energy,
        level="micro",
        phase="starten",
        rating=5,
    )
    make_experience(instrument=instrument, author=outsider, rating=2, level="meso")
    for community in (members, confidential):
        make_experience(
            instrument=instrument, author=outsider, community=community, rating=1, level="macro"
        )
    make_entry(community=public, author=outsider, title="Open stap", instruments=[instrument])
    make_entry(community=members, author=outsider, title="Besloten stap", instruments=[instrument])
    make_entry(
        community=confidential,
        author=outsider,
        title="Vertrouwelijke stap",
        instruments=[instrument],
    )
    return {
        "instrument": instrument,
        "public": public,
        "members": members,
        "confidential": confidential,
    }


def _page(client, instrument):
    response = client.get(f"/en/instrumenten/{instrument.slug}/inzichten/")
    assert response.status_code == 200
    return response


def test_experiences_count_only_what_the_viewer_may_read(provider_client, used):
    where = _page(provider_client, used["instrument"]).context["insights"].where
    assert where.count == 2  # the public one and the one outside a community
    assert where.total.mean_rating == 3.5
    assert [(g.label, g.count) for g in where.by_level] == [("Micro", 1), ("Meso", 1)]
    assert [(str(g.label), g.count, g.mean_rating) for g in where.by_sector] == [
        ("Energy", 1, 5.0),
        ("Sector not given", 1, 2.0),
    ]


def test_regions_count_readable_communities_and_name_only_public_ones(provider_client, used):
    insights = _page(provider_client, used["instrument"]).context["insights"]
    [utrecht] = insights.regions.regions
    assert (utrecht.label, utrecht.communities, utrecht.journal_entries, utrecht.experiences) == (
        "Utrecht",
        1,
        1,
        1,
    )
    assert utrecht.named == [("Open Energiekring", used["public"].get_absolute_url())]
    assert insights.regions.outside_communities == 1
    assert insights.journal_count == 1


@pytest.mark.parametrize("persona", ["provider_client", "staff_client"])
def test_hidden_communities_leave_no_trace_on_the_page(request, persona, used):
    # Staff get no exception: confidential means members only.
    content = _page(request.getfixturevalue(persona), used["instrument"]).content.decode()
    assert "Open Energiekring" in content
    assert "Open stap" in content
    for word in SECRET_WORDS:
        assert word not in content


def test_a_member_provider_sees_the_use_counted_but_never_the_community_named(
    provider, provider_client, used
):
    add_member(used["members"], provider)
    add_member(used["confidential"], provider)
    response = _page(provider_client, used["instrument"])
    regions = {row.label: row for row in response.context["insights"].regions.regions}
    assert set(regions) == {"Utrecht", "Groningen", "Zeeland"}
    assert (regions["Groningen"].named, regions["Groningen"].unnamed) == ([], 1)
    assert (regions["Zeeland"].named, regions["Zeeland"].unnamed) == ([], 1)
    assert response.context["insights"].journal_count == 3
    content = response.content.decode()
    assert "Geheime Ledenkring" not in content
    assert "Vertrouwelijk Netwerk" not in content
    assert "a community that is not public" in content


def test_each_charts_data_equals_its_table(provider_client, used):
    instrument = used["instrument"]
    InstrumentViewDay.objects.create(instrument=instrument, day=timezone.localdate(), views=4)
    content = _page(provider_client, instrument).content.decode()
    for chart_id in ("chart-views", "chart-sector", "chart-level", "chart-phase", "chart-regions"):
        data, table = chart_from_page(content, chart_id)
        assert table, chart_id
        assert rows_from_data(data) == table, chart_id
    data, _ = chart_from_page(content, "chart-views")
    assert len(data["labels"]) == WEEKS and data["series"][0]["values"][-1] == 4


def test_every_chart_is_a_figure_with_a_labelled_canvas_and_a_captioned_table(
    provider_client, used
):
    InstrumentViewDay.objects.create(
        instrument=used["instrument"], day=timezone.localdate(), views=1
    )
    content = _page(provider_client, used["instrument"]).content.decode()
    assert content.count('<figure class="insight-chart"') == 5
    assert content.count('role="img" aria-label="') == 5
    assert content.count("<caption>") == 5
    assert 'th scope="row"' in content and 'th scope="col"' in content
    assert "vendor/chartjs/chart.umd.min.js" in content


def test_views_are_folded_into_weeks_and_the_last_30_days(provider):
    instrument = InstrumentFactory(owner=provider)
    today = datetime.date(2025, 6, 18)  # a Wednesday
    for days_ago, views in ((0, 3), (10, 2), (40, 5), (200, 7)):
        InstrumentViewDay.objects.create(
            instrument=instrument, day=today - datetime.timedelta(days=days_ago), views=views
        )
    counts = view_counts(instruments=[instrument.pk], today=today)
    assert counts.recent_total == 5
    assert counts.recent_by_instrument == {instrument.pk: 5}
    assert counts.total == 10  # the view of 200 days ago is older than 26 weeks
    assert counts.weeks[-1].start == datetime.date(2025, 6, 16)
    assert counts.weeks[-1].views == 3
    assert {w.start: w.views for w in counts.weeks}[datetime.date(2025, 6, 2)] == 2


def test_empty_states_invite_to_share_the_page(provider_client, provider):
    instrument = InstrumentFactory(owner=provider)
    content = _page(provider_client, instrument).content.decode()
    assert "No views counted yet" in content
    assert "No experiences yet" in content
    assert instrument.get_absolute_url() in content
    assert "<figure" not in content


def test_open_questions_on_its_themes_keyword_matches_first(provider_client, outsider, used):
    instrument = used["instrument"]
    by_phase = make_question(author=outsider, title="Hoe beginnen we?", phase="starten")
    by_keyword = make_question(author=outsider, title="Tips?", body="Over samenwerken in de regio")
    make_question(author=outsider, title="Hoe borgen we?", phase="verduurzamen")
    answered = make_question(author=outsider, title="Wie helpt bij de start?", phase="starten")
    make_answer(question=answered, author=outsider, instruments=[instrument])
    insights = _page(provider_client, instrument).context["insights"]
    assert insights.open_questions.count == 2
    assert insights.open_questions.questions == [by_keyword, by_phase]
    assert insights.answered_questions.questions == [answered]


def test_the_provider_overview_totals_each_instrument(provider_client, provider, used):
    instrument = used["instrument"]
    other = InstrumentFactory(owner=provider, n="tweede")
    today = timezone.localdate()
    InstrumentViewDay.objects.create(instrument=instrument, day=today, views=6)
    InstrumentViewDay.objects.create(
        instrument=other, day=today - datetime.timedelta(days=45), views=9
    )
    response = provider_client.get("/en/inzichten/")
    rows = {row.instrument: row for row in response.context["insights"].instruments}
    assert (rows[instrument].recent_views, rows[instrument].experiences) == (6, 2)
    assert rows[instrument].mean_rating == 3.5
    assert (rows[other].recent_views, rows[other].experiences, rows[other].mean_rating) == (
        0,
        0,
        None,
    )
    data, table = chart_from_page(response.content.decode(), "chart-provider-views")
    assert rows_from_data(data) == table
    assert sum(data["series"][0]["values"]) == 15
    assert f"/en/instrumenten/{other.slug}/inzichten/" in response.content.decode()
