"""Rows of every programme, made directly with the moments the dashboard counts them at (the
services stamp the present), for the tests of the leadership dashboard and its API. Each
builder makes what a programme's figure counts, and nothing the figure reads is left to the
clock but what is asked."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from ponte.challenges.models import Award, Proposal
from ponte.exchange.matrix import make_round
from ponte.exchange.models import Application as ExchangeApplication
from ponte.exchange.models import RoundPhase
from ponte.lab.models import Experiment, Problem, Project
from ponte.learning.models import CORE_SKILLS, Certificate, Enrolment, SelfAssessment, Session, SkillScore
from ponte.learning.services import catalogue as catalogue_services
from ponte.recognition.models import AwardProgramme, Category, Kudos, Nomination
from ponte.sandbox.matrix import make_call
from ponte.sandbox.models import Exemption
from tests.factories import MembershipFactory, PublishedChallengeFactory, UserFactory
from tests.learning.conftest import course_answers
from tests.sandbox.conftest import granted


def quarter_bounds(quarter: str) -> tuple[datetime, datetime]:
    """The first moment of a quarter written "2025-Q2" and the first after it, in the
    platform's time zone: worked out here, not by the engine under test."""
    year, number = int(quarter[:4]), int(quarter[-1])
    first_month = 3 * (number - 1) + 1
    start = date(year, first_month, 1)
    end = date(year + 1, 1, 1) if number == 4 else date(year, first_month + 3, 1)
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end, time.min)),
    )


def at(quarter: str, day: int = 40, hour: int = 12) -> datetime:
    """A moment `day` days into the quarter written "2025-Q2"."""
    start, _end = quarter_bounds(quarter)
    return timezone.make_aware(datetime.combine(start.date() + timedelta(days=day), time(hour)))


def member_of(*organisations):
    """A new person, a member of each organisation given."""
    person = UserFactory()
    for organisation in organisations:
        MembershipFactory(user=person, organisation=organisation)
    return person


# Challenge marketplace --------------------------------------------------------------------------


def challenge(owner, quarter: str, *, deadline: datetime | None = None, **changes):
    """A challenge of `owner` published in the quarter, its deadline a few weeks later (past,
    unless given)."""
    published = at(quarter)
    return PublishedChallengeFactory(
        owner=owner,
        published_at=published,
        submitted_at=published - timedelta(days=3),
        organisation_approved_at=published - timedelta(days=2),
        approved_at=published - timedelta(days=1),
        deadline=deadline or published + timedelta(days=30),
        criteria=False,
        **changes,
    )


def proposal(challenge, company, quarter: str, *, status: str = "submitted") -> Proposal:
    return Proposal.objects.create(
        challenge=challenge,
        company=company,
        submitted_by=member_of(company),
        approach="A guided search.",
        team="Two developers.",
        price=Decimal("10000"),
        timeline="Three months.",
        status=status,
        submitted_at=at(quarter, day=20),
        withdrawn_at=at(quarter, day=25) if status == "withdrawn" else None,
    )


def award(proposal: Proposal, value: str, quarter: str) -> Award:
    return Award.objects.create(
        challenge=proposal.challenge,
        proposal=proposal,
        supplier=proposal.company,
        value=Decimal(value),
        awarded_at=at(quarter, day=60),
    )


# Experimentation lab ----------------------------------------------------------------------------


def lab_project(
    organisation,
    quarter: str,
    *,
    facet: str = "enhancement",
    stage: str = "investigate",
    stopped: str | None = None,
    lessons: str = "",
    title: str | None = None,
) -> Project:
    """A project of the organisation started in the quarter; stopped in `stopped`, when given."""
    author = member_of(organisation)
    problem = Problem.objects.create(
        organisation=organisation,
        submitted_by=author,
        title=title or f"A problem of {organisation.name}",
        description="People queue.",
        affected="Families.",
        evidence="Queues.",
        tried="A counter.",
        status="accepted",
    )
    project = Project.objects.create(
        problem=problem,
        organisation=organisation,
        title=title or f"A project of {organisation.name} from {quarter}",
        summary="Slots booked online.",
        facet=facet,
        budget=Decimal("15000"),
        targets="No queue over 15 minutes.",
        sponsor=UserFactory(is_sponsor=True),
        stage=stage,
        stage_entered_at=at(quarter),
        status="stopped" if stopped else "active",
        lessons=lessons,
        stopped_at=at(stopped, day=50) if stopped else None,
    )
    Project.objects.filter(pk=project.pk).update(created_at=at(quarter))
    project.refresh_from_db()
    return project


def experiment(project: Project, quarter: str | None, *, conclusion: str = "supported") -> Experiment:
    """An experiment of the project, concluded in the quarter (running when None)."""
    return Experiment.objects.create(
        project=project,
        title=f"Experiment {conclusion}",
        status="concluded" if quarter else "running",
        conclusion=conclusion if quarter else "",
        concluded_at=at(quarter, day=30) if quarter else None,
        registered_at=at(quarter or "2025-Q1", day=1),
        created_by=project.sponsor,
    )


