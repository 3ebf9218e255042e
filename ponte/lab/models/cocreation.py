"""Co-creation with citizens: the panel, sessions, prototypes and their feedback."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .projects import Project

# Citizens join the lab's panel with their explicit consent; projects invite them to
# sessions and ask their feedback on prototypes. A member who withdraws is erased from all of
# it: what stays is anonymous (how many came, the ratings given), never who.


class AgeBand(models.TextChoices):
    UNDER_25 = "16_24", _("16 to 24")
    FROM_25 = "25_34", _("25 to 34")
    FROM_35 = "35_44", _("35 to 44")
    FROM_45 = "45_54", _("45 to 54")
    FROM_55 = "55_64", _("55 to 64")
    FROM_65 = "65_74", _("65 to 74")
    FROM_75 = "75_plus", _("75 or over")
    UNSAID = "unsaid", _("I prefer not to say")


# The consent a member gives, as they read it when they join: its version is kept with them,
# so that a change of wording asks everyone again.
PANEL_CONSENT_VERSION = 1


class PanelMember(models.Model):
    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_membership")
    topics = models.ManyToManyField("reference.SectorTag", verbose_name=_("topics"), related_name="+")
    region = models.CharField(_("region"), max_length=100)
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices)
    accessibility = models.TextField(_("accessibility needs"), blank=True)
    consent_version = models.PositiveSmallIntegerField()
    consented_at = models.DateTimeField()
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")

    def __str__(self) -> str:
        # What the audit trail keeps of a member: never who they are.
        return f"Panel member {self.pk}"


class SessionKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    INTERVIEW = "interview", _("Interview")
    USABILITY = "usability", _("Usability test")
    LIVING_LAB = "living_lab", _("Living lab")


class Session(models.Model):
    """A moment a project's team works with citizens: a workshop, an interview, a usability
    test, a living lab; in a place or online, for a number of people."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind of session"), max_length=16, choices=SessionKind.choices)
    description = models.TextField(_("what happens"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    online = models.BooleanField(_("online"), default=False)
    place = models.CharField(_("place or link"), max_length=500)
    capacity = models.PositiveIntegerField(_("places"))
    accessibility = models.TextField(_("accessibility"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["project", "starts_at"], name="session_by_project")]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lab:session", kwargs={"pk": self.pk})


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    SIGNED_UP = "signed_up", _("Signed up")
    CANCELLED = "cancelled", _("Cancelled")


class Invitation(models.Model):
    """A panel member invited to a session, and their answer. When the member withdraws from
    the panel, `member` is emptied: the row stays, anonymous, so the session's counts hold."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(PanelMember, null=True, on_delete=models.SET_NULL, related_name="invitations")
    status = models.CharField(max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.INVITED)
    attended = models.BooleanField(null=True)
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"], condition=models.Q(member__isnull=False), name="one_invitation_each"
            )
        ]
        indexes = [models.Index(fields=["session", "status"], name="invitation_by_status")]

    def __str__(self) -> str:
        return f"{self.session}: invitation {self.pk}"


class Prototype(models.Model):
    """A version of something a project tries out with citizens, and the questions it asks them."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="prototypes")
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=40)
    description = models.TextField(_("description"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "name", "version"], name="one_prototype_version")]
        verbose_name = _("prototype")
        verbose_name_plural = _("prototypes")

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    def get_absolute_url(self) -> str:
        return reverse("lab:prototype", kwargs={"pk": self.pk})


class QuestionKind(models.TextChoices):
    RATING = "rating", _("A rating from 1 to 5")
    TEXT = "text", _("A free answer")


class FeedbackQuestion(models.Model):
    prototype = models.ForeignKey(Prototype, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=8, choices=QuestionKind.choices)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class FeedbackResponse(models.Model):
    """One member's answers on one prototype version; anonymous once they withdraw."""

    prototype = models.ForeignKey(Prototype, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(PanelMember, null=True, on_delete=models.SET_NULL, related_name="responses")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prototype", "member"], condition=models.Q(member__isnull=False), name="one_response_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prototype}: response {self.pk}"


class FeedbackAnswer(models.Model):
    response = models.ForeignKey(FeedbackResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(FeedbackQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.question}: {self.rating if self.rating is not None else self.text[:40]}"
