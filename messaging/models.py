"""The outbox (one row per email), the wording editors adjust, and feedback after Exchanges."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, HelpPanel

from .kinds import MessageKind, rules_for


class OutboxMessage(models.Model):
    """One email to one recipient, written in the same transaction as the change behind it.

    ``key`` makes enqueueing idempotent: the same kind, about the same thing, to the same person
    is one row however many times a service or a sweep asks for it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Suppressed (opted out, or no longer applies)"

    kind = models.CharField(max_length=40, choices=MessageKind.choices)
    key = models.CharField("idempotency key", max_length=255, unique=True)
    correlation_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    to_email = models.EmailField("recipient")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    exchange = models.ForeignKey(
        "events.ExchangePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    # What the email needs beyond the rows it points at: plain values only (placeholders, links).
    context = models.JSONField(default=dict, blank=True)
    # Composed when sent (see messaging.composing) and kept, so editors see what went out.
    # Mail written elsewhere (allauth, other apps' notices) arrives with these already filled.
    subject = models.CharField(max_length=255, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    # [{"filename": ..., "mimetype": ..., "content": text}], e.g. the Exchange's .ics.
    attachments = models.JSONField(default=list, blank=True)
    # The extra headers it was sent with (List-Unsubscribe for bulk kinds).
    headers = models.JSONField(default=dict, blank=True)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    # When a delivery task was last handed to the broker; the sweep re-sends rows whose task
    # never arrived (broker down) without flooding the queue while a big batch drains.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["kind", "status"], name="outbox_kind_status"),
        ]
        verbose_name = "outbox message"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email} ({self.get_status_display()})"

    @property
    def is_bulk(self) -> bool:
        return rules_for(self.kind).is_bulk


class MessageWording(models.Model):
    """The subject and opening paragraph of one kind of email, as editors want it worded."""

    kind = models.CharField(max_length=40, choices=MessageKind.choices, unique=True)
    subject = models.CharField(
        max_length=200,
        help_text="Placeholders in braces are filled in: {exchange}, {council}, {first_name}.",
    )
    intro = models.TextField(
        "opening paragraph",
        help_text="Plain text. A blank line starts a new paragraph. Same placeholders as above.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        HelpPanel(
            content="The rest of the email (dates, venue, links, the unsubscribe line) is added "
            "for you. Changes apply to emails queued from now on."
        ),
        FieldPanel("kind", read_only=True),
        FieldPanel("subject"),
        FieldPanel("intro"),
    ]

    class Meta:
        ordering = ["kind"]
        verbose_name = "email wording"
        verbose_name_plural = "email wording"

    def __str__(self) -> str:
        return self.get_kind_display()


class FeedbackResponse(models.Model):
    """One attendee's feedback on one Exchange; they may change it until feedback closes."""

    exchange = models.ForeignKey(
        "events.ExchangePage", on_delete=models.CASCADE, related_name="feedback_responses"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_responses"
    )
    rating = models.PositiveSmallIntegerField(
        "overall rating", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    most_useful = models.TextField("the most useful part", max_length=2000, blank=True)
    what_next = models.TextField("what the club should do next", max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exchange", "person"], name="feedback_once"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"
            ),
        ]
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Feedback from {self.person} on {self.exchange}"


class FanOut(models.Model):
    """A bulk send about one thing (invitations to an Exchange, one week's digest).

    The row records that the fan-out finished, so beat does not start it again; a fan-out that
    was interrupted is simply run again, and the outbox keys stop anyone getting two emails.
    """

    kind = models.CharField(max_length=40, choices=MessageKind.choices)
    subject_ref = models.CharField(max_length=100)
    exchange = models.ForeignKey(
        "events.ExchangePage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    messages_queued = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_ref"], name="fanout_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.subject_ref}"