# Staff exchange ---------------------------------------------------------------------------------


def exchange_round(programme_manager):
    return make_round(None, RoundPhase.APPLICATIONS_OPEN, opened_by=programme_manager)


def exchange_application(round, organisation, side: str, quarter: str, *, status: str = "approved"):
    """An application of a member of the organisation, decided in the quarter (waiting: none)."""
    application = ExchangeApplication.objects.create(
        round=round,
        applicant=member_of(organisation),
        organisation=organisation,
        side=side,
        job="Officer",
        region="Brussels",
        status=status,
        decided_at=None if status == "waiting" else at(quarter, day=10),
    )
    return application


# Regulatory sandbox -----------------------------------------------------------------------------


def sandbox_call(programme_manager):
    return make_call(None, "open", opened_by=programme_manager)


def exemption(
    call,
    coordinator,
    ministry,
    sponsor,
    quarter: str,
    *,
    running: bool = True,
    outcome: str = "",
    outcome_quarter: str | None = None,
    revoked: bool = False,
    title: str = "Fewer follow-up meetings",
) -> Exemption:
    """An exemption granted to `coordinator` in the quarter: running today, or over a month ago."""
    found = granted(call, coordinator, ministry, sponsor, title=title, **({} if running else {"starts": -400}))
    changes = {"created_at": at(quarter)}
    if outcome:
        changes |= {"outcome": outcome, "outcome_at": at(outcome_quarter or quarter, day=70)}
    if revoked:
        changes |= {"revoked_at": at(outcome_quarter or quarter, day=70)}
    Exemption.objects.filter(pk=found.pk).update(**changes)
    found.refresh_from_db()
    return found


# Learning ---------------------------------------------------------------------------------------


def course(programme_manager, title: str = "Prototyping public services"):
    return catalogue_services.course_add(actor=programme_manager, **course_answers(title=title))


def certificate(course, person, quarter: str, *, revoked: bool = False) -> Certificate:
    """The person's certificate of a session of the course, issued in the quarter."""
    ends = at(quarter, day=5, hour=17)
    session = Session.objects.create(
        course=course,
        starts_at=ends - timedelta(hours=8),
        ends_at=ends,
        place="Room 4.12",
        capacity=3,
        trainer=course.created_by,
        created_by=course.created_by,
    )
    enrolment = Enrolment.objects.create(session=session, person=person, status="enrolled", queued_at=ends)
    return Certificate.objects.create(
        enrolment=enrolment,
        person=person,
        name=person.name,
        course_title=course.title,
        hours=course.hours,
        completed_on=ends.date(),
        issued_at=ends,
        revoked_at=ends + timedelta(days=1) if revoked else None,
    )


def assessment(person, moment: datetime, score: str | Decimal = "3.00") -> SelfAssessment:
    """A self-assessment taken at `moment`, each core skill scored `score`."""
    taken = SelfAssessment.objects.create(person=person, taken_at=moment, answers={})
    SkillScore.objects.bulk_create(
        SkillScore(assessment=taken, skill=skill, score=Decimal(score)) for skill in CORE_SKILLS
    )
    return taken


# Recognition ------------------------------------------------------------------------------------


def programme(programme_manager, announced: str | None, *, year: int = 2025, categories: int = 1):
    """An award programme whose winners were announced in the quarter (None: not announced)."""
    opens = at(announced or "2025-Q1", day=0) - timedelta(days=80)
    made = AwardProgramme.objects.create(
        title=f"Public Innovation Awards {announced}",
        description="People, teams and projects.",
        year=year,
        nominations_open_at=opens,
        nominations_close_at=opens + timedelta(days=30),
        announced_at=at(announced, day=20) if announced else None,
        created_by=programme_manager,
    )
    for position in range(categories):
        Category.objects.create(programme=made, title=f"Category {position}", description="x", position=position)
    return made


def winner(category, kind: str, *, by=None, won: bool = True, status: str = "submitted") -> Nomination:
    programme = category.programme
    return Nomination.objects.create(
        category=category,
        kind=kind,
        nominee=f"A {kind} of {category.title}",
        organisation="AMA",
        statement="They changed a service.",
        nominated_by=by or UserFactory(),
        status=status,
        created_at=programme.nominations_open_at + timedelta(days=1),
        won_at=(programme.nominations_close_at + timedelta(days=2)) if won else None,
    )


def kudos(quarter: str, *, author=None) -> Kudos:
    return Kudos.objects.create(
        target_model="lab.project",
        target_id=1,
        author=author or UserFactory(),
        message="Thank you.",
        created_at=at(quarter),
    )
