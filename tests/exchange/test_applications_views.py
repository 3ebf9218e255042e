"""The application pages: a member applies from the round's page; their organisation's admin
approves or declines from their list; an organisation admin says how many guests it hosts.
An application one may not see answers 404; bad input keeps what was typed beside a clear
message; query counts do not grow with the data. And the API gives applications only to
those entitled."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ponte.exchange.models import Application, ApplicationStatus, Hosting, RoundPhase
from ponte.exchange.services import applications as services
from tests.conftest import give_two_factor
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.reading import Page

from .conftest import apply

pytestmark = pytest.mark.django_db


def form_data(round, organisation, **changes) -> dict:
    starts = round.exchange_starts
    data = {
        "organisation": str(organisation.pk),
        "job": "Procurement officer",
        "skills": "public procurement, plain language",
        "interests": "agile delivery; cloud hosting",
        "sectors_wanted": ["digital", "health"],
        "languages": "English, French",
        "region": "Brussels",
        "travels": "on",
        "accessibility_needs": "Step-free access, please.",
        "free_from_1": (starts + timedelta(days=7)).isoformat(),
        "free_to_1": (starts + timedelta(days=20)).isoformat(),
        "free_from_2": "",
        "free_to_2": "",
        "free_from_3": "",
        "free_to_3": "",
    }
    data.update(changes)
    return data


def test_a_member_applies_from_the_rounds_page(login, member, organisation, taking):
    client = login(member)
    url = Page(client.get(taking.get_absolute_url())).link("Apply to this round")
    response = client.post(url, form_data(taking, organisation))
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    assert application.interests == ["agile delivery", "cloud hosting"] and application.travels
    page = Page(client.get(application.get_absolute_url()))
    assert "Your application is sent" in page.text() and "Waiting for approval" in page.text()
    assert "Step-free access, please." in page.text()
    # The round's page now leads to the application, and applying again leads there too.
    assert Page(client.get(taking.get_absolute_url())).link("Read your application") == application.get_absolute_url()
    assert client.get(url)["Location"] == application.get_absolute_url()


def test_a_visitor_is_asked_to_sign_in_to_apply(client, taking):
    page = Page(client.get(taking.get_absolute_url()))
    assert page.link("Sign in to apply").startswith("/accounts/login/")
    assert not page.links("Apply to this round")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"free_from_1": "2001-01-01"}, "free_from_1", "inside the round's exchange window"),
        ({"free_to_1": ""}, "free_to_1", "Give both the first and the last day"),
        ({"free_from_1": "not a date"}, "free_from_1", "Give a date"),
        ({"free_from_1": "", "free_to_1": ""}, "free_from_1", "Say when you are free"),
        ({"skills": " , ,"}, "skills", "at least one thing you can offer"),
        ({"job": ""}, "job", "Say what your role is"),
        ({"sectors_wanted": ["space"]}, "sectors_wanted", "valid choice"),
    ],
)
def test_bad_input_keeps_what_was_typed_beside_a_clear_message(
    login, member, organisation, taking, changes, field, message
):
    client = login(member)
    response = client.post(f"/exchange/rounds/{taking.pk}/apply/", form_data(taking, organisation, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, [])), response.context["form"].errors
    assert "Step-free access, please." in response.content.decode()
    assert not Application.objects.exists()


def test_overlapping_ranges_are_refused_beside_the_dates(login, member, organisation, taking):
    starts = taking.exchange_starts
    data = form_data(
        taking,
        organisation,
        free_from_2=(starts + timedelta(days=15)).isoformat(),
        free_to_2=(starts + timedelta(days=30)).isoformat(),
    )
    response = login(member).post(f"/exchange/rounds/{taking.pk}/apply/", data)
    assert "overlap" in " ".join(response.context["form"].errors["free_from_1"])


def test_an_application_sent_after_the_window_closed_is_told_so(login, member, organisation, round_in):
    closed = round_in(RoundPhase.MATCHING)
    client = login(member)
    response = client.get(f"/exchange/rounds/{closed.pk}/apply/", follow=True)
    assert "This round does not take applications now." in Page(response).text()
    response = client.post(f"/exchange/rounds/{closed.pk}/apply/", form_data(closed, organisation), follow=True)
    assert "This round does not take applications now." in Page(response).text()
    assert not Application.objects.exists()


def test_the_window_closing_while_the_form_is_filled_is_told_beside_it(login, member, organisation, taking):
    client = login(member)
    data = form_data(taking, organisation)
    taking.applications_close_at = taking.applications_open_at + timedelta(seconds=1)
    taking.save()
    response = client.post(f"/exchange/rounds/{taking.pk}/apply/", data, follow=True)
    assert response.status_code == 200
    assert "This round does not take applications now." in Page(response).text()


def test_a_citizen_may_not_apply(login, taking):
    assert login(UserFactory()).get(f"/exchange/rounds/{taking.pk}/apply/").status_code == 403


# Seeing and deciding ----------------------------------------------------------------------------


def test_an_application_is_hidden_from_everyone_else(login, application, programme_manager, org_admin, member):
    url = application.get_absolute_url()
    others = [
        UserFactory(),
        MembershipFactory(organisation=OrganisationFactory(), role="admin").user,
        MembershipFactory(organisation=application.organisation, role="member").user,
    ]
    for person in others:
        client = login(person)
        assert client.get(url).status_code == 404
        assert client.post(f"{url}approve/").status_code == 404
        assert client.post(f"{url}decline/", {"reason": "No"}).status_code == 404
    assert login(None).get(url).status_code == 302  # to sign in
    for person in (member, org_admin, programme_manager):
        assert login(person).get(url).status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WAITING


def test_the_organisation_admin_approves_from_their_list(login, org_admin, application):
    client = login(org_admin)
    page = Page(client.get("/exchange/applications/"))
    url = page.link("Manuel Member", within=page.part("Waiting for your approval"))
    detail = Page(client.get(url))
    assert detail.text().count("Approve the application") == 1
    response = client.post(f"{url}approve/", follow=True)
    assert "The application is approved" in Page(response).text()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    # Decided: nothing is waiting, and a second decision is told, not made.
    assert "Waiting for your approval" not in Page(client.get("/exchange/applications/")).text()
    response = client.post(f"{url}approve/", follow=True)
    assert "can no longer be decided" in Page(response).text()


def test_the_applicant_may_not_decide_their_own(login, member, application):
    client = login(member)
    assert not Page(client.get(application.get_absolute_url())).links("Decline the application")
    assert client.post(f"{application.get_absolute_url()}approve/").status_code == 403
    assert client.get(f"{application.get_absolute_url()}decline/").status_code == 403


def test_the_organisation_admin_declines_with_a_reason_the_applicant_reads(login, org_admin, member, application):
    client = login(org_admin)
    url = f"{application.get_absolute_url()}decline/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "Say why the application is declined" in Page(response).text()
    client.post(url, {"reason": "We need you in April."})
    text = Page(login(member).get(application.get_absolute_url())).text()
    assert "Declined" in text and "We need you in April." in text


# Hosting ----------------------------------------------------------------------------------------


def test_an_organisation_admin_says_how_many_guests_it_hosts(login, org_admin, organisation, taking):
    client = login(org_admin)
    url = Page(client.get(taking.get_absolute_url())).link("Say how many guests your organisation can host")
    response = client.post(url, {"organisation": organisation.pk, "guests": "9"})
    assert "from 0 to 3" in " ".join(response.context["form"].errors["guests"])
    response = client.post(url, {"organisation": organisation.pk, "guests": "2"}, follow=True)
    assert "2 guests" in Page(response).text()
    assert Hosting.objects.get().guests == 2


def test_a_member_may_not_state_hosting(login, member, taking):
    assert login(member).get(f"/exchange/rounds/{taking.pk}/hosting/").status_code == 403


# Query counts -----------------------------------------------------------------------------------


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


def _applicants(organisation, round, n):
    for _ in range(n):
        apply(MembershipFactory(organisation=organisation).user, round, organisation)


def test_the_admins_list_makes_as_many_queries_with_10_applications_as_with_2(login, org_admin, organisation, taking):
    client = login(org_admin)
    _applicants(organisation, taking, 2)
    _response, few = _queries(client, "/exchange/applications/")
    _applicants(organisation, taking, 8)
    response, many = _queries(client, "/exchange/applications/")
    assert len(response.context["waiting"].object_list) == 10
    assert len(few) == len(many), "\n".join(["with 2:", *few, "", "with 10:", *many])


def test_an_application_page_makes_as_many_queries_with_3_ranges_as_with_1(
    login, org_admin, member, organisation, taking
):
    starts = taking.exchange_starts
    one = apply(member, taking, organisation, availability=[(starts, starts + timedelta(days=9))])
    three = apply(
        MembershipFactory(organisation=organisation).user,
        taking,
        organisation,
        availability=[(starts + timedelta(days=10 * n), starts + timedelta(days=10 * n + 5)) for n in range(3)],
    )
    client = login(org_admin)
    _response, few = _queries(client, one.get_absolute_url())
    response, many = _queries(client, three.get_absolute_url())
    assert len(response.context["availability"]) == 3
    assert len(few) == len(many)


def test_a_round_page_for_a_member_makes_as_many_queries_with_10_applications_as_with_1(
    login, member, organisation, taking
):
    client = login(member)
    _applicants(organisation, taking, 1)
    _response, few = _queries(client, taking.get_absolute_url())
    _applicants(organisation, taking, 9)
    _response, many = _queries(client, taking.get_absolute_url())
    assert len(few) == len(many)


# The API ----------------------------------------------------------------------------------------


def test_the_api_gives_applications_only_to_those_entitled(application, member, org_admin, programme_manager):
    url = f"/api/exchange/applications/{application.pk}"
    assert Client().get("/api/exchange/applications").status_code == 401
    assert Client().get(url).status_code == 401
    give_two_factor(programme_manager)  # staff read the API with a second factor
    for person in (member, org_admin, programme_manager):
        client = Client()
        client.force_login(person)
        body = client.get(url).json()
        assert body["status"] == "waiting" and body["organisation"] == application.organisation.slug
        assert [a["starts"] for a in body["availability"]] == [
            a.starts.isoformat() for a in application.availability.order_by("starts")
        ]
        assert [item["id"] for item in client.get("/api/exchange/applications").json()["items"]] == [application.pk]
    for person in (UserFactory(), MembershipFactory(organisation=OrganisationFactory(), role="admin").user):
        client = Client()
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/problem+json")
        assert client.get("/api/exchange/applications").json()["count"] == 0


def test_an_approval_is_on_the_api(application, org_admin):
    services.application_approve(actor=org_admin, application=application)
    client = Client()
    client.force_login(org_admin)
    assert client.get(f"/api/exchange/applications/{application.pk}").json()["status"] == "approved"


def test_a_programme_manager_reads_but_does_not_decide(login, programme_manager, application):
    client = login(programme_manager)
    assert not Page(client.get(application.get_absolute_url())).links("Decline the application")
    assert client.post(f"{application.get_absolute_url()}approve/").status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WAITING
