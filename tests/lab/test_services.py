"""Problem intake and triage through the services: who may bring a problem, what it must say,
and the lab team's one decision on it, each audited and told to whom it concerns."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from ponte.challenges.models import Challenge
from ponte.core.models import AuditEvent, Link, Notification
from ponte.lab.models import NEEDED_ANSWERS, TEXT_LIMIT, Problem, ProblemStatus
from ponte.lab.services import problems as services
from ponte.organisations.models import Membership
from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory, UserFactory

from .conftest import ANSWERS, submit

pytestmark = pytest.mark.django_db


def audit_rows(problem, verb=None):
    rows = AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(Problem), target_id=str(problem.pk))
    return rows.filter(verb=verb) if verb else rows


def notes(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    return rows.filter(kind=kind) if kind else rows


def field_errors(refused) -> dict:
    return refused.value.message_dict


# Bringing a problem ----------------------------------------------------------------------------


def test_a_member_of_a_verified_public_body_brings_a_problem_and_the_lab_team_is_told(
    organisation, member, programme_manager
):
    colleague = UserFactory(is_programme_manager=True)
    retired = UserFactory(is_programme_manager=True, is_active=False)
    problem = submit(member, organisation, title="  Parents queue for hours  ", possible_solution=" Online slots ")

    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SUBMITTED and problem.triaged_at is None
    assert problem.organisation == organisation and problem.submitted_by == member
    assert problem.title == "Parents queue for hours"  # kept as typed, without the spaces around it
    assert (problem.description, problem.affected, problem.evidence, problem.tried) == (
        ANSWERS["description"],
        ANSWERS["affected"],
        ANSWERS["evidence"],
        ANSWERS["tried"],
    )
    assert problem.possible_solution == "Online slots"

    [event] = audit_rows(problem)
    assert (event.verb, event.actor, event.after) == ("submit", member, {"title": "Parents queue for hours"})

    told = Notification.objects.filter(kind="lab.problem_submitted")
    assert {n.recipient for n in told} == {programme_manager, colleague}
    assert not notes(retired).exists() and not notes(member).exists()
    note = told.get(recipient=programme_manager)
    assert note.url == "/lab/problems/triage/"
    assert "Parents queue for hours" in note.message and organisation.name in note.message


def test_a_possible_solution_is_optional(organisation, member):
    problem = services.problem_submit(actor=member, organisation=organisation, **ANSWERS)
    assert problem.possible_solution == ""


def test_an_administrator_of_the_body_brings_a_problem_too(organisation, org_admin):
    assert submit(org_admin, organisation).submitted_by == org_admin


def _company_member(organisation):
    return MembershipFactory(organisation=CompanyFactory()).user, organisation


def _company_member_for_its_company(organisation):
    person = MembershipFactory(organisation=CompanyFactory()).user
    return person, person.memberships.get().organisation


def _citizen(organisation):
    return UserFactory(), organisation


def _member_of_a_pending_body(organisation):
    body = OrganisationFactory(status="pending", verified_at=None)
    return MembershipFactory(organisation=body).user, body


def _member_of_a_suspended_body(organisation):
    body = OrganisationFactory(status="suspended")
    return MembershipFactory(organisation=body).user, body


def _public_servant_of_another_body(organisation):
    return MembershipFactory(organisation=OrganisationFactory()).user, organisation


def _public_servant_for_their_other_suspended_body(organisation):
    """A public servant (of a verified body) who also belongs to a suspended one, for that one."""
    person = MembershipFactory(organisation=OrganisationFactory()).user
    suspended = OrganisationFactory(status="suspended")
    MembershipFactory(organisation=suspended, user=person)
    return person, suspended


def _public_servant_for_their_company(organisation):
    """A public servant who also belongs to a company, bringing a problem for the company."""
    person = MembershipFactory(organisation=organisation).user
    company = CompanyFactory()
    MembershipFactory(organisation=company, user=person)
    return person, company


@pytest.mark.parametrize(
    "who",
    [
        _company_member,
        _company_member_for_its_company,
        _citizen,
        _member_of_a_pending_body,
        _member_of_a_suspended_body,
        _public_servant_of_another_body,
        _public_servant_for_their_other_suspended_body,
        _public_servant_for_their_company,
    ],
    ids=lambda who: who.__name__.strip("_"),
)
def test_only_a_member_of_a_verified_public_body_brings_a_problem_for_it(organisation, programme_manager, who):
    person, body = who(organisation)
    with pytest.raises(PermissionDenied):
        submit(person, body)
    assert not Problem.objects.exists()
    assert not Notification.objects.filter(kind="lab.problem_submitted").exists()


@pytest.mark.parametrize("name", list(NEEDED_ANSWERS))
@pytest.mark.parametrize("missing", ["", "   \n "])
def test_each_missing_answer_is_refused_with_its_own_message(organisation, member, name, missing):
    with pytest.raises(ValidationError) as refused:
        submit(member, organisation, **{name: missing})
    assert field_errors(refused) == {name: [str(NEEDED_ANSWERS[name])]}
    assert not Problem.objects.exists()


def test_every_missing_answer_is_named_at_once(organisation, member):
    with pytest.raises(ValidationError) as refused:
        services.problem_submit(actor=member, organisation=organisation)
    assert field_errors(refused) == {name: [str(message)] for name, message in NEEDED_ANSWERS.items()}
    # The messages say what each answer is for: no two alike.
    assert len({str(message) for message in NEEDED_ANSWERS.values()}) == len(NEEDED_ANSWERS)


@pytest.mark.parametrize("name", [*NEEDED_ANSWERS, "possible_solution"])
def test_text_with_a_nul_character_is_refused(organisation, member, name):
    with pytest.raises(ValidationError) as refused:
        submit(member, organisation, **{name: "Queues\x00 at the town hall"})
    assert field_errors(refused) == {name: ["The text contains characters that are not allowed."]}
    assert not Problem.objects.exists()


@pytest.mark.parametrize(
    ("name", "limit"), [("title", 200), *((name, TEXT_LIMIT) for name in ANSWERS if name != "title")]
)
def test_text_longer_than_its_limit_is_refused_and_at_the_limit_kept(organisation, member, name, limit):
    with pytest.raises(ValidationError) as refused:
        submit(member, organisation, **{name: "x" * (limit + 1)})
    assert list(field_errors(refused)) == [name]
    assert "at most" in field_errors(refused)[name][0]
    assert not Problem.objects.exists()
    assert getattr(submit(member, organisation, **{name: "x" * limit}), name) == "x" * limit


def test_a_too_long_possible_solution_is_refused(organisation, member):
    with pytest.raises(ValidationError) as refused:
        submit(member, organisation, possible_solution="x" * (TEXT_LIMIT + 1))
    assert list(field_errors(refused)) == ["possible_solution"]


def test_a_field_a_problem_does_not_have_is_a_mistake(organisation, member):
    with pytest.raises(ValueError, match="budget"):
        submit(member, organisation, budget="1000")
    assert not Problem.objects.exists()


# Triage: accept -----------------------------------------------------------------------------------


def test_accepting_a_problem_records_who_and_when_and_tells_the_submitter(problem, programme_manager, member):
    services.problem_accept(actor=programme_manager, problem=problem)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.ACCEPTED
    assert problem.triaged_by == programme_manager and problem.triaged_at is not None
    [event] = audit_rows(problem, "accept")
    assert event.actor == programme_manager and event.after == {"status": "accepted"}
    [note] = notes(member, "lab.problem_accepted")
    assert note.url == problem.get_absolute_url() and problem.title in note.message


@pytest.mark.parametrize("who", ["member", "org_admin", "platform_admin", "citizen"])
@pytest.mark.parametrize("verb", ["accept", "decline", "merge", "send"])
def test_only_a_programme_manager_triages(request, problem, organisation, who, verb):
    """The submitter, their body's admin and a platform admin see the problem, but do not triage it."""
    person = request.getfixturevalue(who)
    other = submit(problem.submitted_by, organisation, title="Another queue")
    with pytest.raises(PermissionDenied):
        triage(verb, person, problem, into=other)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SUBMITTED and problem.triaged_at is None
    assert not Challenge.objects.exists()


