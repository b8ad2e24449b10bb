"""Composing an outbox row into an email, when it is sent.

Rows are written cheaply inside the caller's transaction (a registration holds a lock on its
Exchange while it writes one) and composed by the worker: the wording editors set, the
Exchange's details, the .ics file and the unsubscribe link are read then. The composed subject
and bodies are saved on the row, so editors see exactly what went out.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import get_urlconf, reverse
from django.utils import timezone
from django.utils.html import escape, strip_tags

from .kinds import PREFERENCE_LABELS, PRERENDERED_KINDS, MessageKind, rules_for
from .rendering import RenderedMessage, render_message
from .tokens import unsubscribe_token

if TYPE_CHECKING:
    from events.models import ExchangePage

    from .models import OutboxMessage

log = logging.getLogger(__name__)

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


_SIGNED_SLOT = "SIGNED"


@lru_cache(maxsize=4)
def _unsubscribe_path(urlconf: str) -> str:
    # Reversed once per URLconf, not once per email: a token is letters, digits and "-_:.",
    # which a URL keeps as they are, so putting it in the slot gives what reverse() would.
    return reverse("messaging:unsubscribe", args=[_SIGNED_SLOT], urlconf=urlconf)


def unsubscribe_url(*, person_id: int, preference: str) -> str:
    token = unsubscribe_token(person_id=person_id, preference=preference)
    path = _unsubscribe_path(get_urlconf() or settings.ROOT_URLCONF)
    return settings.SITE_BASE_URL + path.replace(_SIGNED_SLOT, token)


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


@dataclass(frozen=True)
class Personal:
    """The parts of an email that differ from one recipient to the next."""

    first_name: str
    unsubscribe_url: str | None


def personal_parts(message: OutboxMessage) -> Personal:
    person = message.person
    rules = rules_for(message.kind)
    url = None
    if rules.is_bulk and person is not None:
        url = unsubscribe_url(person_id=person.pk, preference=rules.preference)
    return Personal(
        first_name=(person.first_name if person else "") or "there", unsubscribe_url=url
    )


def _headers(personal: Personal) -> dict[str, str]:
    if personal.unsubscribe_url is None:
        return {}
    # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the URL, no login needed.
    return {
        "List-Unsubscribe": f"<{personal.unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def compose(
    message: OutboxMessage,
    *,
    wording: tuple[str, str] | None = None,
    personal: Personal | None = None,
) -> Composed:
    """Write the email for one row: subject, text, HTML, attachments, extra headers.

    A batch passes the ``wording`` of its kind, read once, instead of a query per email."""
    rules = rules_for(message.kind)
    personal = personal or personal_parts(message)
    attachments = list(message.attachments)
    headers = _headers(personal)
    if message.kind in PRERENDERED_KINDS:
        rendered = RenderedMessage(message.subject, message.body_text, message.body_html)
        return Composed(rendered, attachments, headers)
    context: dict[str, Any] = dict(message.context)
    context["placeholders"] = {
        "first_name": personal.first_name,
        **context.get("placeholders", {}),
    }
    if personal.unsubscribe_url is not None:
        context["unsubscribe_url"] = personal.unsubscribe_url
        context["preference_label"] = PREFERENCE_LABELS[rules.preference]
    if message.kind in EXCHANGE_KINDS:
        _exchange_parts(message, context, attachments)
    rendered = render_message(kind=message.kind, context=context, wording=wording)
    return Composed(rendered, attachments, headers)


# --- One render per batch ---------------------------------------------------------------------

# Characters from Unicode's private use area: no name, template filter or HTML escaping makes
# or changes them, so they mark exactly where a person's own text goes.
_MARKERS = Personal(first_name="\ue000first_name\ue001", unsubscribe_url="\ue000unsubscribe\ue001")
_LONGEST_SHARED_SUBJECT = 200  # a longer subject may be cut at 255 characters: compose each


class BatchComposer:
    """Composes the emails of one delivery batch, rendering each distinct email once.

    An invitation to a hundred people is one email with two personal parts, the first name and
    the unsubscribe link. It is rendered once with markers in their places, and each person's
    values replace the markers (HTML-escaped in the HTML part, as the template would escape
    them). The first email of each distinct email is also composed in full and compared with
    the filled-in one: a template that shows anything else about the person, or treats the name
    in any way other than printing it, is then composed in full for everyone.
    """

    def __init__(self, *, wordings: dict[str, tuple[str, str]]) -> None:
        self._wordings = wordings
        self._shapes: dict[str, Composed | None] = {}

    def compose(self, message: OutboxMessage) -> Composed:
        wording = self._wordings.get(message.kind)
        personal = personal_parts(message)
        key = _shape_key(message, personal)
        if key is None:
            return compose(message, wording=wording, personal=personal)
        if key in self._shapes:
            shape = self._shapes[key]
            if shape is None:
                return compose(message, wording=wording, personal=personal)
            return _filled(shape, personal)
        exact = compose(message, wording=wording, personal=personal)
        markers = Personal(
            first_name=_MARKERS.first_name,
            unsubscribe_url=_MARKERS.unsubscribe_url if personal.unsubscribe_url else None,
        )
        shape = compose(message, wording=wording, personal=markers)
        usable = (
            len(shape.rendered.subject) <= _LONGEST_SHARED_SUBJECT
            and _filled(shape, personal) == exact
        )
        if not usable:
            log.info("Emails of kind %s are composed one by one in this batch", message.kind)
        self._shapes[key] = shape if usable else None
        return exact


def _shape_key(message: OutboxMessage, personal: Personal) -> str | None:
    """What makes two rows the same email but for the personal parts; None: compose it alone."""
    if message.kind in PRERENDERED_KINDS:
        return None  # written when queued: nothing to render
    name = personal.first_name
    if name != name.strip() or any(c in name for c in "\n\r\ue000\ue001"):
        return None  # whitespace the template could treat differently: no shortcut
    return json.dumps(
        [
            message.kind,
            message.exchange_id,
            message.context,
            message.attachments,
            personal.unsubscribe_url is not None,
        ],
        sort_keys=True,
        default=str,
    )


def _filled(shape: Composed, personal: Personal) -> Composed:
    def fill(text: str, *, html: bool) -> str:
        name = escape(personal.first_name) if html else personal.first_name
        text = text.replace(_MARKERS.first_name, name)
        if personal.unsubscribe_url is not None:
            url = escape(personal.unsubscribe_url) if html else personal.unsubscribe_url
            text = text.replace(_MARKERS.unsubscribe_url, url)
        return text

    subject = " ".join(fill(shape.rendered.subject, html=False).split())[:255]
    rendered = RenderedMessage(
        subject=subject,
        text=fill(shape.rendered.text, html=False),
        html=fill(shape.rendered.html, html=True),
    )
    return Composed(rendered, list(shape.attachments), _headers(personal))
