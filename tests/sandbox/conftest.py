"""What the sandbox's tests share: a ministry and its official, calls opened through the
service or put in a phase, the answers of a complete application, applications written through
the services, and a signed-in client."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from ponte.core.roles import requires_two_factor
from ponte.sandbox.matrix import make_call
from ponte.sandbox.models import Application, ApplicationStatus, Exemption, Rule
from ponte.sandbox.services import applications as services
from ponte.sandbox.services import calls as call_services
from tests.conftest import give_two_factor
from tests.factories import MembershipFactory, OrganisationFactory


def at(day, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def call_answers(**changes) -> dict:
    """A call's answers: open since an hour ago, its deadline in 60 days, unless changed."""
    return {
        "title": "Right to challenge a rule, 2027",
        "description": "Public bodies may ask for a rule to be waived for a time.",
        "themes": ["Simpler permits", "Care closer to home"],
        "opens_at": timezone.now() - timedelta(hours=1),
        "closes_at": at(timezone.localdate() + timedelta(days=60), 17),
        **changes,
    }


@pytest.fixture
def ministry(db):
    return OrganisationFactory(name="Ministry of Social Affairs", slug="ministry-of-social-affairs", tier="ministry")


@pytest.fixture
def official(ministry):
    return MembershipFactory(organisation=ministry, role="admin", user__name="Mia Official").user


@pytest.fixture
def call(programme_manager):
    return call_services.call_open(actor=programme_manager, **call_answers())


@pytest.fixture
def call_in(programme_manager):
    """A call in a phase by the server clock (made directly: the services refuse the past)."""

    def make(phase, **changes):
        return make_call(None, phase, opened_by=programme_manager, **changes)

    return make


def complete(ministry, **changes) -> dict:
    """What a complete application holds, besides its rules."""
    today = timezone.localdate()
    return {
        "ministry": ministry,
        "barrier": "Each service opens its own file.",
        "alternative": "One shared plan.",
        "objective": "A plan within 10 working days.",
        "baseline": "31 working days in 2026.",
        "measurement": "Dates from the case systems, monthly.",
        "territory": "Lisbon region",
        "population": 120000,
        "affected": "Citizens helped by several services.",
        "starts": today + timedelta(days=90),
        "ends": today + timedelta(days=455),
        "safeguards": "Separate plans on request.",
        "evaluation_plan": "Difference in differences after 12 months.",
        "attests_lawful": True,
        "attests_no_advantage": True,
        "attests_legal_certainty": True,
        **changes,
    }


RULE = {"legal_reference": "Decree-Law no. 135/99", "article": "Article 7(2)", "wording": "Each service opens a file."}


@pytest.fixture
def draft(call, member, organisation):
    """A draft of the member's public body, its title alone."""
    return services.application_start(actor=member, call=call, coordinator=organisation, title="One shared plan")


@pytest.fixture
def ready(draft, member, ministry):
    """A complete draft, with a rule to waive: ready to send."""
    services.application_update(actor=member, application=draft, seen_version=draft.version, **complete(ministry))
    services.rule_add(actor=member, application=draft, **RULE)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def sent(ready, member, official):
    return services.application_submit(actor=member, application=ready)


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


def granted(call, body, ministry, sponsor, *, title="Fewer follow-up meetings", starts=0, days=365, rules=1):
    """An approved application with its exemption, from `starts` days from today for `days` days."""
    today = timezone.localdate()
    application = Application.objects.create(
        call=call,
        coordinator=body,
        ministry=ministry,
        title=title,
        alternative="Meetings when asked.",
        territory="Algarve",
        population=45000,
        objective="10 % faster to a job.",
        baseline="7.2 months.",
        legal_statement="Article 41 does not apply.",
        status=ApplicationStatus.APPROVED,
        created_by=sponsor,
        submitted_at=timezone.now(),
        submitted_by=sponsor,
        decided_at=timezone.now(),
    )
    for number in range(rules):
        Rule.objects.create(
            application=application, legal_reference="Decree-Law 220/2006", article=f"Art. {number}", wording="x"
        )
    exemption = Exemption(
        application=application,
        conditions="Reports every six months.",
        legal_basis="Order 4512/2025",
        starts=today + timedelta(days=starts),
        ends=today + timedelta(days=starts + days),
        sponsor=sponsor,
        decided_by=sponsor,
    )
    exemption.next_report_due = exemption.first_due_after(None)
    exemption.save()
    return exemption
