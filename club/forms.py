"""Forms for joining, inviting and managing your own account.

Every field says plainly what went wrong; nothing typed is lost when a form comes back with errors.
"""

import django_filters
from django import forms
from django.contrib.auth import password_validation

from .models import (
    CommunicationPreferences,
    Council,
    Invitation,
    Membership,
    MembershipStatus,
    Nation,
    Role,
)
from .selectors import council_for_email

NAME_MAX = 150
NAME_ERRORS = {
    "required": "Enter your {label}.",
    "max_length": "Your {label} must be 150 characters or fewer.",
}


def _name_field(label: str, *, required: bool = True, autocomplete: str = "") -> forms.CharField:
    return forms.CharField(
        label=label.capitalize(),
        max_length=NAME_MAX,
        required=required,
        strip=True,
        error_messages={key: msg.format(label=label) for key, msg in NAME_ERRORS.items()},
        widget=forms.TextInput(attrs={"autocomplete": autocomplete} if autocomplete else {}),
    )


def _club_councils():
    return Council.objects.exclude(membership_status=MembershipStatus.NOT_MEMBER).order_by("name")


class SignupExtraForm(forms.Form):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS): who you are and your council.

    With an address on a council's domain you join that council as pending and its admins decide.
    Otherwise you name your council (editors decide) or ask to take part as a guest.
    """

    first_name = _name_field("first name", autocomplete="given-name")
    last_name = _name_field("last name", autocomplete="family-name")
    job_title = _name_field("job title", autocomplete="organization-title")
    role = forms.ChoiceField(
        label="Your role",
        choices=[("", "Choose your role")] + list(Role.choices),
        error_messages={
            "required": "Choose the role that best describes you.",
            "invalid_choice": "Choose one of the roles in the list.",
        },
    )
    council = forms.ModelChoiceField(
        label="Your council",
        queryset=Council.objects.none(),
        required=False,
        empty_label="Matched from my email address, or none (guest)",
        help_text=(
            "Leave this if your email address is on your council's domain. If it is not, choose "
            "your council and the club's editors will check with them."
        ),
        error_messages={"invalid_choice": "Choose a council from the list."},
    )
    organisation = _name_field("organisation", required=False, autocomplete="organization")
    organisation.help_text = "Guests only: the organisation you work for."

    field_order = [
        "email",
        "first_name",
        "last_name",
        "job_title",
        "role",
        "council",
        "organisation",
        "password1",
        "password2",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = _club_councils()
        self.matched_council: Council | None = None
        if "email" in self.fields:
            email = self.fields["email"]
            email.label = "Work email address"
            email.help_text = "Your council address if you have one, like name@clacks.gov.uk."
            email.widget.attrs.pop("placeholder", None)

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        role = cleaned.get("role")
        chosen = cleaned.get("council")
        if not email:
            return cleaned
        matched = council_for_email(email=email)
        self.matched_council = matched
        domain = email.rpartition("@")[2]
        if matched and chosen and chosen != matched:
            self.add_error(
                "council",
                f"Your email address is on {domain}, which belongs to {matched}. You can only "
                f"join {matched} with it: leave the council blank, or sign up with the address "
                f"{chosen} gave you.",
            )
        elif not matched and not chosen:
            if role == Role.GUEST:
                if not cleaned.get("organisation"):
                    self.add_error(
                        "organisation",
                        "Enter the organisation you work for, so editors can decide.",
                    )
            elif role:
                self.add_error(
                    "council",
                    f"We do not recognise {domain} as a member council's email domain. Choose "
                    "your council from the list, or choose “Partner or guest from another "
                    "sector” as your role to ask to take part as a guest.",
                )
        return cleaned

    def signup(self, request, user) -> None:
        """Called by allauth once the account exists: ask to join (one service)."""
        from .services import person_join_after_signup

        person_join_after_signup(
            person=user,
            council=self.matched_council or self.cleaned_data.get("council"),
            matched_by_domain=self.matched_council is not None,
            role=self.cleaned_data["role"],
            organisation=self.cleaned_data.get("organisation", ""),
        )


class JoinCouncilForm(forms.Form):
    """For a signed-in person: ask to join a council (again, after leaving or being declined)."""

    council = forms.ModelChoiceField(
        label="Council",
        queryset=Council.objects.none(),
        empty_label="Choose your council",
        error_messages={
            "required": "Choose the council you want to join.",
            "invalid_choice": "Choose a council from the list.",
        },
    )
    role = forms.ChoiceField(
        label="Your role",
        choices=[("", "Choose your role")] + list(Role.choices),
        error_messages={
            "required": "Choose the role that best describes you.",
            "invalid_choice": "Choose one of the roles in the list.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = _club_councils()


class PersonDetailsForm(forms.Form):
    first_name = _name_field("first name", autocomplete="given-name")
    last_name = _name_field("last name", autocomplete="family-name")
    job_title = _name_field("job title", autocomplete="organization-title")


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = CommunicationPreferences
        fields = [
            "receive_invitations",
            "receive_reminders",
            "receive_follow_ups",
            "receive_case_study_digest",
            "show_in_directory",
        ]


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Colleague's email address",
        max_length=254,
        error_messages={
            "required": "Enter your colleague's email address.",
            "invalid": "Enter an email address like name@council.gov.uk.",
            "max_length": "An email address must be 254 characters or fewer.",
        },
    )
    role = forms.ChoiceField(
        label="Their role",
        choices=[("", "Choose their role")] + list(Role.choices),
        error_messages={
            "required": "Choose your colleague's role.",
            "invalid_choice": "Choose one of the roles in the list.",
        },
    )


class InvitationAcceptForm(forms.Form):
    """For someone new: their name and a password; the address is the invitation's own."""

    first_name = _name_field("first name", autocomplete="given-name")
    last_name = _name_field("last name", autocomplete="family-name")
    job_title = _name_field("job title", autocomplete="organization-title")
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
        error_messages={"required": "Choose a password."},
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the same password again."},
    )

    def __init__(self, *args, invitation: Invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        elif first:
            from .models import User

            probe = User(
                email=self.invitation.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand my account and what the club holds about me will be erased",
        error_messages={"required": "Tick the box to confirm you want to delete your account."},
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        if person.has_usable_password():
            self.fields["password"].required = True
            self.fields["password"].error_messages["required"] = "Enter your password to confirm."
        else:
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if not self.person.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Decline")],
        error_messages={
            "required": "Choose approve or decline.",
            "invalid_choice": "Choose approve or decline.",
        },
    )


class DirectoryFilter(django_filters.FilterSet):
    """Find members by council, role and nation."""

    council = django_filters.ModelChoiceFilter(
        queryset=_club_councils(), label="Council", empty_label="Any council"
    )
    role = django_filters.ChoiceFilter(choices=Role.choices, label="Role", empty_label="Any role")
    nation = django_filters.ChoiceFilter(
        field_name="council__nation",
        choices=Nation.choices,
        label="Nation",
        empty_label="Any nation",
    )

    class Meta:
        model = Membership
        fields = ["council", "role", "nation"]
