"""Search pages: results for a query (with an Atom feed of the same results) and
"describe your situation"."""

from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("zoeken/", views.search_page, name="search"),
    path("zoeken/feed/", views.search_feed, name="feed"),
    path("situatie/", views.situation_page, name="situation"),
]