def triage(verb, actor, problem, *, into=None):
    if verb == "accept":
        return services.problem_accept(actor=actor, problem=problem)
    if verb == "decline":
        return services.problem_decline(actor=actor, problem=problem, reason="Not for the lab.")
    if verb == "merge":
        return services.problem_merge(actor=actor, problem=problem, into=into)
    return services.problem_send_to_marketplace(actor=actor, problem=problem)


# Triage: decline ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "  \n  "])
def test_declining_needs_a_reason(problem, programme_manager, member, reason):
    with pytest.raises(ValidationError) as refused:
        services.problem_decline(actor=programme_manager, problem=problem, reason=reason)
    assert field_errors(refused) == {"reason": ["Say why the problem is declined: its submitter reads it."]}
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SUBMITTED and problem.triage_reason == ""
    assert not audit_rows(problem, "decline").exists()
    assert not notes(member).exists()


def test_a_reason_with_a_nul_character_is_refused(problem, programme_manager):
    with pytest.raises(ValidationError) as refused:
        services.problem_decline(actor=programme_manager, problem=problem, reason="Out\x00 of scope")
    assert list(field_errors(refused)) == ["reason"]
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SUBMITTED


def test_declining_keeps_the_reason_and_tells_it_to_the_submitter(problem, programme_manager, member):
    services.problem_decline(actor=programme_manager, problem=problem, reason="  The region handles school queues. ")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.DECLINED
    assert problem.triage_reason == "The region handles school queues."
    assert problem.triaged_by == programme_manager and problem.triaged_at is not None
    [event] = audit_rows(problem, "decline")
    assert event.reason == "The region handles school queues."
    [note] = notes(member, "lab.problem_declined")
    assert note.params["reason"] == "The region handles school queues."
    assert "The region handles school queues." in note.message and problem.title in note.message
    assert note.url == problem.get_absolute_url()


