"""Reads of scans and rounds. Rounds follow their community's visibility
(``communities.visibility``); scans follow their instrument's (``Instrument.objects.visible_to``).

Nothing here returns one person's answers to anyone but that person: results are
aggregates, computed only for *released* rounds (closed, with at least the group minimum
of answers), and open answers come without names, sorted alphabetically rather than in
the order they were given.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from communities.models import Community, Level, MemberRole, Membership
from communities.visibility import member_role, public_content_filter, readable_communities
from instruments.models import Instrument, Sector
from scans.formatting import number_text, signed_text
from scans.models import (
    ItemAnswer,
    ItemScale,
    Response,
    Round,
    Scan,
    ScanItem,
    ScanVersion,
    minimum_group_size,
)
from scans.statistics import ItemStatistics, discussion_points, item_statistics

# --- scans ------------------------------------------------------------------------------


def scans_visible_to(user) -> QuerySet[Scan]:
    return Scan.objects.filter(instrument__in=Instrument.objects.visible_to(user).values("pk"))


def get_scan_for_user(*, user, pk: int) -> Scan:
    scan = scans_visible_to(user).select_related("instrument").filter(pk=pk).first()
    if scan is None:
        raise Http404
    return scan


def current_version(scan: Scan) -> ScanVersion:
    """The scan's newest version: the one new rounds run and edits start from."""
    return scan.versions.order_by("-number").first()


def scans_for_instrument(instrument: Instrument) -> list[Scan]:
    """The instrument's scans, each with ``current`` (its newest version, items prefetched)."""
    scans = list(Scan.objects.filter(instrument=instrument).order_by("pk"))
    _attach_current_versions(scans)
    return scans


def _attach_current_versions(scans: list[Scan]) -> None:
    versions = (
        ScanVersion.objects.filter(scan__in=scans)
        .prefetch_related("items")
        .order_by("scan_id", "-number")
    )
    newest = {}
    for version in versions:
        newest.setdefault(version.scan_id, version)
    for scan in scans:
        scan.current = newest.get(scan.pk)


def scan_list(user) -> list[Scan]:
    """Every scan ``user`` may see, with its instrument and current version."""
    scans = list(scans_visible_to(user).select_related("instrument").order_by("instrument__title"))
    _attach_current_versions(scans)
    return scans


def facilitated_communities(user) -> QuerySet[Community]:
    """Where ``user`` may start a round: the communities they facilitate."""
    if user is None or not user.is_authenticated:
        return Community.objects.none()
    return Community.objects.filter(
        memberships__user=user, memberships__role=MemberRole.FACILITATOR
    ).order_by("name")


# --- rounds -----------------------------------------------------------------------------


def with_response_count(queryset: QuerySet[Round]) -> QuerySet[Round]:
    return queryset.annotate(response_count=Count("responses", distinct=True))


def rounds_visible_to(user) -> QuerySet[Round]:
    return Round.objects.filter(community__in=readable_communities(user).values("pk"))


def get_round_for_user(*, user, code: str) -> Round:
    """The round if ``user`` may read its community's content; otherwise 404."""
    round_ = (
        with_response_count(rounds_visible_to(user))
        .select_related("community", "version__scan__instrument", "journal_entry")
        .filter(code=code)
        .first()
    )
    if round_ is None:
        raise Http404
    round_.viewer_role = member_role(user, round_.community)
    return round_


def is_released(round_: Round, response_count: int, now=None) -> bool:
    return not round_.is_open(now) and response_count >= round_.group_minimum


def community_rounds(community) -> list[Round]:
    """A community's rounds, newest first, with their answer counts and ``released``
    (one query). The order is explicit: Django leaves ``Meta.ordering`` out of a grouped
    query."""
    rounds = list(
        with_response_count(Round.objects.filter(community=community))
        .select_related("version__scan__instrument")
        .order_by("-started_at", "-pk")
    )
    for round_ in rounds:
        round_.released = is_released(round_, round_.response_count)
    return rounds


def own_answers(user, round_: Round) -> tuple[dict, dict] | None:
    """``user``'s own values and texts in ``round_`` (for changing them), or None."""
    if user is None or not user.is_authenticated:
        return None
    response = Response.objects.filter(round=round_, respondent=user).first()
    if response is None:
        return None
    values, texts = {}, {}
    for answer in response.answers.select_related("item"):
        if answer.item.is_open:
            texts[answer.item.key] = answer.text
        else:
            values[answer.item.key] = answer.value
    return values, texts


