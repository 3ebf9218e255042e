"""Mixed teams and the Change Meter: the round's approved applicants join one team of its
challenges while it is live; the team and the programme managers post dated updates with
evidence, which everyone reads on the challenge's page, the round's page and the API; bad input
keeps what was typed beside a clear message."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ponte.core.models import AuditEvent, Notification
from ponte.exchange.models import ApplicationStatus, ChangeUpdate, RoundChallenge, RoundPhase, Side, TeamMember
from ponte.exchange.services import teams as services
from tests.reading import Page

from .test_matching_views import applicant

pytestmark = pytest.mark.django_db


@pytest.fixture
def round(round_in):
    made = round_in(RoundPhase.MATCHING)
    RoundChallenge.objects.create(round=made, title="Once-only certificates", position=0)
    RoundChallenge.objects.create(round=made, title="Faster permits", position=1)
    return made


@pytest.fixture
def challenge(round):
    return round.challenges.get(title="Once-only certificates")


def test_an_approved_applicant_joins_one_team_a_round_and_may_leave_it(round, challenge):
    person = applicant(round, Side.PUBLIC).applicant
    services.team_join(actor=person, challenge=challenge)
    assert TeamMember.objects.filter(challenge=challenge, person=person).exists()
    other = round.challenges.get(title="Faster permits")
    with pytest.raises(ValidationError, match="You are in the team of “Once-only certificates” already"):
        services.team_join(actor=person, challenge=other)
    services.team_leave(actor=person, challenge=challenge)
    services.team_join(actor=person, challenge=other)
    assert list(TeamMember.objects.values_list("challenge__title", flat=True)) == ["Faster permits"]
    assert list(AuditEvent.objects.filter(verb__in=["join_team", "leave_team"]).values_list("verb", flat=True)) == [
        "join_team",
        "leave_team",
        "join_team",
    ]


def test_only_approved_applicants_of_the_round_join_while_it_is_live(round, round_in, challenge, member):
    waiting = applicant(round, Side.COMPANY, status=ApplicationStatus.WAITING).applicant
    for person in (member, waiting):
        with pytest.raises(PermissionDenied):
            services.team_join(actor=person, challenge=challenge)
    finished = round_in(RoundPhase.FINISHED)
    late = RoundChallenge.objects.create(round=finished, title="Open budgets")
    person = applicant(finished, Side.PUBLIC).applicant
    with pytest.raises(PermissionDenied):
        services.team_join(actor=person, challenge=late)
    assert not TeamMember.objects.exists()


def test_a_full_team_takes_nobody_more(round, challenge, monkeypatch):
    from ponte.exchange import rules

    monkeypatch.setattr(rules, "TEAM_LIMIT", 2)
    for _ in range(2):
        services.team_join(actor=applicant(round, Side.PUBLIC).applicant, challenge=challenge)
    with pytest.raises(PermissionDenied):
        services.team_join(actor=applicant(round, Side.COMPANY).applicant, challenge=challenge)


def test_the_team_posts_updates_the_others_are_told_and_outsiders_may_not(round, challenge, programme_manager):
    first, second = applicant(round, Side.PUBLIC).applicant, applicant(round, Side.COMPANY).applicant
    outsider = applicant(round, Side.PUBLIC).applicant
    for person in (first, second):
        services.team_join(actor=person, challenge=challenge)
    services.change_update_post(
        actor=first, challenge=challenge, percent=30, summary="Pilot live.", evidence="Decree 12/2027."
    )
    services.change_update_post(
        actor=programme_manager,
        challenge=challenge,
        percent=45,
        summary="Two more services.",
        evidence="Usage figures.",
        evidence_url="https://example.org/figures",
    )
    assert list(ChangeUpdate.objects.values_list("percent", flat=True)) == [45, 30]
    told = Notification.objects.filter(kind="exchange.change_meter_updated")
    assert sorted(told.values_list("recipient__email", flat=True)) == sorted([second.email, first.email, second.email])
    with pytest.raises(PermissionDenied):
        services.change_update_post(actor=outsider, challenge=challenge, percent=50, summary="x", evidence="y")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"percent": 101}, "percent"),
        ({"percent": -1}, "percent"),
        ({"percent": True}, "percent"),
        ({"summary": "  "}, "summary"),
        ({"evidence": ""}, "evidence"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"evidence_url": "https://" + "a" * 500 + ".org"}, "evidence_url"),
    ],
)
def test_bad_updates_are_refused_beside_their_field(programme_manager, challenge, changes, field):
    values = {"percent": 10, "summary": "Pilot live.", "evidence": "Decree.", "evidence_url": "", **changes}
    with pytest.raises(ValidationError) as error:
        services.change_update_post(actor=programme_manager, challenge=challenge, **values)
    assert field in error.value.message_dict
    assert not ChangeUpdate.objects.exists()


def test_everyone_reads_the_meter_participants_read_the_team(login, round, challenge, member):
    person = applicant(round, Side.PUBLIC).applicant
    services.team_join(actor=person, challenge=challenge)
    services.change_update_post(actor=person, challenge=challenge, percent=30, summary="Pilot.", evidence="Decree.")
    round_page = Page(Client().get(round.get_absolute_url()))
    assert "Change Meter: 30% implemented" in round_page.text()
    visitor = Page(Client().get(round_page.link("Once-only certificates")))
    assert "Change Meter: 30% implemented" in visitor.text() and "Decree." in visitor.text()
    assert person.name not in visitor.text() and "1 member" in visitor.text()
    assert person.name not in Page(login(member).get(challenge.get_absolute_url())).text()
    colleague = applicant(round, Side.COMPANY).applicant
    page = Page(login(colleague).get(challenge.get_absolute_url()))
    assert person.name in page.text()
    login(colleague).post(f"/exchange/challenges/{challenge.pk}/join/")
    assert TeamMember.objects.filter(person=colleague, challenge=challenge).exists()
    body = Client().get(f"/api/exchange/rounds/{round.pk}").json()
    assert [(c["title"], c["change_meter"], c["team_size"]) for c in body["challenges"]] == [
        ("Once-only certificates", 30, 2),
        ("Faster permits", None, 0),
    ]


def test_a_bad_update_keeps_what_was_typed(login, round, challenge):
    person = applicant(round, Side.PUBLIC).applicant
    services.team_join(actor=person, challenge=challenge)
    client = login(person)
    response = client.post(
        f"/exchange/challenges/{challenge.pk}/update/",
        {"percent": "150", "summary": "Pilot live in three towns.", "evidence": "", "evidence_url": ""},
    )
    page = Page(response)
    assert response.status_code == 200
    assert "Give how much of the change is implemented, from 0 to 100 percent." in page.text()
    assert "Pilot live in three towns." in response.content.decode()
    assert not ChangeUpdate.objects.exists()


def test_the_challenge_page_reads_as_many_queries_whatever_its_team_and_updates(login, round, challenge):
    viewer = applicant(round, Side.PUBLIC).applicant
    client = login(viewer)

    def queries_with(people: int) -> int:
        for _ in range(people):
            person = applicant(round, Side.COMPANY).applicant
            services.team_join(actor=person, challenge=challenge)
            services.change_update_post(actor=person, challenge=challenge, percent=5, summary="s", evidence="e")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(challenge.get_absolute_url()).status_code == 200
        return len(captured)

    assert queries_with(1) == queries_with(4)
