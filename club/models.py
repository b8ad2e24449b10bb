"""People, member councils and who belongs to which council."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.search import index


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account. The email address is the login."""

    username = None
    email = models.EmailField("email address", unique=True)
    job_title = models.CharField(max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class CouncilType(models.TextChoices):
    COUNTY = "county", "County council"
    DISTRICT = "district", "District council"
    UNITARY = "unitary", "Unitary authority"
    METROPOLITAN_BOROUGH = "metropolitan-borough", "Metropolitan borough"
    LONDON_BOROUGH = "london-borough", "London borough"
    COMBINED_AUTHORITY = "combined-authority", "Combined authority"
    SCOTTISH_COUNCIL = "scottish-council", "Scottish council"
    WELSH_PRINCIPAL = "welsh-principal", "Welsh principal council"
    NI_DISTRICT = "ni-district", "Northern Irish district council"


class MembershipStatus(models.TextChoices):
    OWNER = "owner", "Owner council"
    MEMBER = "member", "Member council"
    NOT_MEMBER = "not-member", "Not a member"


class Council(index.Indexed, ClusterableModel):
    """A UK local authority: an owner council, a member council, or one not (yet) in the club."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    nation = models.CharField(max_length=20, choices=Nation.choices)
    council_type = models.CharField(max_length=30, choices=CouncilType.choices)
    region = models.CharField(max_length=100, blank=True, help_text="For example: North West.")
    website = models.URLField(blank=True)
    membership_status = models.CharField(
        max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.MEMBER
    )
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("slug"), FieldPanel("membership_status")],
            heading="Council",
        ),
        MultiFieldPanel(
            [FieldPanel("nation"), FieldPanel("council_type"), FieldPanel("region")],
            heading="Where and what kind",
        ),
        FieldPanel("website"),
        FieldPanel("logo"),
        InlinePanel("email_domains", heading="Email domains", label="Domain", min_num=0),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("region"),
        index.FilterField("nation"),
        index.FilterField("council_type"),
        index.FilterField("membership_status"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_in_club(self) -> bool:
        return self.membership_status != MembershipStatus.NOT_MEMBER


class CouncilEmailDomain(models.Model):
    """An email domain a council's people use; sign-ups on it are matched to the council."""

    council = ParentalKey(Council, on_delete=models.CASCADE, related_name="email_domains")
    domain = models.CharField(
        max_length=253, help_text="The part after the @, for example clacks.gov.uk."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="club_email_domain_unique_ci"),
        ]
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().lstrip("@")
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    COUNCILLOR = "councillor", "Councillor"
    POLITICAL_LEADER = "political-leader", "Political leader"
    CHIEF_EXECUTIVE = "chief-executive", "Chief executive"
    DIRECTOR = "director", "Director or senior manager"
    OFFICER = "officer", "Officer"
    GUEST = "guest", "Partner or guest from another sector"


class Membership(models.Model):
    """A person's place in a council: their role, whether it is approved, and admin rights."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        LEFT = "left", "Left"

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)

    class Source(models.TextChoices):
        DOMAIN = "domain", "Signed up on the council's email domain"
        REQUEST = "request", "Asked to join (email domain not the council's)"
        INVITATION = "invitation", "Invited by a council admin"
        EDITOR = "editor", "Added by an editor"

    is_council_admin = models.BooleanField(
        default=False, help_text="Council admins approve colleagues and manage the council's seats."
    )
    source = models.CharField(
        max_length=12,
        choices=Source.choices,
        default=Source.EDITOR,
        help_text="How the person came to ask. Requests from other domains are decided by editors.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "council"], name="club_membership_once"),
        ]
        indexes = [models.Index(fields=["council", "status"])]
        ordering = ["council__name", "person__last_name"]

    def __str__(self) -> str:
        return f"{self.person} at {self.council} ({self.get_status_display()})"


class CommunicationPreferences(models.Model):
    """What a person wants to hear from the club, and whether other members may find them."""

    person = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="communication_preferences"
    )
    receive_invitations = models.BooleanField(
        "Invitations to Exchanges", default=True, help_text="When a new Exchange opens."
    )
    receive_reminders = models.BooleanField(
        "Reminders", default=True, help_text="Before an Exchange you have registered for."
    )
    receive_follow_ups = models.BooleanField(
        "Follow-ups", default=True, help_text="Outputs and notes after an Exchange you attended."
    )
    receive_case_study_digest = models.BooleanField(
        "Case-study digest", default=True, help_text="A round-up of newly published case studies."
    )
    show_in_directory = models.BooleanField(
        "Show me in the member directory",
        default=False,
        help_text="Approved members of the club can then find your name, council and role.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "communication preferences"
        verbose_name_plural = "communication preferences"

    def __str__(self) -> str:
        return f"Preferences of {self.person}"


class GuestApplication(models.Model):
    """Someone from outside the member councils asking to take part as a partner or guest.

    Editors decide; an approved guest counts as an approved member of the club (see
    ``club.selectors.person_is_approved_member``) without belonging to a council.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    person = models.OneToOneField(User, on_delete=models.CASCADE, related_name="guest_application")
    organisation = models.CharField(max_length=150)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person} ({self.organisation}), {self.get_status_display()}"


class Invitation(models.Model):
    """A council admin's single-use, expiring invitation for a colleague to join the council."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    # A random, unguessable key sent only in the email; like allauth's confirmation keys.
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["council", "accepted_at"])]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.council}"

    @property
    def is_used(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at
