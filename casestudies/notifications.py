"""Emails to members about their submitted case studies.

Written to the messaging outbox in the caller's transaction, as every other email is: a change
that rolls back leaves no row and sends nothing, and one that commits is delivered once, with
retries, after the commit (messaging.services.deliver_after_commit).
"""

from django.conf import settings
from django.template.loader import render_to_string

from messaging import notifications as outbox

from .models import CaseStudyPage


def _notify(*, page: CaseStudyPage, template: str, subject: str, comment: str = "") -> None:
    person = page.submitted_by
    if person is None or not person.email:
        return
    context = {
        "page": page,
        "person": person,
        "comment": comment,
        "site_url": settings.SITE_BASE_URL,
        "page_url": page.full_url or "",
    }
    # One email per revision and outcome, however often this runs (the outbox key).
    outbox.notice(
        to_email=person.email,
        person=person,
        about=f"case-study:{page.pk}:{template.rsplit('/', 1)[-1]}:{page.latest_revision_id}",
        subject=subject,
        text=render_to_string(template, context),
    )


def notify_submission_received(*, page: CaseStudyPage) -> None:
    _notify(
        page=page,
        template="casestudies/email/submission_received.txt",
        subject=f"We have your case study: {page.title}",
    )


def notify_submission_outcome(*, page: CaseStudyPage, approved: bool, comment: str = "") -> None:
    if approved:
        subject = f"Your case study is approved: {page.title}"
        template = "casestudies/email/submission_approved.txt"
    else:
        subject = f"Your case study needs changes: {page.title}"
        template = "casestudies/email/submission_changes_requested.txt"
    _notify(page=page, template=template, subject=subject, comment=comment)
