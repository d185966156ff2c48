"""Suggestions that take a community, its people and its organisations out of a text.

The facilitator starts from these suggestions and may edit every field; nothing here is
final. What *is* final is ``leftover_names``: the publish service refuses a lesson in
which the community's name, its code, a member's name or a partner's name still occurs.

Matching is case-insensitive and on whole words (a name inside a longer word is left
alone), longest name first, so "Hogeschool Utrecht" goes before "Utrecht". A single
part of a person's name ("Fien", "Jansen") is replaced only where it is written with a
capital, so the Dutch word "lid" survives a member called "Mo Lid"; full names match
in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.models import Community, Membership
from instruments.constants import HelixRole

# Parts of the country, and the provinces, regions and larger towns that lie in them.
NORTH, EAST, SOUTH, WEST, CENTRE = "north", "east", "south", "west", "centre"
PLACES = {
    NORTH: (
        "Groningen",
        "Friesland",
        "Fryslân",
        "Drenthe",
        "Noord-Nederland",
        "Leeuwarden",
        "Assen",
        "Emmen",
        "Waddeneilanden",
    ),
    EAST: (
        "Overijssel",
        "Gelderland",
        "Twente",
        "Achterhoek",
        "Veluwe",
        "Oost-Nederland",
        "Zwolle",
        "Enschede",
        "Hengelo",
        "Almelo",
        "Deventer",
        "Apeldoorn",
        "Arnhem",
        "Nijmegen",
        "Doetinchem",
        "Ede",
        "Wageningen",
        "Meppel",
        "Kampen",
    ),
    SOUTH: (
        "Noord-Brabant",
        "Brabant",
        "Limburg",
        "Zeeland",
        "Zuid-Nederland",
        "Eindhoven",
        "Tilburg",
        "Breda",
        "'s-Hertogenbosch",
        "Den Bosch",
        "Helmond",
        "Venlo",
        "Roermond",
        "Maastricht",
        "Heerlen",
        "Middelburg",
        "Vlissingen",
    ),
    WEST: (
        "Noord-Holland",
        "Zuid-Holland",
        "West-Holland",
        "Randstad",
        "Amsterdam",
        "Rotterdam",
        "Den Haag",
        "'s-Gravenhage",
        "Leiden",
        "Haarlem",
        "Delft",
        "Dordrecht",
        "Zaanstad",
        "Alkmaar",
        "Gouda",
        "Westland",
    ),
    CENTRE: ("Utrecht", "Flevoland", "Amersfoort", "Almere", "Lelystad", "Midden-Nederland"),
}
PLACE_PART = {place.casefold(): part for part, places in PLACES.items() for place in places}

# Small words of Dutch surnames that are never a name on their own.
NAME_PARTICLES = {"van", "de", "der", "den", "het", "ter", "ten", "te", "op", "in", "von", "la"}


def part_label(part: str) -> str:
    """A part of the country as it follows "in": "the east of the country"."""
    return {
        NORTH: _("the north of the country"),
        EAST: _("the east of the country"),
        SOUTH: _("the south of the country"),
        WEST: _("the west of the country"),
        CENTRE: _("the centre of the country"),
    }[part]


def _region_label(region: str) -> str:
    """ "the east of the country" when every place in ``region`` lies in one part of the
    country; "the Netherlands" when it names several parts or none we know."""
    parts = {PLACE_PART[place.casefold()] for place in _places_in(region)}
    if len(parts) == 1:
        return part_label(parts.pop())
    return _("the Netherlands")


def generalise_region(region: str) -> str:
    """ "in the east of the country", or "in the Netherlands" (see ``_region_label``)."""
    return _("in %(place)s") % {"place": _region_label(region)}


def _places_in(text: str) -> list[str]:
    return [
        place
        for places in PLACES.values()
        for place in places
        if _pattern(place, ignore_case=True).search(text or "")
    ]


PERSON = "person"


def _role_label(role: str, number: int | None) -> str:
    one, numbered = {
        HelixRole.GOVERNMENT: (_("a municipality"), _("municipality %(number)s")),
        HelixRole.BUSINESS: (_("a company"), _("company %(number)s")),
        HelixRole.EDUCATION: (_("a school"), _("school %(number)s")),
        HelixRole.CITIZENS: (_("a residents' group"), _("residents' group %(number)s")),
        PERSON: (_("a participant"), _("participant %(number)s")),
    }.get(role, (_("a partner organisation"), _("partner organisation %(number)s")))
    return one if number is None else numbered % {"number": number}


def _role_count(role: str, count: int) -> str:
    """ "a municipality" or "3 municipalities", for the context line."""
    plurals = {
        HelixRole.GOVERNMENT: lambda n: ngettext(
            "%(count)s municipality", "%(count)s municipalities", n
        ),
        HelixRole.BUSINESS: lambda n: ngettext("%(count)s company", "%(count)s companies", n),
        HelixRole.EDUCATION: lambda n: ngettext("%(count)s school", "%(count)s schools", n),
        HelixRole.CITIZENS: lambda n: ngettext(
            "%(count)s residents' group", "%(count)s residents' groups", n
        ),
    }
    if count == 1:
        return _role_label(role, None)
    return plurals[role](count) % {"count": count}


def _pattern(name: str, *, ignore_case: bool) -> re.Pattern:
    """``name`` as a whole word (or words, any whitespace between them)."""
    body = r"\s+".join(re.escape(word) for word in name.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE if ignore_case else 0)


@dataclass(frozen=True)
class Entity:
    """Something that identifies the community: the community itself, a person or an
    organisation (``role`` is the helix role, ``PERSON`` or "community")."""

    role: str
    names: tuple[str, ...]  # matched in any case
    parts: tuple[str, ...] = ()  # single name parts, matched only when capitalised


@dataclass
class Identity:
    """What identifies a community in a text, gathered once per publish."""

    community: Community
    entities: list[Entity] = field(default_factory=list)

    @property
    def checked_names(self) -> list[str]:
        """The names that may never be published: community name and code, members'
        and partners' names (the facilitator may rewrite the rest freely)."""
        names = []
        for entity in self.entities:
            names.extend(entity.names)
        return sorted(set(names), key=lambda n: (-len(n), n.casefold()))


