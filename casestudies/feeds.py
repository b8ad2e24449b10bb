"""RSS and Atom feeds of newly shared case studies, optionally for one theme (?theme=slug)."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from .models import CaseStudyPage
from .selectors import case_studies_for_feed, case_study_library_url
from .taxonomy import Theme


class CaseStudyRssFeed(Feed):
    description_template = None

    def __call__(self, request: HttpRequest, *args, **kwargs):
        self.request = request  # item links are resolved against the site being asked
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request: HttpRequest) -> Theme | None:
        slug = request.GET.get("theme", "").strip()
        if not slug:
            return None
        theme = Theme.objects.filter(slug=slug[:100]).first()
        if theme is None:
            raise Http404("There is no theme with that name.")
        return theme

    def title(self, obj: Theme | None) -> str:
        if obj is None:
            return "Innovation Club: case studies"
        return f"Innovation Club: case studies on {obj.name}"

    def description(self, obj: Theme | None) -> str:
        return "Shared solutions from member councils, newest first."

    subtitle = description

    def link(self, obj: Theme | None) -> str:
        url = case_study_library_url(request=self.request)
        return f"{url}?theme={obj.slug}" if obj is not None else url

    def items(self, obj: Theme | None) -> list[CaseStudyPage]:
        return case_studies_for_feed(theme=obj)

    def item_title(self, item: CaseStudyPage) -> str:
        return item.title

    def item_description(self, item: CaseStudyPage) -> str:
        return item.summary

    def item_link(self, item: CaseStudyPage) -> str:
        return item.get_url(request=self.request)

    def item_pubdate(self, item: CaseStudyPage) -> datetime:
        return timezone.make_aware(datetime.combine(item.published_on, time(9)))

    def item_updateddate(self, item: CaseStudyPage) -> datetime:
        return item.last_published_at or self.item_pubdate(item)

    def item_categories(self, item: CaseStudyPage) -> list[str]:
        return [theme.name for theme in item.themes.all()]

    def item_author_name(self, item: CaseStudyPage) -> str:
        return ", ".join(council.name for council in item.councils.all())


class CaseStudyAtomFeed(CaseStudyRssFeed):
    feed_type = Atom1Feed
