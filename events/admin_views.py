"""Editors' attendee tools in the Wagtail admin: lists, counts, CSV, check-in and the report."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from club.models import Role

from .models import ExchangePage, Registration, RegistrationStatus
from .rules import is_events_editor
from .selectors import (
    _with_confirmed_count,
    attendees_for_admin,
    counts_by_council_and_role,
    exchange_counts,
    programme_council_report,
    registrations_for_export,
)
from .services import (
    RegistrationError,
    registration_cancel,
    registration_check_in,
    registration_promote,
    waiting_list_promote,
)

CSV_COLUMNS = [
    "registration id",
    "status",
    "name",
    "email",
    "job title",
    "council",
    "role",
    "registered at",
    "confirmed at",
    "checked in at",
    "access needs",
    "dietary needs",
    "answer to the editor's question",
]


def _editor_only(request: HttpRequest) -> None:
    if not is_events_editor(user=request.user):
        raise PermissionDenied


def _exchange(exchange_id: int) -> ExchangePage:
    return get_object_or_404(ExchangePage, pk=exchange_id)


@require_GET
def exchange_list(request: HttpRequest) -> HttpResponse:
    """Every Exchange, soonest first, with its numbers: the way in to each attendee list."""
    _editor_only(request)
    now = timezone.now()
    exchanges = _with_confirmed_count(ExchangePage.objects.all().select_related("theme")).order_by(
        "-starts_at"
    )
    return render(
        request,
        "events/admin/exchange_list.html",
        {
            "page_title": "Exchange attendees",
            "header_icon": "group",
            "upcoming": [e for e in exchanges if e.ends_at > now][::-1],
            "past": [e for e in exchanges if e.ends_at <= now],
        },
    )


@require_GET
def attendees(request: HttpRequest, exchange_id: int) -> HttpResponse:
    _editor_only(request)
    exchange = _exchange(exchange_id)
    grouped = attendees_for_admin(exchange=exchange)
    by_council, by_role = counts_by_council_and_role(exchange=exchange)
    return render(
        request,
        "events/admin/attendees.html",
        {
            "page_title": f"Attendees: {exchange.title}",
            "header_icon": "group",
            "exchange": exchange,
            "confirmed": grouped[RegistrationStatus.CONFIRMED],
            "waiting": grouped[RegistrationStatus.WAITING],
            "cancelled": grouped[RegistrationStatus.CANCELLED],
            "counts": exchange_counts(exchange=exchange),
            "by_council": by_council,
            "by_role": by_role,
        },
    )


@require_GET
def attendees_csv(request: HttpRequest, exchange_id: int) -> HttpResponse:
    _editor_only(request)
    exchange = _exchange(exchange_id)
    roles = dict(Role.choices)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exchange.slug}-attendees.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the UTF-8 names correctly
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)

    def stamp(moment):
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    for row in registrations_for_export(exchange=exchange):
        writer.writerow(
            _csv_safe(
                [
                    row.pk,
                    row.get_status_display(),
                    row.person.get_full_name(),
                    row.person.email,
                    row.person.job_title,
                    row.council.name if row.council else "",
                    roles.get(row.role, row.role),
                    stamp(row.created_at),
                    stamp(row.confirmed_at),
                    stamp(row.attended_at),
                    row.access_needs,
                    row.dietary_needs,
                    row.question_answer,
                ]
            )
        )
    return response


def _csv_safe(values: list) -> list:
    """Stop a spreadsheet treating free text that starts with = + - @ as a formula."""
    safe = []
    for value in values:
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            value = "'" + value
        safe.append(value)
    return safe


@require_GET
def check_in(request: HttpRequest, exchange_id: int) -> HttpResponse:
    """On the day: big buttons, one tap per person, a name filter for a long list."""
    _editor_only(request)
    exchange = _exchange(exchange_id)
    query = request.GET.get("q", "").strip()
    confirmed = attendees_for_admin(exchange=exchange)[RegistrationStatus.CONFIRMED]
    if query:
        needle = query.lower()
        confirmed = [
            r
            for r in confirmed
            if needle in r.person.get_full_name().lower()
            or needle in r.person.email.lower()
            or (r.council and needle in r.council.name.lower())
        ]
    confirmed.sort(key=lambda r: (r.person.last_name.lower(), r.person.first_name.lower()))
    return render(
        request,
        "events/admin/check_in.html",
        {
            "page_title": f"Check-in: {exchange.title}",
            "header_icon": "tick",
            "exchange": exchange,
            "registrations": confirmed,
            "arrived": sum(1 for r in confirmed if r.attended_at),
            "query": query,
        },
    )


def _registration(registration_id: int) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("person", "exchange"), pk=registration_id
    )


@require_POST
def check_in_toggle(request: HttpRequest, registration_id: int) -> HttpResponse:
    _editor_only(request)
    registration = _registration(registration_id)
    attended = request.POST.get("attended") == "yes"
    try:
        registration_check_in(registration=registration, by=request.user, attended=attended)
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        verb = "checked in" if attended else "no longer checked in"
        messages.success(request, f"{registration.person} is {verb}.")
    url = reverse("events_admin:check_in", args=[registration.exchange_id])
    query = request.POST.get("q", "").strip()
    return redirect(f"{url}?q={query}#registration-{registration.pk}" if query else url)


@require_POST
def cancel_by_hand(request: HttpRequest, registration_id: int) -> HttpResponse:
    _editor_only(request)
    registration = _registration(registration_id)
    try:
        result = registration_cancel(registration=registration, by=request.user)
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        text = f"{registration.person}'s registration is cancelled."
        if result.promoted:
            names = ", ".join(str(r.person) for r in result.promoted)
            text += f" Moved up from the waiting list: {names}."
        messages.success(request, text)
    return redirect("events_admin:attendees", registration.exchange_id)


@require_POST
def promote_by_hand(request: HttpRequest, registration_id: int) -> HttpResponse:
    _editor_only(request)
    registration = _registration(registration_id)
    try:
        registration_promote(registration=registration, by=request.user)
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{registration.person} now has a confirmed place.")
    return redirect("events_admin:attendees", registration.exchange_id)


@require_POST
def fill_from_waiting_list(request: HttpRequest, exchange_id: int) -> HttpResponse:
    _editor_only(request)
    exchange = _exchange(exchange_id)
    try:
        promoted = waiting_list_promote(exchange=exchange)
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        if promoted:
            names = ", ".join(str(r.person) for r in promoted)
            messages.success(request, f"Moved up from the waiting list: {names}.")
        else:
            messages.info(request, "No one on the waiting list could be given a seat.")
    return redirect("events_admin:attendees", exchange.pk)


@require_GET
def programme_report(request: HttpRequest) -> HttpResponse:
    _editor_only(request)
    rows = programme_council_report()
    return render(
        request,
        "events/admin/report.html",
        {
            "page_title": "Councils taking part",
            "header_icon": "list-ul",
            "rows": rows,
            "exchange_count": ExchangePage.objects.count(),
        },
    )
