"""The whole portfolio's counts and list, which the lab team and every sponsor read, are made
once and kept until the next change or midnight: never stale, never shown to anyone who may
not read the whole portfolio, and without the cache still made."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.lab.models import Project
from ponte.lab.queries import projects as queries
from tests.factories import MembershipFactory
from tests.reading import Page

from .conftest import ask, decide

# The counts are made again when a write's transaction commits: these tests commit.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pages_kept")]


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


def _lab_project_reads(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if 'FROM "lab_project"' in q["sql"]]


def test_the_whole_portfolios_list_is_made_once_then_kept_for_every_reader(
    login, programme_manager, sponsor, sponsored
):
    first = Page(login(programme_manager).get("/lab/projects/"))
    assert "Investigate" in first.row_text(sponsored.title)
    client = login(sponsor)
    client.get("/lab/projects/")  # the sponsor's own first page fills their per-process caches
    with CaptureQueriesContext(connection) as captured:
        again = Page(client.get("/lab/projects/"))
    assert again.row_text(sponsored.title) == first.row_text(sponsored.title)
    assert _lab_project_reads(captured) == []
    # Another page of filters is another list.
    assert "No project matches." in Page(client.get("/lab/projects/?stage=scale")).text()


def test_a_gate_decided_is_in_the_kept_list_at_once(login, programme_manager, sponsor, member, sponsored):
    client = login(programme_manager)
    assert "Investigate" in Page(client.get("/lab/projects/")).row_text(sponsored.title)
    ask(member, sponsored)
    assert "Gate decision waiting" in Page(client.get("/lab/projects/")).row_text(sponsored.title)
    decide(sponsor, sponsored, "go")
    row = Page(client.get("/lab/projects/")).row_text(sponsored.title)
    assert "Co-create" in row and "Gate decision waiting" not in row


def test_no_one_else_is_served_the_kept_whole_list(login, programme_manager, member, sponsored):
    assert sponsored.title in Page(login(programme_manager).get("/lab/projects/")).text()
    outsider = MembershipFactory().user
    assert sponsored.title not in Page(login(outsider).get("/lab/projects/")).text()
    # The project's own team reads theirs, made for them.
    assert sponsored.title in Page(login(member).get("/lab/projects/")).text()


def test_a_projects_days_in_its_stage_turn_at_midnight(login, programme_manager, sponsored, settings):
    zone = ZoneInfo(settings.TIME_ZONE)
    entered = datetime(2026, 3, 2, 9, 0, tzinfo=zone)
    Project.objects.filter(pk=sponsored.pk).update(stage_entered_at=entered)
    client = login(programme_manager)
    with time_machine.travel(datetime(2026, 3, 4, 23, 59, tzinfo=zone), tick=False):
        assert "2 days" in Page(client.get("/lab/projects/")).row_text(sponsored.title)
    with time_machine.travel(datetime(2026, 3, 5, 0, 0, 1, tzinfo=zone), tick=False):
        assert "3 days" in Page(client.get("/lab/projects/")).row_text(sponsored.title)


def test_the_lab_keeps_nothing_past_midnight(settings):
    zone = ZoneInfo(settings.TIME_ZONE)
    late = datetime(2026, 3, 4, 23, 59, tzinfo=zone)
    assert queries.next_midnight(late) == datetime(2026, 3, 5, 0, 0, tzinfo=zone)
    assert queries.next_midnight(late + timedelta(minutes=2)) == datetime(2026, 3, 6, 0, 0, tzinfo=zone)
