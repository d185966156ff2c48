"""Feeds, mounted at "" before the instruments app so that ``instrumenten/feed/`` is not
read as an instrument called "feed"."""

from django.urls import path

from feeds import atom, views

app_name = "feeds"

urlpatterns = [
    path("instrumenten/feed/", atom.new_instruments_feed, name="new_instruments"),
    path(
        "instrumenten/<slug:slug>/ervaringen/feed/",
        atom.instrument_experiences_feed,
        name="instrument_experiences",
    ),
    path(
        "communities/<slug:slug>/journaal/feed/",
        atom.community_journal_feed,
        name="community_journal",
    ),
    path("communities/<slug:slug>/agenda.ics", views.community_agenda, name="community_agenda"),
    path("account/feeds/sleutel/", views.feed_token_rotate, name="token_rotate"),
    path("account/feeds/sleutel/intrekken/", views.feed_token_revoke, name="token_revoke"),
    path("account/feeds/zoekopdrachten/", views.saved_search_create, name="saved_search_create"),
    path(
        "account/feeds/zoekopdrachten/<int:pk>/verwijderen/",
        views.saved_search_delete,
        name="saved_search_delete",
    ),
]
