"""Person pages: ``/personen/<id>/``."""

from django.urls import path

from accounts import people_views

app_name = "people"

urlpatterns = [
    path("<int:user_id>/", people_views.person, name="person"),
]