def _is_proper_name(name: str) -> bool:
    """Library partner lists mix names ("TNO") with plain words ("gemeenten")."""
    return any(char.isupper() for char in name) and len(name.strip()) >= 2


def _person_entity(user) -> Entity | None:
    name = (user.name or "").strip()
    if not name:
        return None
    words = name.split()
    parts = ()
    if len(words) > 1:
        parts = tuple(
            word
            for word in (words[0], words[-1])
            if len(word) >= 2 and word.casefold() not in NAME_PARTICLES and word[0].isupper()
        )
    return Entity(role=PERSON, names=(name,), parts=parts)


def community_identity(community: Community, *, people: Iterable = ()) -> Identity:
    """The community, its members (and ``people``, such as the source's author), its
    partner organisations and the members' organisations. Two queries."""
    identity = Identity(community=community)
    community_names = [community.name, community.slug]
    short = re.split(r"\s*[:–—|]\s*|\s+-\s+", community.name, maxsplit=1)[0]
    if short != community.name and len(short) >= 3:
        community_names.append(short)
    identity.entities.append(Entity(role="community", names=tuple(filter(None, community_names))))

    memberships = Membership.objects.filter(community=community).select_related(
        "user__organisation"
    )
    users = {membership.user.pk: membership.user for membership in memberships}
    for person in people:
        if person is not None:
            users.setdefault(person.pk, person)
    organisations: dict[str, str] = {}
    for partner in community.partner_links.select_related("organisation"):
        organisations.setdefault(partner.organisation.name.strip(), partner.helix_role)
    for name in community.partners or []:
        if isinstance(name, str) and _is_proper_name(name):
            organisations.setdefault(name.strip(), "")
    for user in users.values():
        entity = _person_entity(user)
        if entity is not None:
            identity.entities.append(entity)
        if user.organisation is not None:
            organisations.setdefault(user.organisation.name.strip(), user.organisation.helix_role)
    seen = set()
    for name, role in organisations.items():
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            identity.entities.append(Entity(role=role, names=(name,)))
    return identity