def member_count(community) -> int:
    """How many may answer: facilitators and members (observers only read)."""
    return Membership.objects.filter(
        community=community, role__in=(MemberRole.FACILITATOR, MemberRole.MEMBER)
    ).count()


# --- results ----------------------------------------------------------------------------


@dataclass
class HistoryPoint:
    round: Round
    mean: float | None
    is_current: bool = False


@dataclass
class ItemResult:
    item: ScanItem
    statistics: ItemStatistics | None = None
    open_answers: list[str] = field(default_factory=list)
    open_tokens: list[str] = field(default_factory=list)  # see ``open_answer_token``
    is_discussion_point: bool = False
    history: list[HistoryPoint] = field(default_factory=list)
    change: float | None = None

    @property
    def open_rows(self) -> list[tuple[str, str]]:
        """``(text, token)`` of each open answer, for the facilitator's hide buttons."""
        return list(zip(self.open_answers, self.open_tokens, strict=False))


@dataclass
class RoundResults:
    round: Round
    response_count: int
    items: list[ItemResult]
    earlier_rounds: list[Round]

    @property
    def scored(self) -> list[ItemResult]:
        return [result for result in self.items if not result.item.is_open]

    @property
    def open(self) -> list[ItemResult]:
        return [result for result in self.items if result.item.is_open]

    @property
    def discussion_points(self) -> list[ItemResult]:
        points = [result for result in self.items if result.is_discussion_point]
        return sorted(points, key=lambda result: -result.statistics.disagreement)

    def journal_text(self) -> str:
        """Markdown for the journal entry: the round, its answers, the discussion points."""
        lines = [
            _("Scan round “%(title)s” (%(scan)s), closed with %(count)d answers.")
            % {
                "title": self.round.title,
                "scan": self.round.version.title,
                "count": self.response_count,
            },
            "",
        ]
        if self.discussion_points:
            lines.append(_("Discussion points (where the answers differed most):"))
            for result in self.discussion_points:
                lines.append(
                    "- "
                    + _("%(text)s (mean %(mean)s, spread %(spread)s)")
                    % {
                        "text": result.item.text,
                        "mean": number_text(result.statistics.mean),
                        "spread": number_text(result.statistics.spread),
                    }
                )
        else:
            lines.append(_("The answers were close together on every statement."))
        changed = [result for result in self.scored if result.change]
        if changed:
            lines += ["", _("Change since the previous round:")]
            for result in changed:
                lines.append(
                    f"- {result.item.text}: {signed_text(result.change)}",
                )
        return "\n".join(lines)


def open_answer_token(answer_id: int) -> str:
    """How a page names an open answer (to hide it): not its id, whose order would tell
    who answered first, but a keyed hash of it."""
    return salted_hmac("scans.open_answer", str(answer_id)).hexdigest()[:24]


def _answers_by_round(rounds: list[Round]) -> dict[int, dict[str, list]]:
    """``{round_id: {item_key: [values, or (text, token) pairs]}}`` in one query; no
    respondent is read, and open answers a facilitator hid are left out."""
    answers = (
        ItemAnswer.objects.filter(response__round__in=[r.pk for r in rounds])
        .exclude(item__scale=ItemScale.OPEN, hidden_at__isnull=False)
        .values_list("pk", "response__round_id", "item__key", "item__scale", "value", "text")
    )
    by_round: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for pk, round_id, key, scale, value, text in answers:
        if scale == ItemScale.OPEN:
            if text:
                by_round[round_id][key].append((text, open_answer_token(pk)))
        elif value is not None:
            by_round[round_id][key].append(value)
    return by_round


def released_rounds(queryset: QuerySet[Round], now=None) -> QuerySet[Round]:
    """Closed rounds with at least their group minimum of answers (``response_count`` set)."""
    minimum = minimum_group_size()
    queryset = with_response_count(queryset.closed(now))
    return queryset.filter(
        Q(response_count__gte=minimum) & Q(response_count__gte=F("min_responses"))
    )


