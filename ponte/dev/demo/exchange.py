"""The demo staff exchange (data/exchange.yaml): a finished round, a round taking applications
and an upcoming round, each opened by the programme manager through the exchange's services;
applications to the current round, waiting for their organisation admin or decided, and how
many guests organisations can host — each through the exchange's services."""

from datetime import timedelta

from django.utils import timezone

from ponte.accounts.models import User
from ponte.exchange.models import Application, Hosting, Round, start_of
from ponte.exchange.services import applications as application_services
from ponte.exchange.services import rounds as services
from ponte.organisations.models import Organisation

from .data import load

OPENS_AT, CLOSES_AT = timedelta(hours=9), timedelta(hours=17)


def build(stdout=None) -> None:
    data = load("exchange")
    manager = User.objects.get(email=data["opened_by"])
    added = sum(_round(spec, manager) for spec in data["rounds"])
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    applied = sum(_application(spec, people) for spec in data.get("applications", []))
    for spec in data.get("hosting", []):
        _hosting(spec, people)
    if stdout is not None and (added or applied):
        stdout.write(f"Exchange: {added} rounds and {applied} applications added.")


def _dates(days: dict, shift: int = 0) -> dict:
    today = timezone.localdate()

    def day(name):
        return today + timedelta(days=days[name] + shift)

    return {
        "applications_open_at": start_of(day("opens")) + OPENS_AT,
        "applications_close_at": start_of(day("closes")) + CLOSES_AT,
        "exchange_starts": day("starts"),
        "exchange_ends": day("ends"),
    }


def _round(spec: dict, manager: User) -> bool:
    if Round.objects.filter(title=spec["title"]).exists():
        return False
    days = spec["days"]
    # A round in the past is opened in the future, then its dates are moved back.
    shift = max(0, 1 - days["closes"])
    round = services.round_open(
        actor=manager,
        title=spec["title"],
        description=" ".join(spec["description"].split()),
        exchange_days=spec["exchange_days"],
        capacity_per_organisation=spec["capacity_per_organisation"],
        challenges=[
            {"title": c["title"], "description": " ".join(c.get("description", "").split())}
            for c in spec.get("challenges", [])
        ],
        **_dates(days, shift),
    )
    if shift:
        Round.objects.filter(pk=round.pk).update(**_dates(days))
    return True


def _application(spec: dict, people: dict) -> bool:
    round = Round.objects.filter(title=spec["round"]).first()
    organisation = Organisation.objects.filter(slug=spec["organisation"]).first()
    applicant = people.get(spec["by"])
    if round is None or organisation is None or applicant is None:
        return False
    if Application.objects.filter(round=round, applicant=applicant).exists():
        return False
    today = timezone.localdate()
    application = application_services.application_submit(
        actor=applicant,
        round=round,
        organisation=organisation,
        job=spec["job"],
        skills=spec["skills"],
        interests=spec["interests"],
        sectors_wanted=spec.get("sectors_wanted", []),
        languages=spec["languages"],
        region=spec["region"],
        travels=spec["travels"],
        accessibility_needs=spec.get("accessibility_needs", ""),
        availability=[(today + timedelta(days=a), today + timedelta(days=b)) for a, b in spec["free"]],
    )
    admin = people[spec["decided_by"]]
    if spec["decision"] == "approved":
        application_services.application_approve(actor=admin, application=application)
    elif spec["decision"] == "declined":
        application_services.application_decline(actor=admin, application=application, reason=spec["reason"])
    return True


def _hosting(spec: dict, people: dict) -> None:
    round = Round.objects.filter(title=spec["round"]).first()
    organisation = Organisation.objects.filter(slug=spec["organisation"]).first()
    if round is None or organisation is None or Hosting.objects.filter(round=round, organisation=organisation).exists():
        return
    application_services.hosting_state(
        actor=people[spec["by"]], round=round, organisation=organisation, guests=spec["guests"]
    )
