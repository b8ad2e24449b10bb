"""Hardening for the Wagtail admin, kept in one place.

The public site and the admin need different things: the public templates meet a strict Content
Security Policy (no inline scripts), while Wagtail's admin still ships inline scripts and styles, so
it gets its own, looser policy that applies under /admin/ only. Editors sign in through allauth
(which rate-limits logins and asks for the second factor), so Wagtail's own login form is closed,
and anyone who can use the admin must have passed two-factor authentication in this session.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.csp import csp_override

ADMIN_PERMISSION = "wagtailadmin.access_admin"


def is_editor(user) -> bool:
    """Anyone Wagtail lets into the admin (superusers hold every permission)."""
    return bool(user.is_authenticated and user.has_perm(ADMIN_PERMISSION))


def passed_second_factor(request: HttpRequest) -> bool:
    """True when allauth recorded a TOTP or recovery-code check for this user in this session.

    A session recorded only by a password (or made some other way) does not count, so the second
    factor cannot be skipped by signing in through a path that does not ask for it.
    """
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def _record_setup_as_second_factor(sender, request, user, authenticator, **kwargs) -> None:
    """Setting up the authenticator app took a recent password check and a valid code from the
    app, so it counts as passing the second factor: the editor goes on to the admin without
    being asked for another code straight away."""
    if authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, "mfa", id=authenticator.pk, type="totp")


authenticator_added.connect(_record_setup_as_second_factor, dispatch_uid="club-mfa-setup")


def _redirect(url_name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({'next': next_url})}")


class AdminSecurityMiddleware:
    """Swaps in the admin's CSP, closes Wagtail's login form and requires two-factor for editors.

    Sits after the authentication, messages and allauth middleware, and after Django's CSP
    middleware, so the policy set here is the one that middleware writes into the header.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.admin_view = csp_override(settings.ADMIN_CSP)(self._admin)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(reverse("wagtailadmin_home")):
            return self.admin_view(request)
        return self.get_response(request)

    def _admin(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == reverse("wagtailadmin_login"):
            # One way in: allauth's login, with its rate limits and second-factor step.
            next_url = request.GET.get("next") or reverse("wagtailadmin_home")
            return HttpResponseRedirect(
                f"{settings.WAGTAILADMIN_LOGIN_URL}?{urlencode({'next': next_url})}"
            )
        if settings.EDITOR_MFA_REQUIRED and is_editor(request.user):
            if not is_mfa_enabled(request.user, [Authenticator.Type.TOTP]):
                messages.warning(
                    request,
                    "To use the editors' admin you need two-factor authentication. "
                    "Set up an authenticator app below; it takes a minute.",
                )
                return _redirect("mfa_activate_totp", request.get_full_path())
            if not passed_second_factor(request):
                messages.info(
                    request,
                    "Enter a code from your authenticator app to continue to the admin.",
                )
                return _redirect("mfa_reauthenticate", request.get_full_path())
        return self.get_response(request)
