import pytest
from django.core.management import call_command

from ponte.core import links
from ponte.core.models import Link
from ponte.lab.models import Problem, Project


@pytest.mark.django_db
def test_the_demo_lab_has_problems_at_every_step_of_triage_and_a_second_run_adds_nothing():
    call_command("seed_demo", quiet=True)
    statuses = sorted(Problem.objects.values_list("status", flat=True))
    assert statuses == [
        *["accepted"] * 4,
        "declined",
        "merged",
        "sent_to_marketplace",
        "submitted",
        "submitted",
    ]
    declined = Problem.objects.get(status="declined")
    assert declined.triage_reason
    merged = Problem.objects.get(status="merged")
    assert merged.merged_into.status == "submitted"
    # The problem sent to the marketplace left its draft challenge on its trail, which its
    # submitter reads.
    sent = Problem.objects.get(status="sent_to_marketplace")
    trail = links.trail(sent, sent.submitted_by)
    assert [entry.title for entry in trail] == [sent.title]
    # Projects at every step: waiting for a sponsor, a gate waiting for its decision, stopped
    # with its lessons, and scaled.
    projects = {p.title: p for p in Project.objects.all()}
    assert projects["A first month that keeps young jobseekers in training"].sponsorship == "asked"
    once_only = projects["Once-only certificates"]
    assert once_only.stage == "experiment"
    assert once_only.gates.filter(decision="pending").count() == 1
    stopped = projects["Electronic invoices for the smallest suppliers"]
    assert (stopped.status, stopped.stage) == ("stopped", "co_create")
    assert "Ask the market before building" in stopped.lessons
    assert projects["Heat-wave calls for older people living alone"].stage == "scale"
    call_command("seed_demo", quiet=True)
    assert Problem.objects.count() == 9
    assert Project.objects.count() == 4
    assert Link.objects.filter(kind="lab.problem_became_challenge").count() == 1
