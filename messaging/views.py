"""Public views: one-click unsubscribe (no login needed) and the feedback form."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services
from .kinds import PREFERENCE_LABELS
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
