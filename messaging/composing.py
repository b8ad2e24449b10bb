"""Composing an outbox row into an email, when it is sent.

Rows are written cheaply inside the caller's transaction (a registration holds a lock on its
Exchange while it writes one) and composed by the worker: the wording editors set, the
Exchange's details, the .ics file and the unsubscribe link are read then. The composed subject
and bodies are saved on the row, so editors see exactly what went out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from .kinds import PREFERENCE_LABELS, PRERENDERED_KINDS, MessageKind, rules_for
from .rendering import RenderedMessage, render_message
from .tokens import unsubscribe_token

if TYPE_CHECKING:
    from events.models import ExchangePage

    from .models import OutboxMessage

EXCHANGE_KINDS = {
    MessageKind.REGISTRATION_CONFIRMED,
    MessageKind.WAITING_LIST_JOINED,
    MessageKind.WAITING_LIST_PROMOTED,
    MessageKind.REGISTRATION_CANCELLED,
    MessageKind.EXCHANGE_INVITATION,
    MessageKind.REMINDER_WEEK,
    MessageKind.REMINDER_DAY,
    MessageKind.THANK_YOU,
    MessageKind.MISSED_YOU,
}
# A place is held: the email carries the calendar file, with the joining details.
CALENDAR_KINDS = {MessageKind.REGISTRATION_CONFIRMED, MessageKind.WAITING_LIST_PROMOTED}


class ComposeError(Exception):
    """The email cannot be written (what it is about is gone); trying again will not help."""


@dataclass(frozen=True)
class Composed:
    rendered: RenderedMessage
    attachments: list[dict[str, str]]
    headers: dict[str, str]


def absolute(url: str) -> str:
    return url if url.startswith("http") else settings.SITE_BASE_URL + url


def unsubscribe_url(*, person_id: int, preference: str) -> str:
    token = unsubscribe_token(person_id=person_id, preference=preference)
    return settings.SITE_BASE_URL + reverse("messaging:unsubscribe", args=[token])


def exchange_context(*, exchange: ExchangePage) -> dict[str, Any]:
    """What every email about an Exchange shows: title, times (UK), format, venue, link."""
    return {
        "exchange": exchange,
        "exchange_url": absolute(exchange.get_url() or ""),
        "starts_at": timezone.localtime(exchange.starts_at),
        "ends_at": timezone.localtime(exchange.ends_at),
    }


def ics_attachment(*, exchange: ExchangePage) -> dict[str, str]:
    from events.calendars import exchange_ics

    content = exchange_ics(exchange=exchange, include_joining_details=True)
    return {
        "filename": "exchange.ics",
        "mimetype": "text/calendar",
        "content": content.decode() if isinstance(content, bytes) else content,
    }


def plain_text(html: str) -> str:
    """Rich text as readable plain text for the text part of an email."""
    return "\n".join(line.strip() for line in strip_tags(html).splitlines() if line.strip())


def _exchange_parts(message: OutboxMessage, context: dict, attachments: list) -> None:
    from .feedback import feedback_closes_at, feedback_url

    exchange = message.exchange
    if exchange is None:
        raise ComposeError("The Exchange this email is about no longer exists.")
    context.update(exchange_context(exchange=exchange))
    context["placeholders"]["exchange"] = exchange.title
    kind = message.kind
    if kind == MessageKind.EXCHANGE_INVITATION:
        context.update(
            show_summary=True,
            action_url=context["exchange_url"],
            action_label="Register your place",
        )
    elif kind == MessageKind.REGISTRATION_CONFIRMED:
        context.update(action_url=context["exchange_url"], action_label="See the Exchange")
    if kind in (MessageKind.THANK_YOU, MessageKind.MISSED_YOU) and exchange.outputs_summary:
        context["outputs_html"] = exchange.outputs_summary
        context["outputs_text"] = plain_text(str(exchange.outputs_summary))
    if kind == MessageKind.THANK_YOU:
        context["feedback_url"] = feedback_url(exchange=exchange)
        context["feedback_closes_at"] = feedback_closes_at(exchange=exchange)
    if kind in CALENDAR_KINDS:
        attachments.append(ics_attachment(exchange=exchange))


def compose(message: OutboxMessage, *, wording: tuple[str, str] | None = None) -> Composed:
    """Write the email for one row: subject, text, HTML, attachments, extra headers.

    A batch passes the ``wording`` of its kind, read once, instead of a query per email."""
    rules = rules_for(message.kind)
    attachments = list(message.attachments)
    headers: dict[str, str] = {}
    person = message.person
    if rules.is_bulk and person is not None:
        url = unsubscribe_url(person_id=person.pk, preference=rules.preference)
        # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the URL, no login needed.
        headers = {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    if message.kind in PRERENDERED_KINDS:
        rendered = RenderedMessage(message.subject, message.body_text, message.body_html)
        return Composed(rendered, attachments, headers)
    context: dict[str, Any] = dict(message.context)
    context["placeholders"] = {
        "first_name": (person.first_name if person else "") or "there",
        **context.get("placeholders", {}),
    }
    context["recipient"] = person
    if headers:
        context["unsubscribe_url"] = url
        context["preference_label"] = PREFERENCE_LABELS[rules.preference]
    if message.kind in EXCHANGE_KINDS:
        _exchange_parts(message, context, attachments)
    rendered = render_message(kind=message.kind, context=context, wording=wording)
    return Composed(rendered, attachments, headers)
