"""What an instrument page tells machines: schema.org JSON-LD and Open Graph.

Search engines, edusources/Edurep-style harvesters and LinkedIn's share card read these
instead of the page. They describe published instruments only: a draft's page is seen by
its provider and staff alone, so it carries nothing meant for sharing.

Pure functions from a model to a dict; ``lib.templatetags.linked_data`` renders them. They
use only what ``instruments.selectors.get_instrument_for_user`` already loaded (organisation,
owner, phases, sectors, audiences, concepts), so the page's pinned query count stays put.
Vocabulary labels (phases, kind, levels) are given in Dutch, the language of the library's
text, whatever the page's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext

from instruments.constants import Kind, Phase, Status
from instruments.models import Instrument

AbsoluteUrl = Callable[[str], str]

SCHEMA_CONTEXT = "https://schema.org"
OG_DESCRIPTION_LENGTH = 200
# The publication the library's section numbers refer to (as on the instrument page).
SOURCE_PUBLICATION = "Een nieuw samenspel van innoveren, werken en leren?"

# Creative Commons licence elements as people write them (English and Dutch names).
_CC_ELEMENTS = [
    ("naamsvermelding", "by"),
    ("attribution", "by"),
    ("by", "by"),
    ("niet-commercieel", "nc"),
    ("nietcommercieel", "nc"),
    ("noncommercial", "nc"),
    ("nc", "nc"),
    ("gelijkdelen", "sa"),
    ("sharealike", "sa"),
    ("sa", "sa"),
    ("geenafgeleidewerken", "nd"),
    ("noderivatives", "nd"),
    ("noderivs", "nd"),
    ("nd", "nd"),
    ("zero", "0"),
    ("0", "0"),
]
_CC_VALID = {
    ("0",): "publicdomain/zero/{version}/",
    ("by",): "licenses/by/{version}/",
    ("by", "sa"): "licenses/by-sa/{version}/",
    ("by", "nd"): "licenses/by-nd/{version}/",
    ("by", "nc"): "licenses/by-nc/{version}/",
    ("by", "nc", "sa"): "licenses/by-nc-sa/{version}/",
    ("by", "nc", "nd"): "licenses/by-nc-nd/{version}/",
}
_CC_ORDER = {"0": 0, "by": 1, "nc": 2, "sa": 3, "nd": 4}
_CC_SUFFIXES = ("international", "internationaal", "universal", "licence", "license", "licentie")


def creative_commons_url(licence: str) -> str | None:
    """The deed URL of a Creative Commons licence named in ``licence`` ("CC BY-SA 4.0",
    "cc0", "Creative Commons Naamsvermelding 4.0 Internationaal"), or None when the text
    names no licence we can be sure of (a ported 3.0 licence, an odd combination).

    Without a version the current one is meant: 4.0, or 1.0 for CC0.
    """
    text = re.sub(r"[^a-z0-9.-]", "", licence.lower()).replace("-", "")
    for prefix in ("creativecommons", "cc"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    else:
        return None
    for suffix in _CC_SUFFIXES:
        text = text.removesuffix(suffix)
    version_match = re.search(r"(\d\.\d)$", text)
    version = version_match.group(1) if version_match else None
    if version_match:
        text = text[: version_match.start()]
    codes: set[str] = set()
    while text:
        for word, code in _CC_ELEMENTS:
            if text.startswith(word):
                codes.add(code)
                text = text[len(word) :]
                break
        else:
            return None
    key = tuple(sorted(codes, key=_CC_ORDER.__getitem__))
    if key not in _CC_VALID:
        return None
    version = version or ("1.0" if key == ("0",) else "4.0")
    return "https://creativecommons.org/" + _CC_VALID[key].format(version=version)


def licence_value(licence: str) -> str | None:
    """schema.org ``license``: a URL when the licence is one (or a known CC name), else
    the text as the provider wrote it; None when there is none."""
    text = licence.strip()
    if not text:
        return None
    if text.startswith(("https://", "http://")):
        return text
    return creative_commons_url(text) or text


def iso_datetime(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


# The library's own records (imported, no provider) were written for this project and ship
# in its repository, so they carry the repository's licence and the project as author.
LIBRARY_RECORD_LICENCE = "https://spdx.org/licenses/EUPL-1.2.html"


def _is_library_record(instrument: Instrument) -> bool:
    return instrument.owner_id is None and instrument.organisation_id is None


def _authors(instrument: Instrument, home_url: str) -> list[dict]:
    """The organisation and the provider, as the page's "At a glance" names them; the
    project itself for the library's own records."""
    if _is_library_record(instrument):
        return [{"@type": "Organization", "name": "Samenspel", "url": home_url}]
    authors = []
    if instrument.organisation is not None:
        organisation = {"@type": "Organization", "name": instrument.organisation.name}
        if instrument.organisation.website:
            organisation["url"] = instrument.organisation.website
        authors.append(organisation)
    if instrument.owner is not None:
        authors.append({"@type": "Person", "name": instrument.owner.display_name})
    return authors


