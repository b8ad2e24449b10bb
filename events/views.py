"""Members' side of Exchanges: register, cancel, calendars, and the council admin's view."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from club.selectors import person_admin_councils

from .calendars import exchange_ics, member_feed_ics
from .forms import RegistrationForm
from .models import CalendarFeed, ExchangePage, Registration, RegistrationStatus
from .rules import may_cancel
from .selectors import (
    calendar_feed_exchanges,
    council_registrations,
    person_registrations,
    registration_options,
)
from .services import (
    RegistrationError,
    calendar_feed_renew,
    calendar_feed_revoke,
    registration_cancel,
    registration_create,
)


def _live_exchange(request: HttpRequest, exchange_id: int) -> ExchangePage:
    """A published Exchange this visitor may see (editors can make one members-only)."""
    exchange = get_object_or_404(ExchangePage.objects.live(), pk=exchange_id)
    for restriction in exchange.get_view_restrictions():
        if not restriction.accept_request(request):
            raise Http404("No such Exchange.")
    return exchange


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, exchange_id: int) -> HttpResponse:
    """The registration form; on the Exchange page too, and here again when it needs fixing."""
    exchange = _live_exchange(request, exchange_id)
    options = registration_options(exchange=exchange, viewer=request.user)
    form = RegistrationForm(
        request.POST or None,
        exchange=exchange,
        colleagues=options.colleagues,
        include_self=options.include_self,
    )
    if request.method == "POST" and form.is_valid():
        person = form.chosen_person(viewer=request.user)
        try:
            registration = registration_create(
                exchange=exchange,
                person=person,
                registered_by=request.user,
                access_needs=form.cleaned_data["access_needs"],
                dietary_needs=form.cleaned_data["dietary_needs"],
                question_answer=form.cleaned_data.get("question_answer", ""),
            )
        except RegistrationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _registered_message(registration, viewer=request.user))
            return redirect(f"{exchange.url}#registration")
    elif request.method == "POST" and "person" in form.errors and not form.fields["person"].choices:
        form.errors.pop("person")
        form.add_error(
            None, options.refusal or "There is no one you can register for this Exchange."
        )
    return render(
        request,
        "events/registration_form.html",
        {"exchange": exchange, "form": form, "options": options},
        status=400 if request.method == "POST" else 200,
    )


def _registered_message(registration: Registration, *, viewer) -> str:
    title = registration.exchange.title
    is_self = registration.person_id == viewer.pk
    if registration.status == RegistrationStatus.CONFIRMED:
        who = "You have" if is_self else f"{registration.person} has"
        return f"{who} a confirmed place at {title}."
    who = "you are" if is_self else f"{registration.person} is"
    return (
        f"{title} is full, so {who} on the waiting list. Places that come free are offered "
        "automatically, in the order people joined the list."
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = get_object_or_404(
        Registration.objects.select_related("exchange", "person", "council"), pk=registration_id
    )
    if not may_cancel(user=request.user, registration=registration):
        raise PermissionDenied
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    error = ""
    if request.method == "POST":
        try:
            registration_cancel(registration=registration, by=request.user)
        except RegistrationError as refused:
            error = refused.message
        else:
            messages.success(request, f"The registration of {registration.person} is cancelled.")
            return redirect(next_url or reverse("events:mine"))
    return render(
        request,
        "events/registration_cancel.html",
        {"registration": registration, "error": error, "next": next_url},
        status=400 if error else 200,
    )


@require_GET
def exchange_calendar(request: HttpRequest, exchange_id: int) -> HttpResponse:
    """The .ics file; confirmed attendees' copy carries the online joining details."""
    exchange = _live_exchange(request, exchange_id)
    confirmed = (
        request.user.is_authenticated
        and exchange.registrations.filter(
            person=request.user, status=RegistrationStatus.CONFIRMED
        ).exists()
    )
    response = HttpResponse(
        exchange_ics(exchange=exchange, include_joining_details=confirmed),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{exchange.slug}.ics"'
    if confirmed:
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's private feed; the secret address is the only key, so it is never cached."""
    feed = CalendarFeed.objects.select_related("person").filter(token=token).first()
    if feed is None or not feed.person.is_active:
        raise Http404("This calendar address is not in use.")
    response = HttpResponse(
        member_feed_ics(exchanges=calendar_feed_exchanges(person=feed.person)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def my_exchanges(request: HttpRequest) -> HttpResponse:
    feed = CalendarFeed.objects.filter(person=request.user).first()
    feed_url = request.build_absolute_uri(reverse("events:feed", args=[feed.token])) if feed else ""
    return render(
        request,
        "events/my_exchanges.html",
        {
            "registrations": person_registrations(person=request.user),
            "feed_url": feed_url,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def calendar_feed_manage(request: HttpRequest) -> HttpResponse:
    if request.POST.get("action") == "revoke":
        calendar_feed_revoke(person=request.user)
        messages.success(request, "Your calendar address is switched off.")
    else:
        calendar_feed_renew(person=request.user)
        messages.success(
            request,
            "Your calendar has a new private address. Any address you used before has stopped "
            "working.",
        )
    return redirect(reverse("events:mine") + "#calendar-feed")


@login_required
@require_GET
def council_view(request: HttpRequest) -> HttpResponse:
    """For a council's club contact: who from their council is going, and seats left."""
    if not person_admin_councils(person=request.user).exists():
        raise PermissionDenied
    return render(
        request,
        "events/council_registrations.html",
        {"rows": council_registrations(admin=request.user)},
    )
