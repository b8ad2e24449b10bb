import pytest
from wagtail.models import Page, Site

from casestudies.factories import CaseStudyIndexPageFactory
from events.factories import ExchangeIndexPageFactory
from home.demo import page_tree_root
from home.factories import HomePageFactory


@pytest.fixture
def home_page(db):
    """A HomePage at the root of the default site, as the demo loader leaves it."""
    root = page_tree_root()
    Page.objects.child_of(root).delete()  # Wagtail's "Welcome" page, and the site with it
    home = HomePageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Test"},
    )
    return home


@pytest.fixture
def exchange_index(home_page):
    return ExchangeIndexPageFactory(parent=home_page)


@pytest.fixture
def case_study_index(home_page):
    return CaseStudyIndexPageFactory(parent=home_page)
