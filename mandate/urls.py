from django.urls import path

from . import views

app_name = "mandate"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/open/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/invite/", views.round_invite, name="round_invite"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/my-answers/", views.response, name="response"),
    path("rounds/<int:pk>/results/", views.results, name="results"),
    path("rounds/<int:pk>/workshop/", views.workshop, name="workshop"),
    path("rounds/<int:pk>/report/", views.report, name="report"),
    path("benchmark/", views.benchmark, name="benchmark"),
]