def round_results(round_: Round, now=None) -> RoundResults | None:
    """The aggregates of a released round with the history of earlier released rounds of
    the same scan in the same community; None while it is withheld."""
    count = getattr(round_, "response_count", None)
    if count is None:
        count = round_.responses.count()
    if not is_released(round_, count, now):
        return None
    earlier = list(
        released_rounds(
            Round.objects.filter(
                community_id=round_.community_id,
                version__scan_id=round_.version.scan_id,
                started_at__lt=round_.started_at,
            ),
            now,
        ).order_by("started_at")
    )
    by_round = _answers_by_round([*earlier, round_])
    items = list(round_.version.items.all())
    mine = by_round.get(round_.pk, {})
    statistics = {
        item.key: item_statistics(mine.get(item.key, []), item.values)
        for item in items
        if not item.is_open
    }
    points = set(discussion_points(statistics))
    results = []
    for item in items:
        result = ItemResult(item=item)
        if item.is_open:
            pairs = sorted(mine.get(item.key, []), key=lambda pair: pair[0].casefold())
            result.open_answers = [text for text, _token in pairs]
            result.open_tokens = [token for _text, token in pairs]
        else:
            result.statistics = statistics[item.key]
            result.is_discussion_point = item.key in points
            result.history = _history(item, earlier, by_round) + [
                HistoryPoint(round_, result.statistics.mean, is_current=True)
            ]
            previous = [point.mean for point in result.history[:-1] if point.mean is not None]
            if previous and result.statistics.mean is not None:
                result.change = round(result.statistics.mean - previous[-1], 2)
        results.append(result)
    return RoundResults(round=round_, response_count=count, items=results, earlier_rounds=earlier)


def _history(item: ScanItem, earlier: list[Round], by_round) -> list[HistoryPoint]:
    points = []
    for earlier_round in earlier:
        values = by_round.get(earlier_round.pk, {}).get(item.key, [])
        points.append(HistoryPoint(earlier_round, item_statistics(values, item.values).mean))
    return points


# --- across communities -----------------------------------------------------------------


@dataclass
class GroupAggregate:
    label: str
    responses: int
    rounds: int
    means: dict[str, float | None]
    spreads: dict[str, float | None]


@dataclass
class ScanAggregate:
    scan: Scan
    items: list[ScanItem]
    groups: list[GroupAggregate]
    total: GroupAggregate | None


def _group(label: str, rounds: list[Round], by_round, items) -> GroupAggregate:
    means, spreads = {}, {}
    for item in items:
        values = [v for r in rounds for v in by_round.get(r.pk, {}).get(item.key, [])]
        statistics = item_statistics(values, item.values)
        means[item.key], spreads[item.key] = statistics.mean, statistics.spread
    responses = sum(r.response_count for r in rounds)
    return GroupAggregate(label, responses, len(rounds), means, spreads)


def instrument_aggregates(instrument: Instrument, now=None) -> list[ScanAggregate]:
    """Per scan of ``instrument``: anonymous means over every released round in *public*
    communities, overall and by sector and level. A group (and the whole) is shown only
    when it has at least the platform's minimum of answers."""
    scans = scans_for_instrument(instrument)
    if not scans:
        return []
    rounds = list(
        released_rounds(
            Round.objects.filter(public_content_filter(), version__scan__in=scans), now
        ).select_related("community", "version")
    )
    by_round = _answers_by_round(rounds) if rounds else {}
    minimum = minimum_group_size()
    slugs = {sector for r in rounds for sector in r.community.sectors or []}
    sector_names = {sector.slug: sector.name for sector in Sector.objects.filter(slug__in=slugs)}
    level_names = dict(Level.choices)
    aggregates = []
    for scan in scans:
        scan_rounds = [r for r in rounds if r.version.scan_id == scan.pk]
        items = [item for item in scan.current.items.all() if not item.is_open]
        total = _group(_("All public communities"), scan_rounds, by_round, items)
        groups: dict[str, list[Round]] = defaultdict(list)
        for r in scan_rounds:
            for sector in r.community.sectors or []:
                groups[_("Sector: %(name)s") % {"name": sector_names.get(sector, sector)}].append(r)
            if r.community.level:
                label = _("Level: %(name)s") % {"name": level_names.get(r.community.level)}
                groups[label].append(r)
        shown = [
            group
            for label, members in sorted(groups.items())
            if (group := _group(label, members, by_round, items)).responses >= minimum
        ]
        aggregates.append(
            ScanAggregate(
                scan=scan,
                items=items,
                groups=shown,
                total=total if total.responses >= minimum else None,
            )
        )
    return aggregates
