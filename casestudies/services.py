"""Writes about case studies: a member's submission, and telling them what the editors decided."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.text import slugify
from wagtail.models import WorkflowState
from wagtail.rich_text import RichText
from wagtail.users.models import UserProfile

from club.models import Council, User
from club.selectors import person_approved_councils

from . import notifications
from .models import CaseStudyIndexPage, CaseStudyPage
from .taxonomy import DeliveryModel, MandateLevel, Theme


class NoLibraryError(Exception):
    """There is no case-study library page to put a submission under."""


@dataclass(frozen=True)
class SubmissionDetails:
    """What a member wrote, as plain text; the service turns it into page content."""

    title: str
    summary: str
    challenge: str
    approach: str
    change_level: str
    status: str
    programme_name: str = ""
    period_start: int | None = None
    period_end: int | None = None
    outcomes: str = ""
    lessons_learned: str = ""
    themes: list[Theme] = field(default_factory=list)
    delivery_models: list[DeliveryModel] = field(default_factory=list)
    mandate_levels: list[str] = field(default_factory=list)


def _paragraphs(text: str) -> str:
    """Plain text as rich-text paragraphs, escaped."""
    return linebreaks(text.strip(), autoescape=True) if text.strip() else ""


def _free_slug(index: CaseStudyIndexPage, title: str) -> str:
    base = slugify(title)[:200] or "case-study"
    taken = set(
        CaseStudyPage.objects.child_of(index)
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def case_study_submit(
    *, person: User, council: Council, details: SubmissionDetails
) -> CaseStudyPage:
    """Save a member's case study as a draft and send it into the editors' moderation workflow.

    Only an approved member of the council may submit about it. Nothing is public until an
    editor approves it; the member is emailed a receipt now and the outcome later.
    """
    if not person_approved_councils(person=person).filter(pk=council.pk).exists():
        raise PermissionDenied("Only approved members of a council can share its case studies.")
    index = CaseStudyIndexPage.objects.first()
    if index is None:
        raise NoLibraryError("The case-study library has not been set up yet.")

    page = CaseStudyPage(
        title=details.title.strip(),
        slug=_free_slug(index, details.title),
        summary=details.summary.strip(),
        programme_name=details.programme_name.strip(),
        period_start=details.period_start,
        period_end=details.period_end,
        published_on=timezone.localdate(),
        challenge=_paragraphs(details.challenge),
        approach=_paragraphs(details.approach),
        outcomes=[("paragraph", RichText(_paragraphs(details.outcomes)))]
        if details.outcomes.strip()
        else [],
        lessons_learned=_paragraphs(details.lessons_learned),
        change_level=details.change_level,
        status=details.status,
        mandate_better=MandateLevel.BETTER in details.mandate_levels,
        mandate_differently=MandateLevel.DIFFERENTLY in details.mandate_levels,
        mandate_new=MandateLevel.NEW in details.mandate_levels,
        live=False,
        owner=person,
        submitted_by=person,
        contact=person,
    )
    page.councils = [council]
    page.themes = list(details.themes)
    page.delivery_models = list(details.delivery_models)
    index.add_child(instance=page)
    page.save_revision(user=person, log_action=True)

    # The member hears from us in plain words (notifications.py), not through the admin's emails,
    # whose links they cannot open.
    UserProfile.objects.update_or_create(
        user=person,
        defaults={
            "submitted_notifications": False,
            "approved_notifications": False,
            "rejected_notifications": False,
        },
    )
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, person)
    notifications.notify_submission_received(page=page)
    return page


def case_study_submission_decided(*, workflow_state: WorkflowState, approved: bool) -> None:
    """Tell the member who submitted a case study what the editors decided (if one did)."""
    page = CaseStudyPage.objects.filter(
        pk=workflow_state.object_id, submitted_by__isnull=False
    ).first()
    if page is None:
        return
    task_state = workflow_state.current_task_state
    comment = (task_state.comment if task_state else "") or ""
    notifications.notify_submission_outcome(page=page, approved=approved, comment=comment)
