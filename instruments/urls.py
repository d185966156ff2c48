from django.urls import path

from instruments import views

app_name = "instruments"

urlpatterns = [
    path("fasen/<slug:phase>/", views.phase_detail, name="phase"),
    path("instrumenten/", views.instrument_list, name="list"),
    path("instrumenten/nieuw/", views.instrument_create, name="create"),
    path("instrumenten/<slug:slug>/", views.instrument_detail, name="detail"),
    path("instrumenten/<slug:slug>/bewerken/", views.instrument_edit, name="edit"),
    path("instrumenten/<slug:slug>/bijlagen/", views.attachment_add, name="attachment_add"),
    path("instrumenten/<slug:slug>/revisies/", views.revision_list, name="revisions"),
    path(
        "instrumenten/<slug:slug>/revisies/vergelijk/",
        views.revision_compare,
        name="revision_compare",
    ),
]
