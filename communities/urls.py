from django.urls import path

from communities import views

app_name = "communities"

urlpatterns = [
    path("", views.community_list, name="list"),
    path("nieuw/", views.community_create, name="create"),
    path("uitnodiging/<str:token>/", views.invitation_detail, name="invitation"),
    path("<slug:slug>/", views.community_detail, name="detail"),
    path("<slug:slug>/bewerken/", views.community_edit, name="edit"),
    path("<slug:slug>/partners/", views.partner_list, name="partners"),
    path(
        "<slug:slug>/partners/<int:pk>/verwijderen/",
        views.partner_remove,
        name="partner_remove",
    ),
    path("<slug:slug>/leden/", views.member_list, name="members"),
    path("<slug:slug>/leden/<int:pk>/rol/", views.member_set_role, name="member_role"),
    path("<slug:slug>/leden/<int:pk>/verwijderen/", views.member_remove, name="member_remove"),
    path("<slug:slug>/uitnodigen/", views.invitation_create, name="invite"),
    path("<slug:slug>/aanmelden/", views.join_request_create, name="join"),
    path("<slug:slug>/verzoeken/<int:pk>/", views.join_request_decide, name="join_decide"),
    path("<slug:slug>/verlaten/", views.community_leave, name="leave"),
]