# Triage: merge ------------------------------------------------------------------------------------


@pytest.mark.parametrize("target_status", [ProblemStatus.SUBMITTED, ProblemStatus.ACCEPTED])
def test_merging_into_a_problem_the_lab_works_on(
    problem, organisation, member, programme_manager, put_in, target_status
):
    into = put_in(submit(member, organisation, title="School enrolment queues"), target_status)
    services.problem_merge(actor=programme_manager, problem=problem, into=into, reason="  The same queue. ")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.MERGED
    assert problem.merged_into == into and problem.triage_reason == "The same queue."
    assert problem.triaged_by == programme_manager and problem.triaged_at is not None
    into.refresh_from_db()
    assert into.status == target_status  # the one merged into goes on as it was
    assert audit_rows(problem, "merge").get().reason == "The same queue."
    [note] = notes(member, "lab.problem_merged")
    assert note.params["into"] == into.reference and into.reference in note.message
    assert note.url == problem.get_absolute_url()


def test_merging_without_a_note_records_the_reference_it_was_merged_into(problem, organisation, programme_manager):
    into = submit(problem.submitted_by, organisation, title="School enrolment queues")
    services.problem_merge(actor=programme_manager, problem=problem, into=into)
    problem.refresh_from_db()
    assert problem.merged_into == into and problem.triage_reason == ""
    assert audit_rows(problem, "merge").get().reason == into.reference


def _refused_merge(problem, programme_manager, into, member):
    told = notes(member).count()
    with pytest.raises(ValidationError) as refused:
        services.problem_merge(actor=programme_manager, problem=problem, into=into)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SUBMITTED and problem.merged_into is None
    assert not audit_rows(problem, "merge").exists()
    assert notes(member).count() == told
    return field_errors(refused)


def test_a_problem_is_not_merged_into_itself(problem, programme_manager, member):
    errors = _refused_merge(problem, programme_manager, problem, member)
    assert errors == {"into": ["A problem cannot be merged with itself: choose another one."]}


def test_a_problem_is_not_merged_into_nothing(problem, programme_manager, member):
    errors = _refused_merge(problem, programme_manager, None, member)
    assert errors == {"into": ["Choose the problem to merge it with, by its reference (P-12) or title."]}


