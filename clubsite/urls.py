from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home.views import healthz

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

if settings.SERVE_MEDIA:
    # Uploaded images and the like; never documents/ (see home.views.media).
    from django.urls import re_path

    from home.views import media

    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", media)]

# Wagtail's page router comes last: it answers every path the patterns above did not claim.
urlpatterns += [path("", include(wagtail_urls))]
