from django.urls import path

from . import views

app_name = "club"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/details/", views.account_details, name="account_details"),
    path("account/preferences/", views.account_preferences, name="account_preferences"),
    path("account/join/", views.account_join, name="account_join"),
    path("account/my-data.json", views.account_export, name="account_export"),
    path("account/delete/", views.account_delete, name="account_delete"),
    path("councils/<slug:slug>/people/", views.council_people, name="council_people"),
    path("councils/<slug:slug>/invite/", views.council_invite, name="council_invite"),
    path("memberships/<int:pk>/decide/", views.membership_decide, name="membership_decide"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("requests/", views.requests_queue, name="requests"),
    path("guests/<int:pk>/decide/", views.guest_decide, name="guest_decide"),
    path("directory/", views.directory, name="directory"),
]
