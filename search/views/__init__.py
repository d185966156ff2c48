"""Views of the search app: ``results`` (the search page and its feed) and ``situation``
("describe your situation")."""

from search.views.results import search_feed, search_page
from search.views.situation import situation_page

__all__ = ["search_feed", "search_page", "situation_page"]
