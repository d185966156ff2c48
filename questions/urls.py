from django.urls import path

from questions import views

app_name = "questions"

urlpatterns = [
    path("", views.question_list, name="list"),
    path("nieuw/", views.question_create, name="create"),
    path("vraag-en-aanbod/", views.demand, name="demand"),
    path("<int:question_id>/", views.question_detail, name="detail"),
    path("<int:question_id>/bewerken/", views.question_edit, name="edit"),
    path("<int:question_id>/verwijderen/", views.question_delete, name="delete"),
    path("<int:question_id>/antwoorden/", views.answer_create, name="answer_create"),
    path(
        "<int:question_id>/antwoorden/<int:answer_id>/bewerken/",
        views.answer_edit,
        name="answer_edit",
    ),
    path(
        "<int:question_id>/antwoorden/<int:answer_id>/verwijderen/",
        views.answer_delete,
        name="answer_delete",
    ),
    path(
        "<int:question_id>/antwoorden/<int:answer_id>/nuttig/",
        views.answer_helpful,
        name="answer_helpful",
    ),
]
