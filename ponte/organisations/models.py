import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ponte.core.statemachine import Lifecycle, Transition
from ponte.reference.models import Country, SectorTag


class Kind(models.TextChoices):
    PUBLIC_BODY = "public_body", _("Public body")
    COMPANY = "company", _("Company")


class Tier(models.TextChoices):
    """Where a public body sits in its government's hierarchy."""

    GOVERNMENT = "government", _("Government")
    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Agency")
    UNIT = "unit", _("Unit")


# A body may only sit under a body of a higher tier.
TIER_ORDER = [Tier.GOVERNMENT, Tier.MINISTRY, Tier.AGENCY, Tier.UNIT]


class LevelOfGovernment(models.TextChoices):
    """The OECD OPSI case-study levels."""

    NATIONAL = "national", _("National or federal")
    REGIONAL = "regional", _("Regional or state")
    LOCAL = "local", _("Local")
    SUPRANATIONAL = "supranational", _("Supranational")


class Employees(models.TextChoices):
    """Head-count classes of the EU definition of micro, small and medium-sized enterprises."""

    MICRO = "1-9", _("1 to 9 people")
    SMALL = "10-49", _("10 to 49 people")
    MEDIUM = "50-249", _("50 to 249 people")
    LARGE = "250+", _("250 people or more")


class Status(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    SUSPENDED = "suspended", _("Suspended")


LIFECYCLE = Lifecycle(
    states=Status,
    transitions=[
        Transition("verify", sources=(Status.PENDING,), target=Status.VERIFIED, timestamp="verified_at"),
        Transition("suspend", sources=(Status.VERIFIED,), target=Status.SUSPENDED, timestamp="suspended_at"),
        Transition("reinstate", sources=(Status.SUSPENDED,), target=Status.VERIFIED, timestamp="verified_at"),
    ],
)


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    # Public bodies
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, blank=True)
    level_of_government = models.CharField(
        _("level of government"), max_length=16, choices=LevelOfGovernment.choices, blank=True
    )
    # Companies
    registration_number = models.CharField(_("registration number"), max_length=50, blank=True)
    is_sme = models.BooleanField(_("small or medium-sized enterprise"), default=False)
    sectors = models.ManyToManyField(SectorTag, verbose_name=_("sectors"), blank=True, related_name="+")
    # The public profile, kept by the organisation's members.
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    founded = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    employees = models.CharField(_("people employed"), max_length=8, choices=Employees.choices, blank=True)
    contact_email = models.EmailField(
        _("public contact address"),
        blank=True,
        help_text=_("An address the organisation publishes for questions, such as info@…; shown to everyone."),
    )

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        # Lists show what a visitor may see (verified) in name order.
        indexes = [
            models.Index(fields=["status", "name"]),
            models.Index(fields=["kind", "status", "name"]),
            models.Index(fields=["name"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "registration_number"],
                condition=~models.Q(registration_number=""),
                name="unique_registration_number_per_country",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    @property
    def is_public_body(self) -> bool:
        return self.kind == Kind.PUBLIC_BODY

    @property
    def is_company(self) -> bool:
        return self.kind == Kind.COMPANY


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    ADMIN = "admin", _("Organisation admin")


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__name"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_person")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")


INVITATION_LIFECYCLE = Lifecycle(
    states=InvitationStatus,
    transitions=[
        Transition("accept", (InvitationStatus.PENDING,), InvitationStatus.ACCEPTED, timestamp="decided_at"),
        Transition("decline", (InvitationStatus.PENDING,), InvitationStatus.DECLINED, timestamp="decided_at"),
        Transition("revoke", (InvitationStatus.PENDING,), InvitationStatus.REVOKED, timestamp="decided_at"),
    ],
)


def new_invitation_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


JOIN_REQUEST_LIFECYCLE = Lifecycle(
    states=JoinRequestStatus,
    transitions=[
        Transition("approve", (JoinRequestStatus.PENDING,), JoinRequestStatus.APPROVED, timestamp="decided_at"),
        Transition("refuse", (JoinRequestStatus.PENDING,), JoinRequestStatus.REFUSED, timestamp="decided_at"),
        Transition("withdraw", (JoinRequestStatus.PENDING,), JoinRequestStatus.WITHDRAWN, timestamp="decided_at"),
    ],
)


class JoinRequest(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    message = models.TextField(_("message to the organisation's admins"), blank=True, max_length=2000)
    status = models.CharField(max_length=16, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_join_request",
            )
        ]
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"
