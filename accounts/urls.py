from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profiel/", views.profile, name="profile"),
    path("profiel/bewerken/", views.profile_edit, name="profile_edit"),
]
