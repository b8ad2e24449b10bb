"""Hook Wagtail's moderation workflow so members hear what happened to their submissions, and
renew the content token when what the library's facets read changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import WorkflowState
from wagtail.signals import workflow_approved, workflow_rejected

from club.models import Council
from home.content_cache import content_changed

from .services import case_study_submission_decided
from .taxonomy import DeliveryModel, Theme


@receiver(workflow_approved, sender=WorkflowState)
def submission_approved(sender, instance: WorkflowState, **kwargs) -> None:
    case_study_submission_decided(workflow_state=instance, approved=True)


@receiver(workflow_rejected, sender=WorkflowState)
def submission_needs_changes(sender, instance: WorkflowState, **kwargs) -> None:
    case_study_submission_decided(workflow_state=instance, approved=False)


# Facet choices and counts (kept by the library) read themes, delivery models and councils.
@receiver(post_save, sender=Theme)
@receiver(post_delete, sender=Theme)
@receiver(post_save, sender=DeliveryModel)
@receiver(post_delete, sender=DeliveryModel)
@receiver(post_save, sender=Council)
@receiver(post_delete, sender=Council)
def taxonomy_changed(sender, using: str, **kwargs) -> None:
    content_changed(using=using)
