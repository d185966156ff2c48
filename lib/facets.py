"""Facets of the filterable list pages (instruments, communities, search results): the
values a visitor can tick, with counts. Each page's selector builds them; one template,
``templates/includes/facets.html``, renders them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    """The URL parameter (``fase``, ``sector``, …) and the id prefix of its checkboxes."""
    title: str
    options: list[FacetOption] = field(default_factory=list)
