import pytest
from django.core.management import call_command

from ponte.core.models import AuditEvent
from ponte.exchange.models import Round, RoundPhase


@pytest.mark.django_db
def test_the_demo_exchange_has_a_finished_a_current_and_an_upcoming_round_and_a_second_run_adds_nothing():
    call_command("seed_demo", quiet=True)
    rounds = {r.title: r for r in Round.objects.with_phase().prefetch_related("challenges")}
    assert {title: r.phase for title, r in rounds.items()} == {
        "Partnership for change 2025": RoundPhase.FINISHED,
        "Partnership for change 2026": RoundPhase.APPLICATIONS_OPEN,
        "Partnership for change 2027": RoundPhase.UPCOMING,
    }
    assert [c.title for c in rounds["Partnership for change 2026"].challenges.all()] == [
        "Once-only certificates",
        "Faster business permits",
    ]
    # Opened through the service: each round's opening is in the audit trail.
    assert AuditEvent.objects.filter(verb="open", target_type__app_label="exchange").count() == 3
    call_command("seed_demo", quiet=True)
    assert Round.objects.count() == 3


@pytest.mark.django_db
def test_the_demo_round_taking_applications_has_applications_waiting_for_approval_and_hosting():
    from ponte.exchange.models import Application, Hosting

    call_command("seed_demo", quiet=True)
    applications = {a.applicant.email: a for a in Application.objects.select_related("applicant", "round")}
    assert {email: a.status for email, a in applications.items()} == {
        "servant@example.org": "waiting",
        "company@example.org": "waiting",
        "sponsor@example.org": "approved",
    }
    assert {a.round.title for a in applications.values()} == {"Partnership for change 2026"}
    assert applications["company@example.org"].side == "company"
    assert sorted(Hosting.objects.values_list("organisation__slug", "guests")) == [("ama", 2), ("civic-data-labs", 3)]
    assert AuditEvent.objects.filter(verb="apply").count() == 3
    call_command("seed_demo", quiet=True)
    assert Application.objects.count() == 3 and Hosting.objects.count() == 2
