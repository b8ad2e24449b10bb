"""The security the site promises, checked through real requests: headers and the two Content
Security Policies, who may reach the admin and with what second factor, what uploads are
refused, that private documents stay private, and that login rate limits hold behind a proxy."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, CollectionViewRestriction

from club.factories import DEFAULT_PASSWORD, UserFactory
from home.views import media

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
TOO_MANY = "Too many failed login attempts"


# --- helpers --------------------------------------------------------------------------------


def _policy(response, header: str = "Content-Security-Policy") -> dict[str, list[str]]:
    policy = {}
    for part in response[header].split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


def _current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def _sign_in_with_second_factor(client, user, secret: str, next_url: str = "/admin/"):
    """The real path an editor takes: allauth's password step, then the authenticator code."""
    response = client.post(
        f"{LOGIN_URL}?next={next_url}", {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


class _ScriptAudit(HTMLParser):
    """Collects what a strict CSP would block: inline scripts without the nonce, inline event
    handlers and style attributes."""

    def __init__(self, nonce: str | None):
        super().__init__()
        self.nonce = nonce
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
        if "style" in attrs:
            self.problems.append(f"<{tag} style=...>")
        if tag == "script" and not attrs.get("src"):
            data_only = attrs.get("type") in ("application/json", "application/ld+json")
            if not data_only and (self.nonce is None or attrs.get("nonce") != self.nonce):
                self.problems.append("<script> inline without the nonce")


@pytest.fixture
def editor(db):
    return UserFactory(email="editor@club.example", is_staff=True, is_superuser=True)


@pytest.fixture
def editor_secret(editor):
    secret = generate_totp_secret()
    TOTP.activate(editor, secret)
    return secret


@pytest.fixture
def member(db):
    return UserFactory(email="member@council.example")


@pytest.fixture
def mfa_required(settings):
    settings.EDITOR_MFA_REQUIRED = True


# --- headers and CSP ------------------------------------------------------------------------


def test_public_pages_send_the_security_headers_and_a_strict_policy(client, home_page):
    response = client.get(home_page.url)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


@pytest.mark.parametrize("path", ["home", LOGIN_URL, "/accounts/signup/"])
def test_public_pages_need_no_inline_script_or_style(client, home_page, path):
    url = home_page.url if path == "home" else path
    response = client.get(url)
    assert response.status_code == 200
    nonce = None
    for value in _policy(response).get("script-src", []):
        if value.startswith("'nonce-"):
            nonce = value.removeprefix("'nonce-").rstrip("'")
    audit = _ScriptAudit(nonce)
    audit.feed(response.content.decode())
    assert audit.problems == []


def test_the_nonce_is_fresh_for_each_response(rf):
    from django.middleware.csp import ContentSecurityPolicyMiddleware
    from django.template import Context, Template

    def view(request):
        from django.http import HttpResponse

        html = Template('<script nonce="{{ csp_nonce }}"></script>').render(
            Context({"csp_nonce": request._csp_nonce})
        )
        return HttpResponse(html)

    middleware = ContentSecurityPolicyMiddleware(view)
    first, second = (middleware(rf.get("/")) for _ in range(2))
    assert "'nonce-" in first["Content-Security-Policy"]
    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]


def test_session_cookie_is_http_only(client, home_page, member):
    response = client.post(LOGIN_URL, {"login": member.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"] is True


def test_the_admin_has_its_own_looser_policy_scoped_to_it(
    client, home_page, editor, editor_secret, mfa_required
):
    _sign_in_with_second_factor(client, editor, editor_secret)
    admin = client.get(reverse("wagtailadmin_home"))
    assert admin.status_code == 200
    policy = _policy(admin)
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["frame-ancestors"] == ["'self'"]  # page previews frame the site
    assert policy["object-src"] == ["'none'"]
    # The same signed-in editor on the public site gets the strict policy again.
    public = _policy(client.get(home_page.url))
    assert "'unsafe-inline'" not in public["script-src"]


# --- who reaches the admin ------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_allauths_login(client):
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


def test_members_cannot_reach_the_admin(client, member):
    client.force_login(member)
    for url in (reverse("wagtailadmin_home"), reverse("wagtailadmin_explore_root")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(LOGIN_URL)


def test_wagtails_own_login_form_is_closed(client, editor):
    """It would skip allauth's rate limits and second factor, so it only points to allauth."""
    login = reverse("wagtailadmin_login")
    response = client.get(login + "?next=/admin/pages/")
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=%2Fadmin%2Fpages%2F"
    response = client.post(login, {"username": editor.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response.url.startswith(LOGIN_URL)
    assert "_auth_user_id" not in client.session


# allauth announces the new authenticator once its transaction commits, as in production, so
# this test commits for real (and puts back what the migrations created afterwards).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_editor_without_two_factor_sets_it_up_on_the_way_to_the_admin(
    client, editor, mfa_required
):
    client.post(LOGIN_URL, {"login": editor.email, "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" in client.session
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    activate = reverse("mfa_activate_totp")
    assert response.url.startswith(activate)
    # allauth asks for the password again before security settings change...
    response = client.get(activate)
    assert response.status_code == 302
    client.post(response.url, {"password": DEFAULT_PASSWORD})
    # ...then shows the QR code and secret, and takes a code from the app.
    page = client.get(activate)
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()
    response = client.post(activate, {"code": _current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=editor, type="recovery_codes").exists()
    # Setting it up counted as the second factor: straight on to the admin.
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_a_session_without_the_second_factor_is_asked_for_it(
    client, editor, editor_secret, mfa_required
):
    client.force_login(editor)  # a session made without allauth's second-factor step
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_reauthenticate"))
    # Giving a code there lets the editor in.
    response = client.post(response.url, {"code": _current_code(editor_secret)})
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_an_editor_who_passed_both_factors_uses_the_admin(
    client, editor, editor_secret, mfa_required
):
    response = _sign_in_with_second_factor(client, editor, editor_secret)
    assert response.url == "/admin/"
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists()


def test_a_wrong_code_keeps_the_editor_out(client, editor, editor_secret, mfa_required):
    client.post(LOGIN_URL, {"login": editor.email, "password": DEFAULT_PASSWORD})
    wrong = f"{(int(_current_code(editor_secret)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


# --- uploads and documents ------------------------------------------------------------------


@pytest.fixture
def signed_in_editor(client, editor, editor_secret, mfa_required):
    _sign_in_with_second_factor(client, editor, editor_secret)
    return client


@pytest.mark.parametrize(
    ("name", "content_type", "body"),
    [
        ("logo.svg", "image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("page.html", "text/html", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_an_image_of_a_disallowed_type_is_refused(signed_in_editor, name, content_type, body):
    response = signed_in_editor.post(
        reverse("wagtailimages:add"),
        {"title": "Upload", "file": SimpleUploadedFile(name, body, content_type=content_type)},
    )
    assert response.status_code == 200
    assert "Not a supported image format" in response.content.decode()
    assert not Image.objects.exists()


def test_a_document_of_a_disallowed_type_is_refused(signed_in_editor):
    response = signed_in_editor.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Slides",
            "file": SimpleUploadedFile("slides.html", b"<script>x</script>", "text/html"),
        },
    )
    assert response.status_code == 200
    assert "File extension “html” is not allowed" in response.content.decode()
    assert not Document.objects.exists()


def test_an_allowed_document_is_accepted(signed_in_editor):
    """The control for the refusal above: the same form takes a PDF."""
    response = signed_in_editor.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Slides",
            "file": SimpleUploadedFile("slides.pdf", b"%PDF-1.4 test", "application/pdf"),
        },
    )
    assert response.status_code == 302
    assert Document.objects.filter(title="Slides").exists()


@pytest.fixture
def private_document(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    root = Collection.get_first_root_node()
    private = root.add_child(name="Exchange notes for members")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    return Document.objects.create(
        title="Members' notes",
        collection=private,
        file=ContentFile(b"%PDF-1.4 members only", name="members-notes.pdf"),
    )


def test_a_private_document_is_refused_to_anonymous_visitors(client, private_document, member):
    response = client.get(private_document.url)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
    # Signed in, the same address hands the file over, through Wagtail's view.
    client.force_login(member)
    response = client.get(private_document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 members only"


def test_document_files_are_never_served_from_media(private_document, tmp_path, rf):
    stored = Path(private_document.file.path)
    assert stored.is_relative_to(tmp_path / "documents")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "photo.png").write_bytes(b"png")
    assert media(rf.get("/media/images/photo.png"), "images/photo.png").status_code == 200
    for path in (
        f"documents/{stored.name}",
        f"images/../documents/{stored.name}",
        f"/documents/{stored.name}",
        f"./documents/{stored.name}",
        f"images//../documents/{stored.name}",
    ):
        with pytest.raises(Http404):
            media(RequestFactory().get("/media/" + path), path)


# --- rate limits ----------------------------------------------------------------------------


def _failed_login(client, email: str, **headers):
    return client.post(LOGIN_URL, {"login": email, "password": "not-the-password"}, **headers)


def test_the_admin_login_is_rate_limited(client, editor):
    """Admin sign-in goes through allauth's login, so after five wrong passwords for an editor
    even the right one is refused for a while."""
    for _ in range(5):
        assert TOO_MANY not in _failed_login(client, editor.email).content.decode()
    response = client.post(
        f"{LOGIN_URL}?next=/admin/", {"login": editor.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("trusted_proxies", [0, 1])
def test_a_spoofed_forwarded_for_does_not_reset_the_limit(client, settings, trusted_proxies):
    """Ten failed logins a minute from one address. A client that makes up a new
    X-Forwarded-For each time is still counted by its real address: with one trusted proxy that
    is the right-most entry (the one the proxy appended), with none it is the socket address."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = trusted_proxies
    real = "203.0.113.9"

    def attempt(i: int, client_address: str = real):
        forwarded = f"198.51.100.{i}"  # made up by the client
        if trusted_proxies:
            forwarded += f", {client_address}"  # appended by our proxy
            remote = "10.0.0.2"
        else:
            remote = client_address
        return _failed_login(
            client, f"person{i}@example.org", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote
        )

    for i in range(10):
        assert TOO_MANY not in attempt(i).content.decode()
    assert TOO_MANY in attempt(10).content.decode()
    # Another real client is not held back by the first one's limit.
    assert TOO_MANY not in attempt(11, client_address="203.0.113.77").content.decode()


def test_https_is_enforced_except_for_the_load_balancers_probe(client, settings, home_page):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(home_page.url)
    assert response.status_code == 301
    assert response.url.startswith("https://")
    assert client.get("/healthz").status_code == 200
