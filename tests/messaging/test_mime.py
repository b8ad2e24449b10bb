"""How an outbox email goes over the wire: list headers as URLs, every other byte as Python's."""

import email.policy
import re

from django.core.mail import EmailMultiAlternatives

from club.factories import UserFactory
from messaging.kinds import MessageKind
from messaging.mime import OutboxEmail
from messaging.models import OutboxMessage
from messaging.services import message_row, messages_deliver

# A signed unsubscribe link on a production-length domain: far longer than a folded line.
LONG_LINK = (
    "<https://innovationclub.improvementservice.org.uk/messages/unsubscribe/"
    "eyJwIjoxMjM0NTYsImYiOiJleGNoYW5nZV9pbnZpdGF0aW9ucyJ9:1xY3YO:RM5EdxCsjLYEV2RoR7QDjjizrIDs3LWesyDhiFQz7P0/>"
)


def an_email(cls, number):
    message = cls(
        subject="Invitation: The March Exchange — leading change in councils across Scotland",
        body="Dear Zoë,\n\nYou’re invited. " * 40,
        from_email="Innovation Club <club@club.example>",
        to=[f"leader{number}@council.gov.uk"],
        headers={
            "Message-ID": f"<{number}-abc@club.example>",
            "List-Unsubscribe": LONG_LINK,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative("<p>You’re invited.</p>" * 60, "text/html")
    message.attach("march-exchange.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    return message


def wire(message):
    # Written as Django's SMTP backend writes it: the SMTP policy, then bytes.
    return message.message(policy=email.policy.SMTP).as_bytes()


def header_lines(raw: bytes, name: bytes) -> list[bytes]:
    """A header's physical lines (the first and its folded continuations) in the raw message."""
    match = re.search(rb"^" + name + rb":.*?\r\n(?! )", raw, re.MULTILINE | re.DOTALL)
    return match.group(0).split(b"\r\n")[:-1] if match else []


def without(raw: bytes, *names: bytes) -> bytes:
    """The raw message without these headers, the Date and the random MIME boundaries."""
    for name in (*names, b"Date"):
        raw = re.sub(rb"^" + name + rb":.*?\r\n(?! )", b"", raw, flags=re.MULTILINE | re.DOTALL)
    return re.sub(rb"===============\d+==", b"BOUNDARY", raw)


def test_python_alone_would_send_the_unsubscribe_link_as_encoded_words():
    # Why the outbox has its own policy: this is what went out before.
    lines = header_lines(wire(an_email(EmailMultiAlternatives, 1)), b"List-Unsubscribe")
    assert len(lines) > 1
    assert b"=?utf-8?q?" in lines[0]


def test_the_unsubscribe_link_goes_out_on_one_line_as_written():
    raw = wire(an_email(OutboxEmail, 1))
    assert header_lines(raw, b"List-Unsubscribe") == [b"List-Unsubscribe: " + LONG_LINK.encode()]
    assert header_lines(raw, b"List-Unsubscribe-Post") == [
        b"List-Unsubscribe-Post: List-Unsubscribe=One-Click"
    ]


def test_every_other_byte_is_what_python_writes_for_each_of_many_emails():
    # Built in turn, so the kept headers of one email are reused for the next: each must still
    # carry its own recipient and Message-ID.
    for number in range(5):
        ours = wire(an_email(OutboxEmail, number))
        pythons = wire(an_email(EmailMultiAlternatives, number))
        assert f"To: leader{number}@council.gov.uk\r\n".encode() in ours
        assert f"Message-ID: <{number}-abc@club.example>\r\n".encode() in ours
        assert without(ours, b"List-Unsubscribe") == without(pythons, b"List-Unsubscribe")


def test_a_delivered_invitation_carries_a_readable_one_click_link(smtp_mailers, exchange):
    person = UserFactory(first_name="Zoë", email="zoe@council.gov.uk")
    row = message_row(
        kind=MessageKind.EXCHANGE_INVITATION,
        about=f"exchange:{exchange.pk}",
        to_email=person.email,
        person=person,
        exchange=exchange,
    )
    row.save()
    assert messages_deliver(message_ids=[row.pk]) == {row.pk: "sent"}
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT
    link = row.headers["List-Unsubscribe"]
    assert link.startswith("<http") and link.endswith(">")
    [raw] = smtp_mailers.handler.raw
    assert header_lines(raw, b"List-Unsubscribe") == [f"List-Unsubscribe: {link}".encode()]
    [received] = smtp_mailers.handler.received
    assert received["List-Unsubscribe"] == link
