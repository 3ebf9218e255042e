"""The role × state matrix of calls and applications, asked of the rules with the matrix's own
builders: only a programme manager opens, changes and closes calls; public servants apply to an
open call; an application is its applying body's to write, send and withdraw, and its ministry's
and the programme managers' to read once it is sent — never a draft."""

import pytest

from ponte.core import rolematrix
from ponte.sandbox.matrix import APPLICATION_STATES, EXEMPTION_STATES, PHASE_DAYS

pytestmark = pytest.mark.django_db

APPLYING_BODY = {"public_servant", "org_admin"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            made = rolematrix.World()
            calls = {phase: rolematrix.make("call", phase, made) for phase in PHASE_DAYS}
            applications = {state: rolematrix.make("sandbox_application", state, made) for state in APPLICATION_STATES}
            yield made, calls, applications
            transaction.set_rollback(True)


@pytest.mark.parametrize("role", [role.key for role in rolematrix.ROLES])
@pytest.mark.parametrize("phase", list(PHASE_DAYS))
def test_who_may_do_what_to_a_call_in_each_phase(world, role, phase):
    made, calls, _applications = world
    person, call = made.people[role], calls[phase]
    manager = role == "programme_manager"
    unclosed = phase != "closed"
    assert person.has_perm("sandbox.open_call") == manager
    assert person.has_perm("sandbox.change_call", call) == (manager and unclosed)
    assert person.has_perm("sandbox.close_call", call) == (manager and unclosed)
    # Members of a verified public body: the public servant, its admin, the ministry official.
    servant = role in (*APPLYING_BODY, "ministry_official")
    assert person.has_perm("sandbox.apply", call) == (servant and phase.startswith("open"))


EDITABLE = ("draft", "draft, call closed", "changes asked", "final being written")
IN_DIALOGUE = ("preliminary", "changes asked", "final being written", "final")
NEVER_SENT = ("draft", "draft, call closed", "withdrawn before it was sent")


@pytest.mark.parametrize("role", [role.key for role in rolematrix.ROLES])
@pytest.mark.parametrize("state", list(APPLICATION_STATES))
def test_who_may_do_what_to_an_application_in_each_state(world, role, state):
    made, _calls, applications = world
    person, application = made.people[role], applications[state]
    applicant = role in APPLYING_BODY
    ministry = role == "ministry_official"
    decider = ministry or role == "programme_manager"
    assert person.has_perm("sandbox.view_application", application) == (
        applicant or (decider and state not in NEVER_SENT)
    )
    assert person.has_perm("sandbox.change_application", application) == (applicant and state in EDITABLE)
    # Sending a draft in a closed call is refused by the service, which says why.
    assert person.has_perm("sandbox.submit_application", application) == (applicant and state in EDITABLE)
    assert person.has_perm("sandbox.withdraw_application", application) == (
        applicant and state in ("draft", "draft, call closed", *IN_DIALOGUE)
    )
    assert person.has_perm("sandbox.write_message", application) == ((applicant or decider) and state in IN_DIALOGUE)
    assert person.has_perm("sandbox.ask_changes", application) == (decider and state in ("preliminary", "final"))
    assert person.has_perm("sandbox.invite_final", application) == (ministry and state == "preliminary")
    assert person.has_perm("sandbox.approve_application", application) == (ministry and state == "final")
    assert person.has_perm("sandbox.reject_application", application) == (
        ministry and state in ("preliminary", "changes asked", "final")
    )


@pytest.mark.parametrize("role", [role.key for role in rolematrix.ROLES])
@pytest.mark.parametrize("state", ["in dialogue", "after the decision"])
def test_who_reads_and_adds_to_a_messages_files(world, role, state):
    made = world[0]
    message = rolematrix.make("sandbox_message", state, made)
    person = made.people[role]
    reader = role in (*APPLYING_BODY, "ministry_official", "programme_manager")
    assert person.has_perm("sandbox.view_message", message) == reader
    assert person.has_perm("sandbox.attach_to_message", message) == (
        role == "public_servant" and state == "in dialogue"
    )


@pytest.mark.parametrize("role", [role.key for role in rolematrix.ROLES])
@pytest.mark.parametrize("state", list(EXEMPTION_STATES))
def test_who_may_do_what_to_an_exemption_in_each_state(world, role, state):
    made = world[0]
    exemption = rolematrix.make("exemption", state, made)
    person = made.people[role]
    applicant = role in APPLYING_BODY
    ministry = role == "ministry_official"
    report_due = state in ("active, a report due", "expired")
    assert person.has_perm("sandbox.report_progress", exemption) == (applicant and report_due)
    assert person.has_perm("sandbox.revoke_exemption", exemption) == (
        ministry and state in ("upcoming", "active, a report due", "active, no report due yet")
    )
    assert person.has_perm("sandbox.evaluate_exemption", exemption) == (applicant and state in ("expired", "revoked"))
    assert person.has_perm("sandbox.record_outcome", exemption) == (ministry and state == "expired")


def test_a_missing_object_is_refused():
    from tests.factories import UserFactory

    person = UserFactory(is_programme_manager=True)
    for perm in ("sandbox.change_call", "sandbox.close_call", "sandbox.apply"):
        assert not person.has_perm(perm, None)
    for perm in ("view", "change", "submit", "withdraw", "approve", "reject"):
        assert not person.has_perm(f"sandbox.{perm}_application", None)
    for perm in (
        "write_message",
        "ask_changes",
        "invite_final",
        "view_message",
        "attach_to_message",
        "report_progress",
        "revoke_exemption",
        "evaluate_exemption",
        "record_outcome",
    ):
        assert not person.has_perm(f"sandbox.{perm}", None)
