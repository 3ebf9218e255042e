"""Reading how many rows there are with the first of them, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.accounts.models import User
from ponte.core.paging import first_counted
from tests.factories import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize("made", [0, 1, 3, 12])
def test_the_count_is_of_every_row_and_the_rows_are_the_first(made):
    people = [UserFactory(name=f"Person {number:02}") for number in range(made)]
    rows = User.objects.filter(name__startswith="Person ").order_by("name")
    with CaptureQueriesContext(connection) as captured:
        count, first = first_counted(rows, 5)
    assert len(captured) == 1
    assert count == made
    assert first == people[:5]
