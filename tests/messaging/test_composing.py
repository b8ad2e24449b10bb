"""A delivery batch renders each distinct email once and fills in each person's parts."""

from contextlib import contextmanager

import pytest
import time_machine
from django.core import mail
from django.test.signals import template_rendered
from django.utils import timezone

from club.factories import UserFactory
from messaging.composing import BatchComposer, compose
from messaging.kinds import MessageKind
from messaging.models import MessageWording, OutboxMessage
from messaging.rendering import wording_for
from messaging.services import message_row, messages_deliver

NAMES = ["Ada", "Siobhan O'Brien", 'Rab "the Builder" & <Sons>', "Zoë", "", "  Spaced  "]


def invitations(exchange, names=NAMES):
    rows = []
    for number, name in enumerate(names):
        person = UserFactory(first_name=name, email=f"leader{number}@council.gov.uk")
        rows.append(
            message_row(
                kind=MessageKind.EXCHANGE_INVITATION,
                about=f"exchange:{exchange.pk}",
                to_email=person.email,
                person=person,
                exchange=exchange,
            )
        )
    OutboxMessage.objects.bulk_create(rows)
    return list(
        OutboxMessage.objects.filter(exchange=exchange).select_related("person").order_by("pk")
    )


def composed_one_by_one(message):
    return compose(message, wording=wording_for(message.kind))


@contextmanager
def counting_renders():
    renders = []

    def count(sender, template, **kwargs):
        renders.append(template.name)

    template_rendered.connect(count)
    try:
        yield renders
    finally:
        template_rendered.disconnect(count)


@pytest.fixture(autouse=True)
def still_clock():
    # An unsubscribe link is signed with the time in seconds: hold the clock so composing the
    # same email twice gives the same link.
    with time_machine.travel(timezone.now(), tick=False):
        yield


@pytest.mark.django_db
def test_each_email_in_a_batch_is_what_composing_it_alone_gives(exchange):
    messages = invitations(exchange)
    composer = BatchComposer(
        wordings={MessageKind.EXCHANGE_INVITATION: wording_for(MessageKind.EXCHANGE_INVITATION)}
    )
    with counting_renders() as one_email:
        composed_one_by_one(messages[0])
    with counting_renders() as batch:
        composed = [composer.compose(message) for message in messages]
    # Rendered in full: the first email, the shared one with markers, and "  Spaced  " (spaces
    # round a name could be treated differently by a template, so that email is composed alone).
    assert len(batch) == 3 * len(one_email)
    assert composed == [composed_one_by_one(message) for message in messages]
    rendered = [c.rendered for c in composed]
    # The name is escaped in the HTML part and printed as written in the text part.
    assert "Dear Rab &quot;the Builder&quot; &amp; &lt;Sons&gt;," in rendered[2].html
    assert 'Dear Rab "the Builder" & <Sons>,' in rendered[2].text
    assert "Dear there," in rendered[4].text
    # Each person gets their own unsubscribe link.
    links = {composer.compose(m).headers["List-Unsubscribe"] for m in messages}
    assert len(links) == len(messages)


@pytest.mark.django_db
def test_a_name_used_in_the_subject_and_intro_is_filled_in_for_each_person(exchange):
    MessageWording.objects.update_or_create(
        kind=MessageKind.EXCHANGE_INVITATION,
        defaults={"subject": "{first_name}, join us at {exchange}", "intro": "Hello {first_name}."},
    )
    messages = invitations(exchange, names=["Ada", "Bea & Co"])
    wording = wording_for(MessageKind.EXCHANGE_INVITATION)
    composer = BatchComposer(wordings={MessageKind.EXCHANGE_INVITATION: wording})
    for message in messages:
        assert composer.compose(message) == composed_one_by_one(message)
    second = composer.compose(messages[1]).rendered
    assert second.subject == f"Bea & Co, join us at {exchange.title}"
    assert "Hello Bea &amp; Co." in second.html


@pytest.mark.django_db
def test_wording_that_changes_the_name_makes_the_batch_compose_each_email_in_full(exchange):
    # "{first_name:.3}" prints the first three letters: a marker cut short is not found again,
    # so the comparison with the first email fails and every email is composed in full.
    MessageWording.objects.update_or_create(
        kind=MessageKind.EXCHANGE_INVITATION,
        defaults={"subject": "For {first_name:.3}", "intro": "Hi."},
    )
    messages = invitations(exchange, names=["Ada", "Christopher"])
    wording = wording_for(MessageKind.EXCHANGE_INVITATION)
    composer = BatchComposer(wordings={MessageKind.EXCHANGE_INVITATION: wording})
    subjects = [composer.compose(message).rendered.subject for message in messages]
    assert subjects == ["For Ada", "For Chr"]


@pytest.mark.django_db
def test_a_delivered_batch_sends_and_keeps_each_persons_own_email(exchange):
    messages = invitations(exchange, names=["Ada", "Bea"])
    outcomes = messages_deliver(message_ids=[m.pk for m in messages])
    assert set(outcomes.values()) == {"sent"}
    by_recipient = {email.to[0]: email for email in mail.outbox}
    for message in OutboxMessage.objects.filter(pk__in=outcomes).select_related("person"):
        sent = by_recipient[message.to_email]
        assert f"Dear {message.person.first_name}," in sent.body
        assert message.body_text == sent.body  # the row keeps exactly what went out
        assert message.headers["List-Unsubscribe"] == sent.extra_headers["List-Unsubscribe"]


@pytest.mark.django_db
def test_unsubscribe_links_are_what_reversing_the_url_gives(person):
    from django.conf import settings
    from django.urls import reverse

    from messaging.composing import unsubscribe_url
    from messaging.tokens import unsubscribe_token, unsubscribe_token_read

    for preference in ("receive_invitations", "receive_case_study_digest"):
        token = unsubscribe_token(person_id=person.pk, preference=preference)
        expected = settings.SITE_BASE_URL + reverse("messaging:unsubscribe", args=[token])
        assert unsubscribe_url(person_id=person.pk, preference=preference) == expected
        assert unsubscribe_token_read(token) == (person.pk, preference)
