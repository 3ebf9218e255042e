"""The demo staff exchange (data/exchange.yaml): a finished round, a round being matched and a
round taking applications, each opened by the programme manager through the exchange's
services. The round being matched took its applications, its organisation admins' decisions and
its hosting while it was open, then had its dates moved back; the manager then ran its matching,
locked a pair, sent the proposals, and some people answered them — each through the services."""

from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from ponte.accounts.models import User
from ponte.exchange.models import (
    HOLDING_STATUSES,
    Application,
    Availability,
    ChangeUpdate,
    Hosting,
    MatchRun,
    Pair,
    Round,
    start_of,
)
from ponte.exchange.services import after as after_services
from ponte.exchange.services import applications as application_services
from ponte.exchange.services import matching as matching_services
from ponte.exchange.services import rounds as services
from ponte.exchange.services import scheduling as scheduling_services
from ponte.exchange.services import teams as team_services
from ponte.organisations.models import Membership, Organisation

from .data import load

OPENS_AT, CLOSES_AT = timedelta(hours=9), timedelta(hours=17)


def build(stdout=None) -> None:
    data = load("exchange")
    manager = User.objects.get(email=data["opened_by"])
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    for spec in data.get("members", []):
        Membership.objects.get_or_create(
            user=people[spec["user"]],
            organisation=Organisation.objects.get(slug=spec["organisation"]),
            defaults={"role": spec["role"]},
        )
    added = applied = 0
    for spec in data["rounds"]:
        # A round already there is left as it is, with its applications, hosting and matching.
        if Round.objects.filter(title=spec["title"]).exists():
            continue
        round, shift = _round(spec, manager)
        added += 1
        title = spec["title"]
        applied += sum(
            _application(a, round, shift, people) for a in data.get("applications", []) if a["round"] == title
        )
        for hosting in data.get("hosting", []):
            if hosting["round"] == title:
                _hosting(hosting, round, people)
        exchanged = data.get("exchanged")
        if exchanged and exchanged["round"] == title:
            _exchange_while_shifted(round, manager)
        if shift:
            _move_back(round, spec["days"], shift)
        if exchanged and exchanged["round"] == title:
            _after(exchanged, round, people)
        matching = data.get("matching")
        if matching and matching["round"] == title:
            _matching(matching, round, manager, people, data.get("applications", []))
        for team in data.get("teams", []):
            if team["round"] == title:
                _team(team, round, people)
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


def _round(spec: dict, manager: User) -> tuple[Round, int]:
    """The round, opened; and by how many days its dates are moved into the future for now."""
    days = spec["days"]
    # A round whose applications are closed is opened with them open (tomorrow they close),
    # and its dates are moved back once it has what it took while open.
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
    return round, shift


def _move_back(round: Round, days: dict, shift: int) -> None:
    """The round's dates, and those of its applications, as they are meant to be: each moved
    back by the days it was moved into the future."""
    back = timedelta(days=shift)
    Round.objects.filter(pk=round.pk).update(**_dates(days))
    Availability.objects.filter(application__round=round).update(starts=F("starts") - back, ends=F("ends") - back)
    Application.objects.filter(round=round).update(submitted_at=F("submitted_at") - back)
    Application.objects.filter(round=round, decided_at__isnull=False).update(decided_at=F("decided_at") - back)
    Pair.objects.filter(round=round).update(slot_starts=F("slot_starts") - back, slot_ends=F("slot_ends") - back)


def _application(spec: dict, round: Round, shift: int, people: dict) -> bool:
    organisation = Organisation.objects.filter(slug=spec["organisation"]).first()
    applicant = people.get(spec["by"])
    if organisation is None or applicant is None:
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
        # Inside the exchange window as it is while the round is open: moved back with it.
        availability=[(today + timedelta(days=a + shift), today + timedelta(days=b + shift)) for a, b in spec["free"]],
    )
    admin = people[spec["decided_by"]]
    if spec["decision"] == "approved":
        application_services.application_approve(actor=admin, application=application)
    elif spec["decision"] == "declined":
        application_services.application_decline(
            actor=admin, application=application, reason=" ".join(spec["reason"].split())
        )
    return True


