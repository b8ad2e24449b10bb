"""Demo taxonomy and case studies: Clackmannanshire's programme and clearly labelled samples."""

from datetime import date

from club.models import Council
from home.demo import ensure_child, paragraphs
from home.models import HomePage

from .models import CaseStudyIndexPage, CaseStudyPage
from .taxonomy import ChangeLevel, DeliveryModel, Theme

THEMES = {
    "leadership-and-skills": (
        "Leadership and skills",
        "What leaders need to know and do to run new models of local service.",
    ),
    "reinventing-public-services": (
        "Reinventing public services",
        "Changing how services are designed and delivered, not only how much they cost.",
    ),
    "accelerated-transformation": (
        "Accelerated transformation",
        "Moving from transactional, through transitional, to transformational change.",
    ),
    "inclusive-growth": (
        "Sustainable inclusive growth",
        "A local economy whose gains reach everyone who lives in the place.",
    ),
    "families-and-communities": (
        "Empowering families and communities",
        "Giving residents and communities real power over the services they use.",
    ),
    "health-and-wellbeing": (
        "Health and wellbeing",
        "Councils' part in keeping people well, with the NHS and the voluntary sector.",
    ),
    "adult-care": ("Adult social care", "Care and support for adults, and how it is arranged."),
}

DELIVERY_MODELS = {
    "community-budgeting": (
        "Community budgeting",
        "Local people decide how part of a budget is spent.",
    ),
    "collaboration": (
        "Collaboration",
        "Working with other public bodies, business and the third sector.",
    ),
    "commissioning": (
        "Commissioning",
        "Buying outcomes rather than running every service directly.",
    ),
    "co-production": (
        "Co-production",
        "Designing and running services with the people who use them.",
    ),
    "commercialism": ("Commercialism", "Trading and investing to fund public services."),
    "shared-services": ("Shared services", "Councils running a service together."),
    "income-generation": (
        "Income generation",
        "New sources of income beyond grants and council tax.",
    ),
}


def load_taxonomy() -> tuple[dict[str, Theme], dict[str, DeliveryModel]]:
    themes = {
        slug: Theme.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": text}
        )[0]
        for slug, (name, text) in THEMES.items()
    }
    models = {
        slug: DeliveryModel.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": text}
        )[0]
        for slug, (name, text) in DELIVERY_MODELS.items()
    }
    return themes, models


