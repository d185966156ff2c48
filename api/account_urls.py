"""The profile's API token pages, mounted at ``account/api-sleutels/`` (Dutch URLs)."""

from django.urls import path

from api import views

app_name = "api_tokens"

urlpatterns = [
    path("nieuw/", views.token_create, name="create"),
    path("<int:token_id>/intrekken/", views.token_revoke, name="revoke"),
]
