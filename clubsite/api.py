"""The read-only Wagtail API (v2): published, public case studies and Exchanges.

Each page type declares the fields it publishes in `api_fields`; this router only mounts the pages
endpoint and narrows it to the two kinds of page the API is for.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from casestudies.models import CaseStudyPage
from events.models import ExchangePage


class ClubPagesAPIViewSet(PagesAPIViewSet):
    name = "pages"

    def get_base_queryset(self):
        # Wagtail already limits this to live pages without view restrictions on this site.
        return super().get_base_queryset().type(CaseStudyPage, ExchangePage)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", ClubPagesAPIViewSet)
