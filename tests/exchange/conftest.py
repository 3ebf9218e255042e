"""What the exchange's tests share: the answers a programme manager gives to open a round,
rounds opened through the service, rounds put in a phase, and a signed-in client."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from ponte.core.roles import requires_two_factor
from ponte.exchange.matrix import make_round
from ponte.exchange.services import rounds as services
from tests.conftest import give_two_factor


def at(day, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def answers(**changes) -> dict:
    """A round's answers: applications open tomorrow for four weeks, exchanges in the ten weeks
    after that, unless changed."""
    today = timezone.localdate()
    return {
        "title": "Partnership for change 2027",
        "description": "Public servants and company employees swap jobs for a working week.",
        "applications_open_at": at(today + timedelta(days=1)),
        "applications_close_at": at(today + timedelta(days=29), 17),
        "exchange_starts": today + timedelta(days=60),
        "exchange_ends": today + timedelta(days=130),
        "exchange_days": 5,
        "capacity_per_organisation": 3,
        "challenges": [
            {"title": "Once-only certificates", "description": "Stop asking for what is already held."},
            {"title": "Plain-language letters", "description": ""},
        ],
        **changes,
    }


def open_round(actor, **changes):
    return services.round_open(actor=actor, **answers(**changes))


@pytest.fixture
def opened(programme_manager):
    """An upcoming round, opened through the service."""
    return open_round(programme_manager)


@pytest.fixture
def round_in(programme_manager):
    """A round in a phase by the server clock (made directly: the services refuse the past)."""

    def make(phase, **changes):
        return make_round(None, phase, opened_by=programme_manager, **changes)

    return make


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


def application_answers(round, **changes) -> dict:
    """What an applicant answers: free for two ranges inside the round's exchange window."""
    starts = round.exchange_starts
    return {
        "job": "Procurement officer",
        "skills": ["public procurement", "Plain language"],
        "interests": ["agile delivery", "cloud hosting"],
        "sectors_wanted": ["digital"],
        "languages": ["English", "French"],
        "region": "Brussels",
        "travels": True,
        "accessibility_needs": "",
        "availability": [
            (starts + timedelta(days=7), starts + timedelta(days=20)),
            (starts + timedelta(days=40), starts + timedelta(days=50)),
        ],
        **changes,
    }


def apply(actor, round, organisation, **changes):
    from ponte.exchange.services import applications

    return applications.application_submit(
        actor=actor, round=round, organisation=organisation, **application_answers(round, **changes)
    )


@pytest.fixture
def taking(round_in):
    """A round taking applications."""
    from ponte.exchange.models import RoundPhase

    return round_in(RoundPhase.APPLICATIONS_OPEN)


@pytest.fixture
def application(member, organisation, taking):
    """The member's application for the verified public body, waiting for its admin."""
    return apply(member, taking, organisation)
