"""Included at ``communities/<slug:slug>/journaal/``: every view receives ``slug``."""

from django.urls import path

from journal import views

app_name = "journal"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("waarde/", views.value_overview, name="values"),
    path("nieuw/", views.entry_create, name="create"),
    path("<int:entry_id>/", views.entry_detail, name="detail"),
    path("<int:entry_id>/bewerken/", views.entry_edit, name="edit"),
    path("<int:entry_id>/verwijderen/", views.entry_delete, name="delete"),
    path("<int:entry_id>/bijlagen/", views.attachment_add, name="attachment_add"),
    path(
        "<int:entry_id>/bijlagen/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
