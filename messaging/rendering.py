"""Turning a kind and its context into a subject, a plain-text body and an HTML body."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import select_template

from .kinds import MessageKind, rules_for

# Kinds that share one layout; a kind's own template wins when it has one.
_FAMILY = {
    MessageKind.REGISTRATION_CONFIRMED: "exchange",
    MessageKind.WAITING_LIST_JOINED: "exchange",
    MessageKind.WAITING_LIST_PROMOTED: "exchange",
    MessageKind.REGISTRATION_CANCELLED: "exchange",
    MessageKind.EXCHANGE_INVITATION: "exchange",
    MessageKind.REMINDER_WEEK: "exchange",
    MessageKind.REMINDER_DAY: "exchange",
    MessageKind.THANK_YOU: "exchange",
    MessageKind.MISSED_YOU: "exchange",
}


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


class _KeepUnknown(dict):
    """format_map() mapping that leaves a placeholder an editor mistyped as it is."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill_placeholders(text: str, values: dict[str, Any]) -> str:
    try:
        return text.format_map(_KeepUnknown(values))
    except (ValueError, IndexError, AttributeError):
        # A stray brace in an editor's text: send it as written rather than fail the email.
        return text


def wording_for(kind: str) -> tuple[str, str]:
    """The subject and intro editors set for this kind, or the built-in wording."""
    from .models import MessageWording

    row = MessageWording.objects.filter(kind=kind).values_list("subject", "intro").first()
    if row:
        return row
    rules = rules_for(kind)
    return rules.subject, rules.intro


def render_message(
    *, kind: str, context: dict[str, Any], wording: tuple[str, str] | None = None
) -> RenderedMessage:
    """Render an email of ``kind``. ``context`` holds the template's objects; its
    ``placeholders`` (plain strings) fill the editor's subject and intro. A fan-out passes the
    ``wording`` it read once, instead of a query per recipient."""
    subject_template, intro_template = wording or wording_for(kind)
    placeholders = context.get("placeholders", {})
    subject = fill_placeholders(subject_template, placeholders)
    intro = fill_placeholders(intro_template, placeholders)
    full_context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": settings.SITE_BASE_URL,
        "subject": subject,
        "intro_paragraphs": [p.strip() for p in intro.split("\n\n") if p.strip()],
        "kind": kind,
        **context,
    }
    names = [f"messaging/email/{kind}", f"messaging/email/{_FAMILY.get(kind, 'default')}"]
    text = select_template([f"{n}.txt" for n in names]).render(full_context)
    html = select_template([f"{n}.html" for n in names]).render(full_context)
    # One line, no newlines: a header cannot carry them.
    subject = " ".join(subject.split())[:255]
    return RenderedMessage(subject=subject, text=_tidy(text), html=html)


def _tidy(text: str) -> str:
    """Collapse the blank lines template tags leave behind in the plain-text part."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip() + "\n"


__all__ = ["RenderedMessage", "fill_placeholders", "render_message"]
