"""Pages of the Innovation Mandate. Each POST validates a form and calls one service.

Who may see what: anyone signed in sees their own invitations and answers; a round's management,
results, workshop page and report are for the council's admins and editors only (403 for anyone
else signed in, the login page for anyone not).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import charts, scoring, selectors, services
from .forms import InviteForm, ResponseForm, RoundOpenForm
from .models import Response, Round
from .services import MandateError


def _managed_round(request: HttpRequest, pk: int) -> Round:
    round = get_object_or_404(Round.objects.select_related("council", "version"), pk=pk)
    if not selectors.person_can_manage_round(person=request.user, round=round):
        raise PermissionDenied("Only the council's admins and the club's editors can see this.")
    return round


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    person = request.user
    councils = selectors.person_round_councils(person=person)
    return render(
        request,
        "mandate/index.html",
        {
            "responses": selectors.responses_for_person(person=person),
            "managed_rounds": selectors.rounds_managed_by(person=person),
            "can_open": councils.exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_open(request: HttpRequest) -> HttpResponse:
    person = request.user
    councils = selectors.person_round_councils(person=person)
    if not councils.exists():
        raise PermissionDenied("Only council admins and the club's editors can open a round.")
    is_editor = selectors.person_is_mandate_editor(person=person)
    form = RoundOpenForm(request.POST or None, councils=councils, can_facilitate=is_editor)
    version = selectors.framework_latest_published()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round = services.round_open(
                council=data["council"],
                opened_by=person,
                title=data["title"],
                closes_on=data["closes_on"],
                mode=data.get("mode") or Round.Mode.SELF,
            )
        except MandateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The round is open. Now invite officers and members.")
            return redirect("mandate:round", pk=round.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "mandate/round_open.html", {"form": form, "version": version}, status=status
    )


def _round_page(request: HttpRequest, round: Round, *, invite_form=None, status=200):
    memberships = selectors.round_invitable_memberships(round=round)
    return render(
        request,
        "mandate/round.html",
        {
            "round": round,
            "responses": selectors.round_responses(round=round),
            "invite_form": invite_form or InviteForm(memberships=memberships),
            "can_invite": round.is_open and memberships.exists(),
        },
        status=status,
    )


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_page(request, _managed_round(request, pk))


@login_required
@require_POST
def round_invite(request: HttpRequest, pk: int) -> HttpResponse:
    round = _managed_round(request, pk)
    form = InviteForm(request.POST, memberships=selectors.round_invitable_memberships(round=round))
    if form.is_valid():
        try:
            count = services.round_invite(
                round=round,
                memberships=list(form.cleaned_data["memberships"]),
                invited_by=request.user,
            )
        except MandateError as error:
            form.add_error("memberships", str(error))
        else:
            people = "person" if count == 1 else "people"
            messages.success(request, f"{count} {people} invited. Each gets an email.")
            return redirect("mandate:round", pk=round.pk)
    return _round_page(request, round, invite_form=form, status=400)


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round = _managed_round(request, pk)
    services.round_close(round=round, closed_by=request.user)
    messages.success(request, "The round is closed. The results below are final.")
    return redirect("mandate:results", pk=round.pk)


@login_required
@require_http_methods(["GET", "POST"])
def response(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's own answers in a round: only the invited person ever sees this page."""
    mine = (
        Response.objects.select_related("round", "round__council", "round__version")
        .filter(round_id=pk, person=request.user)
        .first()
    )
    if mine is None:
        raise Http404("You have not been invited to this round.")
    dimensions = selectors.version_dimensions(version=mine.round.version)
    saved = selectors.response_answers(response=mine)
    initial = {ResponseForm.field_name(d): saved.get(d.pk) for d in dimensions}
    form = ResponseForm(request.POST or None, dimensions=dimensions, initial=initial)
    editable = mine.round.is_open and mine.status != Response.Status.SUBMITTED
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.response_save(
                response=mine,
                person=request.user,
                choices=form.choices(),
                submit=form.submitting,
            )
        except MandateError as error:
            form.add_error(None, str(error))
        else:
            if form.submitting:
                messages.success(request, "Thank you: your answers are submitted.")
            else:
                messages.success(
                    request, "Your answers are saved. Come back any time before the round closes."
                )
            return redirect("mandate:response", pk=pk)
    status = 400 if form.is_bound and form.errors else 200
    if request.method == "POST" and not editable:
        status = 409
        messages.error(request, "This round is closed or your answers are already submitted.")
    return render(
        request,
        "mandate/response.html",
        {"response": mine, "round": mine.round, "form": form, "editable": editable},
        status=status,
    )


def _results_context(round: Round) -> dict:
    results = selectors.round_results(round=round)
    return {
        "round": round,
        "results": results,
        "chart": charts.results_chart(results=results),
        "min_view": scoring.MIN_VIEW_RESPONSES,
    }


@login_required
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    round = _managed_round(request, pk)
    return render(request, "mandate/results.html", _results_context(round))


@login_required
@require_GET
def workshop(request: HttpRequest, pk: int) -> HttpResponse:
    round = _managed_round(request, pk)
    return render(request, "mandate/workshop.html", _results_context(round))


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    round = _managed_round(request, pk)
    return render(request, "mandate/report.html", _results_context(round))


@login_required
@require_GET
def benchmark(request: HttpRequest) -> HttpResponse:
    if not selectors.person_round_councils(person=request.user).exists():
        raise PermissionDenied("The benchmark is for council admins and the club's editors.")
    version = selectors.framework_latest_published()
    dimensions = selectors.version_dimensions(version=version) if version else []
    figures = selectors.benchmark_by_dimension()
    rows = [(d, figures.get(d.slug)) for d in dimensions]
    return render(request, "mandate/benchmark.html", {"rows": rows, "version": version})
