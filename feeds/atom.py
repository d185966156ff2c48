"""The Atom feeds: new instruments, an instrument's experiences, a community's journal.

Feed readers come without a session, so every feed reads as anonymous, or, for the
journal of a members-only or confidential community, as the owner of the personal feed
token in its URL (``feeds.selectors.feed_reader``). A wrong token and a closed community
both answer 404. The session is never read, so a feed never varies on cookies and never
sets one.

Entry ids are tag URIs (RFC 4151) built from the object's kind, key and creation date,
so they stay the same whatever the language prefix or host the feed is read under.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.http import parse_http_date_safe
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from communities.models import Community
from experiences.models import Experience
from feeds import selectors
from instruments.constants import Phase
from instruments.models import Instrument
from journal.models import JournalEntry
from lib.markdown import render_markdown


def tag_uri(kind: str, pk: int, created) -> str:
    """A stable, language-independent Atom id for one object."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{created:%Y-%m-%d}:{kind}/{pk}"


def plain_html(text: str) -> SafeString:
    """Plain text as HTML paragraphs (Atom summaries are HTML), with markup escaped."""
    return mark_safe(linebreaks(text, autoescape=True))  # noqa: S308 - escaped just now


class ReaderFeed(Feed):
    """An Atom feed that answers conditional GETs (If-Modified-Since) with 304.

    Django sets ``Last-Modified`` from the newest entry; without ConditionalGetMiddleware
    nothing compares it with the request, so this does, to spare readers a download.
    """

    feed_type = Atom1Feed
    author_name = "Samenspel"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        if "token" in request.GET:
            # A URL with a personal token: no shared cache keeps it, no search engine lists it.
            patch_cache_control(response, private=True, no_store=True)
            response["X-Robots-Tag"] = "noindex"
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(request, last_modified=last_modified, response=response)


class NewInstrumentsFeed(ReaderFeed):
    """The newest published instruments; drafts never appear."""

    def items(self) -> list[Instrument]:
        return selectors.new_instruments()

    def title(self) -> str:
        return _("Samenspel: new instruments")

    def subtitle(self) -> str:
        return _("Instruments for learning communities, newest first.")

    def link(self) -> str:
        return reverse("instruments:list")

    def feed_url(self) -> str:
        return reverse("feeds:new_instruments")

    def item_title(self, item: Instrument) -> str:
        return item.display_title

    def item_description(self, item: Instrument) -> str:
        return plain_html(item.summary)

    def item_guid(self, item: Instrument) -> str:
        return tag_uri("instrument", item.pk, item.created_at)

    item_guid_is_permalink = False

    def item_pubdate(self, item: Instrument):
        return item.created_at

    def item_updateddate(self, item: Instrument):
        return item.updated_at

    def item_author_name(self, item: Instrument) -> str | None:
        if item.organisation:
            return item.organisation.name
        if item.owner and item.owner.name:
            return item.owner.name
        return None

    def item_categories(self, item: Instrument) -> list[str]:
        return [str(label) for label in item.phase_labels]


class InstrumentExperiencesFeed(ReaderFeed):
    """What people reported about one instrument: only experiences outside communities or
    in public ones (``feeds.selectors.instrument_experiences``)."""

    def get_object(self, request, slug: str) -> Instrument:
        return selectors.get_feed_instrument(slug=slug)

    def items(self, obj: Instrument) -> list[Experience]:
        return selectors.instrument_experiences(instrument=obj)

    def title(self, obj: Instrument) -> str:
        return _("Samenspel: experiences with %(title)s") % {"title": obj.display_title}

    def subtitle(self, obj: Instrument) -> str:
        return _("What people learned when they used %(title)s, newest first.") % {
            "title": obj.display_title
        }

    def link(self, obj: Instrument) -> str:
        return f"{obj.get_absolute_url()}#where-it-worked"

    def feed_url(self, obj: Instrument) -> str:
        return reverse("feeds:instrument_experiences", kwargs={"slug": obj.slug})

    def item_title(self, item: Experience) -> str:
        where = item.community.name if item.community else ""
        if where:
            return _("Experience with %(title)s in %(where)s") % {
                "title": item.instrument.display_title,
                "where": where,
            }
        return _("Experience with %(title)s") % {"title": item.instrument.display_title}

    def item_description(self, item: Experience) -> str:
        parts = [
            (_("What was done"), item.what_was_done),
            (_("What worked"), item.what_worked),
            (_("What did not work"), item.what_did_not),
            (_("How the instrument was adapted"), item.adaptation),
        ]
        body = format_html_join(
            "", "<h3>{}</h3>{}", ((label, plain_html(text)) for label, text in parts if text)
        )
        rating = format_html(
            "<p>{}</p>", _("Usefulness: %(rating)s out of 5") % {"rating": item.rating}
        )
        return body + rating

    def item_guid(self, item: Experience) -> str:
        return tag_uri("experience", item.pk, item.created_at)

    item_guid_is_permalink = False

    def item_pubdate(self, item: Experience):
        return item.created_at

    def item_updateddate(self, item: Experience):
        return item.updated_at

    def item_author_name(self, item: Experience) -> str | None:
        return item.author.display_name if item.author else None

    def item_categories(self, item: Experience) -> list[str]:
        labels = [item.get_phase_display()] if item.phase else []
        if item.sector:
            labels.append(item.sector.display_name)
        if item.level:
            labels.append(item.get_level_display())
        return [str(label) for label in labels]


class CommunityJournalFeed(ReaderFeed):
    """A community's journal, newest entry first. Public communities for anyone; closed
    ones only with the personal feed token of a member (``?token=``)."""

    def get_object(self, request, slug: str) -> Community:
        token = request.GET.get("token")
        reader = selectors.feed_reader(token)
        community = selectors.get_feed_community(reader=reader, slug=slug)
        community.feed_token = token
        return community

    def items(self, obj: Community) -> list[JournalEntry]:
        return selectors.community_journal(community=obj)

    def title(self, obj: Community) -> str:
        return _("Samenspel: journal of %(name)s") % {"name": obj.name}

    def subtitle(self, obj: Community) -> str:
        return _("The steps %(name)s took: meetings, decisions and milestones.") % {
            "name": obj.name
        }

    def link(self, obj: Community) -> str:
        return reverse("journal:timeline", kwargs={"slug": obj.slug})

    def feed_url(self, obj: Community) -> str:
        """The URL to subscribe to, with the token when it was read with one."""
        url = reverse("feeds:community_journal", kwargs={"slug": obj.slug})
        if obj.feed_token:
            url += "?" + urlencode({"token": obj.feed_token})
        return url

    def item_title(self, item: JournalEntry) -> str:
        return item.title

    def item_description(self, item: JournalEntry) -> str:
        when = format_html(
            "<p>{} · {} · {}</p>",
            item.get_kind_display(),
            item.get_phase_display(),
            item.date.isoformat(),
        )
        return when + render_markdown(item.text)

    def item_guid(self, item: JournalEntry) -> str:
        return tag_uri("journal-entry", item.pk, item.created_at)

    item_guid_is_permalink = False

    def item_pubdate(self, item: JournalEntry):
        return item.created_at

    def item_updateddate(self, item: JournalEntry):
        return item.updated_at

    def item_author_name(self, item: JournalEntry) -> str | None:
        return item.author.display_name if item.author else None

    def item_categories(self, item: JournalEntry) -> list[str]:
        return [str(item.get_kind_display()), str(Phase(item.phase).label)]


new_instruments_feed = NewInstrumentsFeed()
instrument_experiences_feed = InstrumentExperiencesFeed()
community_journal_feed = CommunityJournalFeed()
