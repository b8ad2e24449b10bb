"""The events app in the Wagtail admin: speakers, and the editors' attendee tools."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views
from .models import ExchangePage, Speaker
from .rules import is_events_editor


class SpeakerViewSet(SnippetViewSet):
    model = Speaker
    icon = "user"
    menu_label = "Speakers"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "organisation", "sector", "is_guest_from_another_sector"]
    list_filter = ["sector", "is_guest_from_another_sector"]
    search_fields = ["name", "organisation"]


register_snippet(SpeakerViewSet)


admin_urlpatterns = (
    [
        path("", admin_views.exchange_list, name="exchanges"),
        path("report/", admin_views.programme_report, name="report"),
        path("<int:exchange_id>/", admin_views.attendees, name="attendees"),
        path("<int:exchange_id>/attendees.csv", admin_views.attendees_csv, name="csv"),
        path("<int:exchange_id>/check-in/", admin_views.check_in, name="check_in"),
        path("<int:exchange_id>/fill/", admin_views.fill_from_waiting_list, name="fill_waiting"),
        path(
            "registrations/<int:registration_id>/check-in/",
            admin_views.check_in_toggle,
            name="check_in_toggle",
        ),
        path(
            "registrations/<int:registration_id>/cancel/",
            admin_views.cancel_by_hand,
            name="cancel",
        ),
        path(
            "registrations/<int:registration_id>/promote/",
            admin_views.promote_by_hand,
            name="promote",
        ),
    ],
    "events_admin",
)


@hooks.register("register_admin_urls")
def register_attendee_urls():
    return [path("exchange-attendees/", include(admin_urlpatterns))]


class EditorsMenuItem(MenuItem):
    """Shown only to people who run attendee lists."""

    def is_shown(self, request):
        return is_events_editor(user=request.user)


@hooks.register("register_admin_menu_item")
def register_attendees_menu():
    return SubmenuMenuItem(
        "Exchange attendees",
        Menu(
            items=[
                EditorsMenuItem(
                    "Attendee lists",
                    reverse("events_admin:exchanges"),
                    name="exchange-attendee-lists",
                    icon_name="group",
                    order=1,
                ),
                EditorsMenuItem(
                    "Councils taking part",
                    reverse("events_admin:report"),
                    name="exchange-council-report",
                    icon_name="list-ul",
                    order=2,
                ),
            ]
        ),
        name="exchange-attendees",
        icon_name="group",
        order=240,
    )


@hooks.register("register_page_header_buttons")
def attendee_buttons(page, user, view_name, next_url=None):
    """On an Exchange in the page explorer: straight to its attendees and check-in."""
    if issubclass(page.specific_class, ExchangePage) and is_events_editor(user=user):
        yield Button(
            "Attendees",
            reverse("events_admin:attendees", args=[page.pk]),
            icon_name="group",
            priority=40,
        )
        yield Button(
            "Check-in",
            reverse("events_admin:check_in", args=[page.pk]),
            icon_name="tick",
            priority=41,
        )
