"""The whole portfolio's counts, which the lab team and every sponsor read, are counted once
and kept until the next change: never stale, and without the cache still counted."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.lab.queries import projects as queries
from tests.factories import MembershipFactory

from .conftest import ask, decide

# The counts are made again when a write's transaction commits: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def kept(settings):
    settings.PONTE_PUBLIC_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def test_the_whole_portfolios_counts_are_read_once_then_kept(programme_manager, sponsor, sponsored):
    first = queries.portfolio_counts(programme_manager)
    assert dict(first["by_stage"])["investigate"] == 1
    # Another reader of the whole portfolio reads them without counting again.
    with CaptureQueriesContext(connection) as counted:
        assert queries.portfolio_counts(sponsor) == first
    assert not [q for q in counted.captured_queries if "COUNT" in q["sql"].upper()]


def test_a_gate_decided_is_in_the_counts_at_once(programme_manager, sponsor, member, sponsored):
    assert dict(queries.portfolio_counts(programme_manager)["by_stage"])["investigate"] == 1
    ask(member, sponsored)
    decide(sponsor, sponsored, "go")
    counts = dict(queries.portfolio_counts(programme_manager)["by_stage"])
    assert (counts["investigate"], counts["co_create"]) == (0, 1)


def test_a_member_of_a_public_body_reads_only_their_bodys_counts(programme_manager, member, sponsored):
    queries.portfolio_counts(programme_manager)  # the whole portfolio's, kept
    outsider = MembershipFactory().user
    assert sum(n for _stage, n in queries.portfolio_counts(outsider)["by_stage"]) == 0
    assert sum(n for _stage, n in queries.portfolio_counts(member)["by_stage"]) == 1


def test_without_a_cache_the_counts_are_still_read(programme_manager, sponsored, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    assert dict(queries.portfolio_counts(programme_manager)["by_stage"])["investigate"] == 1
