"""Settings for the benchmark: the real configuration plus what a measurement needs.

The site's own settings are used as they are (DEBUG off, the manifest static storage, the real
middleware). The benchmark only adds its bare floor view (bench.urls), puts the cache in its own
Redis database, and can wrap the site in Django's whole-page cache when BENCH_PAGE_CACHE=1.
"""

import os

os.environ.setdefault("ENV_FILE", "")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from clubsite.settings import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"  # noqa: F405
# Manifest storage as in production, without the gzip/brotli pass (collectstatic stays quick).
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
)

# Seeding creates thousands of accounts; a fast hasher keeps that out of the measurements.
# Nobody logs in with a password during the run (sessions are written directly).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303

BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": BENCH_REDIS_URL,
        "KEY_PREFIX": "club_bench",
    }
}

# The page cache the site could put in front of Wagtail: Django's per-site cache middleware
# on the same Redis. Off unless asked for, so "uncached" means the site as it ships.
PAGE_CACHE_MIDDLEWARE = [
    "django.middleware.cache.UpdateCacheMiddleware",
    *MIDDLEWARE,  # noqa: F405
    "django.middleware.cache.FetchFromCacheMiddleware",
]
if os.environ.get("BENCH_PAGE_CACHE") == "1":
    MIDDLEWARE = PAGE_CACHE_MIDDLEWARE
CACHE_MIDDLEWARE_SECONDS = 600
CACHE_MIDDLEWARE_KEY_PREFIX = "pages"

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
if os.environ.get("BENCH_SMTP_PORT"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": int(os.environ["BENCH_SMTP_PORT"])},
        }
    }

LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# A page that fails is recorded in the results with its status; no traceback on the console.
LOGGING["loggers"]["django.request"] = {"level": "CRITICAL"}  # noqa: F405
