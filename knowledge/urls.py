from django.urls import path

from knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.concept_list, name="list"),
    path("<slug:slug>/", views.concept_detail, name="detail"),
    path("<slug:slug>/bewerken/", views.concept_edit, name="edit"),
    path("<slug:slug>/revisies/", views.revision_list, name="revisions"),
    path("<slug:slug>/revisies/vergelijk/", views.revision_compare, name="revision_compare"),
]
