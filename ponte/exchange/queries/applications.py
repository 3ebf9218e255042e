"""Reads of applications: each returns only what the viewer may see — their own, those of the
organisations they administer, every one for the programme managers — with what its page shows
read up front, so that a page's query count does not grow with the data."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from ponte.core.roles import is_staff_role
from ponte.organisations.models import Organisation
from ponte.organisations.queries import administered_by

from ..models import Application, ApplicationStatus, Availability, Hosting, Round


def applications_visible_to(user) -> QuerySet[Application]:
    applications = Application.objects.select_related("round", "organisation", "applicant")
    if is_staff_role(user):
        return applications
    if not user.is_authenticated:
        return applications.none()
    return applications.filter(Q(applicant=user) | Q(organisation_id__in=administered_by(user)))


def application_for(user, pk) -> Application | None:
    """One application with its availability, or None when the viewer may not see it."""
    return (
        applications_visible_to(user)
        .select_related("decided_by")
        .prefetch_related(Prefetch("availability", queryset=Availability.objects.order_by("starts")))
        .filter(pk=pk)
        .first()
    )


def own_applications(user) -> QuerySet[Application]:
    return applications_visible_to(user).filter(applicant=user) if user.is_authenticated else Application.objects.none()


def waiting_for(user) -> QuerySet[Application]:
    """Applications waiting for the decision of an admin of their organisation: `user`'s to decide."""
    if not user.is_authenticated:
        return Application.objects.none()
    return (
        Application.objects.filter(organisation_id__in=administered_by(user), status=ApplicationStatus.WAITING)
        .select_related("round", "organisation", "applicant")
        .order_by("submitted_at", "pk")
    )


def application_of(user, round: Round) -> Application | None:
    if not user.is_authenticated:
        return None
    return Application.objects.filter(round=round, applicant=user).only("pk", "status").first()


def organisations_to_apply_for(user) -> QuerySet[Organisation]:
    """The verified public bodies and companies `user` belongs to."""
    return Organisation.objects.filter(
        memberships__user=user, kind__in=("public_body", "company"), status="verified"
    ).order_by("name")


def organisations_hosting_for(user) -> QuerySet[Organisation]:
    """The verified public bodies and companies `user` administers: they say how many guests each hosts."""
    return Organisation.objects.filter(
        memberships__user=user, memberships__role="admin", kind__in=("public_body", "company"), status="verified"
    ).order_by("name")


def hostings_of(user, round: Round) -> list[Hosting]:
    return list(
        Hosting.objects.filter(round=round, organisation__in=organisations_hosting_for(user))
        .select_related("organisation")
        .order_by("organisation__name")
    )
