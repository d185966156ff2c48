"""The search page (``/zoeken/?q=…``) and an Atom feed of the same results.

Both read through ``search.selectors.search`` with ``request.user``, so what they show,
count and page has already passed the visibility rule. The type filter and the facets are
applied to the ranking before paging (see ``search.facets``), so totals, pages and
counts agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from search import facets as facet_reads
from search.facets import SearchFilters
from search.models import SearchDocument
from search.selectors import SearchResult, search

PAGE_SIZE = 10
FEED_SIZE = 20
MAX_PAGE = 1000
# With a filter, this many results are read and narrowed; the retrieval pools are smaller.
EXAMPLE_QUERIES = (
    "iedereen is het eens maar er gebeurt niets",
    "energiecoöperatie",
    "partners betrekken",
    "evaluatie van een leergemeenschap",
    "trust between partners",
)


class _Sized:
    """Stands in for the full result list so Django's Paginator can count the pages."""

    def __init__(self, count: int) -> None:
        self.count_value = count

    def __len__(self) -> int:
        return self.count_value


@dataclass
class SearchOutcome:
    filters: SearchFilters
    results: list[SearchResult] = field(default_factory=list)
    total: int = 0
    page: Page | None = None
    facets: list = field(default_factory=list)


def _page_number(raw: str | None) -> int:
    """``?page=`` as a number from 1; anything else (text, negative, huge) is page 1 or the
    last allowed page, never an error."""
    try:
        number = int(raw or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def run_search(*, user, filters: SearchFilters, page_number: int = 1, per_page: int = PAGE_SIZE):
    """The results of one page and the facet counts, for the page and the feed.

    Without a type filter or facet, one search returns the page itself. With one, a first
    search returns the ranking (no passages), the filters narrow it, and a second search
    narrowed to the page's items gives their passages, so the total, the pages and the
    counts all describe the same list.
    """
    outcome = SearchOutcome(filters=filters)
    if not filters.query:
        return outcome
    offset = (page_number - 1) * per_page
    if filters.is_filtered:
        everything = search(user=user, query=filters.query, limit=0)
        ranked = _keys(everything.ranked)
        attributes = facet_reads.result_attributes(ranked)
        keys = facet_reads.matching(ranked, attributes, filters)
        total = len(keys)
        page_number, offset = _clamp(page_number, total, per_page)
        results = _results_for(user, filters.query, keys[offset : offset + per_page])
    else:
        current = search(user=user, query=filters.query, limit=per_page, offset=offset)
        total = current.total
        clamped, offset = _clamp(page_number, total, per_page)
        if clamped != page_number:
            page_number = clamped
            current = search(user=user, query=filters.query, limit=per_page, offset=offset)
        ranked = _keys(current.ranked)
        attributes = facet_reads.result_attributes(ranked)
        results = current.results
    outcome.facets = facet_reads.facet_counts(
        ranked,
        attributes,
        filters,
        sector_labels=facet_reads.sector_labels() if ranked else {},
    )
    outcome.results = [_without_repeated_title(result) for result in results]
    outcome.total = total
    outcome.page = Page(outcome.results, page_number, Paginator(_Sized(total), per_page))
    return outcome


def _results_for(user, query: str, keys: list[tuple[str, int]]) -> list[SearchResult]:
    """The results of one filtered page, in rank order: the same search narrowed to the
    page's items (filters narrow the ranking, they do not re-rank it)."""
    if not keys:
        return []
    within: dict[str, list[int]] = {}
    for kind, object_id in keys:
        within.setdefault(kind, []).append(object_id)
    found = search(user=user, query=query, kinds=list(within), within=within, limit=len(keys))
    return found.results


def _keys(ranked) -> list[tuple[str, int]]:
    return [(str(kind), int(object_id)) for kind, object_id in ranked]


def _clamp(page_number: int, total: int, per_page: int) -> tuple[int, int]:
    """A page past the last one shows the last one: (page number, offset)."""
    last = max(1, -(-total // per_page))
    number = min(page_number, last)
    return number, (number - 1) * per_page


def _without_repeated_title(result: SearchResult) -> SearchResult:
    """A snippet that starts by repeating the title shown above it starts after it."""
    snippet, title = result.snippet, result.title.strip()
    if title and snippet[: len(title)].casefold() == title.casefold():
        rest = snippet[len(title) :].lstrip(" .:-–")
        if rest:
            result.snippet = rest
    return result


def feed_url(filters: SearchFilters) -> str:
    params = urlencode(filters.as_params())
    return reverse("search:feed") + (f"?{params}" if params else "")


def page_url(filters: SearchFilters) -> str:
    params = urlencode(filters.as_params())
    return reverse("search:search") + (f"?{params}" if params else "")


@require_GET
@vary_on_headers("HX-Request")  # one URL, two renderings: keep caches from mixing them up
def search_page(request):
    filters = SearchFilters.from_querydict(request.GET)
    outcome = run_search(
        user=request.user, filters=filters, page_number=_page_number(request.GET.get("page"))
    )
    context = {
        "filters": filters,
        "outcome": outcome,
        "page": outcome.page,
        "facets": outcome.facets,
        "feed_url": feed_url(filters),
        "clear_url": page_url(SearchFilters(query=filters.query)),
        "examples": EXAMPLE_QUERIES,
        "type_choices": [(value, str(label)) for value, label in facet_reads.TYPE_LABELS.items()],
    }
    template = "search/includes/results.html" if request.htmx else "search/search.html"
    return render(request, template, context)


class SearchFeed(Feed):
    """The first ``FEED_SIZE`` results of a query and its filters as Atom. Feed readers
    come without a session, so they get what anonymous visitors see."""

    feed_type = Atom1Feed
    author_name = "Samenspel"

    def get_object(self, request, *args, **kwargs):
        filters = SearchFilters.from_querydict(request.GET)
        outcome = run_search(user=request.user, filters=filters, per_page=FEED_SIZE)
        _updated_at(outcome.results)
        return outcome

    def title(self, obj: SearchOutcome) -> str:
        if obj.filters.query:
            return _("Samenspel: search results for “%(query)s”") % {"query": obj.filters.query}
        return _("Samenspel: search results")

    def subtitle(self, obj: SearchOutcome) -> str:
        return _("The first %(count)s results of this search on Samenspel.") % {"count": FEED_SIZE}

    def link(self, obj: SearchOutcome) -> str:
        return page_url(obj.filters)

    def feed_url(self, obj: SearchOutcome) -> str:
        return feed_url(obj.filters)

    def items(self, obj: SearchOutcome) -> list[SearchResult]:
        return obj.results

    def item_title(self, item: SearchResult) -> str:
        return item.title

    def item_description(self, item: SearchResult) -> str:
        return item.snippet

    def item_link(self, item: SearchResult) -> str:
        return item.url or f"{reverse('search:search')}#{item.kind}-{item.key}"

    def item_categories(self, item: SearchResult) -> list[str]:
        return [item.kind]

    def item_updateddate(self, item: SearchResult):
        return getattr(item, "updated_at", None)


def _updated_at(results: list[SearchResult]) -> None:
    """Give each result ``updated_at``: when its index entry last changed (one query);
    Atom wants a date on every entry."""
    if not results:
        return None
    wanted = Q()
    for result in results:
        wanted |= Q(kind=result.kind, object_id=result.object_id)
    dates = {
        (kind, object_id): updated
        for kind, object_id, updated in SearchDocument.objects.filter(wanted).values_list(
            "kind", "object_id", "updated_at"
        )
    }
    for result in results:
        result.updated_at = dates.get((result.kind, result.object_id))
    return None


search_feed = SearchFeed()