def _educational_levels(instrument: Instrument, level_groups: Iterable | None) -> list[str]:
    """The community levels (micro, meso, macro) the page's "where it worked" table shows
    the instrument was used at; the library records no school level, so without any the
    groups it is written for (its audiences) stand in."""
    levels = [str(group.label) for group in level_groups or [] if group.key]
    if levels:
        return levels
    return [link.audience.name for link in instrument.audience_links.all()]


def instrument_json_ld(
    instrument: Instrument, *, absolute_url: AbsoluteUrl, level_groups: Iterable | None = None
) -> dict | None:
    """schema.org ``LearningResource`` + ``HowTo`` for a published instrument; None for a draft.

    ``level_groups`` are the "by level" groups of the page's where-it-worked summary
    (``experiences.selectors.where_it_worked(...).by_level``), computed for the viewer.
    """
    if instrument.status != Status.PUBLISHED:
        return None
    url = absolute_url(instrument.get_absolute_url())
    library_url = absolute_url(reverse("instruments:list"))
    home_url = absolute_url(reverse("home"))
    phase_urls = {
        phase: absolute_url(reverse("instruments:phase", args=[phase]))
        for phase in instrument.phase_values
    }
    concepts = [
        (concept, absolute_url(concept.get_absolute_url())) for concept in instrument.concepts.all()
    ]
    with translation.override("nl"):
        phase_names = [str(Phase(phase).label) for phase in instrument.phase_values]
        data: dict = {
            "@context": SCHEMA_CONTEXT,
            "@type": ["LearningResource", "HowTo"],
            "@id": url,
            "url": url,
            "identifier": instrument.slug,
            "name": instrument.title,
            "description": instrument.summary,
            "inLanguage": ["nl", "en"] if instrument.title_en else "nl",
            "learningResourceType": str(Kind(instrument.kind).label),
            "educationalUse": phase_names,
            "teaches": [
                {
                    "@type": "DefinedTerm",
                    "name": name,
                    "termCode": phase,
                    "url": phase_urls[phase],
                    "inDefinedTermSet": gettext("The phases of a learning community"),
                }
                for phase, name in zip(instrument.phase_values, phase_names, strict=True)
            ]
            + [
                {"@type": "DefinedTerm", "name": concept.term, "url": concept_url}
                for concept, concept_url in concepts
            ],
            "educationalLevel": _educational_levels(instrument, level_groups),
            "audience": [
                {"@type": "Audience", "audienceType": link.audience.name}
                for link in instrument.audience_links.all()
            ],
            "about": [
                {"@type": "Thing", "name": link.sector.name}
                for link in instrument.sector_links.all()
            ],
            "keywords": list(instrument.keywords),
            "dateCreated": iso_datetime(instrument.created_at),
            "dateModified": iso_datetime(instrument.updated_at),
            "step": [
                {"@type": "HowToStep", "position": number, "text": str(step)}
                for number, step in enumerate(instrument.steps, start=1)
            ],
            "isPartOf": {
                "@type": "Collection",
                "name": gettext("Samenspel instrument library"),
                "url": library_url,
            },
            "publisher": {"@type": "Organization", "name": "Samenspel", "url": home_url},
        }
    if instrument.title_en:
        data["alternateName"] = instrument.title_en
    if authors := _authors(instrument, home_url):
        data["author"] = authors
    if licence := licence_value(instrument.licence):
        data["license"] = licence
    elif _is_library_record(instrument):
        data["license"] = LIBRARY_RECORD_LICENCE
    if instrument.source:
        data["creditText"] = instrument.source
        if instrument.source[:1].isdigit():
            data["isBasedOn"] = {"@type": "CreativeWork", "name": SOURCE_PUBLICATION}
    return {key: value for key, value in data.items() if value not in ([], "", None)}


def instrument_open_graph(instrument: Instrument, *, absolute_url: AbsoluteUrl) -> dict | None:
    """Open Graph for the share card of a published instrument; None for a draft."""
    if instrument.status != Status.PUBLISHED:
        return None
    return {
        "type": "article",
        "title": instrument.display_title,
        "description": Truncator(instrument.summary).chars(OG_DESCRIPTION_LENGTH),
        "url": absolute_url(instrument.get_absolute_url()),
        "modified_time": iso_datetime(instrument.updated_at),
    }
