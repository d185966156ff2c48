from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("zaak/<int:case_id>/", views.case, name="case"),
    path("mijn/", views.mine, name="mine"),
    path("besluit/<int:decision_id>/bezwaar/", views.appeal, name="appeal"),
]
