"""Hook Wagtail's moderation workflow so members hear what happened to their submissions."""

from django.dispatch import receiver
from wagtail.models import WorkflowState
from wagtail.signals import workflow_approved, workflow_rejected

from .services import case_study_submission_decided


@receiver(workflow_approved, sender=WorkflowState)
def submission_approved(sender, instance: WorkflowState, **kwargs) -> None:
    case_study_submission_decided(workflow_state=instance, approved=True)


@receiver(workflow_rejected, sender=WorkflowState)
def submission_needs_changes(sender, instance: WorkflowState, **kwargs) -> None:
    case_study_submission_decided(workflow_state=instance, approved=False)
