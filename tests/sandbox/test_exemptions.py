"""An exemption while it runs and after: progress reports for each due date, reminders sent once
per date however often they run, overdue reports flagged to the programme managers, revocation by
the ministry alone, the applicants' evaluation and the ministry's outcome — extension included."""

import io
from datetime import timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from ponte.core.models import AuditEvent, Notification
from ponte.sandbox.models import ExemptionPhase, Outcome, ProgressReport, Reminder
from ponte.sandbox.services import exemptions as services
from ponte.sandbox.services.reminders import send_sandbox_reminders
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .conftest import granted

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsor(db):
    return UserFactory(name="Sofia Sponsor", is_sponsor=True)


@pytest.fixture
def running(call, organisation, ministry, sponsor, member, official):
    """Active for 170 days, a report every 6 months: its first report is due within a fortnight."""
    return granted(call, organisation, ministry, sponsor, starts=-170, days=730)


def told(kind) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))


def refusal(error) -> dict:
    return error.value.message_dict


def test_the_due_dates_follow_the_schedule(running):
    dates = running.report_due_dates()
    every = [running.starts + relativedelta(months=6 * step) for step in range(1, 6)]
    assert dates == [day for day in every if day <= running.ends]
    assert running.next_report_due == dates[0]


def test_a_report_answers_the_due_date_and_moves_it_on(running, member, official):
    first = running.next_report_due
    report = services.report_send(actor=member, exemption=running, progress="Going well.", measure="18 days")
    running.refresh_from_db()
    assert report.due_on == first and running.next_report_due == running.report_due_dates()[1]
    assert official.pk in told("sandbox.report_sent")
    # The next is not due within a month: no report can be sent yet.
    with pytest.raises(PermissionDenied):
        services.report_send(actor=member, exemption=running, progress="Again.", measure="17 days")


def test_a_report_needs_its_progress_and_measure(running, member):
    with pytest.raises(ValidationError) as error:
        services.report_send(actor=member, exemption=running, progress=" ", measure="")
    assert set(refusal(error)) == {"progress", "measure"}
    assert not ProgressReport.objects.exists()


