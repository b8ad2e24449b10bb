"""Invitations when an Exchange opens, reminders, follow-ups and the digest: who, when, once."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casestudies.factories import CaseStudyPageFactory
from club.factories import CouncilFactory, MembershipFactory, UserFactory
from club.models import Membership, MembershipStatus, Role
from club.services import preferences_update
from events.factories import ExchangePageFactory
from events.models import Registration, RegistrationStatus
from events.services import registration_cancel
from messaging.bulk import (
    case_study_digest_dispatch,
    exchange_invitations_fan_out,
    exchanges_opening,
    follow_ups_dispatch,
    reminders_dispatch,
)
from messaging.kinds import MessageKind
from messaging.models import OutboxMessage
from messaging.services import outbox_sweep

from .helpers import register

Status = OutboxMessage.Status


def recipients(kind):
    return set(
        OutboxMessage.objects.filter(kind=kind, status=Status.SENT).values_list(
            "to_email", flat=True
        )
    )


# --- Invitations -----------------------------------------------------------------------------


@pytest.fixture
def audience(db):
    """People who should, and should not, be invited to a managerial Exchange."""
    member_council = CouncilFactory(membership_status=MembershipStatus.MEMBER)
    owner_council = CouncilFactory(membership_status=MembershipStatus.OWNER)
    outsider_council = CouncilFactory(membership_status=MembershipStatus.NOT_MEMBER)

    def member(email, council=member_council, role=Role.DIRECTOR, **kwargs):
        person = UserFactory(email=email)
        MembershipFactory(person=person, council=council, role=role, **kwargs)
        return person

    people = {
        "director": member("director@member.gov.uk"),
        "chief": member("chief@owner.gov.uk", council=owner_council, role=Role.CHIEF_EXECUTIVE),
        "opted_out": member("quiet@member.gov.uk"),
        "councillor": member("councillor@member.gov.uk", role=Role.COUNCILLOR),
        "outsider": member("officer@outsider.gov.uk", council=outsider_council),
        "pending": member("new@member.gov.uk", status=Membership.Status.PENDING),
        "registered": member("early@member.gov.uk"),
    }
    # Two councils, one invitation.
    MembershipFactory(person=people["director"], council=owner_council, role=Role.DIRECTOR)
    preferences_update(person=people["opted_out"], receive_invitations=False)
    return people


def test_opening_invites_each_eligible_member_once(
    audience, exchange_index, django_capture_on_commit_callbacks
):
    exchange = ExchangePageFactory(parent=exchange_index, audience="managerial")
    register(exchange, audience["registered"])
    with django_capture_on_commit_callbacks(execute=True):
        queued = exchange_invitations_fan_out(exchange_id=exchange.pk)
    assert queued == 2
    assert recipients(MessageKind.EXCHANGE_INVITATION) == {
        "director@member.gov.uk",
        "chief@owner.gov.uk",
    }
    assert len(mail.outbox) == 2
    invitation = mail.outbox[0]
    assert invitation.subject == f"Registration is open: {exchange.title}"
    assert "List-Unsubscribe" in invitation.extra_headers
    assert exchange.summary in invitation.body
    # Running it again (beat, a redelivered task) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert exchange_invitations_fan_out(exchange_id=exchange.pk) == 0
    assert len(mail.outbox) == 2


def test_political_exchange_invites_political_leaders_only(
    audience, exchange_index, django_capture_on_commit_callbacks
):
    exchange = ExchangePageFactory(parent=exchange_index, audience="political")
    with django_capture_on_commit_callbacks(execute=True):
        exchange_invitations_fan_out(exchange_id=exchange.pk)
    assert recipients(MessageKind.EXCHANGE_INVITATION) == {"councillor@member.gov.uk"}


def test_fan_out_queries_do_not_grow_with_recipients(
    exchange_index, django_capture_on_commit_callbacks
):
    council = CouncilFactory()

    def queries_for(n):
        for _ in range(n):
            MembershipFactory(council=council, role=Role.OFFICER)
        exchange = ExchangePageFactory(parent=exchange_index)
        with (
            django_capture_on_commit_callbacks(execute=False),
            CaptureQueriesContext(connection) as queries,
        ):
            exchange_invitations_fan_out(exchange_id=exchange.pk)
        return len(queries)

    queries_for(1)  # warms the caches (Wagtail's site root paths)
    few = queries_for(3)
    many = queries_for(30)
    assert OutboxMessage.objects.count() == 1 + 4 + 34
    assert many == few


def test_beat_finds_exchanges_as_they_open(exchange_index, django_capture_on_commit_callbacks):
    opens = timezone.now() + timedelta(days=2)
    exchange = ExchangePageFactory(
        parent=exchange_index,
        registration_opens_at=opens,
        starts_at=opens + timedelta(days=30),
    )
    stale = ExchangePageFactory(  # opened weeks ago, before messaging existed: left alone
        parent=exchange_index, registration_opens_at=timezone.now() - timedelta(days=30)
    )
    assert exchange.pk not in exchanges_opening()
    with time_machine.travel(opens + timedelta(minutes=3)):
        assert exchanges_opening() == [exchange.pk]
        with django_capture_on_commit_callbacks(execute=True):
            exchange_invitations_fan_out(exchange_id=exchange.pk)
        assert exchanges_opening() == []  # done
    assert stale.pk not in exchanges_opening()


# --- Reminders -------------------------------------------------------------------------------


@pytest.fixture
def booked(exchange_index):
    starts = timezone.now().replace(microsecond=0) + timedelta(days=20)
    exchange = ExchangePageFactory(
        parent=exchange_index, starts_at=starts, registration_closes_at=starts - timedelta(days=1)
    )
    people = {
        name: UserFactory(email=f"{name}@council.gov.uk")
        for name in ("keen", "cancelled", "waiting", "drops_out", "quiet")
    }
    register(exchange, people["keen"])
    register(exchange, people["cancelled"], status=RegistrationStatus.CANCELLED)
    register(exchange, people["waiting"], status=RegistrationStatus.WAITING)
    drops_out = register(exchange, people["drops_out"])
    register(exchange, people["quiet"])
    preferences_update(person=people["quiet"], receive_reminders=False)
    return exchange, drops_out


def test_reminders_go_once_a_week_and_a_day_before_to_confirmed_places_only(
    booked, django_capture_on_commit_callbacks
):
    exchange, drops_out = booked
    starts = exchange.starts_at

    def run_at(moment):
        with time_machine.travel(moment), django_capture_on_commit_callbacks(execute=True):
            return reminders_dispatch()

    assert run_at(starts - timedelta(days=8)) == 0
    assert mail.outbox == []
    assert run_at(starts - timedelta(days=7) + timedelta(minutes=5)) == 2
    assert recipients(MessageKind.REMINDER_WEEK) == {
        "keen@council.gov.uk",
        "drops_out@council.gov.uk",
    }
    # Hourly runs later the same day: nothing new.
    assert run_at(starts - timedelta(days=7) + timedelta(hours=5)) == 0
    assert OutboxMessage.objects.filter(kind=MessageKind.REMINDER_WEEK).count() == 2
    assert run_at(starts - timedelta(days=3)) == 0

    drops_out.status = RegistrationStatus.CANCELLED
    drops_out.save()
    assert run_at(starts - timedelta(hours=23)) == 1
    assert recipients(MessageKind.REMINDER_DAY) == {"keen@council.gov.uk"}
    run_at(starts - timedelta(hours=2))
    assert OutboxMessage.objects.filter(kind=MessageKind.REMINDER_DAY).count() == 1
    assert len(mail.outbox) == 3
    assert mail.outbox[-1].subject == f"Tomorrow: {exchange.title}"


def test_no_reminders_for_a_cancelled_exchange(booked, django_capture_on_commit_callbacks):
    exchange, _ = booked
    exchange.is_cancelled = True
    exchange.save()
    with time_machine.travel(exchange.starts_at - timedelta(hours=12)):
        assert reminders_dispatch() == 0
    assert OutboxMessage.objects.count() == 0


def test_place_cancelled_after_its_reminder_was_queued_gets_no_reminder(
    booked, django_capture_on_commit_callbacks
):
    """The reminder rows are written, then the worker is slow; a cancellation meanwhile wins."""
    exchange, drops_out = booked
    week_before = exchange.starts_at - timedelta(days=7) + timedelta(minutes=5)
    with time_machine.travel(week_before):
        with django_capture_on_commit_callbacks(execute=False) as handed_over:
            assert reminders_dispatch() == 2  # keen and drops_out; not yet delivered
        with django_capture_on_commit_callbacks(execute=True):
            registration_cancel(registration=drops_out, by=drops_out.person)
        with django_capture_on_commit_callbacks(execute=True):
            for deliver in handed_over:  # the worker gets to the reminders now
                deliver()
    reminders = OutboxMessage.objects.filter(kind=MessageKind.REMINDER_WEEK)
    assert dict(reminders.values_list("to_email", "status")) == {
        "keen@council.gov.uk": Status.SENT,
        "drops_out@council.gov.uk": Status.SUPPRESSED,
    }
    sent_to = {(m.to[0], m.subject) for m in mail.outbox}
    assert ("keen@council.gov.uk", f"One week to go: {exchange.title}") in sent_to
    assert ("drops_out@council.gov.uk", f"Your place on {exchange.title} is cancelled") in sent_to
    assert [m.to for m in mail.outbox if m.subject.startswith("One week")] == [
        ["keen@council.gov.uk"]
    ]
    # The sweep later on leaves the suppressed reminder alone.
    sent = len(mail.outbox)
    with (
        time_machine.travel(week_before + timedelta(hours=2)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outbox_sweep()
    assert len(mail.outbox) == sent


def test_exchange_called_off_after_reminders_were_queued_sends_none(
    booked, django_capture_on_commit_callbacks
):
    exchange, _ = booked
    with time_machine.travel(exchange.starts_at - timedelta(hours=20)):
        with django_capture_on_commit_callbacks(execute=False) as handed_over:
            assert reminders_dispatch() == 2
        type(exchange).objects.filter(pk=exchange.pk).update(is_cancelled=True)
        with django_capture_on_commit_callbacks(execute=True):
            for deliver in handed_over:
                deliver()
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SUPPRESSED}
    assert mail.outbox == []


# --- Follow-ups ------------------------------------------------------------------------------


@pytest.fixture
def held(exchange_index):
    exchange = ExchangePageFactory(
        parent=exchange_index, outputs_summary="<p>Members agreed to pool their data teams.</p>"
    )
    came = UserFactory(email="came@council.gov.uk")
    missed = UserFactory(email="missed@council.gov.uk")
    gone = UserFactory(email="cancelled@council.gov.uk")
    register(exchange, came, attended=True)
    register(exchange, missed)
    register(exchange, gone, status=RegistrationStatus.CANCELLED)
    return exchange


def test_follow_ups_thank_attendees_and_send_outputs_to_no_shows_once(
    held, django_capture_on_commit_callbacks
):
    ends = held.ends_at

    def run_at(moment):
        with time_machine.travel(moment), django_capture_on_commit_callbacks(execute=True):
            return follow_ups_dispatch()

    assert run_at(ends + timedelta(hours=3)) == 0  # editors may still be taking attendance
    assert run_at(ends + timedelta(days=1, hours=1)) == 2
    assert recipients(MessageKind.THANK_YOU) == {"came@council.gov.uk"}
    assert recipients(MessageKind.MISSED_YOU) == {"missed@council.gov.uk"}
    run_at(ends + timedelta(days=2))
    run_at(ends + timedelta(days=9))
    assert len(mail.outbox) == 2
    thanks = next(m for m in mail.outbox if m.to == ["came@council.gov.uk"])
    assert "pool their data teams" in thanks.body
    assert f"/messages/feedback/{held.pk}/" in thanks.body
    missed = next(m for m in mail.outbox if m.to == ["missed@council.gov.uk"])
    assert "feedback" not in missed.body.lower()
    assert "pool their data teams" in missed.body


def test_no_show_checked_in_late_gets_thanks_not_sorry_we_missed_you(
    held, django_capture_on_commit_callbacks
):
    """Attendance corrected after the follow-ups were queued: the queued "missed you" is held."""
    missed = Registration.objects.get(exchange=held, person__email="missed@council.gov.uk")
    with time_machine.travel(held.ends_at + timedelta(days=1, hours=1)):
        with django_capture_on_commit_callbacks(execute=False) as handed_over:
            assert follow_ups_dispatch() == 2
        Registration.objects.filter(pk=missed.pk).update(attended_at=held.starts_at)
        with django_capture_on_commit_callbacks(execute=True):
            for deliver in handed_over:
                deliver()
    assert recipients(MessageKind.MISSED_YOU) == set()
    assert OutboxMessage.objects.get(kind=MessageKind.MISSED_YOU).status == Status.SUPPRESSED
    assert [m.to for m in mail.outbox] == [["came@council.gov.uk"]]


def test_without_attendance_taken_everyone_confirmed_is_thanked(
    exchange_index, django_capture_on_commit_callbacks
):
    exchange = ExchangePageFactory(parent=exchange_index)
    register(exchange, UserFactory(email="one@council.gov.uk"))
    register(exchange, UserFactory(email="two@council.gov.uk"))
    with (
        time_machine.travel(exchange.ends_at + timedelta(days=1, hours=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        follow_ups_dispatch()
    assert recipients(MessageKind.THANK_YOU) == {"one@council.gov.uk", "two@council.gov.uk"}
    assert not OutboxMessage.objects.filter(kind=MessageKind.MISSED_YOU).exists()


# --- Digest ----------------------------------------------------------------------------------


def test_weekly_digest_to_members_who_opted_in(
    case_study_index, django_capture_on_commit_callbacks
):
    keen = MembershipFactory(person=UserFactory(email="keen@council.gov.uk")).person
    quiet = MembershipFactory(person=UserFactory(email="quiet@council.gov.uk")).person
    preferences_update(person=quiet, receive_case_study_digest=False)
    UserFactory(email="no-membership@example.org")
    assert case_study_digest_dispatch() == 0  # nothing new, no email
    study = CaseStudyPageFactory(parent=case_study_index, title="Be the Future")
    type(study).objects.filter(pk=study.pk).update(first_published_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert case_study_digest_dispatch() == 1
        assert case_study_digest_dispatch() == 1  # same week: the same row, no new email
    assert recipients(MessageKind.CASE_STUDY_DIGEST) == {keen.email}
    assert len(mail.outbox) == 1
    assert "Be the Future" in mail.outbox[0].body
