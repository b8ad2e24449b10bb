"""allauth's login rate limit holds, on the real shared cache (the database cache in tests)."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from club.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_cache_is_a_real_shared_one():
    backend = settings.CACHES["default"]["BACKEND"]
    assert "DummyCache" not in backend and "LocMemCache" not in backend


def test_repeated_failed_logins_lock_out_even_the_right_password(client, member):
    cache.clear()
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": member.email, "password": "wrong-guess"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    response = client.post(url, {"login": member.email, "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_a_correct_login_before_the_limit_works(client, member):
    cache.clear()
    url = reverse("account_login")
    for _ in range(3):
        client.post(url, {"login": member.email, "password": "wrong-guess"})
    client.post(url, {"login": member.email, "password": DEFAULT_PASSWORD})
    assert client.session["_auth_user_id"] == str(member.pk)
