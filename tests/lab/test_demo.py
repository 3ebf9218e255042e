import pytest
from django.core.management import call_command

from ponte.core import links
from ponte.core.models import Link
from ponte.lab.models import Problem


@pytest.mark.django_db
def test_the_demo_lab_has_problems_at_every_step_of_triage_and_a_second_run_adds_nothing():
    call_command("seed_demo", quiet=True)
    statuses = sorted(Problem.objects.values_list("status", flat=True))
    assert statuses == ["accepted", "declined", "merged", "sent_to_marketplace", "submitted", "submitted"]
    declined = Problem.objects.get(status="declined")
    assert declined.triage_reason
    merged = Problem.objects.get(status="merged")
    assert merged.merged_into.status == "submitted"
    # The problem sent to the marketplace left its draft challenge on its trail, which its
    # submitter reads.
    sent = Problem.objects.get(status="sent_to_marketplace")
    trail = links.trail(sent, sent.submitted_by)
    assert [entry.title for entry in trail] == [sent.title]
    call_command("seed_demo", quiet=True)
    assert Problem.objects.count() == 6
    assert Link.objects.count() == 1
