"""The demo sandbox: an open call with themes, a standing call and a closed one; applications at
every step — a draft, one sent with a network, two rules (one with its ELI) and a dialogue, one
with changes asked, a final one waiting for the ministry, one approved with its active exemption,
one rejected with reasons, one withdrawn — each through the services so their audit trail and
notifications are real; and a second run adds nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ponte.core.models import AuditEvent, Link, Notification
from ponte.dev.demo import lab, organisations, people, sandbox
from ponte.sandbox.models import (
    Application,
    ApplicationStatus,
    Call,
    CallPhase,
    Exemption,
    ExemptionPhase,
    Message,
    Outcome,
    Rule,
)

pytestmark = pytest.mark.django_db


def test_the_demo_sandbox():
    people.build()
    organisations.build()
    lab.build()
    sandbox.build()
    phases = {call.title: call.phase for call in Call.objects.with_phase()}
    assert sorted(phases.values()) == [CallPhase.CLOSED, CallPhase.OPEN, CallPhase.OPEN]
    assert Call.objects.filter(closes_at__isnull=True).count() == 1
    statuses = dict(Application.objects.values_list("status", "title"))
    assert set(statuses) == {
        ApplicationStatus.DRAFT,
        ApplicationStatus.PRELIMINARY,
        ApplicationStatus.CHANGES_ASKED,
        ApplicationStatus.FINAL,
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    }
    sent = Application.objects.get(status=ApplicationStatus.PRELIMINARY)
    [question, answer] = Message.objects.filter(application=sent)
    assert answer.reply_to == question and question.side == "ministry"
    assert Message.objects.get(application__status=ApplicationStatus.CHANGES_ASKED).action == "ask_changes"
    assert Application.objects.get(status=ApplicationStatus.FINAL).legal_statement
    exemptions = {e.application.title: e for e in Exemption.objects.with_phase().select_related("application")}
    today = timezone.localdate()
    overdue = exemptions["Fewer mandatory follow-up meetings with job seekers"]
    assert overdue.phase == ExemptionPhase.ACTIVE and overdue.next_report_due < today
    assert overdue.reports.count() == 1 and overdue.sponsor.email == "sponsor@example.org"
    # Run by a lab project: the project's trail shows the exemption.
    assert Link.objects.filter(kind="sandbox.exemption_for_project", source_id=overdue.pk).exists()
    due = exemptions["Home care plans agreed by the care team, not the municipality"]
    assert today <= due.next_report_due <= today + timedelta(days=14)
    assert exemptions["School bus passes issued by the schools"].phase == ExemptionPhase.REVOKED
    outcomes = {e.outcome for e in exemptions.values()}
    assert {Outcome.RULE_CHANGED, Outcome.EXTENDED, Outcome.EXPIRED, Outcome.REVOKED} <= outcomes
    changed = exemptions["Small home extensions permitted within 10 days"]
    assert changed.phase == ExemptionPhase.EXPIRED and changed.evaluated_at and changed.reports.count() == 4
    extended = exemptions["One contact person for families with a disabled child"]
    assert extended.phase == ExemptionPhase.ACTIVE and extended.next_report_due > today
    assert Application.objects.get(status=ApplicationStatus.REJECTED).reject_reason
    assert [body.slug for body in sent.partners.all()] == ["labx"]
    assert sent.ministry.slug == "ministry-of-the-presidency-pt"
    assert Rule.objects.filter(application=sent).exclude(eli="").count() == 1
    assert Notification.objects.filter(
        kind="sandbox.application_submitted", recipient__email="ministry@example.org"
    ).exists()
    assert AuditEvent.objects.filter(verb="submit_preliminary").count() == 12
    # The sponsor accepted every exemption when named, but the one decided this week.
    waiting = exemptions["Home care plans agreed by the care team, in a second municipality"]
    assert waiting.sponsorship == "asked" and waiting.phase == ExemptionPhase.UPCOMING
    assert {e.sponsorship for e in exemptions.values() if e.pk != waiting.pk} == {"accepted"}
    counts = (Call.objects.count(), Application.objects.count(), Rule.objects.count())
    sandbox.build()
    assert (Call.objects.count(), Application.objects.count(), Rule.objects.count()) == counts
