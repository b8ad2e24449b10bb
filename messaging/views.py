"""Public views: one-click unsubscribe (no login needed) and the feedback form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from events.models import ExchangePage

from . import services
from .feedback import (
    FeedbackClosed,
    feedback_closes_at,
    feedback_is_open,
    feedback_save,
    person_may_give_feedback,
)
from .forms import FeedbackForm
from .kinds import PREFERENCE_LABELS
from .models import FeedbackResponse
from .tokens import unsubscribe_token_read


# The signed token is the authority here, not a session: mail clients POST to this address
# without cookies or a CSRF token (RFC 8058), and switching a preference off twice is harmless.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = unsubscribe_token_read(token)
    if found is None or found[1] not in PREFERENCE_LABELS:
        return render(request, "messaging/unsubscribe_invalid.html", status=404)
    person_id, preference = found
    context = {"label": PREFERENCE_LABELS[preference], "token": token}
    if request.method == "GET":
        # A link scanner or a prefetching mail client only reads: nothing changes on GET.
        return render(request, "messaging/unsubscribe_confirm.html", context)
    if not services.person_unsubscribe(person_id=person_id, preference=preference):
        return render(request, "messaging/unsubscribe_invalid.html", status=404)
    return render(request, "messaging/unsubscribe_done.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, exchange_id: int) -> HttpResponse:
    exchange = get_object_or_404(ExchangePage.objects.live(), pk=exchange_id)
    if not person_may_give_feedback(exchange=exchange, person=request.user):
        return render(
            request, "messaging/feedback_not_for_you.html", {"exchange": exchange}, status=403
        )
    existing = FeedbackResponse.objects.filter(exchange=exchange, person=request.user).first()
    is_open = feedback_is_open(exchange=exchange)
    form = FeedbackForm(request.POST or None, instance=existing)
    if request.method == "POST" and is_open and form.is_valid():
        try:
            feedback_save(exchange=exchange, person=request.user, **form.cleaned_data)
        except FeedbackClosed:
            is_open = False
        else:
            messages.success(
                request,
                "Thank you: your feedback is saved. You can change it until feedback closes.",
            )
            return redirect("messaging:feedback", exchange_id=exchange.pk)
    return render(
        request,
        "messaging/feedback_form.html",
        {
            "exchange": exchange,
            "form": form,
            "existing": existing,
            "is_open": is_open,
            "closes_at": feedback_closes_at(exchange=exchange),
            "now": timezone.now(),
        },
        status=200 if is_open or request.method == "GET" else 403,
    )
