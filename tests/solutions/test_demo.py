import pytest
from django.core.management import call_command

from ponte.core.search import search
from ponte.solutions.models import Solution


@pytest.mark.django_db
def test_the_demo_catalogue_has_screened_and_waiting_solutions_and_a_second_run_adds_nothing():
    call_command("seed_demo", quiet=True)
    statuses = sorted(Solution.objects.values_list("status", flat=True))
    assert statuses == ["published", "published", "submitted"]
    call_command("seed_demo", quiet=True)
    assert Solution.objects.count() == 3
    # Only screened solutions are found by visitors.
    assert search("queue insight", user=None).total == 1
    assert search("letter checker", user=None).total == 0
