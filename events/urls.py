from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("<int:exchange_id>/register/", views.register, name="register"),
    path("<int:exchange_id>/calendar.ics", views.exchange_calendar, name="exchange_ics"),
    path("registrations/<int:registration_id>/cancel/", views.cancel, name="cancel"),
    path("mine/", views.my_exchanges, name="mine"),
    path("mine/calendar-feed/", views.calendar_feed_manage, name="feed_manage"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("council/", views.council_view, name="council"),
]
