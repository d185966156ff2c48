from django.urls import path

from scans import views

app_name = "scans"

urlpatterns = [
    path("", views.scan_list, name="list"),
    path("nieuw/<slug:slug>/", views.scan_create, name="create"),
    path("<int:pk>/", views.scan_detail, name="detail"),
    path("<int:pk>/bewerken/", views.scan_edit, name="edit"),
    path("<int:pk>/ronde-starten/", views.round_start, name="round_start"),
    path("rondes/<str:code>/", views.round_detail, name="round"),
    path("rondes/<str:code>/antwoorden/", views.round_answer, name="answer"),
    path("rondes/<str:code>/sluiten/", views.round_close, name="round_close"),
    path("rondes/<str:code>/logboek/", views.round_journal, name="round_journal"),
    path("rondes/<str:code>/verbergen/", views.round_hide_answer, name="round_hide_answer"),
    path("rondes/<str:code>/poster.pdf", views.round_poster, name="round_poster"),
    path("rondes/<str:code>/qr.svg", views.round_qr, name="round_qr"),
]
