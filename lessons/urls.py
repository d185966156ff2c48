from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path("", views.lesson_list, name="list"),
    path("<int:lesson_id>/", views.lesson_detail, name="detail"),
    path("<int:lesson_id>/intrekken/", views.lesson_withdraw, name="withdraw"),
    path("nieuw/<str:source_kind>/<int:source_id>/", views.lesson_publish, name="publish"),
]
