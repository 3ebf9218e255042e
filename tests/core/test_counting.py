"""Several counts in one query: each as `.count()` gives it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.core.counting import count_together
from ponte.organisations.models import Organisation
from tests.factories import CompanyFactory, OrganisationFactory


@pytest.mark.django_db
def test_each_count_is_what_count_gives_and_all_are_read_in_one_query():
    OrganisationFactory(name="Agência A")
    OrganisationFactory(name="Agência B", status="pending")
    CompanyFactory(name="Acme")
    querysets = [
        Organisation.objects.all(),
        Organisation.objects.filter(status="pending"),
        Organisation.objects.filter(name__startswith="Agência").order_by("-name"),
        Organisation.objects.filter(name="nobody"),
        Organisation.objects.filter(memberships__isnull=True).distinct(),
    ]
    expected = [queryset.count() for queryset in querysets]
    with CaptureQueriesContext(connection) as captured:
        assert count_together(querysets) == expected
    assert len(captured.captured_queries) == 1


@pytest.mark.django_db
def test_what_can_match_nothing_counts_zero_without_a_query():
    OrganisationFactory()
    with CaptureQueriesContext(connection) as captured:
        assert count_together([Organisation.objects.none(), Organisation.objects.filter(pk__in=[])]) == [0, 0]
    assert not captured.captured_queries
    assert count_together([Organisation.objects.none(), Organisation.objects.all()]) == [0, 1]
