from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("<int:comment_id>/bewerken/", views.comment_edit, name="edit"),
    path("<int:comment_id>/verwijderen/", views.comment_delete, name="delete"),
    path("<str:kind>/<int:target_id>/", views.thread, name="create"),
]
