"""The role matrix's rounds, applications and pairs (docs/roles.md): one builder per phase or
state, used by the matrix and by the tests, and what each exchange permission means."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ponte.accounts.matrix import person
from ponte.core.rolematrix import Case, Subject, World
from ponte.organisations import matrix as organisations_matrix

from .days import working_day_after
from .models import (
    TEAM_LIMIT,
    Answer,
    Application,
    ApplicationStatus,
    Availability,
    MatchRun,
    Pair,
    PairStatus,
    Round,
    RoundChallenge,
    RoundPhase,
    RoundStatus,
    Side,
    TeamMember,
)

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


def _approved(world: World, round: Round, person: str, organisation, side: str) -> Application:
    application = Application.objects.create(
        round=round,
        applicant=world.people[person],
        organisation=organisation,
        side=side,
        job="Roles matrix role",
        skills=["roles"],
        interests=["matrices"],
        languages=["English"],
        region="Roles matrix region",
        status=ApplicationStatus.APPROVED,
        decided_at=timezone.now(),
    )
    Availability.objects.create(application=application, starts=round.exchange_starts, ends=round.exchange_ends)
    return application


def _monday_on_or_after(day):
    return day + timedelta(days=-day.weekday() % 7)


def _working_day_on_or_before(day):
    return day - timedelta(days=max(day.weekday() - 4, 0))


def make_pair(world: World, state: str = "proposed, sent") -> Pair:
    """A pair of the public servant (for the World's public body, whose admin is the
    organisation admin) and the company member (for the World's company), proposed by a run
    of the programme manager in a round being matched, in `state` (PAIR_STATES): its status,
    whether it was sent, who answered, and for a proposal sent, whether its week has begun
    (the round under way), is still to come in a round under way, or the round was cancelled;
    for a confirmed exchange, whether its days have begun or are over (the round under way);
    or cancelled by the public servant before its days.
    Made directly: the services refuse dates in the past."""
    phase = {
        "proposed, sent, week begun": RoundPhase.UNDER_WAY,
        "proposed, sent, round under way": RoundPhase.UNDER_WAY,
        "proposed, sent, round cancelled": RoundPhase.CANCELLED,
        "confirmed, days begun": RoundPhase.UNDER_WAY,
        "confirmed, over": RoundPhase.UNDER_WAY,
    }.get(state, RoundPhase.MATCHING)
    round = make_round(world, phase, title=f"Roles matrix round of a pair {state} {world.token}")
    public = _approved(world, round, "public_servant", organisations_matrix.public_body(world), Side.PUBLIC)
    company = _approved(world, round, "company_member", organisations_matrix.company(world), Side.COMPANY)
    run = MatchRun.objects.create(
        round=round,
        run_by=world.people["programme_manager"],
        public_applicants=1,
        company_applicants=1,
        pairs=1,
        kept_pairs=0,
        total_score=1,
    )
    today = timezone.localdate()
    if state == "proposed, sent, week begun":
        starts = today - timedelta(days=today.weekday())  # this week's Monday: the week has begun
    elif state == "confirmed, days begun":
        starts = _working_day_on_or_before(today)  # begun, its last day still to come
    elif state == "confirmed, over":
        starts = today - timedelta(days=today.weekday() + 14)  # a Monday two weeks ago: over since
    elif phase == RoundPhase.UNDER_WAY:
        starts = _monday_on_or_after(today + timedelta(days=7))
    else:
        starts = _monday_on_or_after(round.exchange_starts)
    now = timezone.now()
    confirmed = state.startswith("confirmed") or state == "cancelled"
    status = {
        "declined by the company member": PairStatus.DECLINED,
        "excluded after it was sent": PairStatus.EXCLUDED,
        "cancelled": PairStatus.CANCELLED,
    }.get(state, PairStatus.CONFIRMED if confirmed else PairStatus.PROPOSED)
    public_answer = Answer.ACCEPTED if confirmed or state == "proposed, sent, accepted by the public servant" else ""
    company_answer = Answer.ACCEPTED if confirmed else ""
    if state == "declined by the company member":
        company_answer = Answer.DECLINED
    decided_by = {
        "declined by the company member": "company_member",
        "excluded after it was sent": "programme_manager",
        "cancelled": "public_servant",
    }.get(state)
    return Pair.objects.create(
        round=round,
        run=run,
        public=public,
        company=company,
        score=1,
        reasons=[],
        slot_starts=starts,
        slot_ends=working_day_after(starts, round.exchange_days - 1),
        status=status,
        sent_at=None if state == "proposed, not sent" else now,
        public_answer=public_answer,
        company_answer=company_answer,
        reason="Roles matrix reason" if decided_by else "",
        decided_by=world.people[decided_by] if decided_by else None,
        decided_at=None if status == PairStatus.PROPOSED else now,
        sequence=1 if status == PairStatus.CANCELLED else 0,
    )


PAIR_STATES = (
    "proposed, not sent",
    "proposed, sent",
    "proposed, sent, accepted by the public servant",
    "proposed, sent, week begun",
    "proposed, sent, round under way",
    "proposed, sent, round cancelled",
    "confirmed",
    "confirmed, days begun",
    "confirmed, over",
    "cancelled",
    "declined by the company member",
    "excluded after it was sent",
)
PAIR_SUBJECT = Subject(
    key="pair",
    label="exchange pair (of the public servant and the company member)",
    states=tuple((state, lambda world, state=state: make_pair(world, state)) for state in PAIR_STATES),
)


def _team_application(round: Round, person, organisation, side: str, status: str) -> Application:
    application = Application.objects.create(
        round=round,
        applicant=person,
        organisation=organisation,
        side=side,
        job="Roles matrix role",
        skills=["roles"],
        interests=["matrices"],
        languages=["English"],
        region="Roles matrix region",
        status=status,
        decided_at=None if status == ApplicationStatus.WAITING else timezone.now(),
    )
    Availability.objects.create(application=application, starts=round.exchange_starts, ends=round.exchange_ends)
    return application


def make_team_challenge(
    world: World, state: str = "round matching, public servant approved, no team"
) -> RoundChallenge:
    """A challenge of a round, for mixed teams, in `state` (TEAM_CHALLENGE_STATES): the round's
    phase; the public servant's application (for the World's public body), approved unless it
    is waiting; and whether the public servant is in the challenge's team, in the team of
    another challenge of the round, or in none, or the team is full of TEAM_LIMIT other
    participants. Read back as the views read it (queries.teams.challenge_for), its team
    prefetched. Team members are made directly: the services refuse a round finished or
    cancelled."""
    from .queries.teams import challenge_for

    phase = RoundPhase(state.partition(",")[0].removeprefix("round ").replace(" ", "_"))
    round = make_round(world, phase, title=f"Roles matrix round of a team challenge {state} {world.token}")
    challenge = RoundChallenge.objects.create(round=round, title=f"Roles matrix challenge {state}", position=0)
    status = ApplicationStatus.WAITING if state.endswith("application waiting") else ApplicationStatus.APPROVED
    body = organisations_matrix.public_body(world)
    servant = world.people["public_servant"]
    application = _team_application(round, servant, body, Side.PUBLIC, status)
    if state.endswith("public servant in its team"):
        TeamMember.objects.create(challenge=challenge, round=round, person=servant, application=application)
    elif state.endswith("public servant in another team"):
        other = RoundChallenge.objects.create(round=round, title=f"Roles matrix other challenge {state}", position=1)
        TeamMember.objects.create(challenge=other, round=round, person=servant, application=application)
    elif state.endswith("team full"):
        company = organisations_matrix.company(world)
        for number in range(TEAM_LIMIT):
            participant = person(f"team_member_{challenge.pk}_{number}", "team member")(world)
            organisation, side = (body, Side.PUBLIC) if number % 2 else (company, Side.COMPANY)
            TeamMember.objects.create(
                challenge=challenge,
                round=round,
                person=participant,
                application=_team_application(round, participant, organisation, side, ApplicationStatus.APPROVED),
            )
    return challenge_for(challenge.pk)


TEAM_CHALLENGE_STATES = (
    "round matching, public servant approved, no team",
    "round matching, public servant in its team",
    "round matching, public servant in another team",
    "round matching, team full",
    "round matching, public servant's application waiting",
    "round finished, public servant approved, no team",
    "round finished, public servant in its team",
    "round cancelled, public servant in its team",
)
TEAM_CHALLENGE_SUBJECT = Subject(
    key="round challenge",
    label="challenge of an exchange round (for mixed teams)",
    states=tuple(
        (state, lambda world, state=state: make_team_challenge(world, state)) for state in TEAM_CHALLENGE_STATES
    ),
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
    "exchange.view_matching": Case(
        "Read the round's matching: its latest run, the pairs proposed and who could not be paired, and why.",
        "round",
    ),
    "exchange.run_matching": Case(
        "Run the matching on the round's approved applications while it is matched, keeping the pairs locked, "
        "sent or confirmed.",
        "round",
    ),
    "exchange.send_proposals": Case(
        "Send the proposals not sent yet to the two people of each pair, while the round is matched.", "round"
    ),
    "exchange.view_pair": Case(
        "Read the pair: the programme managers, and once it is sent its two people, their organisations' admins "
        "and the mentors of its visits.",
        "pair",
    ),
    "exchange.change_pair": Case(
        "Lock a proposal (a run keeps it) or exclude it (it is never proposed again), while the round is matched.",
        "pair",
    ),
    "exchange.answer_pair": Case(
        "Accept or decline (with a reason) a proposal sent to one, once, until its week begins.", "pair"
    ),
    "exchange.plan_visit": Case(
        "Name the mentor and write the programme of the guest one's organisation hosts, as its admin, once the "
        "exchange is confirmed and until it is over.",
        "pair",
    ),
    "exchange.reschedule_pair": Case(
        "Move the days of a confirmed exchange, as one of its two people or a programme manager, before they begin.",
        "pair",
    ),
    "exchange.cancel_pair": Case(
        "Cancel a confirmed exchange (with a reason both read), as one of its two people or a programme manager, "
        "until it is over.",
        "pair",
    ),
    "exchange.give_guest_feedback": Case(
        "Answer the survey of one's own visit, with a learning report, once the exchange is over.", "pair"
    ),
    "exchange.give_host_feedback": Case(
        "Answer the survey of the visit one's organisation hosted (as its admin or the guest's mentor), once the "
        "exchange is over.",
        "pair",
    ),
    "exchange.record_follow_up": Case(
        "Record a collaboration that followed the exchange, as one of its people, an admin of their organisations "
        "or a programme manager, once it is over.",
        "pair",
    ),
    "exchange.join_team": Case(
        "Join the team of the challenge, as an approved applicant of its round in no team yet, while the round "
        "is live and the team has room.",
        "round challenge",
    ),
    "exchange.leave_team": Case("Leave the challenge's team one is in, while the round is live.", "round challenge"),
    "exchange.view_team": Case(
        "Read who is in the challenge's team: the round's approved applicants and the programme managers.",
        "round challenge",
    ),
    "exchange.update_change_meter": Case(
        "Post a dated update of the challenge's Change Meter with its evidence, as one of its team or a programme "
        "manager, unless the round is cancelled.",
        "round challenge",
    ),
}
