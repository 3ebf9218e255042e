"""A confirmed exchange in a person's calendar, read back as a calendar application would: one
event repeating on each of its working days (a weekend skipped) from 09:00 to 17:00 on the
server's clock, with its time zone, a reminder at a fixed moment the day before, a UID that
stays and a SEQUENCE that grows with each change, and what it says told from the reader's
side. A cancelled exchange stays in as cancelled, without its reminder. The file of one
exchange is for those who may read it once it is confirmed; the private address holds only
the person's own exchanges, in their language, for anyone who has it, until it is replaced or
stopped; the page that makes it shows it once."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from django.conf import settings
from django.utils import timezone, translation
from icalendar import Calendar

from ponte.exchange import calendar as calendar_module
from ponte.exchange.matching import working_day_after
from ponte.exchange.models import Answer, MatchRun, Pair, PairStatus, RoundPhase
from ponte.exchange.services import scheduling as services
from tests.factories import MembershipFactory, UserFactory

from .test_matching_services import applicant, company_applicant, monday_on_or_after
from .test_scheduling_services import confirm, put_on

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo(settings.TIME_ZONE)


@pytest.fixture
def matching(round_in):
    return round_in(RoundPhase.MATCHING)


@pytest.fixture
def confirmed(programme_manager, matching):
    """A confirmed exchange, five working days from a Wednesday in the round's third week: to
    the Tuesday after the weekend."""
    applicant(matching), company_applicant(matching)
    pair = confirm(programme_manager, matching)
    return put_on(pair, monday_on_or_after(matching.exchange_starts + timedelta(days=14)) + timedelta(days=2))


def working_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def parsed(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def the_event(calendar: Calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1, len(events)
    return events[0]


def events_by_uid(calendar: Calendar) -> dict:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def occurrences(event) -> list[datetime]:
    """The event's occurrences, as a calendar application expands its RRULE."""
    starts = event.decoded("DTSTART")
    return list(rrulestr(event["RRULE"].to_ical().decode(), dtstart=starts))


def download(client, pair):
    return client.get(f"/exchange/pairs/{pair.pk}/calendar.ics")


# The file of one exchange ----------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["public", "company"])
def test_each_person_downloads_their_exchange_as_one_event_on_its_working_days(login, confirmed, side):
    person = getattr(confirmed, side).applicant
    host = confirmed.company if side == "public" else confirmed.public
    response = download(login(person), confirmed)
    calendar = parsed(response)
    assert "attachment" in response["Content-Disposition"]
    event = the_event(calendar)

    assert str(event["UID"]).startswith(f"exchange-pair-{confirmed.pk}@")
    assert event.decoded("SEQUENCE") == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    # Where the person is a guest: the other side's organisation.
    assert str(event["SUMMARY"]) == f"Staff exchange: guest at {host.organisation.name}"
    assert str(event["LOCATION"]) == host.organisation.name
    assert confirmed.get_absolute_url() in str(event["URL"])

    # 09:00 to 17:00 on the server's clock, in its named time zone, given in the file.
    starts, ends = event.decoded("DTSTART"), event.decoded("DTEND")
    assert event["DTSTART"].params["TZID"] == settings.TIME_ZONE
    assert event["DTEND"].params["TZID"] == settings.TIME_ZONE
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == [settings.TIME_ZONE]
    assert starts == datetime.combine(confirmed.slot_starts, time(9), tzinfo=ZONE)
    assert ends == datetime.combine(confirmed.slot_starts, time(17), tzinfo=ZONE)
    assert starts.utcoffset() == datetime.combine(confirmed.slot_starts, time(9), tzinfo=ZONE).utcoffset()

    # Monday to Friday, as many days as the round's exchanges last.
    rule = event["RRULE"]
    assert rule["FREQ"] == ["DAILY"]
    assert sorted(rule["BYDAY"]) == sorted(["MO", "TU", "WE", "TH", "FR"])
    assert rule["COUNT"] == [confirmed.round.exchange_days]
    # Wednesday to the Tuesday after: the weekend skipped, the days the pair holds exactly.
    assert confirmed.slot_starts.weekday() == 2 and confirmed.slot_ends == confirmed.slot_starts + timedelta(days=6)
    days = occurrences(event)
    assert [day.date() for day in days] == working_days(confirmed.slot_starts, confirmed.slot_ends)
    assert len(days) == 5 and days[-1].date() == confirmed.slot_ends
    assert {day.time() for day in days} == {time(9)}

    # One reminder, at a fixed moment in UTC: the day before, at 09:00 on the server's clock.
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].params.get("VALUE") == "DATE-TIME"
    assert b"Z" in alarm["TRIGGER"].to_ical()
    trigger = alarm.decoded("TRIGGER")
    assert isinstance(trigger, datetime) and trigger.utcoffset() == timedelta(0)
    assert trigger == datetime.combine(confirmed.slot_starts - timedelta(days=1), time(9), tzinfo=ZONE).astimezone(UTC)
    assert trigger.astimezone(ZONE).date() == confirmed.slot_starts - timedelta(days=1)
    assert trigger.astimezone(ZONE).time() == time(9)


def test_an_exchange_of_another_length_repeats_that_many_working_days(login, programme_manager, round_in):
    round = round_in(RoundPhase.MATCHING, exchange_days=3)
    applicant(round), company_applicant(round)
    pair = confirm(programme_manager, round)
    friday = monday_on_or_after(round.exchange_starts + timedelta(days=14)) + timedelta(days=4)
    pair = put_on(pair, friday)
    event = the_event(parsed(download(login(pair.public.applicant), pair)))
    assert event["RRULE"]["COUNT"] == [3]
    assert [day.date() for day in occurrences(event)] == [
        friday,
        friday + timedelta(days=3),
        friday + timedelta(days=4),
    ]
    assert pair.slot_ends == friday + timedelta(days=4)


def test_the_uid_stays_and_the_sequence_grows_when_the_days_move(login, confirmed):
    person = confirmed.public.applicant
    client = login(person)
    before = the_event(parsed(download(client, confirmed)))
    monday = monday_on_or_after(confirmed.slot_ends + timedelta(days=7))

    services.pair_reschedule(actor=person, pair=confirmed, starts=monday)
    after = the_event(parsed(download(client, confirmed)))

    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("SEQUENCE") == before.decoded("SEQUENCE") + 1 == 1
    assert after.decoded("DTSTART") == datetime.combine(monday, time(9), tzinfo=ZONE)
    assert [day.date() for day in occurrences(after)] == working_days(monday, monday + timedelta(days=4))
    (alarm,) = after.walk("VALARM")
    assert alarm.decoded("TRIGGER") == datetime.combine(monday - timedelta(days=1), time(9), tzinfo=ZONE)

    services.pair_reschedule(actor=person, pair=confirmed, starts=monday + timedelta(days=7))
    again = the_event(parsed(download(client, confirmed)))
    assert str(again["UID"]) == str(before["UID"]) and again.decoded("SEQUENCE") == 2


def test_a_cancelled_exchange_is_cancelled_in_the_calendar_without_its_reminder(login, confirmed):
    person = confirmed.company.applicant
    services.pair_cancel(actor=person, pair=confirmed, reason="A court case that week.")
    event = the_event(parsed(download(login(person), confirmed)))
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("SEQUENCE") == 1
    assert event.walk("VALARM") == []
    assert "A court case that week." in str(event["DESCRIPTION"])
    # The other person reads it too, cancelled.
    other = the_event(parsed(download(login(confirmed.public.applicant), confirmed)))
    assert str(other["STATUS"]) == "CANCELLED" and str(other["UID"]) == str(event["UID"])


def test_the_description_names_the_partner_and_the_mentor_once_planned(login, confirmed):
    admin = MembershipFactory(organisation=confirmed.company.organisation, role="admin").user
    mentor = MembershipFactory(organisation=confirmed.company.organisation, role="member").user
    services.visit_plan(
        actor=admin,
        pair=confirmed,
        side="company",
        mentor=mentor,
        programme="Monday: the data team.",
        seen_version=confirmed.version,
    )
    event = the_event(parsed(download(login(confirmed.public.applicant), confirmed)))
    description = str(event["DESCRIPTION"])
    assert mentor.email in description and "Monday: the data team." in description
    assert confirmed.company.applicant.name in description
    # The company employee's own guest stay is not planned yet: neither mentor nor programme.
    theirs = str(the_event(parsed(download(login(confirmed.company.applicant), confirmed)))["DESCRIPTION"])
    assert mentor.email not in theirs and "Monday: the data team." not in theirs


def test_a_proposal_has_no_calendar_file(login, programme_manager, matching):
    applicant(matching), company_applicant(matching)
    from ponte.exchange.services import matching as matching_services

    matching_services.matching_run(actor=programme_manager, round=matching)
    matching_services.proposals_send(actor=programme_manager, round=matching)
    pair = Pair.objects.get()
    for person in (pair.public.applicant, pair.company.applicant, programme_manager):
        assert download(login(person), pair).status_code == 404
    # Once both accept, it has one.
    for person in (pair.public.applicant, pair.company.applicant):
        matching_services.pair_accept(actor=person, pair=pair)
    assert download(login(pair.public.applicant), pair).status_code == 200


def test_someone_outside_the_exchange_gets_no_file(login, client, confirmed):
    outsiders = [
        UserFactory(),
        MembershipFactory(role="admin").user,
        MembershipFactory(organisation=confirmed.company.organisation, role="member").user,
    ]
    for outsider in outsiders:
        assert download(login(outsider), confirmed).status_code == 404
    # Nor is an exchange that does not exist.
    assert download(login(confirmed.public.applicant), Pair(pk=10**9)).status_code == 404
    # Signed out: to the sign-in page.
    login(None)
    response = download(client, confirmed)
    assert response.status_code == 302 and "login" in response["Location"]


# The private address ---------------------------------------------------------------------------------


def _pair(round, public, company, *, status, starts, sent=True):
    run = MatchRun.objects.create(
        round=round, public_applicants=1, company_applicants=1, pairs=1, kept_pairs=0, total_score=1
    )
    confirmed = status in (PairStatus.CONFIRMED, PairStatus.CANCELLED)
    return Pair.objects.create(
        round=round,
        run=run,
        public=public,
        company=company,
        score=1,
        slot_starts=starts,
        slot_ends=working_day_after(starts, round.exchange_days - 1),
        status=status,
        sent_at=timezone.now() if sent else None,
        public_answer=Answer.ACCEPTED if confirmed else "",
        company_answer=Answer.ACCEPTED if confirmed else "",
    )


def feed_url(secret: str) -> str:
    return f"/exchange/calendar/{secret}.ics"


def test_the_address_holds_the_persons_confirmed_and_cancelled_exchanges_across_rounds(
    client, confirmed, round_in, django_assert_max_num_queries
):
    person = confirmed.public.applicant
    host = confirmed.public.organisation
    monday = monday_on_or_after(confirmed.round.exchange_starts + timedelta(days=35))
    # In other rounds: a cancelled exchange of the person, a proposal to them, one they declined,
    # and others' exchange.
    cancelled_round, proposed_round, declined_round = (round_in(RoundPhase.MATCHING) for _ in range(3))
    cancelled = _pair(
        cancelled_round,
        applicant(cancelled_round, host),
        company_applicant(cancelled_round),
        status=PairStatus.CANCELLED,
        starts=monday,
    )
    proposal = _pair(
        proposed_round,
        applicant(proposed_round, host),
        company_applicant(proposed_round),
        status=PairStatus.PROPOSED,
        starts=monday + timedelta(days=7),
    )
    declined = _pair(
        declined_round,
        applicant(declined_round, host),
        company_applicant(declined_round),
        status=PairStatus.DECLINED,
        starts=monday + timedelta(days=14),
    )
    for pair in (cancelled, proposal, declined):
        pair.public.applicant = person
        pair.public.save(update_fields=["applicant"])
    others = _pair(
        cancelled_round,
        applicant(cancelled_round),
        company_applicant(cancelled_round),
        status=PairStatus.CONFIRMED,
        starts=monday,
    )
    secret = services.calendar_feed_start(actor=person)

    with django_assert_max_num_queries(4):
        response = client.get(feed_url(secret))  # nobody signed in

    events = events_by_uid(parsed(response))
    assert sorted(events) == sorted(f"exchange-pair-{pair.pk}@testserver" for pair in (confirmed, cancelled)), (
        "not the proposal, the declined pair nor others' exchange"
    )
    assert f"exchange-pair-{others.pk}@testserver" not in events
    by_pk = {int(uid.split("-")[2].split("@")[0]): event for uid, event in events.items()}
    assert str(by_pk[confirmed.pk]["STATUS"]) == "CONFIRMED" and by_pk[confirmed.pk].walk("VALARM")
    assert str(by_pk[cancelled.pk]["STATUS"]) == "CANCELLED" and not by_pk[cancelled.pk].walk("VALARM")
    # Told from the person's side: where they are a guest.
    assert str(by_pk[confirmed.pk]["SUMMARY"]) == f"Staff exchange: guest at {confirmed.company.organisation.name}"
    assert str(by_pk[cancelled.pk]["SUMMARY"]) == f"Staff exchange: guest at {cancelled.company.organisation.name}"
    # Private, and never kept by a cache.
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives

    # The other person's address holds the same exchange, told from their side, and nothing of the first's.
    theirs = services.calendar_feed_start(actor=confirmed.company.applicant)
    their_events = events_by_uid(parsed(client.get(feed_url(theirs))))
    assert list(their_events) == [f"exchange-pair-{confirmed.pk}@testserver"]
    assert str(next(iter(their_events.values()))["SUMMARY"]) == f"Staff exchange: guest at {host.name}"


def test_the_address_answers_in_the_persons_language(client, confirmed, monkeypatch):
    person = confirmed.public.applicant
    person.language = "fr"
    person.save(update_fields=["language"])
    secret = services.calendar_feed_start(actor=person)
    name = confirmed.company.organisation.name
    with translation.override("fr"):
        in_french = translation.gettext("Staff exchange: guest at %(organisation)s") % {"organisation": name}

    # Asked by a calendar application that prefers Dutch: the person's French all the same.
    response = client.get(feed_url(secret), HTTP_ACCEPT_LANGUAGE="nl")
    assert str(the_event(parsed(response))["SUMMARY"]) == in_french

    # Whichever strings are translated yet: each is looked up in the person's language.
    def marked(message):
        return f"[{translation.get_language()}] {translation.gettext(message)}"

    monkeypatch.setattr(calendar_module, "_", marked)
    summary = str(the_event(parsed(client.get(feed_url(secret), HTTP_ACCEPT_LANGUAGE="nl")))["SUMMARY"])
    assert summary.startswith("[fr] ")
    person.language = "sl"
    person.save(update_fields=["language"])
    summary = str(the_event(parsed(client.get(feed_url(secret), HTTP_ACCEPT_LANGUAGE="fr")))["SUMMARY"])
    assert summary.startswith("[sl] ")


def test_an_unknown_replaced_or_stopped_address_answers_nothing(client, confirmed):
    person = confirmed.public.applicant
    assert client.get(feed_url("not-a-secret")).status_code == 404
    first = services.calendar_feed_start(actor=person)
    assert client.get(feed_url(first)).status_code == 200
    second = services.calendar_feed_start(actor=person)
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200
    services.calendar_feed_stop(actor=person)
    assert client.get(feed_url(second)).status_code == 404
    # Nor one of a person since deactivated.
    third = services.calendar_feed_start(actor=person)
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert client.get(feed_url(third)).status_code == 404


# The page that makes the address ------------------------------------------------------------------------

ADDRESS = re.compile(r"http://testserver/exchange/calendar/([A-Za-z0-9_-]+)\.ics")


def test_the_page_shows_the_address_once_and_replaces_or_stops_it(login, client, member):
    login(member)
    page = client.get("/exchange/calendar/")
    assert page.status_code == 200
    assert "You have no calendar address yet." in page.content.decode()
    assert not ADDRESS.search(page.content.decode())
    assert client.get("/exchange/calendar/start/").status_code == 405  # a change: POST only

    started = client.post("/exchange/calendar/start/")
    assert started.status_code == 200
    first = ADDRESS.search(started.content.decode()).group(1)
    login(None)
    assert client.get(feed_url(first)).status_code == 200  # works without signing in
    login(member)
    # Shown once: the page no longer holds it.
    later = client.get("/exchange/calendar/").content.decode()
    assert first not in later and not ADDRESS.search(later)
    assert "Replace your calendar address" in later and "Stop your calendar address" in later

    replaced = client.post("/exchange/calendar/start/")
    second = ADDRESS.search(replaced.content.decode()).group(1)
    assert second != first and first not in replaced.content.decode()
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200

    stopped = client.post("/exchange/calendar/stop/")
    assert stopped.status_code == 302 and stopped["Location"] == "/exchange/calendar/"
    assert client.get(feed_url(second)).status_code == 404
    assert "You have no calendar address yet." in client.get("/exchange/calendar/").content.decode()


def test_the_page_and_its_changes_need_signing_in(client, member):
    secret = services.calendar_feed_start(actor=member)
    for method, url in (
        ("get", "/exchange/calendar/"),
        ("post", "/exchange/calendar/start/"),
        ("post", "/exchange/calendar/stop/"),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    # Nothing was replaced nor stopped.
    assert client.get(feed_url(secret)).status_code == 200
