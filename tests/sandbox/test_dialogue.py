"""The dialogue and the decisions on a sent application: the parties write and reply with files;
the ministry or a programme manager asks for changes and the applicants send them; the ministry
invites the final application, which needs the draft local statement of legal status, and
approves it — granting an exemption with conditions, a legal basis, dates within the maximum
duration and a sponsor — or rejects it with reasons. Nobody but the responsible ministry decides."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from ponte.core import attachments
from ponte.core.models import AuditEvent, Notification
from ponte.sandbox.models import ApplicationStatus, Exemption, ExemptionPhase, Message, Side
from ponte.sandbox.services import applications as services
from ponte.sandbox.services import decisions, dialogue
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def refusal(error) -> dict:
    return error.value.message_dict


@pytest.fixture
def sponsor(db):
    return UserFactory(name="Sofia Sponsor", is_sponsor=True)


def told(kind) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))


def invited(sent, official, member):
    dialogue.final_invite(actor=official, application=sent)
    sent.refresh_from_db()
    services.application_update(
        actor=member, application=sent, seen_version=sent.version, legal_statement="The digital plan applies."
    )
    sent.refresh_from_db()
    return sent


def final(sent, official, member):
    application = invited(sent, official, member)
    services.application_submit(actor=member, application=application)
    application.refresh_from_db()
    return application


def approve(application, official, named, **changes):
    values = {
        "conditions": "Report every six months.",
        "legal_basis": "Order 112/2027",
        "starts": application.starts,
        "ends": application.ends,
        "sponsor": named,
        **changes,
    }
    return decisions.application_approve(actor=official, application=application, **values)


# Writing -----------------------------------------------------------------------------------------


def test_the_parties_write_and_reply_and_the_other_side_is_told(sent, member, official, programme_manager):
    question = dialogue.message_write(actor=official, application=sent, body="How many citizens a month?")
    assert question.side == Side.MINISTRY
    assert told("sandbox.message_written") == {member.pk}
    answer = dialogue.message_write(actor=member, application=sent, body="About 800.", reply_to=question)
    assert answer.side == Side.APPLICANTS and answer.reply_to == question
    assert {official.pk, programme_manager.pk} <= told("sandbox.message_written")
    note = dialogue.message_write(actor=programme_manager, application=sent, body="The lab can help measure it.")
    assert note.side == Side.PROGRAMME
    assert AuditEvent.objects.filter(verb="write_message", target_id=str(sent.pk)).count() == 3


def test_a_message_carries_files_its_readers_download(sent, member, official):
    report = ContentFile(PDF, name="baseline.pdf")
    message = dialogue.message_write(actor=member, application=sent, body="Our baseline.", files=[report])
    [file] = attachments.attachments_of(message)
    assert file.original_name == "baseline.pdf"
    assert attachments.can_download(official, file)
    assert not attachments.can_download(UserFactory(), file)


def test_a_bad_file_refuses_the_whole_message(sent, member):
    with pytest.raises(ValidationError):
        dialogue.message_write(
            actor=member, application=sent, body="A script.", files=[ContentFile(b"MZ\x90\x00" * 50, name="a.pdf")]
        )
    assert not Message.objects.exists()


def test_at_most_five_files(sent, member):
    files = [ContentFile(PDF, name=f"f{n}.pdf") for n in range(6)]
    with pytest.raises(ValidationError) as error:
        dialogue.message_write(actor=member, application=sent, body="Many.", files=files)
    assert "at most 5 files" in refusal(error)["files"][0]


def test_an_empty_message_is_refused(sent, member):
    with pytest.raises(ValidationError) as error:
        dialogue.message_write(actor=member, application=sent, body="  ")
    assert refusal(error)["body"] == ["Write your message."]


def test_a_reply_to_another_applications_message_is_refused(sent, member, call, organisation, ministry, ready):
    other = services.application_start(actor=member, call=call, coordinator=organisation, title="Other")
    foreign = Message.objects.create(application=other, author=member, side=Side.APPLICANTS, body="x")
    with pytest.raises(ValidationError):
        dialogue.message_write(actor=member, application=sent, body="Reply.", reply_to=foreign)


def test_no_one_else_writes_and_nobody_writes_on_a_draft(sent, member, call, organisation):
    stranger = MembershipFactory(organisation=OrganisationFactory(tier="ministry")).user
    with pytest.raises(PermissionDenied):
        dialogue.message_write(actor=stranger, application=sent, body="Not mine.")
    draft = services.application_start(actor=member, call=call, coordinator=organisation, title="A draft")
    with pytest.raises(PermissionDenied):
        dialogue.message_write(actor=member, application=draft, body="Too early.")


# Changes asked ------------------------------------------------------------------------------------


def test_changes_asked_go_back_to_the_applicants_who_send_them_again(sent, member, official, programme_manager):
    dialogue.changes_ask(actor=programme_manager, application=sent, body="Give the baseline per month.")
    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.CHANGES_ASKED
    assert told("sandbox.changes_asked") == {member.pk}
    assert Message.objects.get(action="ask_changes").body == "Give the baseline per month."
    services.application_update(
        actor=member, application=sent, seen_version=sent.version, baseline="31 days; 2.6 a month."
    )
    sent.refresh_from_db()
    services.application_submit(actor=member, application=sent)
    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.PRELIMINARY
    assert official.pk in told("sandbox.application_resubmitted")


def test_changes_need_a_request(sent, official):
    with pytest.raises(ValidationError) as error:
        dialogue.changes_ask(actor=official, application=sent, body="")
    assert "Say what the applicants should change" in refusal(error)["body"][0]
    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.PRELIMINARY


def test_changes_sent_again_keep_the_call_closed_out_of_the_way(sent, member, official, programme_manager):
    from ponte.sandbox.services import calls as call_services

    call_services.call_close(actor=programme_manager, call=sent.call)
    dialogue.changes_ask(actor=official, application=sent, body="One more figure.")
    sent.refresh_from_db()
    services.application_submit(actor=member, application=sent)  # a closed call stops new drafts only
    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.PRELIMINARY


# The final application -------------------------------------------------------------------------


def test_only_the_ministry_invites_the_final_application(sent, member, programme_manager):
    for person in (member, programme_manager):
        with pytest.raises(PermissionDenied):
            dialogue.final_invite(actor=person, application=sent)


def test_the_final_application_needs_its_legal_statement(sent, member, official):
    dialogue.final_invite(actor=official, application=sent, body="Please add the statement.")
    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.FINAL_DRAFT and told("sandbox.final_invited") == {member.pk}
    with pytest.raises(ValidationError) as error:
        services.application_submit(actor=member, application=sent)
    assert "draft local statement of legal status" in refusal(error)["legal_statement"][0]
    services.application_update(
        actor=member, application=sent, seen_version=sent.version, legal_statement="The digital plan applies."
    )
    sent.refresh_from_db()
    services.application_submit(actor=member, application=sent)
    application = type(sent).objects.get(pk=sent.pk)
    assert application.status == ApplicationStatus.FINAL and application.final_submitted_at is not None
    assert official.pk in told("sandbox.final_application_submitted")


def test_changes_to_the_final_application_return_it_to_the_applicants(sent, member, official):
    application = final(sent, official, member)
    dialogue.changes_ask(actor=official, application=application, body="Shorten the statement.")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.FINAL_DRAFT


# Decisions ---------------------------------------------------------------------------------------


def test_the_ministry_approves_with_conditions_dates_and_a_sponsor(sent, member, official, sponsor, programme_manager):
    application = final(sent, official, member)
    exemption = approve(application, official, sponsor)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED and application.decided_by == official
    assert exemption.sponsor == sponsor and exemption.legal_basis == "Order 112/2027"
    assert exemption.phase == ExemptionPhase.UPCOMING
    assert member.pk in told("sandbox.application_approved")
    event = AuditEvent.objects.get(verb="approve", target_id=str(application.pk))
    assert event.reason == "Order 112/2027: Report every six months."


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"conditions": " "}, "conditions", "Give the conditions"),
        ({"legal_basis": ""}, "legal_basis", "Give the legal basis"),
        ({"starts": None}, "starts", "Give the first day of the exemption."),
        ({"ends": "2030-01-01"}, "ends", "Give the last day of the exemption."),
        ({"sponsor": None}, "sponsor", "Name a person with the sponsor role"),
    ],
)
def test_bad_decisions_are_refused_beside_their_field(sent, member, official, sponsor, changes, field, words):
    application = final(sent, official, member)
    with pytest.raises(ValidationError) as error:
        approve(application, official, sponsor, **changes)
    assert words in " ".join(refusal(error)[field])
    assert not Exemption.objects.exists()


def test_a_sponsor_must_have_the_role(sent, member, official):
    application = final(sent, official, member)
    with pytest.raises(ValidationError) as error:
        approve(application, official, UserFactory())
    assert "sponsor" in refusal(error)


def test_the_exemptions_dates_follow_the_rules(sent, member, official, sponsor):
    application = final(sent, official, member)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        approve(application, official, sponsor, starts=today + timedelta(days=10), ends=today + timedelta(days=9))
    assert refusal(error)["ends"] == ["The last day must come on or after the first day."]
    with pytest.raises(ValidationError) as error:
        approve(application, official, sponsor, starts=today + timedelta(days=1), ends=today + timedelta(days=1500))
    assert "4 years at most" in refusal(error)["ends"][0]
    with pytest.raises(ValidationError) as error:
        approve(application, official, sponsor, starts=today - timedelta(days=1))
    assert "has passed" in refusal(error)["starts"][0]


def test_a_decision_by_a_body_that_is_not_the_responsible_ministry_is_refused(
    sent, member, official, sponsor, programme_manager
):
    application = final(sent, official, member)
    other_ministry = MembershipFactory(organisation=OrganisationFactory(tier="ministry"), role="admin").user
    for person in (other_ministry, programme_manager, member, sponsor):
        with pytest.raises(PermissionDenied):
            approve(application, person, sponsor)
        with pytest.raises(PermissionDenied):
            decisions.application_reject(actor=person, application=application, reason="Not yours.")
    assert not Exemption.objects.exists()


def test_the_ministry_rejects_with_reasons_the_applicants_read(sent, member, official):
    with pytest.raises(ValidationError) as error:
        decisions.application_reject(actor=official, application=sent, reason="")
    assert "Give the reasons" in refusal(error)["reason"][0]
    decisions.application_reject(actor=official, application=sent, reason="EU law sets this rule.")
    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.REJECTED and sent.reject_reason == "EU law sets this rule."
    assert member.pk in told("sandbox.application_rejected")


def test_a_decided_application_is_closed_to_every_move(sent, member, official, sponsor):
    application = final(sent, official, member)
    approve(application, official, sponsor)
    application.refresh_from_db()
    for act in (
        lambda: approve(application, official, sponsor),
        lambda: decisions.application_reject(actor=official, application=application, reason="Late."),
        lambda: dialogue.changes_ask(actor=official, application=application, body="Late."),
        lambda: dialogue.message_write(actor=member, application=application, body="Late."),
        lambda: services.application_withdraw(actor=member, application=application, reason="Late."),
    ):
        with pytest.raises(PermissionDenied):
            act()


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_an_exemptions_phase_at_its_first_and_last_day(sent, member, official, sponsor, offset):
    application = final(sent, official, member)
    exemption = approve(application, official, sponsor)
    for day, expected in (
        (exemption.starts, ExemptionPhase.ACTIVE),
        (exemption.ends, ExemptionPhase.ACTIVE),
    ):
        moment = day + timedelta(days=offset)
        read = Exemption.objects.with_phase(moment).get(pk=exemption.pk).phase_now
        assert read == exemption.phase_on(moment)
        if offset == 0:
            assert read == expected
    assert exemption.phase_on(exemption.starts - timedelta(days=1)) == ExemptionPhase.UPCOMING
    assert exemption.phase_on(exemption.ends + timedelta(days=1)) == ExemptionPhase.EXPIRED