def _first_occurrence(entity: Entity, texts: list[str]) -> tuple[int, int] | None:
    """(text index, offset) of the entity's first mention, or None if it is not there."""
    patterns = [_pattern(n, ignore_case=True) for n in entity.names]
    patterns += [_pattern(p, ignore_case=False) for p in entity.parts]
    for index, text in enumerate(texts):
        offsets = [m.start() for pattern in patterns if (m := pattern.search(text))]
        if offsets:
            return index, min(offsets)
    return None


def _replacements(identity: Identity, texts: list[str]) -> list[tuple[re.Pattern, str]]:
    """(pattern, replacement) pairs, longest name first. People and organisations of one
    role are numbered, in the order they are first mentioned, when more than one of
    them occurs in the texts."""
    found = [(_first_occurrence(entity, texts), entity) for entity in identity.entities]
    occurring = [
        entity
        for at, entity in sorted(
            ((at, entity) for at, entity in found if at is not None), key=lambda pair: pair[0]
        )
    ]
    by_role: dict[str, list[Entity]] = {}
    for entity in occurring:
        by_role.setdefault(entity.role, []).append(entity)
    pairs: list[tuple[str, re.Pattern, str]] = []
    for role, entities in by_role.items():
        for number, entity in enumerate(entities, start=1):
            if role == "community":
                label = _("the learning community")
            else:
                label = _role_label(role, number if len(entities) > 1 else None)
            pairs += [(n, _pattern(n, ignore_case=True), label) for n in entity.names]
            pairs += [(p, _pattern(p, ignore_case=False), label) for p in entity.parts]
    for places in PLACES.values():
        for place in places:
            label = part_label(PLACE_PART[place.casefold()])
            pairs.append((place, _pattern(place, ignore_case=True), label))
    region = (identity.community.region or "").strip()
    if region and not any(region.casefold() == p.casefold() for p, _x, _y in pairs):
        pairs.append((region, _pattern(region, ignore_case=True), _region_label(region)))
    pairs.sort(key=lambda pair: -len(pair[0]))
    return [(pattern, label) for _name, pattern, label in pairs]


_SENTENCE_START = re.compile(r"(^|[.!?]\s+|\n\s*(?:[-*]\s+)?)([a-z])")


def _capitalise_sentences(original: str, text: str) -> str:
    """A replacement that now starts a sentence gets its capital back."""
    if original == text:
        return text
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def anonymise_text(text: str, pairs: list[tuple[re.Pattern, str]]) -> str:
    result = text or ""
    for pattern, label in pairs:
        result = pattern.sub(label, result)
    return _capitalise_sentences(text or "", result)


def anonymise_fields(identity: Identity, fields: dict[str, str]) -> dict[str, str]:
    """Every text in ``fields`` with the community, people, organisations and places
    replaced by their generalisations (numbered consistently across the fields)."""
    pairs = _replacements(identity, [value for value in fields.values() if value])
    return {name: anonymise_text(value, pairs) for name, value in fields.items()}


def context_line(identity: Identity) -> str:
    """ "a learning community with a municipality, 2 companies and a school in the east
    of the country": the partners by role only, the region by part of the country."""
    community = identity.community
    counts: dict[str, int] = {}
    for partner in community.partner_links.all():
        counts[partner.helix_role] = counts.get(partner.helix_role, 0) + 1
    roles = [
        _role_count(role, counts[role])
        for role in (
            HelixRole.GOVERNMENT,
            HelixRole.BUSINESS,
            HelixRole.EDUCATION,
            HelixRole.CITIZENS,
        )
        if counts.get(role)
    ]
    where = generalise_region(community.region or "")
    if not roles:
        return _("a learning community %(where)s") % {"where": where}
    partners = (
        roles[0]
        if len(roles) == 1
        else _("%(first)s and %(last)s")
        % {
            "first": ", ".join(roles[:-1]),
            "last": roles[-1],
        }
    )
    return _("a learning community with %(partners)s %(where)s") % {
        "partners": partners,
        "where": where,
    }


def leftover_names(identity: Identity, fields: dict[str, str]) -> dict[str, list[str]]:
    """Field name -> the identifying names still in it (case-insensitive, whole words)."""
    found: dict[str, list[str]] = {}
    names = identity.checked_names
    for field_name, value in fields.items():
        hits = [name for name in names if _pattern(name, ignore_case=True).search(value or "")]
        if hits:
            found[field_name] = hits
    return found