@pytest.mark.parametrize(
    "target_status", [ProblemStatus.DECLINED, ProblemStatus.MERGED, ProblemStatus.SENT_TO_MARKETPLACE]
)
def test_a_problem_is_not_merged_into_one_the_lab_no_longer_works_on(
    problem, organisation, member, programme_manager, put_in, target_status
):
    into = put_in(submit(member, organisation, title="School enrolment queues"), target_status)
    errors = _refused_merge(problem, programme_manager, into, member)
    assert list(errors) == ["into"]
    assert into.reference in errors["into"][0]
    assert "merge into a problem waiting for triage or accepted" in errors["into"][0]


# Triage: send to the marketplace --------------------------------------------------------------------


def test_sending_to_the_marketplace_starts_a_draft_challenge_of_the_body_drafted_by_the_submitter(
    problem, organisation, member, programme_manager
):
    challenge = services.problem_send_to_marketplace(actor=programme_manager, problem=problem)

    challenge = Challenge.objects.get()
    assert challenge.status == "draft"
    assert challenge.owner == organisation and challenge.author == member
    assert (challenge.title, challenge.problem, challenge.affected) == (
        ANSWERS["title"],
        ANSWERS["description"],
        ANSWERS["affected"],
    )
    assert ANSWERS["evidence"] in challenge.context and ANSWERS["tried"] in challenge.context
    # The submitter, as its author, may complete it and send it for review.
    assert member.has_perm("challenges.change_challenge", challenge)

    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SENT_TO_MARKETPLACE
    assert problem.triaged_by == programme_manager and problem.triaged_at is not None
    assert audit_rows(problem, "send_to_marketplace").count() == 1

    [link] = Link.objects.all()
    assert link.kind == "lab.problem_became_challenge"
    assert (link.source_type.model_class(), link.source_id) == (Problem, problem.pk)
    assert (link.target_type.model_class(), link.target_id) == (Challenge, challenge.pk)

    [note] = notes(member, "lab.problem_sent_to_marketplace")
    assert note.url == challenge.get_absolute_url()
    assert problem.title in note.message


@pytest.mark.parametrize("how", ["left the body", "body suspended"])
def test_nothing_is_half_done_when_the_submitter_can_no_longer_draft_for_the_body(
    problem, organisation, member, programme_manager, how
):
    if how == "left the body":
        Membership.objects.filter(user=member, organisation=organisation).delete()
    else:
        organisation.status = "suspended"
        organisation.save(update_fields=["status"])
    with pytest.raises(ValidationError) as refused:
        services.problem_send_to_marketplace(actor=programme_manager, problem=problem)
    assert organisation.name in " ".join(refused.value.messages)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SUBMITTED
    assert problem.triaged_by is None and problem.triaged_at is None
    assert not Challenge.objects.exists()
    assert not Link.objects.exists()
    assert not audit_rows(problem, "send_to_marketplace").exists()
    assert not notes(member).exists()
    # The lab team may still decide otherwise.
    services.problem_accept(actor=programme_manager, problem=problem)


# Each decision happens once ------------------------------------------------------------------------

DECIDED = [ProblemStatus.ACCEPTED, ProblemStatus.MERGED, ProblemStatus.SENT_TO_MARKETPLACE, ProblemStatus.DECLINED]


@pytest.mark.parametrize("verb", ["accept", "decline", "merge", "send"])
@pytest.mark.parametrize("status", DECIDED)
def test_a_triaged_problem_is_never_triaged_again(
    problem, organisation, member, programme_manager, put_in, status, verb
):
    put_in(problem, status)
    problem.refresh_from_db()
    before = (problem.status, problem.triaged_at, problem.triage_reason, problem.merged_into_id)
    events, told, challenges = audit_rows(problem).count(), notes(member).count(), Challenge.objects.count()
    other = submit(member, organisation, title="Yet another queue")

    with pytest.raises(PermissionDenied):
        triage(verb, programme_manager, problem, into=other)

    problem.refresh_from_db()
    assert (problem.status, problem.triaged_at, problem.triage_reason, problem.merged_into_id) == before
    assert audit_rows(problem).count() == events
    assert notes(member).count() == told
    assert Challenge.objects.count() == challenges
