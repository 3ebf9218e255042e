"""The matching pages: a programme manager runs the matching from the round's page, reads the
pairs with why each scores what it does and who was not paired and why, locks, excludes and
sends; each of the two people reads their proposal and accepts or declines it. A page or a pair
one may not see answers 404; a decline without a reason keeps the page with a clear message;
the matching page's query count does not grow with the pairs."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.exchange.models import (
    Application,
    ApplicationStatus,
    Availability,
    Pair,
    PairStatus,
    RoundPhase,
    Side,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.reading import Page

pytestmark = pytest.mark.django_db


def applicant(round, side: Side, *, region="Ljubljana", free=None, **changes) -> Application:
    """An approved application of a new person for a new organisation of the side."""
    kind = "public_body" if side == Side.PUBLIC else "company"
    organisation = OrganisationFactory(kind=kind, status="verified")
    person = UserFactory()
    MembershipFactory(user=person, organisation=organisation, role="member")
    application = Application.objects.create(
        round=round,
        applicant=person,
        organisation=organisation,
        side=side,
        job="Analyst",
        skills=changes.pop("skills", ["open data"]),
        interests=changes.pop("interests", ["agile delivery"]),
        languages=["Slovenian"],
        region=region,
        travels=False,
        **{"status": ApplicationStatus.APPROVED, **changes},
    )
    first, last = free or (round.exchange_starts, round.exchange_ends)
    Availability.objects.create(application=application, starts=first, ends=last)
    return application


@pytest.fixture
def matching_round(round_in):
    return round_in(RoundPhase.MATCHING)


def run(client, round):
    return client.post(f"/exchange/rounds/{round.pk}/matching/run/", follow=True)


def test_a_manager_runs_the_matching_from_the_round_page_and_reads_why_each_pair(
    login, programme_manager, matching_round
):
    public = applicant(matching_round, Side.PUBLIC, interests=["open data"])
    company = applicant(matching_round, Side.COMPANY, interests=["procurement"], skills=["open data"])
    far = applicant(matching_round, Side.PUBLIC, region="Maribor")
    client = login(programme_manager)
    round_page = Page(client.get(matching_round.get_absolute_url()))
    matching_url = round_page.link("Matching")
    assert Page(client.get(matching_url)).text().count("The matching has not run yet.") == 1

    page = Page(run(client, matching_round))

    pair = Pair.objects.get(round=matching_round)
    assert (pair.public_id, pair.company_id, pair.status, pair.sent_at) == (public.pk, company.pk, "proposed", None)
    text = page.text()
    assert "The matching ran: 1 pair, 0 of them kept from before." in text
    assert f"{public.applicant.name} wants to learn what {company.applicant.name} offers: open data." in text
    assert "Both work in the same region: neither has to travel." in text
    assert "Not sent yet" in text
    unpaired = Page(client.get(page.link("1 person, and why")))
    assert far.applicant.name in unpaired.text()
    assert "No possible partner" in unpaired.text()


def test_sending_asks_both_people_who_accept_and_the_exchange_is_confirmed(login, programme_manager, matching_round):
    public = applicant(matching_round, Side.PUBLIC)
    company = applicant(matching_round, Side.COMPANY)
    client = login(programme_manager)
    run(client, matching_round)
    pair = Pair.objects.get(round=matching_round)
    # A draft is the managers' alone: its people do not see it yet.
    assert login(public.applicant).get(pair.get_absolute_url()).status_code == 404

    page = Page(login(programme_manager).post(f"/exchange/rounds/{matching_round.pk}/matching/send/", follow=True))
    assert "1 proposal is sent" in page.text()

    for person in (public.applicant, company.applicant):
        client = login(person)
        application_page = Page(
            client.get(f"/exchange/applications/{(public if person == public.applicant else company).pk}/")
        )
        pair_url = application_page.link("Read the proposed exchange")
        assert "Do you accept this exchange?" in Page(client.get(pair_url)).text()
        client.post(f"{pair_url}accept/")
    pair.refresh_from_db()
    assert pair.status == PairStatus.CONFIRMED
    assert (
        "Both accepted: the exchange is confirmed." in Page(login(public.applicant).get(pair.get_absolute_url())).text()
    )


def test_a_decline_without_a_reason_keeps_the_page_and_says_what_is_missing(login, programme_manager, matching_round):
    public = applicant(matching_round, Side.PUBLIC)
    applicant(matching_round, Side.COMPANY)
    client = login(programme_manager)
    run(client, matching_round)
    client.post(f"/exchange/rounds/{matching_round.pk}/matching/send/")
    pair = Pair.objects.get(round=matching_round)

    client = login(public.applicant)
    response = client.post(f"/exchange/pairs/{pair.pk}/decline/", {"reason": "   "})

    assert response.status_code == 200
    assert "Say why you decline this exchange" in Page(response).text()
    pair.refresh_from_db()
    assert pair.status == PairStatus.PROPOSED
    client.post(f"/exchange/pairs/{pair.pk}/decline/", {"reason": "I am on leave that week."})
    pair.refresh_from_db()
    assert (pair.status, pair.public_answer, pair.reason) == ("declined", "declined", "I am on leave that week.")


def test_matching_pages_and_pairs_are_not_found_by_those_who_may_not_see_them(
    login, programme_manager, matching_round, member
):
    public = applicant(matching_round, Side.PUBLIC)
    applicant(matching_round, Side.COMPANY)
    run(login(programme_manager), matching_round)
    login(programme_manager).post(f"/exchange/rounds/{matching_round.pk}/matching/send/")
    pair = Pair.objects.get(round=matching_round)
    for person in (None, member, public.applicant):
        client = login(person)
        for url in (
            f"/exchange/rounds/{matching_round.pk}/matching/",
            f"/exchange/rounds/{matching_round.pk}/matching/unpaired/",
        ):
            response = client.get(url)
            assert response.status_code in (302, 404), (person, url)
            if person is not None:
                assert response.status_code == 404
        if person is not None and person != public.applicant:
            assert client.get(pair.get_absolute_url()).status_code == 404
            assert client.post(f"/exchange/pairs/{pair.pk}/accept/").status_code == 404
    # One of the pair may not run the matching nor lock their own pair.
    client = login(public.applicant)
    assert client.post(f"/exchange/rounds/{matching_round.pk}/matching/run/").status_code == 404
    client.post(f"/exchange/pairs/{pair.pk}/lock/", {"locked": "1"})
    pair.refresh_from_db()
    assert not pair.locked


def test_a_manager_locks_and_excludes_pairs_from_the_matching_page(login, programme_manager, matching_round):
    first = applicant(matching_round, Side.PUBLIC)
    applicant(matching_round, Side.COMPANY)
    applicant(matching_round, Side.COMPANY)
    client = login(programme_manager)
    run(client, matching_round)
    pair = Pair.objects.get(round=matching_round)
    names = f"the pair of {pair.public.applicant.name} and {pair.company.applicant.name}"
    matching_page = Page(client.get(f"/exchange/rounds/{matching_round.pk}/matching/"))
    pair_page = Page(client.get(matching_page.link(f"Lock or exclude {names}")))
    assert pair_page.text().count("Lock the pair") == 1
    page = Page(client.post(f"/exchange/pairs/{pair.pk}/lock/", {"locked": "1", "next": "matching"}, follow=True))
    assert "The pair is locked" in page.text()
    pair.refresh_from_db()
    assert pair.locked

    exclude = Page(client.get(pair_page.link("Exclude the pair")))
    assert "will never be proposed to each other again" in exclude.text()
    client.post(f"/exchange/pairs/{pair.pk}/exclude/", {"reason": ""})
    pair.refresh_from_db()
    assert (pair.status, pair.locked) == (PairStatus.EXCLUDED, False)
    run(client, matching_round)
    again = Pair.objects.get(round=matching_round, status=PairStatus.PROPOSED)
    assert again.public_id == first.pk and again.company_id != pair.company_id


def test_a_pair_can_no_longer_be_answered_once_its_week_began(login, programme_manager, matching_round):
    public = applicant(matching_round, Side.PUBLIC)
    applicant(matching_round, Side.COMPANY)
    client = login(programme_manager)
    run(client, matching_round)
    client.post(f"/exchange/rounds/{matching_round.pk}/matching/send/")
    pair = Pair.objects.get(round=matching_round)
    Pair.objects.filter(pk=pair.pk).update(slot_starts=timezone.localdate() - timedelta(days=1))

    client = login(public.applicant)
    page = Page(client.post(f"/exchange/pairs/{pair.pk}/accept/", follow=True))

    assert "This can no longer be done" in page.text()
    pair.refresh_from_db()
    assert pair.public_answer == ""


def test_the_matching_page_reads_as_many_queries_whatever_the_number_of_pairs(login, programme_manager, matching_round):
    client = login(programme_manager)

    def queries_with(pairs: int) -> int:
        for _ in range(pairs):
            applicant(matching_round, Side.PUBLIC)
            applicant(matching_round, Side.COMPANY)
        run(client, matching_round)
        client.get(f"/exchange/rounds/{matching_round.pk}/matching/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/exchange/rounds/{matching_round.pk}/matching/").status_code == 200
        return len(captured)

    few = queries_with(2)
    assert queries_with(6) == few


def test_the_api_gives_pairs_only_to_those_entitled(login, programme_manager, matching_round, member):
    public = applicant(matching_round, Side.PUBLIC)
    company = applicant(matching_round, Side.COMPANY)
    client = login(programme_manager)
    run(client, matching_round)
    pair = Pair.objects.get(round=matching_round)
    # A draft: the managers read it, its people not yet.
    assert [item["id"] for item in client.get("/api/exchange/pairs").json()["items"]] == [pair.pk]
    assert login(public.applicant).get("/api/exchange/pairs").json()["items"] == []
    login(programme_manager).post(f"/exchange/rounds/{matching_round.pk}/matching/send/")

    body = login(company.applicant).get(f"/api/exchange/pairs/{pair.pk}").json()

    assert body["status"] == "proposed" and body["sent_at"] is not None
    assert body["public"]["application"] == public.pk and body["public"]["answer"] is None
    assert body["company"]["organisation"] == company.organisation.slug
    assert body["ends"] == pair.slot_ends.isoformat()
    assert login(member).get(f"/api/exchange/pairs/{pair.pk}").status_code == 404
    assert login(member).get("/api/exchange/pairs").json()["items"] == []
    assert login(None).get("/api/exchange/pairs").status_code == 401
    client = login(company.applicant)
    assert client.get(f"/api/exchange/pairs?round={matching_round.pk + 1}").json()["items"] == []
    assert client.get(f"/api/exchange/pairs?round={2**64}").status_code == 422


@pytest.mark.django_db(transaction=True)
def test_the_kept_table_of_pairs_follows_a_change(login, programme_manager, round_in, pages_kept):
    round = round_in(RoundPhase.MATCHING)
    applicant(round, Side.PUBLIC)
    applicant(round, Side.COMPANY)
    client = login(programme_manager)
    run(client, round)
    url = f"/exchange/rounds/{round.pk}/matching/"
    table = Page(client.get(url)).doc.xpath("//table")[0]
    assert "Locked" not in Page(client.get(url)).text(table)
    pair = Pair.objects.get(round=round)
    client.post(f"/exchange/pairs/{pair.pk}/lock/", {"locked": "1"})
    page = Page(client.get(url))
    assert "Locked" in page.text(page.doc.xpath("//table")[0])


def caption(page: Page) -> str:
    return page.text(page.doc.xpath("//table/caption")[0])


@pytest.mark.django_db(transaction=True)
def test_each_list_of_pairs_and_of_people_not_paired_says_how_many_it_holds(
    login, programme_manager, round_in, pages_kept
):
    round = round_in(RoundPhase.MATCHING)
    for _ in range(3):
        applicant(round, Side.PUBLIC)
        applicant(round, Side.COMPANY)
    applicant(round, Side.PUBLIC, free=(round.exchange_ends, round.exchange_ends))  # no common week
    client = login(programme_manager)
    run(client, round)
    excluded = Pair.objects.filter(round=round).order_by("pk").first()
    client.post(f"/exchange/pairs/{excluded.pk}/exclude/", {"reason": "Not this year."})
    url = f"/exchange/rounds/{round.pk}/matching/"

    assert caption(Page(client.get(url))) == "Pairs 1 to 2 of 2"
    assert caption(Page(client.get(url + "?status=excluded"))) == "Pair 1 to 1 of 1"
    assert "No pair in this state." in Page(client.get(url + "?status=declined")).text()
    # The person with no common week.
    assert "1 person, and why" in Page(client.get(url)).text()
    assert len(Page(client.get(url + "unpaired/")).doc.xpath("//table/tbody/tr")) == 1
    # The matching again: the two people the exclusion freed are paired with others.
    run(client, round)
    assert caption(Page(client.get(url))) == "Pairs 1 to 3 of 3"
    assert caption(Page(client.get(url + "?status=excluded"))) == "Pair 1 to 1 of 1"


@pytest.mark.django_db(transaction=True)
def test_the_matching_page_reads_the_round_as_it_is_now(login, programme_manager, round_in, pages_kept):
    from ponte.exchange.services import rounds as round_services

    round = round_in(RoundPhase.MATCHING)
    client = login(programme_manager)
    url = f"/exchange/rounds/{round.pk}/matching/"
    assert round.title in Page(client.get(url)).text()

    round_services.round_cancel(actor=programme_manager, round=round, reason="No budget this year.")

    page = Page(client.get(url))
    assert "Cancelled" in page.text()
    assert "Run the matching" not in page.text()
