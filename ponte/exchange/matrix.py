"""The role matrix's rounds (docs/roles.md): one builder per phase, used by the matrix and by
the tests, and what each exchange permission means."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ponte.core.rolematrix import Case, Subject, World
from ponte.organisations import matrix as organisations_matrix

from .models import Application, ApplicationStatus, Availability, Round, RoundPhase, RoundStatus, Side

# Each phase's dates, in days from today: applications open, close; exchanges start, end.
PHASE_DAYS = {
    RoundPhase.UPCOMING: (10, 40, 60, 200),
    RoundPhase.APPLICATIONS_OPEN: (-10, 20, 40, 180),
    RoundPhase.MATCHING: (-40, -10, 20, 180),
    RoundPhase.UNDER_WAY: (-120, -90, -30, 120),
    RoundPhase.FINISHED: (-400, -370, -330, -150),
    RoundPhase.CANCELLED: (-10, 20, 40, 180),
}


def make_round(world: World | None, phase: str = RoundPhase.APPLICATIONS_OPEN, *, opened_by=None, **changes) -> Round:
    """A round in `phase` by the server clock, opened by the World's programme manager (or
    `opened_by`). Made directly: the services refuse dates in the past."""
    now = timezone.now()
    today = timezone.localdate(now)
    opens, closes, starts, ends = PHASE_DAYS[RoundPhase(phase)]
    cancelled = phase == RoundPhase.CANCELLED
    values = {
        "title": f"Roles matrix round {phase} {world.token if world else ''}".strip(),
        "description": "Roles matrix round",
        "applications_open_at": now + timedelta(days=opens),
        "applications_close_at": now + timedelta(days=closes),
        "exchange_starts": today + timedelta(days=starts),
        "exchange_ends": today + timedelta(days=ends),
        "exchange_days": 5,
        "capacity_per_organisation": 3,
        "status": RoundStatus.CANCELLED if cancelled else RoundStatus.SCHEDULED,
        "cancel_reason": "Roles matrix reason" if cancelled else "",
        "cancelled_at": now if cancelled else None,
        "opened_by": opened_by or world.people["programme_manager"],
        **changes,
    }
    made = Round.objects.create(**values)
    assert made.phase_at(now) == phase, (made.phase_at(now), phase)
    return made


ROUND_SUBJECT = Subject(
    key="round",
    label="exchange round",
    states=tuple(
        (phase.value.replace("_", " "), lambda world, phase=phase: make_round(world, phase)) for phase in RoundPhase
    ),
)


def make_application(world: World, state: str = "waiting") -> Application:
    """An application of the public servant for the World's public body (its admin the
    organisation admin), in `state`: "waiting", "approved", "declined", or "waiting, applications
    closed" (the round is matching), "waiting, round finished", "waiting, round cancelled"."""
    phase = {
        "waiting, applications closed": RoundPhase.MATCHING,
        "waiting, round finished": RoundPhase.FINISHED,
        "waiting, round cancelled": RoundPhase.CANCELLED,
    }.get(state, RoundPhase.APPLICATIONS_OPEN)
    round = make_round(world, phase, title=f"Roles matrix round of an application {state} {world.token}")
    status = {"approved": ApplicationStatus.APPROVED, "declined": ApplicationStatus.DECLINED}.get(
        state, ApplicationStatus.WAITING
    )
    application = Application.objects.create(
        round=round,
        applicant=world.people["public_servant"],
        organisation=organisations_matrix.public_body(world),
        side=Side.PUBLIC,
        job="Roles matrix role",
        skills=["roles"],
        interests=["matrices"],
        languages=["English"],
        region="Roles matrix region",
        status=status,
        decline_reason="Roles matrix reason" if status == ApplicationStatus.DECLINED else "",
        decided_at=None if status == ApplicationStatus.WAITING else timezone.now(),
    )
    Availability.objects.create(application=application, starts=round.exchange_starts, ends=round.exchange_ends)
    return application


APPLICATION_STATES = (
    "waiting",
    "approved",
    "declined",
    "waiting, applications closed",
    "waiting, round finished",
    "waiting, round cancelled",
)
APPLICATION_SUBJECT = Subject(
    key="application",
    label="exchange application (of the public servant, for their public body)",
    states=tuple((state, lambda world, state=state: make_application(world, state)) for state in APPLICATION_STATES),
)

CASES = {
    "exchange.view_round": Case("Read the round's page: every round is public.", "round"),
    "exchange.open_round": Case("Open a round of the exchange: its windows, length, capacity and challenges."),
    "exchange.change_round": Case("Change the round, until it is finished or cancelled.", "round"),
    "exchange.cancel_round": Case("Cancel the round before it is finished, with a reason the public reads.", "round"),
    "exchange.apply": Case(
        "Apply to the round while it takes applications, for a verified public body or company one belongs to.",
        "round",
    ),
    "exchange.state_hosting": Case(
        "Say how many guests an organisation one administers can host in the round, until it is matched.", "round"
    ),
    "exchange.view_application": Case(
        "Read the application: its applicant, the admins of their organisation and the programme managers.",
        "application",
    ),
    "exchange.decide_application": Case(
        "Approve or decline the application (with a reason), as an admin of its organisation, until it is matched.",
        "application",
    ),
}