def test_only_the_applying_body_reports(running, official, programme_manager):
    for person in (official, programme_manager, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.report_send(actor=person, exemption=running, progress="Not mine.", measure="-")


def test_reminders_go_once_per_due_date_even_run_again(running, member, official, programme_manager):
    assert send_sandbox_reminders()["report_due"] == 1
    assert told("sandbox.report_due") == {member.pk}
    # Run again, as after a restart or by a second worker: nothing more.
    assert send_sandbox_reminders()["report_due"] == 0
    call_command("send_sandbox_reminders", stdout=io.StringIO())
    assert Notification.objects.filter(kind="sandbox.report_due").count() == 1
    # Once the due date has passed without a report: overdue, told once to those who decide.
    with time_machine.travel(running.next_report_due + timedelta(days=1)):
        assert send_sandbox_reminders()["report_overdue"] == 1
        assert send_sandbox_reminders()["report_overdue"] == 0
    assert {official.pk, programme_manager.pk} <= told("sandbox.report_overdue")
    assert member.pk not in told("sandbox.report_overdue")
    assert Reminder.objects.count() == 2


def test_the_next_due_date_is_reminded_again(running, member):
    send_sandbox_reminders()
    services.report_send(actor=member, exemption=running, progress="Fine.", measure="18 days")
    running.refresh_from_db()
    with time_machine.travel(running.next_report_due - timedelta(days=3)):
        assert send_sandbox_reminders()["report_due"] == 1
    assert Notification.objects.filter(kind="sandbox.report_due").count() == 2


def test_an_exemption_ending_soon_is_reminded_once_to_both_sides(
    call, organisation, ministry, sponsor, member, official
):
    ending = granted(call, organisation, ministry, sponsor, starts=-100, days=120)
    assert send_sandbox_reminders()["ending"] == 1
    assert send_sandbox_reminders()["ending"] == 0
    assert {member.pk, official.pk} <= told("sandbox.exemption_ending")
    assert ending.phase == ExemptionPhase.ACTIVE


def test_the_overdue_figure_and_page_for_the_programme_managers(login, running, programme_manager, member):
    from tests.reading import Page

    with time_machine.travel(running.next_report_due + timedelta(days=2)):
        page = Page(login(programme_manager).get("/sandbox/reports/"))
        assert running.application.title in page.text() and "Overdue" in page.text()
        home = Page(login(programme_manager).get("/"))
        assert "Exemptions with a progress report overdue" in home.text()
    assert login(member).get("/sandbox/reports/").status_code == 403


# Revocation ---------------------------------------------------------------------------------------


def test_the_ministry_revokes_with_a_reason_the_public_reads(client, running, member, official):
    with pytest.raises(ValidationError) as error:
        services.exemption_revoke(actor=official, exemption=running, reason="")
    assert "Say why the exemption is revoked" in refusal(error)["reason"][0]
    services.exemption_revoke(actor=official, exemption=running, reason="The safeguards were not kept.")
    running.refresh_from_db()
    assert running.phase == ExemptionPhase.REVOKED and running.outcome == Outcome.REVOKED
    assert member.pk in told("sandbox.exemption_revoked")
    assert AuditEvent.objects.filter(verb="revoke").exists()
    page = client.get(f"/sandbox/register/{running.pk}/").content.decode()
    assert "The safeguards were not kept." in page
    assert client.get("/api/sandbox/exemptions?phase=revoked").json()["count"] == 1
    # Revoked: no more reports, no second revocation, no reminder.
    with pytest.raises(PermissionDenied):
        services.report_send(actor=member, exemption=running, progress="x", measure="y")
    with pytest.raises(PermissionDenied):
        services.exemption_revoke(actor=official, exemption=running, reason="Again.")
    assert send_sandbox_reminders() == {"report_due": 0, "report_overdue": 0, "ending": 0}


def test_nobody_but_the_granting_ministry_revokes(running, member, programme_manager):
    other = MembershipFactory(organisation=OrganisationFactory(tier="ministry")).user
    for person in (member, programme_manager, other):
        with pytest.raises(PermissionDenied):
            services.exemption_revoke(actor=person, exemption=running, reason="Not ours.")


# Evaluation and outcome -----------------------------------------------------------------------------


@pytest.fixture
def over(call, organisation, ministry, sponsor, member, official):
    return granted(call, organisation, ministry, sponsor, starts=-400, days=365)


def test_the_evaluation_comes_once_it_is_over(running, over, member, official):
    with pytest.raises(PermissionDenied):
        services.evaluation_write(actor=member, exemption=running, evaluation="Early.", result="-", lessons="-")
    with pytest.raises(ValidationError) as error:
        services.evaluation_write(actor=member, exemption=over, evaluation="", result="", lessons="")
    assert set(refusal(error)) == {"evaluation", "result", "lessons"}
    services.evaluation_write(
        actor=member, exemption=over, evaluation="It worked.", result="6.5 months (baseline 7.2)", lessons="Ask."
    )
    over.refresh_from_db()
    assert over.evaluated_at is not None and official.pk in told("sandbox.exemption_evaluated")


def test_the_ministry_records_that_the_rule_changed(client, over, member, official):
    with pytest.raises(PermissionDenied):
        services.outcome_record(actor=member, exemption=over, outcome=Outcome.RULE_CHANGED, note="Mine?")
    with pytest.raises(ValidationError) as error:
        services.outcome_record(actor=official, exemption=over, outcome="revoked", note="")
    assert set(refusal(error)) == {"outcome", "note"}
    services.outcome_record(actor=official, exemption=over, outcome=Outcome.RULE_CHANGED, note="Law 12/2027.")
    over.refresh_from_db()
    assert over.outcome == Outcome.RULE_CHANGED and member.pk in told("sandbox.outcome_recorded")
    page = client.get("/sandbox/register/").content.decode()
    assert "Of the 1 experiment whose outcome is known, 1 led to a permanent rule change (100 %)." in page
    with pytest.raises(PermissionDenied):
        services.outcome_record(actor=official, exemption=over, outcome=Outcome.EXPIRED, note="Again.")
    # Settled: the reports still missing are asked for no more.
    assert over.next_report_due is None
    assert send_sandbox_reminders()["report_overdue"] == 0


def test_an_extension_gives_a_new_last_day_within_the_maximum(over, official):
    latest = over.starts.replace(year=over.starts.year + 4) - timedelta(days=1)
    for bad, words in (
        (None, "Give the new last day"),
        (timezone.localdate(), "Give the new last day"),
        (latest + timedelta(days=1), "at the latest"),
    ):
        with pytest.raises(ValidationError) as error:
            services.outcome_record(
                actor=official, exemption=over, outcome=Outcome.EXTENDED, note="More time.", extended_until=bad
            )
        assert words in refusal(error)["extended_until"][0]
    new_end = timezone.localdate() + timedelta(days=200)
    services.outcome_record(
        actor=official, exemption=over, outcome=Outcome.EXTENDED, note="More time.", extended_until=new_end
    )
    over.refresh_from_db()
    assert over.ends == new_end and over.phase == ExemptionPhase.ACTIVE and over.outcome == Outcome.EXTENDED
    assert over.next_report_due is not None
