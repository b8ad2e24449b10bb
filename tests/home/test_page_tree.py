"""Each page type can be created only where it belongs, through the real admin form, and renders."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from casestudies.factories import CaseStudyIndexPageFactory, CaseStudyPageFactory
from casestudies.models import CaseStudyIndexPage, CaseStudyPage
from club.factories import CouncilFactory, UserFactory
from events.factories import ExchangeIndexPageFactory, ExchangePageFactory
from events.models import ExchangeIndexPage, ExchangePage
from home.factories import ContentPageFactory, HomePageFactory
from home.models import ContentPage, HomePage


class PageTreeTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        Page.objects.child_of(root).delete()
        cls.home = HomePageFactory(parent=root)
        from wagtail.models import Site

        Site.objects.create(hostname="localhost", root_page=cls.home, is_default_site=True)
        cls.exchanges = ExchangeIndexPageFactory(parent=cls.home)
        cls.case_studies = CaseStudyIndexPageFactory(parent=cls.home)
        cls.editor = UserFactory(is_superuser=True, is_staff=True)

    def setUp(self):
        self.client.force_login(self.editor)

    def test_home_page_sits_only_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(
            HomePage, {ContentPage, ExchangeIndexPage, CaseStudyIndexPage}
        )
        # A second home page is refused: it is a singleton.
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))

    def test_content_pages_live_under_home_or_each_other(self):
        self.assertAllowedParentPageTypes(ContentPage, {HomePage, ContentPage})
        self.assertCanNotCreateAt(ExchangeIndexPage, ContentPage)
        self.assertCanNotCreateAt(CaseStudyIndexPage, ContentPage)

    def test_exchanges_live_only_in_the_programme(self):
        self.assertAllowedParentPageTypes(ExchangeIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(ExchangePage, {ExchangeIndexPage})
        self.assertAllowedSubpageTypes(ExchangePage, set())
        self.assertCanNotCreateAt(HomePage, ExchangePage)
        self.assertCanNotCreateAt(CaseStudyIndexPage, ExchangePage)
        # Only one programme page.
        self.assertFalse(ExchangeIndexPage.can_create_at(self.home))

    def test_case_studies_live_only_in_the_library(self):
        self.assertAllowedParentPageTypes(CaseStudyIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(CaseStudyPage, {CaseStudyIndexPage})
        self.assertAllowedSubpageTypes(CaseStudyPage, set())
        self.assertCanNotCreateAt(ExchangeIndexPage, CaseStudyPage)
        self.assertFalse(CaseStudyIndexPage.can_create_at(self.home))

    def test_editor_creates_a_content_page_through_the_admin_form(self):
        self.assertCanCreate(
            self.home,
            ContentPage,
            nested_form_data(
                {
                    "title": "How to join",
                    "slug": "how-to-join",
                    "summary": "Join with your council email.",
                    "body": streamfield([("paragraph", rich_text("Sign up to begin."))]),
                }
            ),
        )

    def test_editor_creates_an_exchange_through_the_admin_form(self):
        starts = timezone.localtime() + timedelta(days=60)
        self.assertCanCreate(
            self.exchanges,
            ExchangePage,
            nested_form_data(
                {
                    "title": "Driving Accelerated Transformation",
                    "slug": "driving-accelerated-transformation",
                    "summary": "From transactional to transformational.",
                    "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
                    "ends_at": (starts + timedelta(hours=6)).strftime("%Y-%m-%d %H:%M"),
                    "format": "in-person",
                    "audience": "both",
                    "capacity": 60,
                    "body": streamfield([]),
                    "agenda": streamfield([]),
                    "outputs": streamfield([]),
                    "outputs_summary": rich_text(""),
                }
            ),
        )

    def test_editor_creates_a_case_study_through_the_admin_form(self):
        council = CouncilFactory()
        data = nested_form_data(
            {
                "title": "Be the Future",
                "slug": "be-the-future",
                "summary": "A whole-council programme.",
                "published_on": date(2021, 1, 15).isoformat(),
                "status": "complete",
                "challenge": rich_text("Salami slicing."),
                "approach": rich_text("The Innovation Mandate."),
                "outcomes": streamfield([]),
                "lessons_learned": rich_text(""),
                "change_level": "transformational",
                "mandate_new": "on",
            }
        )
        data["councils"] = [council.pk]  # a multiple choice, posted as repeated values
        self.assertCanCreate(self.case_studies, CaseStudyPage, data)

    def test_an_exchange_that_ends_before_it_starts_is_refused(self):
        starts = timezone.localtime() + timedelta(days=60)
        data = nested_form_data(
            {
                "title": "Backwards",
                "slug": "backwards",
                "summary": "x",
                "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
                "ends_at": (starts - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
                "format": "online",
                "audience": "both",
                "capacity": 10,
                "body": streamfield([]),
                "agenda": streamfield([]),
                "outputs": streamfield([]),
                "outputs_summary": rich_text(""),
                "action-publish": "publish",
            }
        )
        from django.urls import reverse

        url = reverse("wagtailadmin_pages:add", args=("events", "exchangepage", self.exchanges.pk))
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The Exchange must end after it starts.")
        self.assertFalse(ExchangePage.objects.filter(slug="backwards").exists())

    def test_every_page_type_renders(self):
        council = CouncilFactory()
        pages = [
            self.home,
            ContentPageFactory(parent=self.home, slug="about"),
            self.exchanges,
            ExchangePageFactory(parent=self.exchanges),
            self.case_studies,
            CaseStudyPageFactory(parent=self.case_studies, councils=[council]),
        ]
        for page in pages:
            with self.subTest(page=type(page).__name__):
                self.assertPageIsRenderable(page)
                response = self.client.get(page.url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, page.title)


@pytest.mark.django_db
def test_anonymous_visitors_see_every_page_type(
    home_page, exchange_index, case_study_index, client
):
    exchange = ExchangePageFactory(parent=exchange_index, title="Reinventing local public services")
    case_study = CaseStudyPageFactory(parent=case_study_index, councils=[CouncilFactory()])
    for page in (home_page, exchange_index, exchange, case_study_index, case_study):
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert page.title in response.content.decode()
