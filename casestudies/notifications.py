"""Emails to members about their submitted case studies.

Written once the transaction commits, so nothing goes out for a change that rolled back, and
delivered by the messaging outbox (once, with retries); the callers stay the same.
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from messaging import notifications as outbox

from .models import CaseStudyPage


def _send_after_commit(*, page_id: int, template: str, subject: str, comment: str = "") -> None:
    def send() -> None:
        page = CaseStudyPage.objects.select_related("submitted_by").filter(pk=page_id).first()
        if page is None or page.submitted_by is None or not page.submitted_by.email:
            return
        context = {
            "page": page,
            "person": page.submitted_by,
            "comment": comment,
            "site_url": settings.SITE_BASE_URL,
            "page_url": page.full_url or "",
        }
        # Through the messaging outbox: delivered once, with retries; one email per revision
        # and outcome, however often this runs.
        outbox.notice(
            to_email=page.submitted_by.email,
            person=page.submitted_by,
            about=f"case-study:{page.pk}:{template.rsplit('/', 1)[-1]}:{page.latest_revision_id}",
            subject=subject,
            text=render_to_string(template, context),
        )

    transaction.on_commit(send)


def notify_submission_received(*, page: CaseStudyPage) -> None:
    _send_after_commit(
        page_id=page.pk,
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
    _send_after_commit(page_id=page.pk, template=template, subject=subject, comment=comment)
