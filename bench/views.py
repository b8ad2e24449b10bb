"""The floor: the cheapest response Django can give through the site's own middleware."""

from django.http import HttpRequest, HttpResponse


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")
