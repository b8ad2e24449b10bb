"""The default Innovation Mandate framework: seven dimensions, three statements each.

Loading is idempotent: a version already there is left exactly as it is (published versions never
change), so running the demo loader again adds nothing.
"""

from django.db import transaction
from django.utils import timezone

from casestudies.taxonomy import Theme

from .models import Dimension, FrameworkVersion, Level, Statement
from .services import mandate_editor_permissions_ensure

DEFAULT_VERSION = "2026 edition"

# slug: (name, question, theme slugs, (better, differently, new) statements)
DIMENSIONS = {
    "leadership-and-culture": (
        "Leadership and culture",
        "How do your leaders and staff approach change and risk?",
        ["leadership-and-skills", "accelerated-transformation"],
        (
            "We improve what we do, one service at a time, and keep risk as low as we can.",
            "Leaders encourage staff to question how things are done and to try other ways.",
            "Staff at every level are expected to innovate, and we accept that some tries fail.",
        ),
    ),
    "governance-and-decision-making": (
        "Governance and decision-making",
        "How does your council decide on change?",
        ["leadership-and-skills", "accelerated-transformation"],
        (
            "Decisions follow the usual committee cycle; change is approved project by project.",
            "Members and officers agree a shared change programme and review it together.",
            "Decisions are shared with partners and residents across the whole place.",
        ),
    ),
    "service-delivery-models": (
        "Service delivery models",
        "How are your council's services designed and delivered?",
        ["reinventing-public-services", "adult-care"],
        (
            "We run services much as before, with leaner processes and structures.",
            "We are taking apart old ways of delivering and testing other delivery models.",
            "We design services from scratch around outcomes, whoever is best placed to deliver.",
        ),
    ),
    "working-with-communities": (
        "Working with communities",
        "What say do residents and communities have?",
        ["families-and-communities"],
        (
            "We consult residents on our plans and act on what they tell us.",
            "We design some services with the people who use them.",
            "Communities hold real power and budgets over services in their area.",
        ),
    ),
    "partnerships-and-commissioning": (
        "Partnerships and commissioning",
        "How does your council work with other organisations?",
        ["health-and-wellbeing", "reinventing-public-services"],
        (
            "We contract for services and manage suppliers well.",
            "We commission for outcomes and pool resources with public-sector partners.",
            "We lead the place as one system with the NHS, business and the third sector.",
        ),
    ),
    "digital-and-data": (
        "Digital and data",
        "How does your council use digital tools and data?",
        ["reinventing-public-services", "accelerated-transformation"],
        (
            "We move existing forms and payments online to save time and money.",
            "We redesign services around residents' needs, using data to decide.",
            "Data shared across the place lets us prevent problems before they arise.",
        ),
    ),
    "finance-and-commercialism": (
        "Finance and commercialism",
        "How does your council fund its future?",
        ["inclusive-growth"],
        (
            "We balance the budget through savings and efficiencies each year.",
            "We generate income through trading, charging and shared services.",
            "We invest to build local wealth that keeps money working in the place.",
        ),
    ),
}


@transaction.atomic
def load_framework(themes: dict[str, Theme]) -> FrameworkVersion:
    """Create the default published framework unless it is already there."""
    mandate_editor_permissions_ensure()
    version = FrameworkVersion.objects.filter(name=DEFAULT_VERSION).first()
    if version is not None:
        return version
    version = FrameworkVersion.objects.create(
        name=DEFAULT_VERSION,
        notes="The first edition of the framework on the club's platform.",
    )
    for order, (slug, (name, question, theme_slugs, texts)) in enumerate(DIMENSIONS.items()):
        dimension = Dimension.objects.create(
            version=version, name=name, slug=slug, question=question, sort_order=order
        )
        dimension.themes.set([themes[s] for s in theme_slugs if s in themes])
        dimension.save()  # writes the parental many-to-many
        Statement.objects.bulk_create(
            Statement(dimension=dimension, text=text, level=level, sort_order=level)
            for level, text in zip(Level, texts, strict=True)
        )
    version.is_published = True
    version.published_at = timezone.now()
    version.save(update_fields=["is_published", "published_at"])
    return version
