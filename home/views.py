import posixpath
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.response import SimpleTemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve
from wagtail import views as wagtail_views

from home.content_cache import serving
from home.tasks import HEARTBEAT_KEY

_redis_client = None


def _check_database() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True, "ok"


def _check_redis() -> tuple[bool, str]:
    global _redis_client  # one pooled client per process
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
    _redis_client.ping()
    return True, "ok"


def _check_worker() -> tuple[bool, str]:
    beat = cache.get(HEARTBEAT_KEY)
    if beat is None:
        return False, "no heartbeat yet"
    age = time.time() - beat
    return age <= settings.HEALTHZ_WORKER_MAX_AGE, f"last heartbeat {age:.0f}s ago"


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when every check passes, 503 when one fails.

    Checks the database, and with REDIS_URL set, Redis and a recent worker heartbeat (see
    home.tasks). `?scope=web` leaves the worker out: point a load balancer there, so a stuck
    worker does not take every web node out of rotation, and alert on the full check.
    """
    checks = {"database": _check_database}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis
        if request.GET.get("scope") != "web":
            checks["worker"] = _check_worker
    results = {}
    healthy = True
    for name, check in checks.items():
        try:
            ok, detail = check()
        except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
            # Only the error's type: the message may name internal hosts.
            ok, detail = False, f"error: {type(error).__name__}"
        results[name] = detail
        healthy = healthy and ok
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results},
        status=200 if healthy else 503,
    )


def media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded files under MEDIA_ROOT, except documents.

    Documents go only through Wagtail's serve view, which checks private collections; the path
    is normalised first so `images/../documents/` or `//documents/` cannot reach them either.
    """
    clean = posixpath.normpath(path).lstrip("/")
    if clean.split("/", 1)[0] in ("documents", "..", ".", ""):
        raise Http404("Not found")
    return serve(request, clean, document_root=settings.MEDIA_ROOT)


def serve_page(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's page view, reading the top of the page tree from what this process keeps.

    The page's template is rendered here, while it is served, rather than after the view
    returns: the parts it keeps (`{% kept %}`, home.templatetags.kept) are kept only then.
    """
    with serving(request):
        response = wagtail_views.serve(request, path)
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
        return response
