"""The sandbox at scale (`python -m ponte generate`): exemptions granted by the generated
ministries to the generated public bodies, which hold together as the services would have left
them — their reports on schedule, outcomes only once over, the overdue ones the reminders find."""

from django.utils import timezone

from ponte.dev.generate import organisations as organisations_generate
from ponte.dev.generate import sandbox as sandbox_generate
from ponte.sandbox.models import Application, ApplicationStatus, Exemption, ExemptionPhase, Outcome, Rule
from ponte.sandbox.queries.register import overdue_reports
from tests.factories import UserFactory


class _NoBar:
    def update(self, count):
        pass

    def close(self):
        pass


def _progress(total, desc):
    return _NoBar()


def test_the_generator_grants_exemptions_that_hold_together(db):
    UserFactory(is_programme_manager=True)
    UserFactory(is_sponsor=True)
    organisations_generate.build("S", _progress)
    sandbox_generate.build("S", _progress)

    today = timezone.localdate()
    exemptions = list(Exemption.objects.with_phase().select_related("application__ministry"))
    assert len(exemptions) == sandbox_generate.SIZES["S"]
    assert {e.application.status for e in exemptions} == {ApplicationStatus.APPROVED}
    assert all(e.application.ministry.tier == "ministry" for e in exemptions)
    assert Rule.objects.filter(application__exemption__isnull=False).count() == len(exemptions)
    for exemption in exemptions:
        assert exemption.starts < exemption.ends
        reported = list(exemption.reports.values_list("due_on", flat=True))
        assert set(reported) <= set(exemption.report_due_dates())
        if exemption.phase == ExemptionPhase.EXPIRED:
            assert exemption.outcome in (Outcome.RULE_CHANGED, Outcome.EXPIRED) and exemption.next_report_due is None
        if exemption.phase in (ExemptionPhase.ACTIVE, ExemptionPhase.UPCOMING):
            assert exemption.outcome == ""
            assert exemption.next_report_due is None or exemption.next_report_due > max(
                reported, default=exemption.starts
            )
    assert {ExemptionPhase.EXPIRED, ExemptionPhase.ACTIVE} <= {e.phase for e in exemptions}
    assert overdue_reports().count() == sum(
        1 for e in exemptions if e.phase == ExemptionPhase.ACTIVE and e.next_report_due and e.next_report_due < today
    )
    assert Application.objects.exclude(status=ApplicationStatus.APPROVED).count() == len(exemptions) // 10