def _case_study(index, *, slug, councils, themes, delivery_models, **fields) -> CaseStudyPage:
    existing = CaseStudyPage.objects.child_of(index).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = CaseStudyPage(
        slug=slug, councils=councils, themes=themes, delivery_models=delivery_models, **fields
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def load_case_studies(
    home: HomePage,
    councils: dict[str, Council],
    themes: dict[str, Theme],
    models: dict[str, DeliveryModel],
) -> list[CaseStudyPage]:
    index = ensure_child(
        home,
        CaseStudyIndexPage,
        slug="case-studies",
        title="Case studies",
        show_in_menus=True,
        intro=(
            "Shared solutions from member councils: what they set out to change, what they did "
            "and what they learned. Browse by theme, delivery model or level of change."
        ),
    )
    pages = [
        _case_study(
            index,
            slug="clackmannanshire-be-the-future",
            title="Clackmannanshire: Be the Future",
            councils=[councils["Clackmannanshire Council"]],
            themes=[
                themes["inclusive-growth"],
                themes["families-and-communities"],
                themes["health-and-wellbeing"],
                themes["accelerated-transformation"],
            ],
            delivery_models=[models["collaboration"], models["co-production"]],
            summary=(
                "A small Scottish council set out to stop trimming every budget a little each "
                "year and to change how it works as a whole, with local people given a real "
                "voice in how their services are run."
            ),
            programme_name="Be the Future",
            period_start=2019,
            period_end=None,
            published_on=date(2021, 1, 15),
            change_level=ChangeLevel.TRANSFORMATIONAL,
            mandate_better=False,
            mandate_differently=True,
            mandate_new=True,
            status=CaseStudyPage.Status.IN_PROGRESS,
            is_sample=False,
            challenge=(
                "<p>When a new chief executive took up post at Clackmannanshire Council in 2018, "
                "one of the first priorities was a single, joined-up programme of transformation. "
                "Year after year of small cuts across every service was wearing services down "
                "without changing them, and residents, service users and communities had too "
                "little say in how services were shaped.</p>"
            ),
            approach=(
                "<p>In 2019 the council took part in the Innovation Mandate. The Improvement "
                "Service, which supports Scotland's councils, paid for the work and had put the "
                "council in touch with the improvement body. Elected members from across the "
                "parties and senior officers worked through the workshops side by side, testing "
                "how innovative the council's emerging plans really were.</p>"
                "<p>Alongside the workshops the council shaped its <strong>Be the Future</strong> "
                "programme, launched at the start of 2020 around three themes:</p>"
                "<ul><li>sustainable inclusive growth;</li>"
                "<li>empowering families and communities;</li>"
                "<li>health and wellbeing.</li></ul>"
            ),
            search_description=(
                "How Clackmannanshire Council used the Innovation Mandate to shape Be the "
                "Future, a whole-council transformation programme launched in 2020."
            ),
            outcomes=[
                ("key_figure", {"figure": "3", "label": "transformation themes in Be the Future"}),
                ("key_figure", {"figure": "2020", "label": "the year the programme launched"}),
                *paragraphs(
                    "The work carried on through the Covid-19 pandemic. The council began a "
                    "wellbeing economy initiative with the Scottish Government, and took up "
                    "community wealth building with the Centre for Local Economic Strategies, "
                    "with the council leader as corporate sponsor.",
                    "In January 2021 the improvement body published the programme as shared "
                    "best practice, so other member councils could learn from it.",
                ),
            ],
            lessons_learned=(
                "<ul><li>Cross-party sessions give a programme a mandate that outlasts one "
                "budget round.</li><li>Comparing the views of members and officers is where "
                "the useful conversation starts.</li><li>A small council can aim for "
                "transformation when it works with national partners.</li></ul>"
            ),
        ),
        _case_study(
            index,
            slug="sample-neighbourhood-budgets",
            title="Sample: neighbourhood budgets decided by residents",
            councils=[councils["Cornwall Council"]],
            themes=[themes["families-and-communities"]],
            delivery_models=[models["community-budgeting"], models["co-production"]],
            summary="Sample content. Residents in each area vote on how a share of the local budget is spent.",
            programme_name="Our Place, Our Say",
            period_start=2022,
            period_end=2024,
            published_on=date(2024, 6, 3),
            change_level=ChangeLevel.TRANSITIONAL,
            mandate_better=False,
            mandate_differently=True,
            mandate_new=False,
            status=CaseStudyPage.Status.COMPLETE,
            is_sample=True,
            challenge="<p>Sample content: trust in local decisions was low and turnout at meetings fell every year.</p>",
            approach="<p>Sample content: each area's residents proposed and voted on small projects.</p>",
            outcomes=paragraphs(
                "Sample content: turnout rose and the projects chosen were cheaper to run."
            ),
            lessons_learned="<p>Sample content: start with a small share of the budget and grow it.</p>",
        ),
        _case_study(
            index,
            slug="sample-shared-revenues-service",
            title="Sample: a revenues service shared by three councils",
            councils=[
                councils["South Cambridgeshire District Council"],
                councils["Kent County Council"],
            ],
            themes=[themes["reinventing-public-services"]],
            delivery_models=[models["shared-services"], models["collaboration"]],
            summary="Sample content. Neighbouring councils run one revenues and benefits team between them.",
            programme_name="",
            period_start=2020,
            period_end=2022,
            published_on=date(2023, 2, 20),
            change_level=ChangeLevel.TRANSACTIONAL,
            mandate_better=True,
            mandate_differently=False,
            mandate_new=False,
            status=CaseStudyPage.Status.COMPLETE,
            is_sample=True,
            challenge="<p>Sample content: three small teams each struggled to recruit and keep staff.</p>",
            approach="<p>Sample content: one team, one system and one set of procedures.</p>",
            outcomes=paragraphs("Sample content: running costs fell and collection rates held."),
            lessons_learned="",
        ),
        _case_study(
            index,
            slug="sample-council-energy-company",
            title="Sample: a council-owned energy company",
            councils=[councils["Cardiff Council"]],
            themes=[themes["inclusive-growth"]],
            delivery_models=[models["commercialism"], models["income-generation"]],
            summary="Sample content. Solar farms on council land earn income that funds local services.",
            programme_name="Green Income",
            period_start=2021,
            period_end=None,
            published_on=date(2025, 9, 12),
            change_level=ChangeLevel.TRANSFORMATIONAL,
            mandate_better=False,
            mandate_differently=False,
            mandate_new=True,
            status=CaseStudyPage.Status.IN_PROGRESS,
            is_sample=True,
            challenge="<p>Sample content: grant income was falling while energy bills rose.</p>",
            approach="<p>Sample content: the council set up a company to build and run solar farms.</p>",
            outcomes=paragraphs("Sample content: the first farm now returns a surplus each year."),
            lessons_learned="<p>Sample content: get commercial advice before the business case.</p>",
        ),
        _case_study(
            index,
            slug="sample-commissioning-adult-care",
            title="Sample: commissioning adult care for outcomes",
            councils=[councils["Belfast City Council"]],
            themes=[themes["adult-care"], themes["health-and-wellbeing"]],
            delivery_models=[models["commissioning"], models["co-production"]],
            summary="Sample content. Care is bought for the outcomes people want, designed with them.",
            programme_name="Living Well",
            period_start=2023,
            period_end=None,
            published_on=date(2025, 3, 4),
            change_level=ChangeLevel.TRANSITIONAL,
            mandate_better=True,
            mandate_differently=True,
            mandate_new=False,
            status=CaseStudyPage.Status.IN_PROGRESS,
            is_sample=True,
            challenge="<p>Sample content: care was bought by the hour, whatever difference it made.</p>",
            approach="<p>Sample content: contracts now pay for outcomes agreed with each person.</p>",
            outcomes=paragraphs("Sample content: early results show fewer emergency admissions."),
            lessons_learned="",
        ),
    ]
    return pages


def load_case_study_links() -> None:
    """Fill in the links that need people and Exchanges, which load after the case studies.

    Clackmannanshire's (fictional) club contact answers questions about its case study. No
    Exchange is linked: the facts we hold do not say where it was presented. Only a missing link
    is filled, so loading again changes nothing.
    """
    from club.demo import DEMO_COUNCIL_ADMIN
    from club.models import User

    page = CaseStudyPage.objects.filter(slug="clackmannanshire-be-the-future").first()
    if page is None:
        return
    changed = False
    if page.contact_id is None:
        page.contact = User.objects.filter(email=DEMO_COUNCIL_ADMIN.email).first()
        changed = page.contact is not None
    if not page.related_case_studies.exists():
        page.related_case_studies = list(
            CaseStudyPage.objects.filter(slug="sample-commissioning-adult-care")
        )
        changed = True
    if changed:
        page.save_revision().publish()
