"""What the recognition tests share: award programmes put in each phase directly (the services
refuse dates in the past), their categories and jury, nominations made through the service while
nominations are open, a lab project of a public body, and a signed-in client."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ponte.core.models import AuditEvent, Notification
from ponte.core.roles import requires_two_factor
from ponte.recognition.models import AwardProgramme, Category, Nomination
from ponte.recognition.services import nominations as nomination_services
from tests.conftest import give_two_factor
from tests.factories import UserFactory

# When nominations open and close, in days from now, for each phase; announced programmes have
# their winners announced a week after nominations closed.
PHASES = {"upcoming": (10, 40), "nominating": (-10, 20), "judging": (-40, -10), "announced": (-80, -50)}
STATEMENT = "She rewrote the residence-permit forms with the people who fill them in."


def dates_of(phase: str) -> dict:
    opens, closes = PHASES[phase]
    now = timezone.now()
    return {
        "nominations_open_at": now + timedelta(days=opens),
        "nominations_close_at": now + timedelta(days=closes),
        "announced_at": now + timedelta(days=closes + 7) if phase == "announced" else None,
    }


def put_in(programme: AwardProgramme, phase: str) -> AwardProgramme:
    """The programme moved to `phase` by its dates, read again."""
    AwardProgramme.objects.filter(pk=programme.pk).update(**dates_of(phase))
    return AwardProgramme.objects.get(pk=programme.pk)


def fresh(obj):
    """The object read again, without what the rules kept on it."""
    return type(obj).objects.get(pk=obj.pk)


def audited(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("pk"))


def received(kind: str) -> set[int]:
    """The ids of the people notified of this kind."""
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def message_of(error) -> str:
    """The single message of a refusal (pytest's ExceptionInfo of a ValidationError)."""
    return " ".join(error.value.messages)


@pytest.fixture
def juror(db):
    return UserFactory(name="Jules Juror", email="jules.juror@example.com")


@pytest.fixture
def second_juror(db):
    return UserFactory(name="Rita Recused", email="rita.recused@example.com")


@pytest.fixture
def make_programme(programme_manager):
    """A programme in a phase ("upcoming", "nominating", "judging", "announced"), set up by the
    programme manager, with a category per title given (the lesson category among them when
    `lessons` names it) and the people given on its jury."""

    def make(
        phase="nominating",
        *,
        title="Public Innovation Awards",
        year=2026,
        categories=("A service that changed lives",),
        lessons=None,
        jury=(),
    ):
        programme = AwardProgramme.objects.create(
            title=title,
            description="People, teams and projects that changed a public service.",
            year=year,
            created_by=programme_manager,
            **dates_of(phase),
        )
        for position, name in enumerate((*categories, *([lessons] if lessons else []))):
            Category.objects.create(
                programme=programme,
                title=name,
                description=f"What {name} recognises.",
                for_lessons=name == lessons,
                position=position,
            )
        programme.jury.add(*jury)
        return programme

    return make


@pytest.fixture
def nominate():
    """Nominate through the service: a person, unless changed; the programme must be open."""

    def make(by, category, **changes):
        values = {"kind": "person", "nominee": "Joana Ferreira", "organisation": "AMA", "statement": STATEMENT}
        return nomination_services.nominate(actor=by, category=category, **{**values, **changes})

    return make


@pytest.fixture
def judged(make_programme, nominate, citizen, juror, second_juror):
    """A programme the jury is scoring: the citizen nominated Joana Ferreira in its one category
    while nominations were open; the two jury members have declared nothing yet."""
    programme = make_programme("nominating", jury=[juror, second_juror])
    nomination = nominate(citizen, programme.categories.get())
    put_in(programme, "judging")
    return fresh(nomination)


@pytest.fixture
def lab_project(organisation, member, programme_manager):
    """A lab project of the organisation (a verified public body), its member on the team: seen
    by the body's people and the innovation unit, not by a citizen."""
    from ponte.lab.services import problems as problem_services
    from ponte.lab.services import projects as project_services

    problem = problem_services.problem_submit(
        actor=member,
        organisation=organisation,
        title="Parents queue for hours to enrol a child in school",
        description="Every spring, parents queue at the town hall because enrolment opens on one morning.",
        affected="About 4,000 families a year.",
        evidence="Queues of three hours in 2024.",
        tried="An extra counter in 2023.",
    )
    problem_services.problem_accept(actor=programme_manager, problem=problem)
    return project_services.project_start(
        actor=programme_manager,
        problem=problem,
        title="Enrolment slots booked online",
        summary="Parents book a time slot online instead of queuing at the town hall.",
        facet="enhancement",
        budget=Decimal("15000.00"),
        targets="No queue longer than 15 minutes.",
        sponsor=UserFactory(is_sponsor=True),
        team=[member],
    )


@pytest.fixture
def login(client):
    """Sign a person in on the test client (None: sign out). Staff roles get their second
    factor first, as they must to use the web."""

    def sign_in(user):
        client.logout()
        if user is None:
            return client
        if requires_two_factor(user) and not user.authenticator_set.exists():
            give_two_factor(user)
        client.force_login(user)
        return client

    return sign_in


def winners_of(programme) -> dict[str, str]:
    """{category title: winning nominee} of the programme."""
    return dict(
        Nomination.objects.filter(category__programme=programme, won_at__isnull=False).values_list(
            "category__title", "nominee"
        )
    )
