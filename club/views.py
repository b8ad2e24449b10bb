"""Pages for members, council admins and editors: each POST validates a form, calls one service."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import (
    DecisionForm,
    DeleteAccountForm,
    DirectoryFilter,
    InvitationAcceptForm,
    InvitationForm,
    JoinCouncilForm,
    PersonDetailsForm,
    PreferencesForm,
)
from .models import Council, GuestApplication, Invitation, Membership
from .services import MembershipError

DIRECTORY_PAGE_SIZE = 50


# --- My account -------------------------------------------------------------------------------


def _account_page(
    request: HttpRequest, *, details_form=None, preferences_form=None, join_form=None, status=200
):
    person = request.user
    preferences = services.preferences_for(person=person)
    context = {
        "details_form": details_form
        or PersonDetailsForm(
            initial={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "job_title": person.job_title,
            }
        ),
        "preferences_form": preferences_form or PreferencesForm(instance=preferences),
        "join_form": join_form or JoinCouncilForm(),
        "memberships": selectors.person_memberships(person=person),
        "guest_application": GuestApplication.objects.filter(person=person).first(),
        "admin_councils": selectors.person_admin_councils(person=person),
        "is_editor": selectors.person_is_editor(person=person),
        "is_member": selectors.person_is_approved_member(person=person),
    }
    return render(request, "club/account.html", context, status=status)


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request)


@login_required
@require_POST
def account_details(request: HttpRequest) -> HttpResponse:
    form = PersonDetailsForm(request.POST)
    if not form.is_valid():
        return _account_page(request, details_form=form, status=400)
    services.person_details_update(person=request.user, **form.cleaned_data)
    messages.success(request, "Your details are saved.")
    return redirect("club:account")


@login_required
@require_POST
def account_preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST, instance=services.preferences_for(person=request.user))
    if not form.is_valid():
        return _account_page(request, preferences_form=form, status=400)
    services.preferences_update(person=request.user, **form.cleaned_data)
    messages.success(request, "Your communication preferences are saved.")
    return redirect("club:account")


@login_required
@require_POST
def account_join(request: HttpRequest) -> HttpResponse:
    form = JoinCouncilForm(request.POST)
    if form.is_valid():
        try:
            services.person_ask_to_join(
                person=request.user,
                council=form.cleaned_data["council"],
                role=form.cleaned_data["role"],
            )
        except MembershipError as error:
            form.add_error("council", str(error))
        else:
            messages.success(
                request,
                f"You have asked to join {form.cleaned_data['council']}. We will email you when "
                "it is decided.",
            )
            return redirect("club:account")
    return _account_page(request, join_form=form, status=400)


@login_required
@require_GET
def account_export(request: HttpRequest) -> HttpResponse:
    """Everything the club holds about the signed-in person, as a JSON download."""
    data = selectors.person_data_export(person=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="innovation-club-my-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, person=request.user)
        if form.is_valid():
            services.person_erase(person=request.user)
            logout(request)
            messages.success(request, "Your account is deleted and your details erased.")
            return redirect("/")
        return render(request, "club/account_delete.html", {"form": form}, status=400)
    return render(
        request, "club/account_delete.html", {"form": DeleteAccountForm(person=request.user)}
    )


# --- Council admins -------------------------------------------------------------------------


def _council_for_manager(request: HttpRequest, slug: str) -> Council:
    council = get_object_or_404(Council, slug=slug)
    if not selectors.person_can_manage_council(person=request.user, council=council):
        raise PermissionDenied("Only this council's admins and the club's editors can see this.")
    return council


def _council_people_page(request, council, *, invitation_form=None, status=200) -> HttpResponse:
    context = {
        "council": council,
        "approved": selectors.council_members(council=council),
        "pending": selectors.council_members(council=council, status=Membership.Status.PENDING),
        "invitations": selectors.council_open_invitations(council=council),
        "invitation_form": invitation_form or InvitationForm(),
        "is_editor": selectors.person_is_editor(person=request.user),
    }
    return render(request, "club/council_people.html", context, status=status)


@login_required
@require_GET
def council_people(request: HttpRequest, slug: str) -> HttpResponse:
    return _council_people_page(request, _council_for_manager(request, slug))


@login_required
@require_POST
def council_invite(request: HttpRequest, slug: str) -> HttpResponse:
    council = _council_for_manager(request, slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                council=council,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except MembershipError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("club:council_people", slug=council.slug)
    return _council_people_page(request, council, invitation_form=form, status=400)


@login_required
@require_POST
def membership_decide(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("person", "council"), pk=pk)
    if not selectors.person_can_decide_membership(person=request.user, membership=membership):
        raise PermissionDenied("You can only decide on people who asked to join your own council.")
    form = DecisionForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("club:council_people", kwargs={"slug": membership.council.slug})
    if not form.is_valid():
        messages.error(request, "Choose approve or decline.")
        return redirect(back)
    decide = (
        services.membership_approve
        if form.cleaned_data["decision"] == "approve"
        else services.membership_decline
    )
    try:
        decide(membership=membership, by=request.user)
    except MembershipError as error:
        messages.error(request, str(error))
    else:
        verb = "approved" if form.cleaned_data["decision"] == "approve" else "declined"
        messages.success(request, f"{membership.person} is {verb}; we have emailed them.")
    return redirect(back)


# --- Invitations ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = Invitation.objects.select_related("council", "invited_by").filter(token=token).first()
    problem = selectors.invitation_problem(invitation=found)
    if problem:
        return render(request, "club/invitation.html", {"problem": problem}, status=410)

    signed_in = request.user.is_authenticated
    form = None if signed_in else InvitationAcceptForm(invitation=found)
    if request.method == "POST":
        if not signed_in:
            form = InvitationAcceptForm(request.POST, invitation=found)
        if signed_in or form.is_valid():
            try:
                fields = {} if signed_in else form.cleaned_data
                services.invitation_accept(
                    token=token,
                    person=request.user if signed_in else None,
                    first_name=fields.get("first_name", ""),
                    last_name=fields.get("last_name", ""),
                    job_title=fields.get("job_title", ""),
                    password=fields.get("password1", ""),
                )
            except MembershipError as error:
                messages.error(request, str(error))
                context = {"invitation": found, "form": form, "problem_inline": str(error)}
                return render(request, "club/invitation.html", context, status=400)
            messages.success(
                request,
                f"Welcome to the Innovation Club. You are a member of {found.council}."
                + ("" if signed_in else " Sign in with your email address and new password."),
            )
            return redirect("club:account" if signed_in else "account_login")
        return render(
            request, "club/invitation.html", {"invitation": found, "form": form}, status=400
        )
    return render(request, "club/invitation.html", {"invitation": found, "form": form})


# --- Editors --------------------------------------------------------------------------------


@login_required
@require_GET
def requests_queue(request: HttpRequest) -> HttpResponse:
    if not selectors.person_is_editor(person=request.user):
        raise PermissionDenied("Only the club's editors can see every request.")
    context = {
        "pending": selectors.pending_requests_for_editors(),
        "guests": selectors.pending_guest_applications(),
    }
    return render(request, "club/requests.html", context)


@login_required
@require_POST
def guest_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not selectors.person_can_decide_guests(person=request.user):
        raise PermissionDenied("Only the club's editors decide on guests.")
    application = get_object_or_404(GuestApplication.objects.select_related("person"), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or decline.")
        return redirect("club:requests")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.guest_decide(application=application, by=request.user, approve=approve)
    except MembershipError as error:
        messages.error(request, str(error))
    else:
        verb = "approved" if approve else "declined"
        messages.success(request, f"{application.person} is {verb}; we have emailed them.")
    return redirect("club:requests")


# --- Members --------------------------------------------------------------------------------


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    if not selectors.person_is_approved_member(person=request.user):
        raise PermissionDenied("The member directory is for approved members of the club.")
    filters = DirectoryFilter(request.GET or None, queryset=selectors.directory_memberships())
    page = Paginator(filters.qs, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "club/directory.html", {"filter": filters, "page": page})