def _hosting(spec: dict, round: Round, people: dict) -> None:
    organisation = Organisation.objects.filter(slug=spec["organisation"]).first()
    if organisation is None or Hosting.objects.filter(round=round, organisation=organisation).exists():
        return
    application_services.hosting_state(
        actor=people[spec["by"]], round=round, organisation=organisation, guests=spec["guests"]
    )


def _matching(spec: dict, round: Round, manager: User, people: dict, applications: list[dict]) -> None:
    """What the programme manager and the applicants did with the round's matching, in order.
    The services check their rules on the clock: the round's dates are the final ones by now."""
    if MatchRun.objects.filter(round=round).exists():
        return
    matching_services.matching_run(actor=manager, round=round)
    for first, second in spec.get("lock", []):
        matching_services.pair_lock(actor=manager, pair=_pair_of(round, people[first], people[second]), locked_=True)
    matching_services.proposals_send(actor=manager, round=round)
    for email in spec.get("accept", []):
        matching_services.pair_accept(actor=people[email], pair=_pair_of(round, people[email]))
    deciders = {a["by"]: a["decided_by"] for a in applications if a["round"] == round.title}
    for email in spec.get("approved_late", []):
        application = Application.objects.get(round=round, applicant=people[email])
        application_services.application_approve(actor=people[deciders[email]], application=application)
    if spec.get("approved_late"):
        matching_services.matching_run(actor=manager, round=round)
    for plan in spec.get("plans", []):
        pair = _pair_of(round, people[plan["pair"]])
        scheduling_services.visit_plan(
            actor=people[plan["by"]],
            pair=pair,
            side=plan["side"],
            mentor=people[plan["mentor"]],
            programme=plan["programme"],
            seen_version=pair.version,
        )


def _pair_of(round: Round, *persons: User) -> Pair:
    """The pair holding these people's applications in the round."""
    pairs = Pair.objects.filter(round=round, status__in=HOLDING_STATUSES)
    for person in persons:
        pairs = pairs.filter(Q(public__applicant=person) | Q(company__applicant=person))
    return pairs.get()


def _team(spec: dict, round: Round, people: dict) -> None:
    """The people who join the challenge's team, and the Change Meter updates it posts, each
    dated `days` ago (the service dates an update now)."""
    challenge = round.challenges.get(title=spec["challenge"])
    for email in spec.get("members", []):
        team_services.team_join(actor=people[email], challenge=challenge)
    for update in spec.get("updates", []):
        posted = team_services.change_update_post(
            actor=people[update["by"]],
            challenge=challenge,
            percent=update["percent"],
            summary=" ".join(update["summary"].split()),
            evidence=update["evidence"],
            evidence_url=update.get("evidence_url", ""),
        )
        ChangeUpdate.objects.filter(pk=posted.pk).update(created_at=timezone.now() - timedelta(days=update["days"]))


def _exchange_while_shifted(round: Round, manager: User) -> None:
    """A past round's exchanges, made while its dates are moved into the future: its
    applications close now, the manager matches it and sends the proposals, and both people of
    every pair accept."""
    Round.objects.filter(pk=round.pk).update(applications_close_at=timezone.now() - timedelta(minutes=1))
    round.refresh_from_db()
    matching_services.matching_run(actor=manager, round=round)
    matching_services.proposals_send(actor=manager, round=round)
    for pair in Pair.objects.filter(round=round).select_related("public__applicant", "company__applicant"):
        for person in (pair.public.applicant, pair.company.applicant):
            matching_services.pair_accept(actor=person, pair=pair)


def _after(spec: dict, round: Round, people: dict) -> None:
    """The surveys answered and the collaborations recorded once the exchanges were over."""
    for answer in spec.get("feedback", []):
        after_services.feedback_give(
            actor=people[answer["by"]],
            pair=_pair_of(round, people[answer["pair"]]),
            role=answer["role"],
            side=answer["side"],
            satisfaction=answer["satisfaction"],
            went_well=answer["went_well"],
            to_improve=answer.get("to_improve", ""),
            learned=answer.get("learned", ""),
        )
    for follow_up in spec.get("follow_ups", []):
        after_services.follow_up_record(
            actor=people[follow_up["by"]],
            pair=_pair_of(round, people[follow_up["pair"]]),
            description=follow_up["description"],
        )
