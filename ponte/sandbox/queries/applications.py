"""Reads of applications: each returns only what the viewer may see — a draft to the members of
its bodies; once sent, also to the members of the responsible ministry and to the programme
managers — with what its page shows read up front, so that a page's query count does not grow
with the data."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from ponte.core.attachments import attachments_by_target
from ponte.core.roles import is_programme_manager
from ponte.organisations.models import Kind, Organisation, Status, Tier
from ponte.organisations.queries import roles_of

from ..models import Application, Message, Rule


def applications_visible_to(user) -> QuerySet[Application]:
    applications = Application.objects.select_related("call", "coordinator", "ministry")
    if not user.is_authenticated:
        return applications.none()
    # Sent once, whatever came after: a draft withdrawn before it was sent stays its bodies' own.
    sent = Q(submitted_at__isnull=False)
    bodies = list(roles_of(user))
    partner = Application.partners.through.objects.filter(application=OuterRef("pk"), organisation_id__in=bodies)
    own = Q(coordinator_id__in=bodies) | Exists(partner)
    if is_programme_manager(user):
        return applications.filter(own | sent)
    return applications.filter(own | (sent & Q(ministry_id__in=bodies)))


def application_for(user, pk: int) -> Application | None:
    """One application with its bodies and its rules, or None when the viewer may not see it."""
    return (
        applications_visible_to(user)
        .select_related("created_by", "submitted_by", "exemption__sponsor")
        .prefetch_related(
            Prefetch("partners", queryset=Organisation.objects.order_by("name")),
            Prefetch("rules", queryset=Rule.objects.order_by("position", "pk")),
        )
        .filter(pk=pk)
        .first()
    )


def applying_bodies(user) -> QuerySet[Organisation]:
    """The verified public bodies a person may apply for: those they belong to."""
    return Organisation.objects.filter(memberships__user=user, kind=Kind.PUBLIC_BODY, status=Status.VERIFIED).order_by(
        "name"
    )


def ministries() -> QuerySet[Organisation]:
    """The verified ministries: the bodies responsible for the rules an application may name."""
    return Organisation.objects.filter(kind=Kind.PUBLIC_BODY, tier=Tier.MINISTRY, status=Status.VERIFIED).order_by(
        "name"
    )


def public_bodies() -> QuerySet[Organisation]:
    """The verified public bodies that may join a network."""
    return Organisation.objects.filter(kind=Kind.PUBLIC_BODY, status=Status.VERIFIED)


def messages_of(application: Application) -> list[Message]:
    """The dialogue on an application, oldest first, each message with its author and its
    files (`files`), in two queries whatever its length."""
    messages = list(
        Message.objects.filter(application=application).select_related("author").order_by("created_at", "pk")
    )
    files = attachments_by_target(messages)
    for message in messages:
        message.files = files.get(str(message.pk), [])
    return messages


def may_name_sponsors(user) -> bool:
    """Who reads the sponsors' suggestions: those who approve exemptions (the members of a
    verified ministry) and the programme managers."""
    if is_programme_manager(user):
        return True
    return Organisation.objects.filter(
        memberships__user=user, kind=Kind.PUBLIC_BODY, tier=Tier.MINISTRY, status=Status.VERIFIED
    ).exists()
