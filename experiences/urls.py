from django.urls import path

from experiences import views

app_name = "experiences"

urlpatterns = [
    path("", views.experience_list, name="list"),
    path("nieuw/", views.experience_create, name="create"),
    path("<int:experience_id>/", views.experience_detail, name="detail"),
    path("<int:experience_id>/bewerken/", views.experience_edit, name="edit"),
    path("<int:experience_id>/verwijderen/", views.experience_delete, name="delete"),
]
