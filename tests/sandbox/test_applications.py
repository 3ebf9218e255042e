"""Preliminary applications: a draft of a public body's members, with its rules to waive, sent
complete while its call is open to the ministry and the programme managers, or withdrawn. Every
rule is the server's: who may write, what sending needs, the dates, the population, the
attestations, the network, the ELI."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from ponte.core import versions
from ponte.core.models import AuditEvent, Notification
from ponte.sandbox.models import Application, ApplicationStatus, Rule
from ponte.sandbox.services import applications as services
from ponte.sandbox.services import calls as call_services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .conftest import RULE

pytestmark = pytest.mark.django_db


def refusal(error) -> dict:
    return error.value.message_dict


def update(application, actor, **values):
    application.refresh_from_db()
    return services.application_update(actor=actor, application=application, seen_version=application.version, **values)


# Starting ----------------------------------------------------------------------------------


def test_a_member_starts_a_draft_for_their_body(draft, member, organisation):
    assert draft.status == ApplicationStatus.DRAFT and draft.coordinator == organisation
    assert draft.created_by == member and draft.version == 1
    assert AuditEvent.objects.filter(verb="create", target_id=str(draft.pk)).exists()


def test_no_one_starts_a_draft_for_a_body_they_do_not_belong_to(call, member):
    other = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        services.application_start(actor=member, call=call, coordinator=other, title="Not mine")
    assert not Application.objects.exists()


def test_a_company_is_not_an_applying_body(call, member):
    from tests.factories import CompanyFactory

    company = CompanyFactory()
    MembershipFactory(organisation=company, user=member)
    with pytest.raises(PermissionDenied):
        services.application_start(actor=member, call=call, coordinator=company, title="A company")


def test_no_draft_is_started_in_a_call_that_is_not_open(call_in, member, organisation):
    for phase in ("upcoming", "closed"):
        with pytest.raises(PermissionDenied):
            services.application_start(actor=member, call=call_in(phase), coordinator=organisation, title="Late")


def test_a_draft_needs_a_title(call, member, organisation):
    with pytest.raises(ValidationError) as error:
        services.application_start(actor=member, call=call, coordinator=organisation, title="  ")
    assert "Give the application a title" in refusal(error)["title"][0]


# Writing ---------------------------------------------------------------------------------


def test_a_draft_is_saved_incomplete_and_versioned(draft, member, ministry):
    names = update(draft, member, barrier="Paper forms.", ministry=ministry)
    assert set(names) == {"barrier", "ministry"}
    draft.refresh_from_db()
    assert draft.version == 2 and draft.barrier == "Paper forms."


def test_a_stale_save_is_refused_and_says_what_changed(draft, member, org_admin):
    update(draft, org_admin, barrier="Written by the admin.")
    with pytest.raises(versions.StaleEdit) as stale:
        services.application_update(actor=member, application=draft, seen_version=1, barrier="Mine.")
    assert [change.field for change in stale.value.changes] == ["barrier"]
    draft.refresh_from_db()
    assert draft.barrier == "Written by the admin."


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"population": -1}, "population", "whole number of people"),
        ({"population": True}, "population", "whole number of people"),
        ({"population": "many"}, "population", "whole number of people"),
        ({"starts": "2027-01-01"}, "starts", "Give a date."),
        ({"barrier": "x" * 10001}, "barrier", "at most 10,000 characters"),
        ({"territory": "Nul\x00"}, "territory", "not allowed"),
        ({"theme": "Not a theme of the call"}, "theme", "Choose one of the call's priority themes"),
    ],
)
def test_bad_input_is_refused_beside_its_field(draft, member, values, field, words):
    with pytest.raises(ValidationError) as error:
        update(draft, member, **values)
    assert words in " ".join(refusal(error)[field])
    draft.refresh_from_db()
    assert draft.version == 1


def test_an_end_before_the_start_is_refused(draft, member):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        update(draft, member, starts=today + timedelta(days=30), ends=today + timedelta(days=29))
    assert refusal(error)["ends"] == ["The last day must come on or after the first day."]


def test_a_duration_over_the_maximum_is_refused_naming_the_latest_end(draft, member):
    starts = timezone.localdate() + timedelta(days=30)
    latest = starts.replace(year=starts.year + 4) - timedelta(days=1)
    update(draft, member, starts=starts, ends=latest)
    with pytest.raises(ValidationError) as error:
        update(draft, member, ends=latest + timedelta(days=1))
    assert "4 years at most" in refusal(error)["ends"][0]


@override_settings(PONTE_SANDBOX_MAX_YEARS=2)
def test_the_maximum_duration_is_the_deployments(draft, member):
    starts = timezone.localdate() + timedelta(days=30)
    with pytest.raises(ValidationError) as error:
        update(draft, member, starts=starts, ends=starts + timedelta(days=800))
    assert "2 years at most" in refusal(error)["ends"][0]


def test_a_first_day_already_past_is_refused(draft, member):
    with pytest.raises(ValidationError) as error:
        update(draft, member, starts=timezone.localdate() - timedelta(days=1))
    assert "has passed" in refusal(error)["starts"][0]


@override_settings(PONTE_SANDBOX_MIN_POPULATION=5000)
def test_a_population_under_the_deployments_minimum_is_refused(draft, member):
    with pytest.raises(ValidationError) as error:
        update(draft, member, population=4999)
    assert refusal(error)["population"] == ["An experiment must cover at least 5,000 people: this one covers 4,999."]
    update(draft, member, population=5000)


def test_only_a_ministry_is_the_responsible_ministry(draft, member):
    agency = OrganisationFactory(tier="agency")
    with pytest.raises(ValidationError) as error:
        update(draft, member, ministry=agency)
    assert "ministry responsible" in refusal(error)["ministry"][0]
    suspended = OrganisationFactory(tier="ministry", status="suspended")
    with pytest.raises(ValidationError):
        update(draft, member, ministry=suspended)


def test_a_network_names_other_verified_public_bodies(draft, member, organisation):
    town = OrganisationFactory(name="Town of Aveiro")
    update(draft, member, partners=[town, town])
    assert list(draft.partners.all()) == [town]
    with pytest.raises(ValidationError) as error:
        update(draft, member, partners=[organisation])
    assert "coordinates the network" in refusal(error)["partners"][0]
    with pytest.raises(ValidationError):
        update(draft, member, partners=[OrganisationFactory(status="pending")])


def test_rules_are_added_changed_and_removed_with_an_audit(draft, member):
    eli = "http://data.europa.eu/eli/reg/2016/679/oj"
    rule = services.rule_add(actor=member, application=draft, **RULE, eli=f"  {eli} ")
    assert rule.eli == eli
    assert services.rule_change(actor=member, rule=rule, **RULE, eli=eli) == []
    assert services.rule_change(actor=member, rule=rule, **{**RULE, "article": "Article 8"}) == ["article", "eli"]
    services.rule_remove(actor=member, rule=Rule.objects.get(pk=rule.pk))
    assert not Rule.objects.exists()
    verbs = list(AuditEvent.objects.filter(target_id=str(draft.pk)).values_list("verb", flat=True))
    assert {"add_rule", "change_rule", "remove_rule"} <= set(verbs)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"legal_reference": ""}, "legal_reference"),
        ({"article": " "}, "article"),
        ({"wording": ""}, "wording"),
        ({"eli": "https://example.org/act/2021/1174"}, "eli"),
        ({"eli": "not an address"}, "eli"),
    ],
)
def test_a_rule_with_bad_input_is_refused_beside_its_field(draft, member, values, field):
    with pytest.raises(ValidationError) as error:
        services.rule_add(actor=member, application=draft, **{**RULE, **values})
    assert field in refusal(error)
    assert not Rule.objects.exists()


def test_a_partner_reads_but_does_not_write(draft, member):
    town = OrganisationFactory()
    partner = MembershipFactory(organisation=town).user
    update(draft, member, partners=[town])
    draft.refresh_from_db()
    assert partner.has_perm("sandbox.view_application", draft)
    with pytest.raises(PermissionDenied):
        update(draft, partner, barrier="Not mine to write.")
    with pytest.raises(PermissionDenied):
        services.rule_add(actor=partner, application=draft, **RULE)
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=partner, application=draft)


# Sending -----------------------------------------------------------------------------------


def test_a_draft_lacking_parts_is_not_sent_and_each_part_is_named(draft, member):
    with pytest.raises(ValidationError) as error:
        services.application_submit(actor=member, application=draft)
    missing = refusal(error)
    assert {"ministry", "population", "starts", "ends", "rules"} <= set(missing)
    assert missing["attests_lawful"] == ["Attest that the experiment breaches neither the constitution nor EU law."]
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


@pytest.mark.parametrize("attestation", ["attests_lawful", "attests_no_advantage", "attests_legal_certainty"])
def test_every_attestation_is_needed(ready, member, attestation):
    update(ready, member, **{attestation: False})
    with pytest.raises(ValidationError) as error:
        services.application_submit(actor=member, application=ready)
    assert list(refusal(error)) == [attestation]


def test_a_complete_draft_is_sent_to_the_ministry_and_the_programme_managers(
    ready, member, official, programme_manager
):
    bystander = MembershipFactory(organisation=OrganisationFactory(tier="ministry")).user
    services.application_submit(actor=member, application=ready)
    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.PRELIMINARY and ready.submitted_by == member
    assert ready.submitted_at is not None
    told = set(Notification.objects.filter(kind="sandbox.application_submitted").values_list("recipient", flat=True))
    assert told == {official.pk, programme_manager.pk}
    assert bystander.pk not in told
    assert official.has_perm("sandbox.view_application", ready)
    assert not bystander.has_perm("sandbox.view_application", ready)


def test_a_draft_is_not_sent_once_its_call_closed(ready, member, programme_manager):
    call_services.call_close(actor=programme_manager, call=ready.call)
    with pytest.raises(ValidationError) as error:
        services.application_submit(actor=member, application=ready)
    assert "is not open for applications" in error.value.messages[0]


def test_a_first_day_that_passed_while_it_was_a_draft_is_refused_at_sending(ready, member):
    Application.objects.filter(pk=ready.pk).update(starts=timezone.localdate() - timedelta(days=1))
    ready.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.application_submit(actor=member, application=ready)
    assert "starts" in refusal(error)


def test_a_sent_application_is_no_longer_written(sent, member):
    with pytest.raises(PermissionDenied):
        update(sent, member, barrier="Too late.")
    with pytest.raises(PermissionDenied):
        services.rule_add(actor=member, application=sent, **RULE)
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=member, application=sent)


# Withdrawing -----------------------------------------------------------------------------


def test_a_draft_is_withdrawn_without_a_reason_and_stays_its_bodys_own(draft, member, programme_manager):
    services.application_withdraw(actor=member, application=draft, reason="")
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.WITHDRAWN
    assert not Notification.objects.filter(kind="sandbox.application_withdrawn").exists()
    # Never sent: the programme managers do not read it, now it is withdrawn either.
    assert not programme_manager.has_perm("sandbox.view_application", draft)
    from ponte.sandbox.queries.applications import applications_visible_to

    assert not applications_visible_to(programme_manager).filter(pk=draft.pk).exists()


def test_a_sent_application_is_withdrawn_with_a_reason_the_ministry_reads(sent, member, official):
    with pytest.raises(ValidationError) as error:
        services.application_withdraw(actor=member, application=sent, reason=" ")
    assert "Say why the application is withdrawn" in refusal(error)["reason"][0]
    services.application_withdraw(actor=member, application=sent, reason="Done within the rules.")
    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.WITHDRAWN and sent.withdraw_reason == "Done within the rules."
    notice = Notification.objects.get(kind="sandbox.application_withdrawn", recipient=official)
    assert "Done within the rules." in notice.message


def test_a_withdrawn_application_is_final(sent, member):
    services.application_withdraw(actor=member, application=sent, reason="No longer needed.")
    sent.refresh_from_db()
    for act in (
        lambda: services.application_withdraw(actor=member, application=sent, reason="Again."),
        lambda: services.application_submit(actor=member, application=sent),
        lambda: update(sent, member, barrier="Again."),
    ):
        with pytest.raises(PermissionDenied):
            act()


def test_no_one_outside_the_applying_body_withdraws_it(sent, official, programme_manager):
    for person in (official, programme_manager, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.application_withdraw(actor=person, application=sent, reason="Not mine.")
