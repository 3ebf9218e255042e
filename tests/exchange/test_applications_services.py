"""Applications through their services: a member of a verified public body or company applies
while a round takes applications, once; every bad input is refused with a clear message beside
its field; the organisation's admin — and no one else — approves or declines it with a reason;
an organisation admin states how many guests it can host, within the round's limit."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ponte.core.models import AuditEvent, Notification
from ponte.exchange.models import Application, ApplicationStatus, Hosting, RoundPhase
from ponte.exchange.services import applications as services
from ponte.exchange.services import rounds as round_services
from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory, UserFactory

from .conftest import application_answers, apply

pytestmark = pytest.mark.django_db


def refusal(error) -> dict[str, list[str]]:
    return error.value.message_dict


def test_a_member_applies_and_their_organisation_admins_are_told(member, org_admin, organisation, taking):
    application = apply(member, taking, organisation)
    assert application.status == ApplicationStatus.WAITING and application.side == "public"
    assert application.skills == ["public procurement", "Plain language"]
    assert [(a.starts, a.ends) for a in application.availability.order_by("starts")] == application_answers(taking)[
        "availability"
    ]
    assert AuditEvent.objects.filter(verb="apply").count() == 1
    notification = Notification.objects.get(kind="exchange.application_submitted")
    assert notification.recipient == org_admin and notification.url == application.get_absolute_url()


def test_a_company_employee_applies_on_the_company_side(taking):
    company = CompanyFactory()
    employee = MembershipFactory(organisation=company, role="member").user
    assert apply(employee, taking, company).side == "company"


def test_topics_are_kept_once_whatever_their_case(member, organisation, taking):
    application = apply(member, taking, organisation, skills=[" Open  data ", "open data", "", "APIs"])
    assert application.skills == ["Open data", "APIs"]


@pytest.mark.parametrize("phase", [RoundPhase.UPCOMING, RoundPhase.MATCHING, RoundPhase.FINISHED, RoundPhase.CANCELLED])
def test_no_application_outside_the_application_window(member, organisation, round_in, phase):
    round = round_in(phase)
    with pytest.raises(ValidationError) as error:
        apply(member, round, organisation)
    message = " ".join(error.value.messages)
    expected = {
        RoundPhase.UPCOMING: "takes applications from",
        RoundPhase.MATCHING: "Applications to this round closed on",
        RoundPhase.FINISHED: "Applications to this round closed on",
        RoundPhase.CANCELLED: "cancelled",
    }[phase]
    assert expected in message
    assert not Application.objects.exists()


def test_a_second_application_to_the_same_round_is_refused(member, organisation, taking):
    apply(member, taking, organisation)
    with pytest.raises(ValidationError) as error:
        apply(member, taking, organisation, job="Another role")
    assert "already applied to this round" in " ".join(error.value.messages)
    assert Application.objects.count() == 1


@pytest.mark.parametrize("role", ["visitor", "citizen", "evaluator", "programme_manager", "sponsor", "platform_admin"])
def test_only_members_of_a_verified_organisation_apply(person_in_role, organisation, taking, role):
    with pytest.raises(PermissionDenied):
        apply(person_in_role(role), taking, organisation)


def test_one_applies_only_for_an_organisation_one_belongs_to_that_is_verified(member, taking):
    with pytest.raises(PermissionDenied):
        apply(member, taking, OrganisationFactory())
    pending = OrganisationFactory(status="pending")
    MembershipFactory(organisation=pending, user=member)
    with pytest.raises(PermissionDenied):
        apply(member, taking, pending)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"job": ""}, "job", "Say what your role is"),
        ({"job": "x" * 201}, "job", "at most 200 characters"),
        ({"region": "  "}, "region", "Say in which region you work."),
        ({"skills": []}, "skills", "at least one thing you can offer as a host"),
        ({"skills": ["x" * 61]}, "skills", "at most 60 characters"),
        ({"skills": [f"topic {n}" for n in range(21)]}, "skills", "at most 20"),
        ({"interests": ["", " "]}, "interests", "at least one thing you want to learn"),
        ({"languages": []}, "languages", "at least one language"),
        ({"languages": ["Nul\x00"]}, "languages", "not allowed"),
        ({"sectors_wanted": ["space"]}, "sectors_wanted", "Choose the sectors from the list."),
        ({"travels": "yes"}, "travels", "willing to travel"),
        ({"accessibility_needs": "x" * 10001}, "accessibility_needs", "at most 10,000 characters"),
        ({"availability": []}, "availability", "Say when you are free"),
        ({"availability": [(None, None)]}, "availability", "first and its last day"),
    ],
)
def test_bad_input_is_refused_beside_its_field(member, organisation, taking, changes, field, words):
    with pytest.raises(ValidationError) as error:
        apply(member, taking, organisation, **changes)
    assert words in " ".join(refusal(error)[field])
    assert not Application.objects.exists()


def test_availability_outside_the_exchange_window_is_refused(member, organisation, taking):
    starts, ends = taking.exchange_starts, taking.exchange_ends
    for bad in [
        (starts - timedelta(days=1), starts + timedelta(days=10)),
        (ends - timedelta(days=3), ends + timedelta(days=1)),
    ]:
        with pytest.raises(ValidationError) as error:
            apply(member, taking, organisation, availability=[bad])
        assert "inside the round's exchange window" in refusal(error)["availability"][0]
    # The window's own first and last days are inside it.
    assert apply(member, taking, organisation, availability=[(starts, ends)])


def test_overlapping_or_backward_ranges_are_refused(member, organisation, taking):
    starts = taking.exchange_starts
    overlapping = [(starts + timedelta(days=10), starts + timedelta(days=20)), (starts, starts + timedelta(days=10))]
    with pytest.raises(ValidationError) as error:
        apply(member, taking, organisation, availability=overlapping)
    assert "overlap" in refusal(error)["availability"][0]
    with pytest.raises(ValidationError) as error:
        apply(member, taking, organisation, availability=[(starts + timedelta(days=5), starts)])
    assert "ends before it starts" in refusal(error)["availability"][0]
    too_many = [(starts + timedelta(days=3 * n), starts + timedelta(days=3 * n + 1)) for n in range(6)]
    with pytest.raises(ValidationError) as error:
        apply(member, taking, organisation, availability=too_many)
    assert "at most 5 ranges" in refusal(error)["availability"][0]


# Deciding -----------------------------------------------------------------------------------


def test_the_organisation_admin_approves_and_the_applicant_is_told(org_admin, member, application):
    services.application_approve(actor=org_admin, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED and application.decided_by == org_admin
    assert AuditEvent.objects.filter(verb="approve").count() == 1
    assert Notification.objects.filter(kind="exchange.application_approved", recipient=member).exists()


def test_the_organisation_admin_declines_with_a_reason_the_applicant_reads(org_admin, member, application):
    with pytest.raises(ValidationError) as error:
        services.application_decline(actor=org_admin, application=application, reason="  ")
    assert "Say why the application is declined" in refusal(error)["reason"][0]
    services.application_decline(actor=org_admin, application=application, reason="We need you in April.")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED and application.decline_reason == "We need you in April."
    notification = Notification.objects.get(kind="exchange.application_declined")
    assert notification.recipient == member and notification.params["reason"] == "We need you in April."


def test_an_application_is_decided_once(org_admin, application):
    services.application_approve(actor=org_admin, application=application)
    with pytest.raises(PermissionDenied):
        services.application_decline(actor=org_admin, application=application, reason="Changed my mind.")


def test_an_admin_of_another_organisation_may_not_decide(application):
    other_admin = MembershipFactory(organisation=OrganisationFactory(), role="admin").user
    with pytest.raises(PermissionDenied):
        services.application_approve(actor=other_admin, application=application)
    with pytest.raises(PermissionDenied):
        services.application_decline(actor=other_admin, application=application, reason="Not mine.")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WAITING


@pytest.mark.parametrize("who", ["member", "programme_manager", "platform_admin"])
def test_no_one_but_the_organisation_admin_decides(request, application, who):
    with pytest.raises(PermissionDenied):
        services.application_approve(actor=request.getfixturevalue(who), application=application)


def test_no_decision_once_the_round_is_cancelled(programme_manager, org_admin, application):
    round_services.round_cancel(actor=programme_manager, round=application.round, reason="No budget.")
    application.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.application_approve(actor=org_admin, application=application)


# Hosting --------------------------------------------------------------------------------------


def test_an_organisation_admin_states_how_many_guests_it_hosts(org_admin, organisation, taking):
    hosting = services.hosting_state(actor=org_admin, round=taking, organisation=organisation, guests=2)
    assert hosting.guests == 2
    services.hosting_state(actor=org_admin, round=taking, organisation=organisation, guests=3)
    services.hosting_state(actor=org_admin, round=taking, organisation=organisation, guests=3)
    assert Hosting.objects.get().guests == 3
    assert sorted(AuditEvent.objects.filter(verb="state_hosting").values_list("after__guests", flat=True)) == [2, 3]


@pytest.mark.parametrize("guests", [-1, 4, "2", None, True])
def test_hosting_stays_within_the_rounds_limit(org_admin, organisation, taking, guests):
    with pytest.raises(ValidationError) as error:
        services.hosting_state(actor=org_admin, round=taking, organisation=organisation, guests=guests)
    assert "from 0 to 3" in refusal(error)["guests"][0]
    assert not Hosting.objects.exists()


def test_only_an_admin_of_the_organisation_states_its_hosting(member, organisation, taking):
    with pytest.raises(PermissionDenied):
        services.hosting_state(actor=member, round=taking, organisation=organisation, guests=1)
    other_admin = MembershipFactory(organisation=OrganisationFactory(), role="admin").user
    with pytest.raises(PermissionDenied):
        services.hosting_state(actor=other_admin, round=taking, organisation=organisation, guests=1)


@pytest.mark.parametrize("phase", [RoundPhase.UNDER_WAY, RoundPhase.FINISHED, RoundPhase.CANCELLED])
def test_no_hosting_once_the_exchanges_start(org_admin, organisation, round_in, phase):
    with pytest.raises(PermissionDenied):
        services.hosting_state(actor=org_admin, round=round_in(phase), organisation=organisation, guests=1)


def test_a_citizen_states_no_hosting(taking, organisation):
    with pytest.raises(PermissionDenied):
        services.hosting_state(actor=UserFactory(), round=taking, organisation=organisation, guests=1)
