from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import PageViewRestriction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Council, GuestApplication, Invitation, Membership
from .selectors import person_is_editor
from .services import members_group_sync


class CouncilViewSet(SnippetViewSet):
    """Editors manage the councils of the club here."""

    model = Council
    icon = "group"
    menu_label = "Councils"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "nation", "council_type", "region", "membership_status"]
    list_filter = ["nation", "council_type", "membership_status"]
    search_fields = ["name", "region"]


class MembershipViewSet(SnippetViewSet):
    """Editors see and correct every membership (who is a council admin, a role, a status).

    Approving and declining with an email goes through the "Requests to join" page; edits here
    still keep the Members group in step (see the hooks below).
    """

    model = Membership
    icon = "user"
    menu_label = "Memberships"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["person", "council", "role", "status", "is_council_admin"]
    list_filter = ["status", "role", "is_council_admin", "source"]
    search_fields = ["person__email", "person__last_name", "council__name"]
    list_export = ["person", "council", "role", "status", "is_council_admin", "created_at"]


class GuestApplicationViewSet(SnippetViewSet):
    """Partners and guests who asked to take part; decide them on "Requests to join"."""

    model = GuestApplication
    icon = "user"
    menu_label = "Guests"
    list_display = ["person", "organisation", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["person__email", "person__last_name", "organisation"]


class InvitationViewSet(SnippetViewSet):
    """Invitations council admins have sent; deleting one withdraws its link."""

    model = Invitation
    icon = "mail"
    menu_label = "Invitations"
    list_display = ["email", "council", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["council"]
    search_fields = ["email", "council__name"]


register_snippet(CouncilViewSet)
register_snippet(MembershipViewSet)
register_snippet(GuestApplicationViewSet)
register_snippet(InvitationViewSet)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
@hooks.register("after_delete_snippet")
def keep_members_group_in_step(request, instances_or_instance):
    """An editor's change to a membership or guest in the admin updates the Members group too."""
    instances = (
        instances_or_instance
        if isinstance(instances_or_instance, list | tuple)
        else [instances_or_instance]
    )
    for instance in instances:
        if isinstance(instance, Membership | GuestApplication):
            members_group_sync(person=instance.person)


class EditorsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return person_is_editor(person=request.user)


@hooks.register("register_admin_menu_item")
def requests_menu_item():
    """Pending council memberships and guests, decided on the club's own page (emails follow)."""
    return EditorsMenuItem(
        "Requests to join", reverse("club:requests"), icon_name="help", order=205
    )


@hooks.register("before_serve_page")
def members_only_pages(page, request, serve_args, serve_kwargs):
    """A signed-in person who may not see a members-only page is told why, not sent to log in.

    Anonymous visitors fall through to Wagtail's own check, which shows the login prompt.
    """
    if not request.user.is_authenticated:
        return None
    for restriction in page.get_view_restrictions():
        if restriction.restriction_type in (
            PageViewRestriction.GROUPS,
            PageViewRestriction.LOGIN,
        ) and not restriction.accept_request(request):
            pending = request.user.memberships.filter(status=Membership.Status.PENDING).exists()
            response = render(request, "club/members_only.html", {"pending": pending}, status=403)
            add_never_cache_headers(response)
            return response
    return None
