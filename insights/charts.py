"""Charts of the insights pages: one object feeds both the chart and its table.

A ``Chart`` is rendered by ``insights/_chart.html`` as a ``<figure>`` holding a canvas
(``role="img"`` with a one-sentence summary as its label), the numbers as JSON
(``json_script``, read by ``static/js/insights_charts.js``) and an accessible table with
the same numbers. The table is the fallback without JavaScript and what screen readers
read; because both come from ``Chart.rows``/``Chart.data`` they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from experiences.selectors import Group
from insights.selectors import InstrumentInsights, ProviderInsights, RegionUsage, WeekRow

COUNT = "count"
RATING = "rating"  # plotted on a second axis from 1 to 5


@dataclass
class Series:
    label: str
    values: list
    axis: str = COUNT


@dataclass
class Note:
    """Extra text in a table row (named public communities); not plotted."""

    links: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""


@dataclass
class Row:
    label: str
    cells: list[str]
    note: Note | None = None


@dataclass
class Chart:
    id: str
    kind: str  # "line" or "bar" (Chart.js types)
    title: str
    summary: str
    row_heading: str
    labels: list[str]
    series: list[Series]
    notes_heading: str = ""
    notes: list[Note] = field(default_factory=list)

    @property
    def data(self) -> dict:
        """What ``json_script`` embeds for the chart script."""
        return {
            "kind": self.kind,
            "labels": self.labels,
            "series": [{"label": s.label, "values": s.values, "axis": s.axis} for s in self.series],
        }

    @property
    def rows(self) -> list[Row]:
        """The table: one row per label, one cell per series (localised numbers)."""
        rows = []
        for index, label in enumerate(self.labels):
            cells = [_format(s.values[index], s.axis) for s in self.series]
            note = self.notes[index] if self.notes else None
            rows.append(Row(label, cells, note))
        return rows


def _format(value, axis: str) -> str:
    if value is None:
        return "–"
    if axis == RATING:
        return number_format(value, decimal_pos=1)
    return number_format(value)


def _rating(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def views_chart(weeks: list[WeekRow], *, chart_id: str, title: str) -> Chart:
    total = sum(week.views for week in weeks)
    if total:
        busiest = max(weeks, key=lambda week: week.views)
        summary = ngettext(
            "%(title)s: %(total)d view in total; most in the week of %(week)s (%(views)d).",
            "%(title)s: %(total)d views in total; most in the week of %(week)s (%(views)d).",
            total,
        ) % {"title": title, "total": total, "week": busiest.label, "views": busiest.views}
    else:
        summary = _("%(title)s: no views counted yet.") % {"title": title}
    return Chart(
        id=chart_id,
        kind="line",
        title=title,
        summary=summary,
        row_heading=_("Week beginning"),
        labels=[week.label for week in weeks],
        series=[Series(_("Views"), [week.views for week in weeks])],
    )


def group_chart(groups: list[Group], *, chart_id: str, title: str, heading: str) -> Chart:
    """Experiences and mean usefulness per sector, level or phase."""
    total = sum(group.count for group in groups)
    if groups:
        top = max(groups, key=lambda group: group.count)
        summary = ngettext(
            "%(title)s: %(total)d experience; most in %(label)s (%(count)d, mean usefulness "
            "%(mean)s of 5).",
            "%(title)s: %(total)d experiences; most in %(label)s (%(count)d, mean usefulness "
            "%(mean)s of 5).",
            total,
        ) % {
            "title": title,
            "total": total,
            "label": top.label,
            "count": top.count,
            "mean": number_format(top.mean_rating, decimal_pos=1),
        }
    else:
        summary = _("%(title)s: no experiences yet.") % {"title": title}
    return Chart(
        id=chart_id,
        kind="bar",
        title=title,
        summary=summary,
        row_heading=heading,
        labels=[str(group.label) for group in groups],
        series=[
            Series(_("Experiences"), [group.count for group in groups]),
            Series(
                _("Mean usefulness (1–5)"),
                [_rating(group.mean_rating) for group in groups],
                RATING,
            ),
        ],
    )


def region_chart(usage: RegionUsage, *, chart_id: str, title: str) -> Chart:
    """Communities, journal entries and experiences per region; public names as notes."""
    regions = usage.regions
    if regions:
        top = regions[0]
        summary = ngettext(
            "%(title)s: %(total)d community in %(regions)d region(s); most in %(label)s "
            "(%(count)d).",
            "%(title)s: %(total)d communities in %(regions)d region(s); most in %(label)s "
            "(%(count)d).",
            usage.communities,
        ) % {
            "title": title,
            "total": usage.communities,
            "regions": len(regions),
            "label": top.label,
            "count": top.communities,
        }
    else:
        summary = _("%(title)s: no community has recorded using it yet.") % {"title": title}
    notes = []
    for region in regions:
        text = ""
        if region.unnamed:
            text = ngettext(
                "%(n)d community that is not public",
                "%(n)d communities that are not public",
                region.unnamed,
            ) % {"n": region.unnamed}
        notes.append(Note(links=region.named, text=text))
    return Chart(
        id=chart_id,
        kind="bar",
        title=title,
        summary=summary,
        row_heading=_("Region"),
        labels=[region.label for region in regions],
        series=[
            Series(_("Communities"), [region.communities for region in regions]),
            Series(_("Journal entries"), [region.journal_entries for region in regions]),
            Series(_("Experiences"), [region.experiences for region in regions]),
        ],
        notes_heading=_("Public communities"),
        notes=notes,
    )


def instrument_charts(insights: InstrumentInsights) -> dict:
    """The charts of an instrument's insights page, as template context."""
    where = insights.where
    return {
        "views_chart": views_chart(
            insights.views.weeks, chart_id="chart-views", title=_("Views per week, last 26 weeks")
        ),
        "group_charts": [
            group_chart(groups, chart_id=f"chart-{key}", title=title, heading=heading)
            for key, groups, title, heading in (
                ("sector", where.by_sector, _("Experiences by sector"), _("Sector")),
                ("level", where.by_level, _("Experiences by level"), _("Level")),
                ("phase", where.by_phase, _("Experiences by phase"), _("Phase")),
            )
        ],
        "region_chart": region_chart(
            insights.regions, chart_id="chart-regions", title=_("Where it is used, by region")
        ),
    }


def provider_views_chart(insights: ProviderInsights) -> Chart:
    return views_chart(
        insights.views.weeks,
        chart_id="chart-provider-views",
        title=_("Views per week of all instruments, last 26 weeks"),
    )
