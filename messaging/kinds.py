"""Every kind of email the club sends, and what each kind is allowed to do.

A *bulk* kind can be switched off per person (a flag on club.CommunicationPreferences) and carries
a one-click unsubscribe; the others (account and registration messages) always go out.
"""

from dataclasses import dataclass

from django.db import models


class MessageKind(models.TextChoices):
    REGISTRATION_CONFIRMED = "registration-confirmed", "Registration confirmed"
    WAITING_LIST_JOINED = "waiting-list-joined", "Joined the waiting list"
    WAITING_LIST_PROMOTED = "waiting-list-promoted", "Promoted from the waiting list"
    REGISTRATION_CANCELLED = "registration-cancelled", "Registration cancelled"
    EXCHANGE_INVITATION = "exchange-invitation", "Invitation to an Exchange"
    REMINDER_WEEK = "reminder-week", "Reminder a week before"
    REMINDER_DAY = "reminder-day", "Reminder the day before"
    THANK_YOU = "thank-you", "Thank you, with outputs"
    MISSED_YOU = "missed-you", "Sorry we missed you, with outputs"
    MEMBERSHIP_APPROVED = "membership-approved", "Membership approved"
    MEMBERSHIP_DECLINED = "membership-declined", "Membership declined"
    JOIN_INVITATION = "join-invitation", "Invitation to join"
    CASE_STUDY_DIGEST = "case-study-digest", "Case-study digest"
    MANDATE_INVITATION = "mandate-invitation", "Invitation to give a view (Innovation Mandate)"
    ACCOUNT = "account", "Account email (sign-in, verification, password)"
    NOTICE = "notice", "Notice written by another part of the site"


@dataclass(frozen=True)
class KindRules:
    # The CommunicationPreferences flag that switches this kind off; None: it cannot be.
    preference: str | None
    subject: str
    intro: str

    @property
    def is_bulk(self) -> bool:
        return self.preference is not None


# The starting wording of each kind. Editors change it in the admin (MessageWording); these are
# copied into the database once by a migration and used whenever a row is missing.
# Placeholders in braces are filled from the message's context; unknown ones are left as they are.
RULES: dict[str, KindRules] = {
    MessageKind.REGISTRATION_CONFIRMED: KindRules(
        None,
        "You are booked on {exchange}",
        "Thank you for registering. Your place is confirmed, and the calendar file attached "
        "puts the Exchange in your diary.",
    ),
    MessageKind.WAITING_LIST_JOINED: KindRules(
        None,
        "You are on the waiting list for {exchange}",
        "The Exchange is full at the moment, so we have put you on the waiting list. If a place "
        "comes free we will offer it to you straight away by email.",
    ),
    MessageKind.WAITING_LIST_PROMOTED: KindRules(
        None,
        "A place has come free: you are booked on {exchange}",
        "Good news: a place has come free and it is yours. The calendar file attached puts the "
        "Exchange in your diary.",
    ),
    MessageKind.REGISTRATION_CANCELLED: KindRules(
        None,
        "Your place on {exchange} is cancelled",
        "Your registration has been cancelled. If that was a mistake, you can register again "
        "while places remain.",
    ),
    MessageKind.EXCHANGE_INVITATION: KindRules(
        "receive_invitations",
        "Registration is open: {exchange}",
        "A new Exchange is open for registration, and as a leader at a member council you are "
        "invited. Places are limited, so book early.",
    ),
    MessageKind.REMINDER_WEEK: KindRules(
        "receive_reminders",
        "One week to go: {exchange}",
        "This is a reminder that the Exchange you registered for is a week away. If you can no "
        "longer come, please cancel so someone on the waiting list can take your place.",
    ),
    MessageKind.REMINDER_DAY: KindRules(
        "receive_reminders",
        "Tomorrow: {exchange}",
        "We look forward to seeing you tomorrow. The details are below.",
    ),
    MessageKind.THANK_YOU: KindRules(
        "receive_follow_ups",
        "Thank you for joining us at {exchange}",
        "Thank you for taking part. The outputs are below, and two minutes of your feedback "
        "will shape what the club does next.",
    ),
    MessageKind.MISSED_YOU: KindRules(
        "receive_follow_ups",
        "Sorry we missed you at {exchange}",
        "We are sorry you could not make it. So you do not miss out, here is what was "
        "discussed and what members took away.",
    ),
    MessageKind.MEMBERSHIP_APPROVED: KindRules(
        None,
        "Welcome to the Innovation Club",
        "Your membership under {council} has been approved. You can now register for "
        "Exchanges and read everything in the case-study library.",
    ),
    MessageKind.MEMBERSHIP_DECLINED: KindRules(
        None,
        "Your request to join under {council}",
        "Your request to join the club under {council} has not been approved. If you think "
        "this is a mistake, please contact your council's club contact.",
    ),
    MessageKind.JOIN_INVITATION: KindRules(
        None,
        "An invitation to join {council} in the Innovation Club",
        "{inviter} has invited you to join the Innovation Club as part of {council}. In the "
        "club, councils at the leading edge of change share bold thinking and working "
        "solutions.\n\nThe link below works once, until {expires}.",
    ),
    MessageKind.CASE_STUDY_DIGEST: KindRules(
        "receive_case_study_digest",
        "New case studies from the Innovation Club",
        "Here are the case studies published since our last round-up.",
    ),
    # A council asks one of its members for their view: sent to the people it names, once, and
    # not a bulk kind (there is nothing to opt out of short of leaving the council).
    MessageKind.MANDATE_INVITATION: KindRules(
        None,
        "Innovation Mandate: {council} would like your view",
        "{council} is taking stock of its change programme with the Innovation Mandate, and "
        'you are invited to give your view in "{round}".\n\n'
        "You answer on your own, one question for each area of the council's work. You can "
        "save your answers and come back before you submit them. {closes}\n\n"
        "Your answers are seen only in summary: results never show anyone by name.",
    ),
    # Written elsewhere (allauth's templates, the club's notices to council admins and editors)
    # and passed in ready to send; the outbox delivers them like any other.
    MessageKind.ACCOUNT: KindRules(None, "{subject}", ""),
    MessageKind.NOTICE: KindRules(None, "{subject}", ""),
}

# Kinds editors cannot reword in the admin: their text is written elsewhere.
PRERENDERED_KINDS = {MessageKind.ACCOUNT, MessageKind.NOTICE}

# The preference flags a one-click unsubscribe may switch off.
PREFERENCE_LABELS = {
    "receive_invitations": "invitations to new Exchanges",
    "receive_reminders": "reminders before Exchanges",
    "receive_follow_ups": "follow-ups after Exchanges",
    "receive_case_study_digest": "the case-study digest",
}


def rules_for(kind: str) -> KindRules:
    return RULES[MessageKind(kind)]
