from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home.search import site_search
from home.views import healthz, serve_page

from .api import api_router

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("mandate/", include("mandate.urls")),
    path("club/", include("club.urls")),
    path("messages/", include("messaging.urls")),
    path("events/", include("events.urls")),
    path("sitemap.xml", sitemap),
    path("healthz", healthz, name="healthz"),
]

# --- Case studies / API / site search ---
urlpatterns += [
    path("api/v2/", api_router.urls),
    path("search/", site_search, name="search"),
    path("", include("casestudies.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded images and the like; never documents/ (see home.views.media).
    from home.views import media

    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", media)]

# Wagtail's page router comes last: it answers every path the patterns above did not claim. Its
# page view is wrapped to reuse what this process keeps of the page tree (home.content_cache).
urlpatterns += [
    re_path(pattern.pattern.regex.pattern, serve_page, name=pattern.name)
    if pattern.name == "wagtail_serve"
    else pattern
    for pattern in wagtail_urls.urlpatterns
]
