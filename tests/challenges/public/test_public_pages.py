"""The public marketplace as people use it: the list and its filters, the detail page, the
Atom feed, the CSV export, alerts and following a challenge."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from ponte.challenges.models import Interest, Subscription
from ponte.reference.models import SectorTag
from tests.conftest import give_two_factor
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    MembershipFactory,
    OrganisationFactory,
    PublishedChallengeFactory,
    UserFactory,
)

LIST = "/challenges/"
ATOM = "{http://www.w3.org/2005/Atom}"


def titles(response):
    return {c.title for c in response.context["page"].object_list}


def sectors(*codes):
    return [SectorTag.objects.get(code=code) for code in codes]


@pytest.fixture
def company_member(db):
    return MembershipFactory(organisation=CompanyFactory(name="Civic Data Labs"), role="member").user


@pytest.fixture
def login(client):
    def sign_in(user):
        if user.is_programme_manager:
            give_two_factor(user)
        client.force_login(user)
        return client

    return sign_in


# The list and its filters ----------------------------------------------------------------


@pytest.fixture
def marketplace(db):
    """Four public challenges that differ in every filtered field, and one draft."""
    health_body = OrganisationFactory(name="Health Agency", slug="health-agency")
    tax_body = OrganisationFactory(name="Tax Office", slug="tax-office")
    now = timezone.now()
    forms = PublishedChallengeFactory(
        title="Forms nobody finds",
        owner=health_body,
        instrument="low_value",
        budget_ceiling=20000,
        deadline=now + timedelta(days=10),
    )
    forms.sectors.set(sectors("health"))
    forms.cpv_codes.set(["72000000-5"])
    queues = PublishedChallengeFactory(
        title="Queues at the tax office",
        summary="Waiting rooms overflow every April.",
        owner=tax_body,
        instrument="pre_commercial",
        budget_ceiling=200000,
        deadline=now + timedelta(days=40),
    )
    queues.sectors.set(sectors("tax"))
    queues.cpv_codes.set(["48000000-8"])
    closed = PublishedChallengeFactory(
        title="Paper archives", owner=tax_body, budget_ceiling=5000, deadline=now - timedelta(days=2)
    )
    closed.sectors.set(sectors("tax", "digital"))
    cancelled = PublishedChallengeFactory(
        title="Cancelled pilot",
        owner=health_body,
        status="cancelled",
        cancelled_at=now,
        cancellation_reason="The budget was withdrawn.",
    )
    ChallengeFactory(title="Secret draft", owner=health_body)
    return {"forms": forms, "queues": queues, "closed": closed, "cancelled": cancelled}


def test_the_list_shows_public_challenges_with_their_facts(client, marketplace):
    response = client.get(LIST)
    assert response.status_code == 200
    assert titles(response) == {"Forms nobody finds", "Queues at the tax office", "Paper archives", "Cancelled pilot"}
    html = response.content.decode()
    assert "Secret draft" not in html
    assert "Waiting rooms overflow every April." in html
    assert "Pre-commercial procurement" in html
    assert "up to EUR 200,000 excl. VAT" in html
    assert "closes in 39 days" in html or "closes in 40 days" in html
    assert "Health" in html and "Tax and finance" in html
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/challenges/feed/"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sector=tax", {"Queues at the tax office", "Paper archives"}),
        ("sector=digital", {"Paper archives"}),
        ("cpv=72000000-5", {"Forms nobody finds"}),
        ("cpv=72", {"Forms nobody finds"}),
        ("cpv=48000000", {"Queues at the tax office"}),
        ("instrument=pre_commercial", {"Queues at the tax office"}),
        ("budget_max=20000", {"Forms nobody finds", "Paper archives", "Cancelled pilot"}),
        ("budget_max=19999.99", {"Paper archives"}),
        ("organisation=health-agency", {"Forms nobody finds", "Cancelled pilot"}),
        ("status=open", {"Forms nobody finds", "Queues at the tax office"}),
        ("status=closed", {"Paper archives"}),
        ("status=cancelled", {"Cancelled pilot"}),
        ("q=april", {"Queues at the tax office"}),
        ("q=NOBODY", {"Forms nobody finds"}),
    ],
)
def test_each_filter(client, marketplace, query, expected):
    assert titles(client.get(f"{LIST}?{query}")) == expected


def test_deadline_before_a_date(client, marketplace):
    day = (timezone.localtime() + timedelta(days=20)).date().isoformat()
    assert titles(client.get(LIST, {"deadline_before": day})) == {"Forms nobody finds", "Paper archives"}


def test_filters_combine(client, marketplace):
    assert titles(client.get(LIST, {"sector": "tax", "status": "open"})) == {"Queues at the tax office"}
    assert titles(client.get(LIST, {"organisation": "tax-office", "budget_max": "10000"})) == {"Paper archives"}
    assert titles(client.get(LIST, {"sector": "health", "instrument": "pre_commercial"})) == set()


def test_the_filters_are_shown_again_as_chosen(client, marketplace):
    html = client.get(LIST, {"sector": "tax", "cpv": "48000000", "status": "open"}).content.decode()
    assert '<option value="tax" selected>' in html
    assert '<option value="open" selected>' in html
    assert 'value="48000000"' in html


@pytest.mark.parametrize(
    "query",
    [
        "sector=space",
        "cpv=banana",
        "cpv=7",
        "instrument=gift",
        "status=forever",
        "budget_max=lots",
        "budget_max=NaN",
        "budget_max=-5",
        "budget_max=1e400",
        "deadline_before=31/12/2026",
        "deadline_before=9999-12-31",
        "deadline_before=0001-01-01",
        "organisation=%00",
        "q=%00",
        "page=9999",
        "page=x",
    ],
)
def test_bad_filter_input_is_ignored_or_explained_never_a_server_error(client, marketplace, query):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200


def test_a_bad_value_is_explained_and_the_other_filters_still_apply(client, marketplace):
    response = client.get(LIST, {"budget_max": "lots", "sector": "tax", "cpv": "banana"})
    assert titles(response) == {"Queues at the tax office", "Paper archives"}
    html = response.content.decode()
    assert "The maximum budget must be an amount in euros" in html
    assert "A CPV code has 2 to 8 digits" in html


def test_htmx_gets_the_results_alone(client, marketplace):
    response = client.get(LIST, {"sector": "tax"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Queues at the tax office" in html and "Forms nobody finds" not in html
    assert "<html" not in html and 'class="filters"' not in html and "<h1>" not in html
    assert "2 challenges" in html


def test_the_list_pages(client, db):
    for n in range(30):
        PublishedChallengeFactory(title=f"Challenge number {n:02d}", criteria=False)
    first, second = client.get(LIST), client.get(LIST, {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert titles(first).isdisjoint(titles(second))
    assert 'rel="next"' in first.content.decode()


def test_the_list_shows_open_challenges_first_soonest_deadline_first_then_the_rest_latest_first(client, db):
    now = timezone.now()
    # Made out of order, so that neither the order of making nor the ids give the answer.
    for days in [9, 2, 30, 5, 14, 1, 21, 3, 7, 11, 4, 18, 6, 8, 12, 10, 13, 15, 16, 17]:
        PublishedChallengeFactory(title=f"open in {days:02d} days", deadline=now + timedelta(days=days), criteria=False)
    for days in [3, 40, 1, 12, 7]:
        PublishedChallengeFactory(
            title=f"closed {days:02d} days ago", deadline=now - timedelta(days=days), criteria=False
        )
    PublishedChallengeFactory(
        title="awarded 20 days ago", deadline=now - timedelta(days=20), status="awarded", criteria=False
    )
    PublishedChallengeFactory(
        title="cancelled before its deadline", deadline=now + timedelta(days=60), status="cancelled", criteria=False
    )
    ChallengeFactory(title="a draft", deadline=now + timedelta(days=1))
    shown = [
        challenge.title for page in (1, 2) for challenge in client.get(LIST, {"page": page}).context["page"].object_list
    ]
    opened = [
        f"open in {days:02d} days"
        for days in sorted([9, 2, 30, 5, 14, 1, 21, 3, 7, 11, 4, 18, 6, 8, 12, 10, 13, 15, 16, 17])
    ]
    assert shown == [
        *opened,
        "cancelled before its deadline",
        "closed 01 days ago",
        "closed 03 days ago",
        "closed 07 days ago",
        "closed 12 days ago",
        "awarded 20 days ago",
        "closed 40 days ago",
    ]
    # A filter keeps the order, the second page starting inside the rest.
    assert [c.title for c in client.get(LIST, {"status": "closed"}).context["page"].object_list][:2] == [
        "closed 01 days ago",
        "closed 03 days ago",
    ]


# Closed is derived from the deadline -------------------------------------------------------


def test_closed_is_derived_from_the_deadline_to_the_second(client, db):
    deadline = timezone.now() + timedelta(days=5)
    challenge = PublishedChallengeFactory(title="Timed challenge", deadline=deadline)
    for moment, state in [
        (deadline - timedelta(seconds=1), "open"),
        (deadline, "closed"),
        (deadline + timedelta(seconds=1), "closed"),
    ]:
        with time_machine.travel(moment, tick=False):
            opened = titles(client.get(LIST, {"status": "open"}))
            closed = titles(client.get(LIST, {"status": "closed"}))
            assert (opened, closed) == (
                ({"Timed challenge"}, set()) if state == "open" else (set(), {"Timed challenge"})
            ), moment
            html = client.get(challenge.get_absolute_url()).content.decode()
            assert ('tag--green">Open' in html) == (state == "open")
            assert ('tag--grey">Closed' in html) == (state == "closed")
    challenge.refresh_from_db()
    assert challenge.status == "published"  # nothing was stored


# Detail ------------------------------------------------------------------------------------


def test_the_detail_shows_the_problem_statement_and_criteria(client, db):
    challenge = PublishedChallengeFactory(
        title="Forms nobody finds",
        context="Twelve websites hold forms.",
        constraints="Must work without JavaScript.",
        out_of_scope="Rewriting the laws.",
        languages=["en", "fr"],
        budget_ceiling=Decimal("25000"),
        instrument="innovation_partnership",
    )
    challenge.sectors.set(sectors("digital"))
    challenge.cpv_codes.set(["72000000-5"])
    response = client.get(challenge.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Twelve websites hold forms.",
        "Forms are spread over many websites",
        "Citizens and the front-office staff",
        "Fewer wrong forms submitted",
        "Must work without JavaScript.",
        "Rewriting the laws.",
        "EUR 25,000 excluding VAT",
        "Innovation partnership",
        "Digital government",
        "72000000-5",
        "IT services",
        "English, Français",
        challenge.owner.name,
    ]:
        assert text in html, text
    for heading in ["Context", "The problem", "Who is affected", "Desired outcomes", "Constraints", "Out of scope"]:
        assert f"<h2>{heading}</h2>" in html
    assert "<caption>Evaluation criteria and their weights</caption>" in html
    assert '<th scope="row">Impact on the people affected</th>' in html
    assert ">60%<" in html and ">40%<" in html


def test_a_wrong_slug_redirects_to_the_right_address(client, db):
    challenge = PublishedChallengeFactory(title="Forms nobody finds")
    response = client.get(f"/challenges/{challenge.pk}-wrong/")
    assert response.status_code == 301
    assert response["Location"] == challenge.get_absolute_url()


def test_a_cancelled_challenge_says_why(client, marketplace):
    html = client.get(marketplace["cancelled"].get_absolute_url()).content.decode()
    assert "This challenge is cancelled" in html and "The budget was withdrawn." in html


def test_the_reason_for_changes_is_shown_to_the_author_only(client, login, db):
    challenge = ChallengeFactory(status="changes_requested", changes_requested_reason="Say who is affected.")
    login(challenge.author)
    assert "Say who is affected." in client.get(challenge.get_absolute_url()).content.decode()
    login(MembershipFactory(organisation=challenge.owner, role="member").user)
    assert "Say who is affected." not in client.get(challenge.get_absolute_url()).content.decode()


@pytest.mark.parametrize("status", ["draft", "awaiting_organisation", "awaiting_review"])
@pytest.mark.parametrize("who", ["visitor", "citizen", "other_body_member", "company_member"])
def test_a_challenge_not_yet_published_is_not_found_by_outsiders(client, login, db, status, who):
    challenge = ChallengeFactory(status=status)
    if who == "citizen":
        login(UserFactory())
    elif who == "other_body_member":
        login(MembershipFactory(organisation=OrganisationFactory(), role="admin").user)
    elif who == "company_member":
        login(MembershipFactory(organisation=CompanyFactory()).user)
    assert client.get(challenge.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("status", ["draft", "awaiting_organisation", "awaiting_review"])
def test_the_owner_members_see_it_at_every_stage(client, login, db, status):
    challenge = ChallengeFactory(status=status)
    login(MembershipFactory(organisation=challenge.owner, role="member").user)
    assert client.get(challenge.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(("status", "code"), [("draft", 404), ("awaiting_organisation", 404), ("awaiting_review", 200)])
def test_a_programme_manager_sees_it_once_in_review(client, login, programme_manager, status, code):
    challenge = ChallengeFactory(status=status)
    login(programme_manager)
    assert client.get(challenge.get_absolute_url()).status_code == code


# Following a challenge ---------------------------------------------------------------------


def test_a_company_member_follows_and_stops_following(client, login, company_member):
    challenge = PublishedChallengeFactory()
    login(company_member)
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert "Follow this challenge</button>" in html
    company = company_member.memberships.get().organisation
    response = client.post(f"/challenges/{challenge.pk}/interest/", {"action": "follow", "company": company.pk})
    assert response.status_code == 302
    interest = Interest.objects.get(challenge=challenge)
    assert (interest.user, interest.company) == (company_member, company)
    assert "Stop following" in client.get(challenge.get_absolute_url()).content.decode()
    client.post(f"/challenges/{challenge.pk}/interest/", {"action": "unfollow"})
    assert not Interest.objects.exists()


def test_a_member_of_several_companies_chooses_which_follows(client, login, company_member):
    other = CompanyFactory(name="Second Company")
    MembershipFactory(organisation=other, user=company_member)
    challenge = PublishedChallengeFactory()
    login(company_member)
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert '<label class="label" for="interest-company">' in html and "Second Company" in html
    client.post(f"/challenges/{challenge.pk}/interest/", {"action": "follow"})
    assert not Interest.objects.exists()  # asked to choose
    client.post(f"/challenges/{challenge.pk}/interest/", {"action": "follow", "company": other.pk})
    assert Interest.objects.get().company == other


@pytest.mark.parametrize("who", ["citizen", "public_servant"])
def test_only_company_members_may_follow(client, login, db, who):
    challenge = PublishedChallengeFactory()
    person = UserFactory() if who == "citizen" else MembershipFactory(organisation=challenge.owner).user
    login(person)
    assert "Follow this challenge" not in client.get(challenge.get_absolute_url()).content.decode()
    assert client.post(f"/challenges/{challenge.pk}/interest/", {"action": "follow"}).status_code == 403
    assert not Interest.objects.exists()


def test_a_visitor_is_asked_to_sign_in_to_follow(client, db):
    challenge = PublishedChallengeFactory()
    response = client.post(f"/challenges/{challenge.pk}/interest/", {"action": "follow"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Interest.objects.exists()


def test_a_closed_challenge_cannot_be_followed(client, login, company_member):
    challenge = PublishedChallengeFactory(deadline=timezone.now() + timedelta(hours=1))
    company = company_member.memberships.get().organisation
    login(company_member)
    with time_machine.travel(challenge.deadline + timedelta(seconds=1)):
        html = client.get(challenge.get_absolute_url()).content.decode()
        assert "Follow this challenge</button>" not in html
        response = client.post(f"/challenges/{challenge.pk}/interest/", {"action": "follow", "company": company.pk})
        assert response.status_code == 403
    assert not Interest.objects.exists()


def test_a_draft_cannot_be_followed(client, login, company_member):
    challenge = ChallengeFactory()
    login(company_member)
    assert client.post(f"/challenges/{challenge.pk}/interest/", {"action": "follow"}).status_code == 404


# Feed --------------------------------------------------------------------------------------


def test_the_feed_is_atom_and_lists_open_challenges_only(client, marketplace):
    response = client.get("/challenges/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text == "Open challenges on Ponte"
    entries = root.findall(f"{ATOM}entry")
    assert {e.find(f"{ATOM}title").text for e in entries} == {"Forms nobody finds", "Queues at the tax office"}
    queues = next(e for e in entries if e.find(f"{ATOM}title").text == "Queues at the tax office")
    assert queues.find(f"{ATOM}link").get("href") == f"http://testserver{marketplace['queues'].get_absolute_url()}"
    assert queues.find(f"{ATOM}summary").text == "Waiting rooms overflow every April."
    assert queues.find(f"{ATOM}published") is not None and queues.find(f"{ATOM}updated") is not None
    assert all(e.find(f"{ATOM}id").text.startswith("http://testserver/challenges/") for e in entries)


# CSV export --------------------------------------------------------------------------------


def test_the_export_contains_public_challenges_only(client, marketplace):
    ChallengeFactory(title="Under the body's review", status="awaiting_review")
    revised = PublishedChallengeFactory(title="Being revised", status="awaiting_review")
    response = client.get("/challenges/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_title = {row["title"]: row for row in rows}
    assert set(by_title) == {
        "Forms nobody finds",
        "Queues at the tax office",
        "Paper archives",
        "Cancelled pilot",
        "Being revised",
    }
    assert list(rows[0]) == [
        "id",
        "title",
        "organisation",
        "instrument",
        "budget_ceiling",
        "currency",
        "deadline",
        "status",
        "sectors",
        "cpv_codes",
        "published_at",
        "url",
    ]
    forms = by_title["Forms nobody finds"]
    assert forms["organisation"] == "Health Agency"
    assert (forms["budget_ceiling"], forms["currency"], forms["status"]) == ("20000.00", "EUR", "open")
    assert forms["cpv_codes"] == "72000000-5" and forms["sectors"] == "health"
    assert forms["url"] == f"http://testserver{marketplace['forms'].get_absolute_url()}"
    assert by_title["Paper archives"]["status"] == "closed"
    assert by_title["Paper archives"]["sectors"] == "digital;tax"
    assert by_title["Cancelled pilot"]["status"] == "cancelled"
    assert by_title["Being revised"]["status"] == "under review"
    assert revised.pk == int(by_title["Being revised"]["id"])


def test_the_export_is_listed_on_the_open_data_page(client, db):
    assert "/challenges/export.csv" in client.get("/open-data/").content.decode()


# Search ------------------------------------------------------------------------------------


def test_search_finds_a_published_challenge_and_not_a_draft(client, db):
    PublishedChallengeFactory(title="Hospital waiting lists", summary="Zebracrossing appointments get lost.")
    ChallengeFactory(title="Hospital draft", summary="Zebracrossing secret draft.")
    html = client.get("/search/", {"q": "zebracrossing"}).content.decode()
    assert "Hospital waiting lists" in html
    assert "Hospital draft" not in html


# Alerts ------------------------------------------------------------------------------------


def test_alerts_need_an_account(client, db):
    response = client.get("/challenges/alerts/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_alerts_are_saved_and_shown_again(client, login, company_member):
    login(company_member)
    assert client.get("/challenges/alerts/").status_code == 200
    response = client.post(
        "/challenges/alerts/",
        {"sectors": ["health", "digital"], "cpv_codes": "72000000, 48000000-8", "keywords": "forms, waiting rooms"},
    )
    assert response.status_code == 302
    subscription = Subscription.objects.get(user=company_member)
    assert {s.code for s in subscription.sectors.all()} == {"health", "digital"}
    assert subscription.cpv_prefixes == ["48000000-8", "72000000-5"]
    assert subscription.keywords == ["forms", "waiting rooms"]
    html = client.get("/challenges/alerts/").content.decode()
    assert "48000000-8, 72000000-5" in html and "forms, waiting rooms" in html
    # Saving again replaces, never adds.
    client.post("/challenges/alerts/", {"sectors": ["tax"], "cpv_codes": "", "keywords": ""})
    subscription = Subscription.objects.get(user=company_member)
    assert [s.code for s in subscription.sectors.all()] == ["tax"]
    assert (subscription.cpv_prefixes, subscription.keywords) == ([], [])


def test_setting_alerts_is_audited_with_what_was_asked_before_and_after(client, login, company_member):
    from ponte.core.models import AuditEvent

    login(company_member)
    client.post("/challenges/alerts/", {"sectors": ["health"], "cpv_codes": "", "keywords": "forms"})
    client.post("/challenges/alerts/", {"sectors": ["tax"], "cpv_codes": "", "keywords": ""})
    first, second = AuditEvent.objects.filter(verb="set_alerts").order_by("pk")
    assert first.actor == second.actor == company_member
    assert first.after == {"sectors": ["health"], "cpv_prefixes": [], "keywords": ["forms"]}
    assert second.before == first.after
    assert second.after == {"sectors": ["tax"], "cpv_prefixes": [], "keywords": []}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"cpv_codes": "99999999"}, "These are not codes of the CPV: 99999999."),
        ({"cpv_codes": "72000000-9"}, "These are not codes of the CPV: 72000000-9."),
        ({"cpv_codes": "72, banana"}, "A CPV code has 8 digits"),
        ({"keywords": ", ".join(f"word{n}" for n in range(11))}, "Give at most 10 keywords; you gave 11."),
        ({"keywords": "x" * 51}, "Each keyword may have at most 50 characters"),
        ({"sectors": ["space"]}, "Select a valid choice."),
    ],
)
def test_alerts_refuse_bad_input_and_keep_what_was_typed(client, login, company_member, data, message):
    login(company_member)
    typed = {"sectors": ["health"], "cpv_codes": "72000000", "keywords": "forms", **data}
    response = client.post("/challenges/alerts/", typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    if data.get("keywords"):
        assert typed["keywords"][:40] in html
    if data.get("cpv_codes"):
        assert typed["cpv_codes"] in html
    assert not Subscription.objects.exists()


def test_a_new_challenge_matching_alerts_notifies(client, login, company_member, programme_manager):
    """The saved alert is what publication reads."""
    from ponte.challenges.services import review as review_services
    from ponte.core.models import Notification

    login(company_member)
    client.post("/challenges/alerts/", {"cpv_codes": "72000000", "keywords": ""})
    challenge = ChallengeFactory(status="approved", approved_at=timezone.now())
    challenge.cpv_codes.set(["72200000-7"])
    review_services.challenge_publish(actor=programme_manager, challenge=challenge)
    assert Notification.objects.filter(recipient=company_member, kind="challenges.new_match").exists()
