"""Who is told what happens to an application: its applicants (the members of its applying body
and of the other bodies of its network) or those who decide on it (the members of the
responsible ministry and the programme managers)."""

from __future__ import annotations

from django.db.models import Q

from ponte.core.notifications import notify

from ..models import Application


def applicants_of(application: Application) -> list:
    from ponte.organisations.models import Membership

    bodies = Q(organisation_id=application.coordinator_id) | Q(organisation__in=application.partners.all())
    return [membership.user for membership in Membership.objects.filter(bodies).select_related("user")]


def officials_of(application: Application) -> list:
    from ponte.organisations.models import Membership

    if application.ministry_id is None:
        return []
    return [m.user for m in Membership.objects.filter(organisation_id=application.ministry_id).select_related("user")]


def _params(application: Application, params: dict) -> dict:
    return {"application": application.title, "organisation": application.coordinator.name, **params}


def tell_applicants(application: Application, kind: str, **params) -> None:
    notify(applicants_of(application), kind, params=_params(application, params), url=application.get_absolute_url())


def tell_deciders(application: Application, kind: str, **params) -> None:
    from ponte.accounts.queries import programme_managers

    notify(
        [*officials_of(application), *programme_managers()],
        kind,
        params=_params(application, params),
        url=application.get_absolute_url(),
    )
