"""Settings come from the environment: each variable is parsed, and production values pass
`check --deploy` with nothing to warn about. Each case runs a fresh interpreter, because
settings are read once per process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

READ_SETTINGS = """
import json
from django.conf import settings
mailer = settings.MAILERS["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SITE_BASE_URL": settings.SITE_BASE_URL,
    "WAGTAILADMIN_BASE_URL": settings.WAGTAILADMIN_BASE_URL,
    "DB_ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(settings.DATABASES["default"]["NAME"]),
    "DB_HOST": settings.DATABASES["default"].get("HOST", ""),
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "BROKER": settings.CELERY_BROKER_URL,
    "EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "MAIL_BACKEND": mailer["BACKEND"],
    "MAIL_OPTIONS": mailer.get("OPTIONS", {}),
    "FROM": settings.DEFAULT_FROM_EMAIL,
    "SECURE_COOKIES": settings.SESSION_COOKIE_SECURE,
    "HSTS": settings.SECURE_HSTS_SECONDS,
    "PROXIES": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
}, default=str))
"""

PRODUCTION = {
    "SECRET_KEY": "p" * 20 + "-production-like-secret-key-with-plenty-of-entropy-1234567890",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "club.example.org",
    "SITE_BASE_URL": "https://club.example.org",
    "DATABASE_URL": "postgres://club:secret@db.internal:5432/club",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.org:587",
    "DEFAULT_FROM_EMAIL": "Innovation Club <club@example.org>",
}


def _clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    env.update({"ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "clubsite.settings"}, **values)
    return env


def _settings(**values: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + READ_SETTINGS],
        env=_clean_env(**values),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_are_safe_and_embedded():
    s = _settings(SECRET_KEY="only-this-is-required")
    assert s["DEBUG"] is False
    assert s["DB_ENGINE"] == "django.db.backends.sqlite3"
    assert s["DB_NAME"] == str(ROOT / "var" / "club.sqlite3")
    assert s["BROKER"] == "memory://" and s["EAGER"] is True
    assert s["CACHE"].endswith("DatabaseCache")
    assert s["MAIL_BACKEND"].endswith("console.EmailBackend")
    assert s["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert s["SECURE_COOKIES"] is False and s["HSTS"] == 0


def test_production_values_are_read():
    s = _settings(**PRODUCTION, TRUSTED_PROXY_COUNT="1")
    assert s["DEBUG"] is False
    assert s["SECRET_KEY"] == PRODUCTION["SECRET_KEY"]
    assert s["ALLOWED_HOSTS"] == ["club.example.org"]
    assert s["SITE_BASE_URL"] == s["WAGTAILADMIN_BASE_URL"] == "https://club.example.org"
    assert s["DB_ENGINE"] == "django.db.backends.postgresql"
    assert s["DB_HOST"] == "db.internal"
    assert s["CACHE"].endswith("RedisCache")
    assert s["BROKER"] == "redis://cache.internal:6379/0" and s["EAGER"] is False
    assert s["MAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert s["MAIL_OPTIONS"]["host"] == "smtp.example.org"
    assert s["MAIL_OPTIONS"]["port"] == 587
    assert s["MAIL_OPTIONS"]["use_tls"] is True
    assert s["FROM"] == PRODUCTION["DEFAULT_FROM_EMAIL"]
    assert s["SECURE_COOKIES"] is True and s["HSTS"] == 31_536_000
    assert s["PROXIES"] == 1


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("off", False)])
def test_debug_flag(value, expected):
    assert _settings(SECRET_KEY="x" * 10, DEBUG=value)["DEBUG"] is expected


def test_anymail_provider_is_chosen_by_environment():
    s = _settings(
        SECRET_KEY="x" * 10,
        ANYMAIL_BACKEND="anymail.backends.postmark.EmailBackend",
        ANYMAIL_POSTMARK_SERVER_TOKEN="token",
    )
    assert s["MAIL_BACKEND"] == "anymail.backends.postmark.EmailBackend"


def test_missing_secret_key_stops_start_up():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=_clean_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_with_production_values():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=_clean_env(**PRODUCTION),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout
