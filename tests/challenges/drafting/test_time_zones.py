"""Deadlines follow the owner organisation's time: entered, stated and shown in the time of its
country's capital, stored in UTC."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from ponte.challenges.models import Challenge
from tests.factories import ChallengeFactory, MembershipFactory, OrganisationFactory, PublishedChallengeFactory


@pytest.fixture
def agency(db):
    return OrganisationFactory(name="Agência para a Modernização Administrativa", slug="ama", country="PT")


@pytest.fixture
def author(agency):
    return MembershipFactory(organisation=agency).user


def budget(day, time="17:00"):
    return {"instrument": "low_value", "budget_ceiling": "20000", "deadline_date": day, "deadline_time": time}


@pytest.mark.parametrize(
    ("day", "utc_hour"), [("2027-01-15", 17), ("2027-07-15", 16)], ids=["winter (WET)", "summer (WEST)"]
)
def test_a_portuguese_agency_enters_17_00_lisbon_time(client, agency, author, day, utc_hour):
    draft = ChallengeFactory(owner=agency, author=author)
    client.force_login(author)
    page = client.get(f"/challenges/{draft.pk}/edit/budget/").content.decode()
    assert "Lisbon time (WET/WEST), for example 17:00." in page
    assert client.post(f"/challenges/{draft.pk}/edit/budget/", budget(day)).status_code == 302
    deadline = Challenge.objects.get(pk=draft.pk).deadline
    year, month, date = map(int, day.split("-"))
    assert deadline == datetime(year, month, date, utc_hour, 0, tzinfo=UTC)
    assert deadline == datetime(year, month, date, 17, 0, tzinfo=ZoneInfo("Europe/Lisbon"))
    # Read back as typed, whatever the server's time zone (Europe/Brussels).
    page = client.get(f"/challenges/{draft.pk}/edit/budget/").content.decode()
    assert 'value="17:00"' in page and f'value="{day}"' in page


def test_the_challenge_page_shows_the_deadline_in_the_agency_s_time_with_its_name(client, agency):
    challenge = PublishedChallengeFactory(owner=agency, deadline=datetime(2027, 1, 15, 17, 0, tzinfo=UTC))
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "15 January 2027, 17:00</time>" in page
    assert "Lisbon time (WET/WEST)" in page


def test_a_belgian_body_keeps_brussels_time(client, db):
    challenge = PublishedChallengeFactory(
        owner=OrganisationFactory(country="BE"), deadline=datetime(2027, 1, 15, 16, 0, tzinfo=UTC)
    )
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "15 January 2027, 17:00</time>" in page
    assert "Brussels time (CET/CEST)" in page


def test_the_check_page_states_the_deadline_in_the_agency_s_time(client, agency, author):
    draft = ChallengeFactory(owner=agency, author=author, deadline=datetime(2027, 7, 15, 16, 0, tzinfo=UTC))
    client.force_login(author)
    page = client.get(f"/challenges/{draft.pk}/check/").content.decode()
    assert "15 July 2027, 17:00" in page and "Lisbon time (WET/WEST)" in page
