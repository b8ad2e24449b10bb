"""One configuration for every environment.

Every value comes from the environment with a safe default; production behaviour is chosen by
setting variables (see the table in README.md), never by a second settings file.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # git-ignored: the SQLite file, media, collected static, demo secrets

env = environ.Env()
# A local, git-ignored env file (written by `make demo`) fills in what the shell did not set.
# ENV_FILE="" turns it off (the tests do, so a demo install cannot change their settings).
_env_file = env.str("ENV_FILE", default=str(VAR_DIR / "env"))
if _env_file:
    environ.Env.read_env(_env_file, overwrite=False)


# --- Core -----------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
# Never committed: production passes it in; `make demo` writes one into var/env.
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
SITE_BASE_URL = env.str("SITE_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_BASE_URL])

INSTALLED_APPS = [
    "club",
    "events",
    "casestudies",
    "home",
    "mandate",
    "messaging",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "allauth",
    "allauth.account",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "clubsite.urls"
WSGI_APPLICATION = "clubsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.site_navigation",
            ],
        },
    },
]


# --- Data -----------------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'club.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the server, the worker and tests share the file; IMMEDIATE
    # transactions serialise writers up front instead of failing half-way with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    # Wagtail's search backend uses PostgreSQL's full-text fields and indexes.
    INSTALLED_APPS.append("django.contrib.postgres")
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "club.User"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="club"),
        }
    }
else:
    # A real, shared cache without Redis: allauth's rate limits need one that every process sees.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "club_cache",
        }
    }


# --- Background work --------------------------------------------------------------------------

# With REDIS_URL a real worker and beat run. Without it, tasks run in-process once the surrounding
# transaction commits (see clubsite.celery.OnCommitTask), so the demo needs nothing but Python.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
# Tasks are written to be safe to run twice, so a message is acknowledged only once the work is
# done and is redelivered if the worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"*.tasks.send_*": {"queue": "mail"}, "*.tasks.deliver_*": {"queue": "mail"}}
# Redelivery after a lost worker happens once this has passed; nothing is scheduled further ahead
# than it (schedules live in the database and beat).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {}  # each app adds its periodic jobs in clubsite.celery

# Wagtail's own background work (reference index, file clean-up) through django-tasks.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# --- Email ----------------------------------------------------------------------------------

# EMAIL_URL picks the transport: smtp://user:pass@host:25, smtp+tls://... for STARTTLS,
# consolemail:// (the default: mail is printed) or filemail:///path. ANYMAIL_BACKEND (for example
# anymail.backends.postmark.EmailBackend, with that provider's ANYMAIL_* key) wins when set.
_email = env.email_url("EMAIL_URL", default="consolemail://")
if env.str("ANYMAIL_BACKEND", default=""):
    MAILERS = {"default": {"BACKEND": env.str("ANYMAIL_BACKEND")}}
    ANYMAIL = {
        "SEND_DEFAULTS": {"track_clicks": False, "track_opens": False},
        **{
            k.removeprefix("ANYMAIL_"): v
            for k, v in env.ENVIRON.items()
            if k.startswith("ANYMAIL_")
        },
    }
    ANYMAIL.pop("BACKEND", None)
elif _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS = {
        "default": {
            "BACKEND": _email["EMAIL_BACKEND"],
            "OPTIONS": {
                "host": _email.get("EMAIL_HOST") or "localhost",
                "port": _email.get("EMAIL_PORT") or 25,
                "username": _email.get("EMAIL_HOST_USER") or "",
                "password": _email.get("EMAIL_HOST_PASSWORD") or "",
                "use_tls": bool(_email.get("EMAIL_USE_TLS")),
                "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
                "timeout": env.int("EMAIL_TIMEOUT", default=20),
            },
        }
    }
elif _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    MAILERS = {
        "default": {
            "BACKEND": _email["EMAIL_BACKEND"],
            "OPTIONS": {"file_path": _email.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"]}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Innovation Club <club@example.org>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)


# --- Accounts -------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# A signed-in member sent to the login page (e.g. from /admin/) sees it, instead of a redirect loop.
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_BASE_URL.startswith("https") else "http"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# Behind N trusted proxies, rate limits key on the real client address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The club's sign-up asks for name, job title, role and council; the adapter saves the job title.
ACCOUNT_ADAPTER = "club.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "club.forms.SignupExtraForm"


# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# The club's wording for a few of allauth's title-case strings (the site uses sentence case).
LOCALE_PATHS = [BASE_DIR / "locale"]


# --- Static and media -----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# In development whitenoise serves straight from the apps, so no collectstatic is needed.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG


# --- Wagtail --------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Innovation Club"
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # accounts are managed through allauth
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"


# --- Security (on by default whenever DEBUG is off) -----------------------------------------

from django.utils.csp import CSP  # noqa: E402 - kept beside the policies that use it

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
_https = SITE_BASE_URL.startswith("https://")
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=_https)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_https)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=_https)
if ALLAUTH_TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The load balancer's probe must not be redirected to HTTPS (it talks plain HTTP inside).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content Security Policy. The public site allows scripts and styles from its own origin and
# inline ones only with the per-request nonce (`{{ csp_nonce }}`), never 'unsafe-inline'.
# `data:` images are the QR code on the two-factor set-up page. CSP_IMG_SRC adds, for example,
# the object-storage host that serves media; CSP_FRAME_SRC lists the video hosts embeds may use.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", *env.list("CSP_IMG_SRC", default=[])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": env.list(
        "CSP_FRAME_SRC",
        default=[
            "https://www.youtube-nocookie.com",
            "https://www.youtube.com",
            "https://player.vimeo.com",
        ],
    ),
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "upgrade-insecure-requests": _https,
}
# Wagtail's admin still ships inline scripts and styles, so it gets this looser policy, applied
# under /admin/ only by clubsite.middleware.AdminSecurityMiddleware. Page previews frame the
# site inside the admin, hence frame-ancestors 'self' here.
ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [*SECURE_CSP["img-src"], "blob:"],
    "frame-src": [CSP.SELF, *SECURE_CSP["frame-src"]],
    "frame-ancestors": [CSP.SELF],
}
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("allauth.account.middleware.AccountMiddleware") + 1,
    "clubsite.middleware.AdminSecurityMiddleware",
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("django.template.context_processors.csp")
# Editors' avatars stay on the site instead of asking a third party by email hash.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Two-factor authentication (allauth's MFA: authenticator app plus recovery codes). Anyone who can
# use the admin must have set it up and passed it in the session; see clubsite.middleware.
if "allauth.mfa" not in INSTALLED_APPS:
    INSTALLED_APPS.insert(INSTALLED_APPS.index("allauth.account") + 1, "allauth.mfa")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = WAGTAIL_SITE_NAME
# On wherever DEBUG is off; `make demo` runs with DEBUG on, so its editor is not held up.
EDITOR_MFA_REQUIRED = env.bool("EDITOR_MFA_REQUIRED", default=not DEBUG)

# Uploads: documents of office types only (WAGTAILDOCS_EXTENSIONS above), raster images only
# (no SVG, which can carry script), and a pixel cap against decompression bombs.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Documents always go through Wagtail's view, which checks collection privacy; their files under
# MEDIA_ROOT/documents/ are never served directly (see SERVE_MEDIA and docs/deployment.md).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Django serves the rest of /media/ itself when on (the default with DEBUG, and the one-box
# docker stack); with object storage or a web server in front, leave it off.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)


# --- Logging --------------------------------------------------------------------------------

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# LOG_FORMAT=json writes one JSON object a line (for a log shipper); the default is plain text.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per Wagtail index update is noise; failures still show.
        "django_tasks": {"level": "WARNING"},
    },
}

# Celery keeps Django's logging (so LOG_FORMAT=json covers the worker and beat too) instead of
# replacing the root logger's handlers with its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Health: beat asks a worker to write a heartbeat every minute (home.tasks); /healthz reports the
# worker unhealthy once the last one is older than this many seconds.
HEALTHZ_WORKER_MAX_AGE = env.int("HEALTHZ_WORKER_MAX_AGE", default=180)
CELERY_BEAT_SCHEDULE["health-heartbeat"] = {
    "task": "home.tasks.record_heartbeat",
    "schedule": 60.0,
    "options": {"expires": 55},  # a heartbeat stuck in a backlog is worthless; drop it
}

# Error reports to Sentry only when SENTRY_DSN is set; nothing personal is sent.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )


# --- Messaging (the outbox; see messaging/services.py) ----------------------------------------

# A temporary refusal (SMTP 4xx, a dropped connection) is tried again after roughly 1, 2, 4 ...
# times the base, with jitter, up to the cap, at most MESSAGING_MAX_ATTEMPTS times in all.
MESSAGING_RETRY_BASE_SECONDS = env.int("MESSAGING_RETRY_BASE_SECONDS", default=60)
MESSAGING_RETRY_MAX_SECONDS = env.int("MESSAGING_RETRY_MAX_SECONDS", default=6 * 3600)
MESSAGING_MAX_ATTEMPTS = env.int("MESSAGING_MAX_ATTEMPTS", default=8)
# A message still "sending" after this long lost its worker and is sent again. Keep it above
# CELERY_TASK_TIME_LIMIT, so a slow but living worker is never overtaken.
MESSAGING_SENDING_TIMEOUT = env.int("MESSAGING_SENDING_TIMEOUT", default=300)
# The sweep hands a queued row to the broker again when its last hand-over is this old.
MESSAGING_REDISPATCH_AFTER = env.int("MESSAGING_REDISPATCH_AFTER", default=120)
# Invitations go out for Exchanges whose registration opened within this many days.
MESSAGING_INVITATION_WINDOW_DAYS = env.int("MESSAGING_INVITATION_WINDOW_DAYS", default=7)
# Bulk sends write this many outbox rows per transaction.
MESSAGING_FAN_OUT_BATCH = env.int("MESSAGING_FAN_OUT_BATCH", default=200)

from celery.schedules import crontab  # noqa: E402 - kept beside the schedule that uses it

# Beat's messaging jobs. Each is idempotent (outbox keys), so a late or repeated run sends
# nothing twice. Schedules live here and in the database, never in long broker countdowns.
CELERY_BEAT_SCHEDULE.update(
    {
        "messaging-sweep-outbox": {"task": "messaging.tasks.sweep_outbox", "schedule": 60.0},
        "messaging-invitations": {
            "task": "messaging.tasks.dispatch_invitations",
            "schedule": 300.0,
        },
        "messaging-reminders": {
            "task": "messaging.tasks.dispatch_reminders",
            "schedule": crontab(minute=5),
        },
        "messaging-follow-ups": {
            "task": "messaging.tasks.dispatch_follow_ups",
            "schedule": crontab(minute=35),
        },
        "messaging-case-study-digest": {
            "task": "messaging.tasks.dispatch_case_study_digest",
            "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
        },
    }
)

# --- Events (registrations; see events/services.py) ------------------------------------------

# Registrations take a row lock on the Exchange so capacity holds under concurrency. Only a test
# turns this off, to show that without the lock the same race overbooks.
EVENTS_REGISTRATION_LOCKING = True


# --- Case studies / API -----------------------------------------------------------------------

# The read-only Wagtail API (clubsite/api.py) and the REST framework it is built on.
INSTALLED_APPS += ["wagtail.api.v2", "rest_framework"]
