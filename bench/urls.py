"""The site's URLs with the benchmark's floor view in front of Wagtail's page router."""

from django.urls import path

from clubsite.urls import urlpatterns as site_urlpatterns

from .views import bare

urlpatterns = [path("__bench__/bare", bare, name="bench-bare"), *site_urlpatterns]
