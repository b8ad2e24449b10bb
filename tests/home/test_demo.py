"""The demo loader builds the site the README promises, and running it again changes nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.urls import reverse
from wagtail.models import Page, Revision, Site

from casestudies.models import CaseStudyPage
from casestudies.taxonomy import ChangeLevel, DeliveryModel
from club.demo import DEMO_EDITOR, DEMO_MEMBER
from club.models import Council, Nation
from events.models import ExchangePage
from events.selectors import ExchangeStatus

PASSWORD = "demo-password-for-tests"
PROJECT_APPS = ("club", "events", "casestudies", "home")


def _counts() -> dict[str, int]:
    counted = [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]
    counted += [Page, Revision, Site]
    return {m._meta.label: m.objects.count() for m in counted}


class DemoContentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", password=PASSWORD)

    def test_loading_twice_leaves_identical_counts(self):
        first = _counts()
        call_command("load_demo", password=PASSWORD)
        self.assertEqual(_counts(), first)
        self.assertEqual(first["club.Council"], 12)
        self.assertEqual(first["events.ExchangePage"], 3)

    def test_councils_in_all_four_nations(self):
        self.assertEqual(set(Council.objects.values_list("nation", flat=True)), set(Nation.values))

    def test_two_past_exchanges_with_outputs_and_one_ahead(self):
        statuses = {page.title: page.status for page in ExchangePage.objects.all()}
        self.assertEqual(statuses.pop("Driving Accelerated Transformation"), ExchangeStatus.OPEN)
        self.assertEqual(set(statuses.values()), {ExchangeStatus.PAST})
        for page in ExchangePage.objects.filter(title__in=statuses):
            self.assertTrue(page.outputs_summary, f"{page.title} has no outputs")

    def test_case_studies_use_every_taxonomy_value(self):
        pages = list(CaseStudyPage.objects.prefetch_related("delivery_models"))
        self.assertEqual({p.change_level for p in pages}, set(ChangeLevel.values))
        self.assertTrue(any(p.mandate_better for p in pages))
        self.assertTrue(any(p.mandate_differently for p in pages))
        self.assertTrue(any(p.mandate_new for p in pages))
        used = {d.pk for p in pages for d in p.delivery_models.all()}
        self.assertEqual(used, set(DeliveryModel.objects.values_list("pk", flat=True)))
        # Only the real case study is unlabelled; every other one says it is a sample.
        self.assertEqual(
            [p.slug for p in pages if not p.is_sample], ["clackmannanshire-be-the-future"]
        )

    def test_pages_answer_with_their_content(self):
        expected = {
            "/": "The Innovation Club",
            "/exchanges/": "Driving Accelerated Transformation",
            "/exchanges/driving-accelerated-transformation/": "transformational",
            "/exchanges/leading-the-sustained-council/": "Outputs",
            "/exchanges/reinventing-local-public-services/": "Outputs",
            "/case-studies/": "Clackmannanshire: Be the Future",
            "/case-studies/clackmannanshire-be-the-future/": "sustainable inclusive growth",
            "/about/": "About the club",
            "/how-to-join/": "How to join",
            "/accessibility/": "Accessibility statement",
        }
        for path, text in expected.items():
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, text)

    def test_admin_accepts_the_demo_editor_and_refuses_the_member(self):
        admin_home = reverse("wagtailadmin_home")
        self.assertTrue(self.client.login(email=DEMO_EDITOR.email, password=PASSWORD))
        self.assertEqual(self.client.get(admin_home).status_code, 200)
        self.client.logout()

        self.assertTrue(self.client.login(email=DEMO_MEMBER.email, password=PASSWORD))
        response = self.client.get(admin_home)
        # Wagtail sends people without admin access to the login page, which says why.
        self.assertEqual(response.status_code, 302)
        login_page = self.client.get(response.url, follow=True)
        self.assertContains(login_page, "You do not have permission to access the admin")


@pytest.mark.django_db
def test_demo_password_must_be_given():
    with pytest.raises(CommandError, match="12 or more characters"):
        call_command("load_demo", password="short")
