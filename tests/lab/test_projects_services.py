"""Projects through the services: the lab team starts one from an accepted problem, its sponsor
accepts or declines it, its team asks at each gate and the sponsor decides; each move audited
and told to whom it concerns, and refused to anyone else or in any other state."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ponte.core.models import AuditEvent, Notification
from ponte.lab.models import (
    PROJECT_NEEDED,
    STOP,
    Facet,
    GateDecision,
    GateRequest,
    ProblemStatus,
    Project,
    ProjectStatus,
    Sponsorship,
    stages,
)
from ponte.lab.services import projects as services
from ponte.lab.services.projects import MAX_BUDGET
from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory, UserFactory

from .conftest import PROJECT_ANSWERS, advance, ask, decide, start, submit

pytestmark = pytest.mark.django_db

DECLINE_NOTE = "Say why you decline: the lab team reads it."
LAST_STAGE = "The project is at its last stage: the only move left is to stop it."


def audit_rows(obj, verb=None):
    rows = AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk))
    return rows.filter(verb=verb) if verb else rows


def notes(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    return rows.filter(kind=kind) if kind else rows


def told(kind):
    return {n.recipient for n in Notification.objects.filter(kind=kind)}


def needed(name) -> list[str]:
    return [str(PROJECT_NEEDED[name])]


# Starting a project --------------------------------------------------------------------------------


def test_a_programme_manager_starts_a_project_at_the_first_stage_for_the_problems_body(
    accepted, organisation, member, org_admin, programme_manager, sponsor
):
    before = timezone.now()
    project = start(
        programme_manager,
        accepted,
        title="  Enrolment slots booked online ",
        sponsor=sponsor,
        team=[member, org_admin],
    )

    project = Project.objects.get()
    assert project.problem == accepted and project.organisation == organisation
    assert project.title == "Enrolment slots booked online"  # without the spaces around it
    assert (project.summary, project.targets, project.partners) == (
        PROJECT_ANSWERS["summary"],
        PROJECT_ANSWERS["targets"],
        PROJECT_ANSWERS["partners"],
    )
    assert (project.facet, project.budget) == (Facet.ENHANCEMENT, Decimal("15000.00"))
    assert project.stage == stages()[0] == "investigate"
    assert before <= project.stage_entered_at <= timezone.now()
    assert project.status == ProjectStatus.ACTIVE and project.stopped_at is None
    assert (project.sponsor, project.sponsorship) == (sponsor, Sponsorship.ASKED)
    assert set(project.team.all()) == {member, org_admin}

    [event] = audit_rows(project)
    assert (event.verb, event.actor) == ("create", programme_manager)
    assert event.after == {
        "title": "Enrolment slots booked online",
        "sponsor": sponsor.email,
        "team": sorted([member.email, org_admin.email]),
    }

    [asked] = notes(sponsor)
    assert asked.kind == "lab.sponsorship_asked" and asked.url == project.get_absolute_url()
    assert "Enrolment slots booked online" in asked.message
    assert told("lab.project_started") == {member, org_admin}
    assert notes(member, "lab.project_started").get().url == project.get_absolute_url()
    assert not notes(programme_manager).exists()


def test_the_problem_page_then_leads_to_the_project_and_offers_no_second_one(accepted, programme_manager, project):
    accepted.refresh_from_db()
    assert accepted.project == project
    assert not programme_manager.has_perm("lab.add_project", accepted)


@pytest.mark.parametrize(
    "who", ["member", "org_admin", "sponsor", "platform_admin", "citizen", "deactivated programme manager"]
)
def test_only_a_programme_manager_starts_a_project(request, accepted, member, sponsor, who):
    person = (
        UserFactory(is_programme_manager=True, is_active=False)
        if who == "deactivated programme manager"
        else request.getfixturevalue(who)
    )
    with pytest.raises(PermissionDenied):
        start(person, accepted, sponsor=sponsor, team=[member])
    assert not Project.objects.exists()
    assert not Notification.objects.filter(kind__in=["lab.sponsorship_asked", "lab.project_started"]).exists()


@pytest.mark.parametrize(
    "status",
    [ProblemStatus.SUBMITTED, ProblemStatus.MERGED, ProblemStatus.SENT_TO_MARKETPLACE, ProblemStatus.DECLINED],
)
def test_a_project_starts_only_from_an_accepted_problem(problem, put_in, programme_manager, member, sponsor, status):
    put_in(problem, status)
    with pytest.raises(PermissionDenied):
        start(programme_manager, problem, sponsor=sponsor, team=[member])
    assert not Project.objects.exists()
    assert not notes(sponsor).exists()


def test_a_problem_has_one_project(project, accepted, member, sponsor):
    colleague = UserFactory(is_programme_manager=True)
    with pytest.raises(PermissionDenied):
        start(colleague, accepted, title="A second go at the same queue", sponsor=sponsor, team=[member])
    assert list(Project.objects.all()) == [project]
    assert notes(sponsor).count() == 1


def _not_a_sponsor(organisation):
    return UserFactory(name="Nadia Nosponsor")


def _inactive_sponsor(organisation):
    return UserFactory(is_sponsor=True, is_active=False)


def _programme_manager_without_the_sponsor_role(organisation):
    return UserFactory(is_programme_manager=True)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("title", ""),
        ("title", "  \n "),
        ("summary", ""),
        ("summary", "   "),
        ("targets", ""),
        ("targets", " \t "),
        ("facet", ""),
        ("facet", "disruptive"),
        ("facet", None),
        ("budget", None),
        ("budget", Decimal("-0.01")),
        ("budget", Decimal("-15000")),
        ("budget", MAX_BUDGET + Decimal("0.01")),
        ("budget", Decimal("1e15")),
        ("sponsor", None),
        ("sponsor", _not_a_sponsor),
        ("sponsor", _inactive_sponsor),
        ("sponsor", _programme_manager_without_the_sponsor_role),
    ],
    ids=lambda value: getattr(value, "__name__", None) or repr(value),
)
def test_each_missing_or_wrong_answer_is_refused_with_its_own_message(
    accepted, organisation, programme_manager, member, sponsor, name, value
):
    if callable(value):
        value = value(organisation)
    answers = {"sponsor": sponsor, "team": [member], name: value}
    with pytest.raises(ValidationError) as refused:
        start(programme_manager, accepted, **answers)
    assert refused.value.message_dict == {name: needed(name)}
    assert not Project.objects.exists()
    assert not Notification.objects.filter(kind__in=["lab.sponsorship_asked", "lab.project_started"]).exists()
    assert not audit_rows(accepted, "create").exists()


def test_every_missing_answer_is_named_at_once(accepted, programme_manager):
    with pytest.raises(ValidationError) as refused:
        start(
            programme_manager, accepted, title="", summary="", targets="", facet="", budget=None, sponsor=None, team=[]
        )
    errors = refused.value.message_dict
    assert set(errors) == {"title", "summary", "targets", "facet", "budget", "sponsor", "team"}
    for name in ("title", "summary", "targets", "facet", "budget", "sponsor"):
        assert errors[name] == needed(name)
    # The messages say what each answer is for: no two alike.
    assert len({str(message) for message in PROJECT_NEEDED.values()}) == len(PROJECT_NEEDED)


@pytest.mark.parametrize("budget", [Decimal("0"), Decimal("0.01"), MAX_BUDGET])
def test_a_budget_from_zero_to_the_largest_kept_is_accepted(accepted, programme_manager, member, sponsor, budget):
    project = start(programme_manager, accepted, budget=budget, sponsor=sponsor, team=[member])
    project.refresh_from_db()
    assert project.budget == budget


@pytest.mark.parametrize("facet", Facet.values)
def test_every_innovation_facet_is_accepted(accepted, programme_manager, member, sponsor, facet):
    assert start(programme_manager, accepted, facet=facet, sponsor=sponsor, team=[member]).facet == facet


def test_a_title_longer_than_200_characters_is_refused(accepted, programme_manager, member, sponsor):
    with pytest.raises(ValidationError) as refused:
        start(programme_manager, accepted, title="x" * 201, sponsor=sponsor, team=[member])
    assert list(refused.value.message_dict) == ["title"]
    assert not Project.objects.exists()


def test_partners_are_optional(accepted, programme_manager, member, sponsor):
    assert start(programme_manager, accepted, partners="", sponsor=sponsor, team=[member]).partners == ""


def test_a_project_needs_a_team(accepted, organisation, programme_manager, sponsor):
    with pytest.raises(ValidationError) as refused:
        start(programme_manager, accepted, sponsor=sponsor, team=[])
    [message] = refused.value.message_dict["team"]
    assert organisation.name in message
    assert list(refused.value.message_dict) == ["team"]
    assert not Project.objects.exists()


def test_a_team_member_outside_the_public_body_is_refused_by_their_address(
    accepted, organisation, programme_manager, member, sponsor
):
    company_person = MembershipFactory(organisation=CompanyFactory(), user__email="ceo@startup.example").user
    other_servant = MembershipFactory(organisation=OrganisationFactory(), user__email="clerk@region.example").user
    with pytest.raises(ValidationError) as refused:
        start(programme_manager, accepted, sponsor=sponsor, team=[member, company_person, other_servant])
    [message] = refused.value.message_dict["team"]
    assert "ceo@startup.example" in message and "clerk@region.example" in message
    assert member.email not in message
    assert organisation.name in message
    assert not Project.objects.exists()
    assert not notes(member, "lab.project_started").exists()


def test_the_sponsor_outside_the_body_is_no_obstacle_but_a_sponsor_in_the_team_must_be_a_member(
    accepted, programme_manager, member, sponsor
):
    with pytest.raises(ValidationError) as refused:
        start(programme_manager, accepted, sponsor=sponsor, team=[member, sponsor])
    assert sponsor.email in refused.value.message_dict["team"][0]
    assert start(programme_manager, accepted, sponsor=sponsor, team=[member]).sponsor == sponsor


# The sponsor's answer --------------------------------------------------------------------------------


def test_the_sponsor_accepts_and_the_lab_team_and_the_team_are_told(project, sponsor, member, programme_manager):
    colleague = UserFactory(is_programme_manager=True)
    retired = UserFactory(is_programme_manager=True, is_active=False)
    services.sponsorship_answer(actor=sponsor, project=project, accept=True)

    project.refresh_from_db()
    assert project.sponsorship == Sponsorship.ACCEPTED and project.sponsorship_answered_at is not None
    event = audit_rows(project, "accept_sponsorship").get()
    assert event.actor == sponsor and event.after == {"sponsorship": "accepted"}
    assert told("lab.sponsorship_accepted") == {programme_manager, colleague, member}
    assert not notes(retired).exists()
    note = notes(member, "lab.sponsorship_accepted").get()
    assert note.url == project.get_absolute_url()
    assert project.title in note.message and sponsor.name in note.message


@pytest.mark.parametrize("note", ["", "  \n "])
def test_declining_needs_a_note(project, sponsor, member, note):
    with pytest.raises(ValidationError) as refused:
        services.sponsorship_answer(actor=sponsor, project=project, accept=False, note=note)
    assert refused.value.message_dict == {"note": [DECLINE_NOTE]}
    project.refresh_from_db()
    assert project.sponsorship == Sponsorship.ASKED and project.sponsorship_answered_at is None
    assert not audit_rows(project, "decline_sponsorship").exists()
    assert not notes(member, "lab.sponsorship_declined").exists()


def test_the_sponsor_declines_saying_why_and_the_lab_team_and_the_team_read_it(
    project, sponsor, member, programme_manager
):
    services.sponsorship_answer(actor=sponsor, project=project, accept=False, note="  Not in my portfolio. ")
    project.refresh_from_db()
    assert project.sponsorship == Sponsorship.DECLINED and project.sponsorship_answered_at is not None
    assert project.sponsorship_note == "Not in my portfolio."
    assert audit_rows(project, "decline_sponsorship").get().reason == "Not in my portfolio."
    assert told("lab.sponsorship_declined") == {programme_manager, member}
    assert "Not in my portfolio." in notes(programme_manager, "lab.sponsorship_declined").get().message
    # A declined project is not yet on its way: its team may not ask at a gate.
    assert not member.has_perm("lab.request_gate", project)


@pytest.mark.parametrize("who", ["another sponsor", "programme_manager", "member", "org_admin", "platform_admin"])
@pytest.mark.parametrize("accept", [True, False])
def test_only_the_named_sponsor_answers(request, project, who, accept):
    person = UserFactory(is_sponsor=True) if who == "another sponsor" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.sponsorship_answer(actor=person, project=project, accept=accept, note="I answer for them.")
    project.refresh_from_db()
    assert project.sponsorship == Sponsorship.ASKED


def test_the_named_sponsor_who_lost_the_role_no_longer_answers(project, sponsor):
    sponsor.is_sponsor = False
    sponsor.save(update_fields=["is_sponsor"])
    with pytest.raises(PermissionDenied):
        services.sponsorship_answer(actor=sponsor, project=project, accept=True)
    project.refresh_from_db()
    assert project.sponsorship == Sponsorship.ASKED


@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("again", [True, False])
def test_the_sponsor_answers_once(project, sponsor, first, again):
    services.sponsorship_answer(actor=sponsor, project=project, accept=first, note="First answer.")
    project.refresh_from_db()
    state = project.sponsorship
    with pytest.raises(PermissionDenied):
        services.sponsorship_answer(actor=sponsor, project=project, accept=again, note="Second answer.")
    project.refresh_from_db()
    assert project.sponsorship == state
    assert project.sponsorship_note == "First answer."


# Asking another sponsor ---------------------------------------------------------------------------------


@pytest.fixture
def declined(project, sponsor):
    services.sponsorship_answer(actor=sponsor, project=project, accept=False, note="Not in my portfolio.")
    project.refresh_from_db()
    return project


def test_after_a_decline_the_lab_team_asks_another_sponsor(declined, sponsor, programme_manager):
    other = UserFactory(name="Otto Othersponsor", is_sponsor=True)
    services.sponsor_ask_again(actor=programme_manager, project=declined, sponsor=other)

    declined.refresh_from_db()
    assert (declined.sponsor, declined.sponsorship) == (other, Sponsorship.ASKED)
    assert declined.sponsorship_note == "" and declined.sponsorship_answered_at is None
    event = audit_rows(declined, "ask_sponsor").get()
    assert event.actor == programme_manager and event.reason == f"{sponsor.email} → {other.email}"
    asked = notes(other, "lab.sponsorship_asked").get()
    assert asked.url == declined.get_absolute_url()
    assert notes(sponsor, "lab.sponsorship_asked").count() == 1  # only the first time
    # The new sponsor answers; the one who declined no longer may.
    assert other.has_perm("lab.answer_sponsorship", declined)
    assert not sponsor.has_perm("lab.answer_sponsorship", declined)
    services.sponsorship_answer(actor=other, project=declined, accept=True)
    declined.refresh_from_db()
    assert declined.sponsorship == Sponsorship.ACCEPTED


def test_the_same_sponsor_may_be_asked_again_once_convinced(declined, sponsor, programme_manager):
    services.sponsor_ask_again(actor=programme_manager, project=declined, sponsor=sponsor)
    declined.refresh_from_db()
    assert (declined.sponsor, declined.sponsorship) == (sponsor, Sponsorship.ASKED)
    assert notes(sponsor, "lab.sponsorship_asked").count() == 2


@pytest.mark.parametrize("state", ["asked", "accepted"])
def test_another_sponsor_is_asked_only_after_a_decline(project, sponsor, programme_manager, state):
    if state == "accepted":
        services.sponsorship_answer(actor=sponsor, project=project, accept=True)
    other = UserFactory(is_sponsor=True)
    with pytest.raises(PermissionDenied):
        services.sponsor_ask_again(actor=programme_manager, project=project, sponsor=other)
    project.refresh_from_db()
    assert project.sponsor == sponsor and project.sponsorship == state
    assert not notes(other).exists()


@pytest.mark.parametrize("who", ["member", "org_admin", "sponsor", "platform_admin"])
def test_only_programme_managers_ask_another_sponsor(request, declined, sponsor, who):
    other = UserFactory(is_sponsor=True)
    with pytest.raises(PermissionDenied):
        services.sponsor_ask_again(actor=request.getfixturevalue(who), project=declined, sponsor=other)
    declined.refresh_from_db()
    assert (declined.sponsor, declined.sponsorship) == (sponsor, Sponsorship.DECLINED)


@pytest.mark.parametrize("make", [_not_a_sponsor, _inactive_sponsor, _programme_manager_without_the_sponsor_role, None])
def test_the_sponsor_asked_again_needs_the_role(declined, organisation, sponsor, programme_manager, make):
    other = make(organisation) if make else None
    with pytest.raises(ValidationError) as refused:
        services.sponsor_ask_again(actor=programme_manager, project=declined, sponsor=other)
    assert refused.value.message_dict == {"sponsor": needed("sponsor")}
    declined.refresh_from_db()
    assert (declined.sponsor, declined.sponsorship) == (sponsor, Sponsorship.DECLINED)
    assert declined.sponsorship_note == "Not in my portfolio."
    assert not audit_rows(declined, "ask_sponsor").exists()


# Asking at a gate -----------------------------------------------------------------------------------


def test_a_team_member_asks_to_move_on_and_the_sponsor_is_told(sponsored, member, sponsor):
    gate = ask(member, sponsored, evidence="  Waiting times fell by half.  ")

    gate.refresh_from_db()
    assert (gate.project, gate.from_stage, gate.to_stage) == (sponsored, "investigate", "co_create")
    assert gate.decision == GateDecision.PENDING and gate.decided_at is None
    assert gate.evidence == "Waiting times fell by half." and gate.lessons == ""
    assert gate.requested_by == member
    event = audit_rows(sponsored, "request_gate").get()
    assert event.actor == member and event.after == {"from": "investigate", "to": "co_create"}
    note = notes(sponsor, "lab.gate_requested").get()
    assert note.url == sponsored.get_absolute_url() and sponsored.title in note.message
    sponsored.refresh_from_db()
    assert sponsored.stage == "investigate"  # nothing moves before the sponsor decides


def test_a_team_member_asks_to_stop_with_the_lessons(sponsored, member, sponsor):
    gate = ask(member, sponsored, stop=True, lessons="  Parents prefer the phone. ")
    assert gate.to_stage == STOP and gate.asks_to_stop
    assert gate.lessons == "Parents prefer the phone."
    assert audit_rows(sponsored, "request_gate").get().after == {"from": "investigate", "to": STOP}
    assert notes(sponsor, "lab.gate_requested").exists()


@pytest.mark.parametrize("lessons", ["", "   "])
def test_asking_to_stop_needs_the_lessons(sponsored, member, sponsor, lessons):
    with pytest.raises(ValidationError) as refused:
        ask(member, sponsored, stop=True, lessons=lessons)
    assert refused.value.message_dict == {"lessons": needed("lessons")}
    assert not GateRequest.objects.exists()
    assert not notes(sponsor, "lab.gate_requested").exists()


@pytest.mark.parametrize("stop", [False, True])
@pytest.mark.parametrize("evidence", ["", " \n "])
def test_asking_needs_the_evidence(sponsored, member, sponsor, stop, evidence):
    with pytest.raises(ValidationError) as refused:
        ask(member, sponsored, stop=stop, evidence=evidence)
    expected = {"evidence": needed("evidence")}
    if stop:
        expected["lessons"] = needed("lessons")
    assert refused.value.message_dict == expected
    assert not GateRequest.objects.exists()
    assert not audit_rows(sponsored, "request_gate").exists()


@pytest.mark.parametrize("who", ["colleague", "org_admin", "sponsor", "programme_manager", "platform_admin"])
def test_only_a_team_member_asks_at_a_gate(request, sponsored, organisation, who):
    """A colleague in the body and its admin see the project, but are not on its team."""
    person = MembershipFactory(organisation=organisation).user if who == "colleague" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        ask(person, sponsored)
    assert not GateRequest.objects.exists()


def test_every_team_member_may_ask(accepted, programme_manager, sponsor, member, organisation):
    colleague = MembershipFactory(organisation=organisation).user
    project = start(programme_manager, accepted, sponsor=sponsor, team=[member, colleague])
    services.sponsorship_answer(actor=sponsor, project=project, accept=True)
    assert ask(colleague, project).requested_by == colleague


@pytest.mark.parametrize("state", ["sponsor asked", "sponsor declined", "stopped"])
def test_the_team_asks_only_once_the_project_is_sponsored_and_active(project, member, sponsor, state):
    if state == "sponsor declined":
        services.sponsorship_answer(actor=sponsor, project=project, accept=False, note="No budget line.")
    elif state == "stopped":
        services.sponsorship_answer(actor=sponsor, project=project, accept=True)
        ask(member, project, stop=True, lessons="Parents prefer the phone.")
        decide(sponsor, project, "go")
        assert project.status == ProjectStatus.STOPPED
    asked_before = GateRequest.objects.count()
    with pytest.raises(PermissionDenied):
        ask(member, project)
    assert GateRequest.objects.count() == asked_before


def test_one_question_before_the_sponsor_at_a_time(sponsored, member, organisation, programme_manager):
    ask(member, sponsored)
    with pytest.raises(PermissionDenied):
        ask(member, sponsored, stop=True, lessons="Changed our mind.")
    assert GateRequest.objects.filter(decision=GateDecision.PENDING).count() == 1
    # The database holds to it too, whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        GateRequest.objects.create(
            project=sponsored, from_stage="investigate", to_stage="co_create", evidence="e", requested_by=member
        )
    assert GateRequest.objects.filter(project=sponsored).count() == 1


def test_decided_requests_do_not_stand_in_the_way_of_the_next(sponsored, member, sponsor):
    ask(member, sponsored)
    decide(sponsor, sponsored, "revise")
    ask(member, sponsored)
    decide(sponsor, sponsored, "go")
    ask(member, sponsored)
    assert list(GateRequest.objects.filter(project=sponsored).values_list("decision", flat=True)) == [
        GateDecision.PENDING,
        GateDecision.GO,
        GateDecision.REVISE,
    ]


def test_at_the_last_stage_the_only_move_left_is_to_stop(sponsored, member, sponsor):
    advance(sponsored, member, sponsor, times=len(stages()) - 1)
    assert sponsored.stage == stages()[-1] == "scale" and sponsored.next_stage is None
    with pytest.raises(ValidationError) as refused:
        ask(member, sponsored)
    assert refused.value.message_dict == {"stop": [LAST_STAGE]}
    assert not GateRequest.objects.filter(decision=GateDecision.PENDING).exists()
    gate = ask(member, sponsored, stop=True, lessons="Scaled to every town hall.")
    assert (gate.from_stage, gate.to_stage) == ("scale", STOP)


# The sponsor's decision ---------------------------------------------------------------------------------


def test_go_moves_the_project_to_its_next_stage_and_the_team_is_told(sponsored, member, sponsor):
    Project.objects.filter(pk=sponsored.pk).update(stage_entered_at=timezone.now() - timedelta(days=40))
    ask(member, sponsored)
    before = timezone.now()
    gate = decide(sponsor, sponsored, "go", rationale="  The pilot convinced me. ")

    gate.refresh_from_db()
    assert gate.decision == GateDecision.GO and gate.decided_by == sponsor and gate.decided_at is not None
    assert gate.rationale == "The pilot convinced me."
    assert sponsored.stage == "co_create" and sponsored.status == ProjectStatus.ACTIVE
    assert before <= sponsored.stage_entered_at <= timezone.now()
    event = audit_rows(sponsored, "advance").get()
    assert event.actor == sponsor
    assert (event.before, event.after) == ({"stage": "investigate"}, {"stage": "co_create"})
    assert event.reason == "The pilot convinced me."
    assert audit_rows(gate, "go").get().after == {"decision": "go"}
    note = notes(member, "lab.gate_go").get()
    assert note.url == sponsored.get_absolute_url() and "The pilot convinced me." in note.message
    assert not notes(member, "lab.project_stopped").exists()


def test_go_on_a_request_to_stop_stops_the_project_keeping_the_teams_lessons(sponsored, member, sponsor):
    ask(member, sponsored, stop=True, lessons="Parents prefer the phone.")
    gate = decide(sponsor, sponsored, "go", rationale="Agreed: stop here.")
    assert gate.decision == GateDecision.GO
    assert sponsored.status == ProjectStatus.STOPPED and sponsored.stopped_at is not None
    assert sponsored.lessons == "Parents prefer the phone."
    assert sponsored.stage == "investigate"  # stopped where it was
    assert audit_rows(sponsored, "stop").get().reason == "Agreed: stop here."
    assert not audit_rows(sponsored, "advance").exists()
    assert "Agreed: stop here." in notes(member, "lab.project_stopped").get().message
    assert not notes(member, "lab.gate_go").exists()


def test_stop_on_a_request_to_move_on_needs_the_lessons(sponsored, member, sponsor):
    ask(member, sponsored)
    with pytest.raises(ValidationError) as refused:
        decide(sponsor, sponsored, "stop", rationale="The budget is gone.")
    assert refused.value.message_dict == {"lessons": needed("lessons")}
    assert sponsored.status == ProjectStatus.ACTIVE and sponsored.lessons == ""
    assert GateRequest.objects.get().decision == GateDecision.PENDING
    assert not notes(member, "lab.project_stopped").exists()

    decide(sponsor, sponsored, "stop", rationale="The budget is gone.", lessons="  Start with the budget. ")
    assert sponsored.status == ProjectStatus.STOPPED and sponsored.lessons == "Start with the budget."
    assert GateRequest.objects.get().decision == GateDecision.STOP
    assert notes(member, "lab.project_stopped").exists()


@pytest.mark.parametrize(("given", "kept"), [("", "Parents prefer the phone."), ("The sponsor's own.", None)])
def test_stop_on_a_request_to_stop_keeps_the_lessons_given_or_else_the_teams(sponsored, member, sponsor, given, kept):
    ask(member, sponsored, stop=True, lessons="Parents prefer the phone.")
    decide(sponsor, sponsored, "stop", lessons=given)
    assert sponsored.status == ProjectStatus.STOPPED
    assert sponsored.lessons == (kept or given)


def test_revise_moves_nothing_and_the_team_asks_again(sponsored, member, sponsor):
    entered = sponsored.stage_entered_at
    ask(member, sponsored)
    gate = decide(sponsor, sponsored, "revise", rationale="Show me the figures per school.")
    assert gate.decision == GateDecision.REVISE and gate.rationale == "Show me the figures per school."
    assert (sponsored.stage, sponsored.stage_entered_at, sponsored.status) == (
        "investigate",
        entered,
        ProjectStatus.ACTIVE,
    )
    assert not audit_rows(sponsored, "advance").exists()
    note = notes(member, "lab.gate_revise").get()
    assert "Show me the figures per school." in note.message
    assert member.has_perm("lab.request_gate", sponsored)
    assert ask(member, sponsored, evidence="Figures per school attached.").decision == GateDecision.PENDING


@pytest.mark.parametrize("rationale", ["", "   "])
@pytest.mark.parametrize("decision", ["go", "stop", "revise"])
def test_a_decision_needs_a_rationale(sponsored, member, sponsor, decision, rationale):
    ask(member, sponsored)
    with pytest.raises(ValidationError) as refused:
        decide(sponsor, sponsored, decision, rationale=rationale, lessons="Some lessons.")
    assert refused.value.message_dict == {"rationale": needed("rationale")}
    assert GateRequest.objects.get().decision == GateDecision.PENDING
    assert (sponsored.stage, sponsored.status) == ("investigate", ProjectStatus.ACTIVE)
    assert not notes(member).filter(kind__in=["lab.gate_go", "lab.gate_revise", "lab.project_stopped"]).exists()


@pytest.mark.parametrize("decision", ["", "pending", "maybe", None])
def test_a_decision_is_go_stop_or_revise(sponsored, member, sponsor, decision):
    ask(member, sponsored)
    with pytest.raises(ValidationError) as refused:
        decide(sponsor, sponsored, decision)
    assert refused.value.message_dict == {"decision": needed("decision")}
    assert GateRequest.objects.get().decision == GateDecision.PENDING


@pytest.mark.parametrize("who", ["another sponsor", "programme_manager", "member", "org_admin", "platform_admin"])
def test_only_the_projects_sponsor_decides(request, sponsored, member, who):
    ask(member, sponsored)
    person = UserFactory(is_sponsor=True) if who == "another sponsor" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        decide(person, sponsored, "go")
    assert GateRequest.objects.get().decision == GateDecision.PENDING
    assert sponsored.stage == "investigate"


def test_without_a_request_there_is_nothing_to_decide(sponsored, member, sponsor):
    with pytest.raises(PermissionDenied):
        decide(sponsor, sponsored, "go")
    assert sponsored.stage == "investigate"
    ask(member, sponsored)
    decide(sponsor, sponsored, "go")
    with pytest.raises(PermissionDenied):  # decided already: a second "go" moves nothing
        decide(sponsor, sponsored, "go")
    assert sponsored.stage == "co_create"


def test_a_stopped_project_is_stopped_for_good(sponsored, member, sponsor):
    ask(member, sponsored, stop=True, lessons="Parents prefer the phone.")
    decide(sponsor, sponsored, "go")
    assert not member.has_perm("lab.request_gate", sponsored)
    with pytest.raises(PermissionDenied):
        ask(member, sponsored)
    assert not sponsor.has_perm("lab.decide_gate", sponsored)


# The stages a deployment chooses -------------------------------------------------------------------------


def test_by_default_a_project_moves_through_the_five_stages_in_order(sponsored, member, sponsor):
    seen = [sponsored.stage]
    for _ in range(4):
        advance(sponsored, member, sponsor)
        seen.append(sponsored.stage)
    assert seen == ["investigate", "co_create", "experiment", "evaluate", "scale"]


def test_a_project_moves_through_exactly_the_stages_the_deployment_chose(
    settings, accepted, programme_manager, sponsor, member
):
    settings.PONTE_LAB_STAGES = ["investigate", "experiment", "scale"]
    project = start(programme_manager, accepted, sponsor=sponsor, team=[member])
    services.sponsorship_answer(actor=sponsor, project=project, accept=True)
    project.refresh_from_db()
    assert project.stage == "investigate"

    seen = [project.stage]
    for _ in range(2):
        advance(project, member, sponsor)
        seen.append(project.stage)
    assert seen == ["investigate", "experiment", "scale"]
    assert list(GateRequest.objects.order_by("pk").values_list("from_stage", "to_stage")) == [
        ("investigate", "experiment"),
        ("experiment", "scale"),
    ]
    with pytest.raises(ValidationError) as refused:
        ask(member, project)
    assert refused.value.message_dict == {"stop": [LAST_STAGE]}
    ask(member, project, stop=True, lessons="Done everywhere.")
    decide(sponsor, project, "go")
    assert (project.stage, project.status) == ("scale", ProjectStatus.STOPPED)


def test_a_deployment_may_start_its_projects_at_another_stage(settings, accepted, programme_manager, sponsor, member):
    settings.PONTE_LAB_STAGES = ["co_create", "experiment"]
    project = start(programme_manager, accepted, sponsor=sponsor, team=[member])
    assert project.stage == "co_create" and project.next_stage == "experiment"


def test_two_problems_of_the_body_make_two_projects(accepted, organisation, member, programme_manager, sponsor, put_in):
    other = put_in(submit(member, organisation, title="Permits renewed by post"), ProblemStatus.ACCEPTED)
    first = start(programme_manager, accepted, sponsor=sponsor, team=[member])
    second = start(programme_manager, other, title="Permits renewed online", sponsor=sponsor, team=[member])
    assert {first.problem, second.problem} == {accepted, other}
    assert notes(sponsor, "lab.sponsorship_asked").count() == 2
