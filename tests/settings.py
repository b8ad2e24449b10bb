"""The one place where tests differ from the real configuration.

The real settings module is used as it is; only what must differ for tests is set here. The
database is the local PostgreSQL unless DATABASE_URL says otherwise (`make test` runs the suite
a second time with a SQLite URL, the embedded default).
"""

import os

os.environ["ENV_FILE"] = ""
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/club")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from clubsite.settings import *  # noqa: E402, F403

# Fast hashing: tests create many accounts and the real hasher is slow on purpose.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# Static files are served from the finders in tests; nothing is collected first.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Admin tests sign editors in with force_login, which passes no second factor; the security
# tests (tests/clubsite/test_security.py) turn the requirement back on and go through it.
EDITOR_MFA_REQUIRED = False
