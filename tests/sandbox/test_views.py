"""The sandbox's pages: what each person finds and may do, bad input answered beside its field
with everything typed kept, objects one may not see answering 404, and lists whose query count
does not grow with the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.sandbox.models import Application, ApplicationStatus, Call, CallPhase, Rule
from ponte.sandbox.services import applications as services
from tests.factories import MembershipFactory, OrganisationFactory
from tests.reading import Page

from .conftest import RULE, complete

pytestmark = pytest.mark.django_db


def url(application, part=""):
    return f"/sandbox/applications/{application.pk}/{part}"


# Calls -------------------------------------------------------------------------------------


def test_everyone_reads_the_calls_and_a_visitor_is_asked_to_sign_in(client, call, call_in):
    call_in("closed", title="An old call")
    home = Page(client.get("/sandbox/"))
    assert call.title in home.text() and "An old call" in home.text()
    page = Page(client.get(f"/sandbox/calls/{call.pk}/"))
    assert "Simpler permits" in page.text()
    assert page.link("Sign in to apply").startswith("/accounts/login/")


def test_a_member_of_a_public_body_starts_an_application_from_an_open_call(login, member, organisation, call):
    client = login(member)
    page = Page(client.get(f"/sandbox/calls/{call.pk}/"))
    start = page.link("Start an application")
    response = client.post(start, {"coordinator": organisation.pk, "title": "One shared plan"})
    application = Application.objects.get()
    assert response.url == url(application, "edit/")
    assert application.coordinator == organisation and application.status == ApplicationStatus.DRAFT


def test_starting_without_a_title_keeps_the_body_chosen(login, member, organisation, call):
    response = login(member).post(f"/sandbox/calls/{call.pk}/apply/", {"coordinator": organisation.pk, "title": ""})
    assert response.status_code == 200
    assert "Give the application a title" in Page(response).text()
    assert not Application.objects.exists()


def test_a_closed_call_takes_no_new_application(login, member, call_in):
    closed = call_in("closed")
    response = login(member).get(f"/sandbox/calls/{closed.pk}/apply/", follow=True)
    assert "is not open for applications" in Page(response).text()


def test_a_citizen_may_not_start_an_application(login, citizen, call):
    assert login(citizen).get(f"/sandbox/calls/{call.pk}/apply/").status_code == 403


def test_a_programme_manager_opens_a_call_and_bad_input_keeps_what_was_typed(login, programme_manager):
    client = login(programme_manager)
    typed = {"title": "Free municipalities", "description": "Apply.", "themes": "Care\nPermits", "opens_at": "soon"}
    response = client.post("/sandbox/calls/new/", typed)
    assert response.status_code == 200
    assert "Give the date and time the call opens." in Page(response).text()
    assert response.context["form"]["title"].value() == "Free municipalities"
    assert response.context["form"]["themes"].value() == "Care\nPermits"
    opens = timezone.localtime() - timedelta(hours=1)
    response = client.post("/sandbox/calls/new/", {**typed, "opens_at": opens.strftime("%Y-%m-%dT%H:%M")})
    call = Call.objects.get()
    assert response.url == f"/sandbox/calls/{call.pk}/" and call.is_standing and call.themes == ["Care", "Permits"]


def test_a_stale_call_edit_is_refused_showing_what_changed(login, programme_manager, call):
    client = login(programme_manager)
    form = {
        "title": "Changed by a colleague",
        "description": call.description,
        "themes": "\n".join(call.themes),
        "opens_at": timezone.localtime(call.opens_at).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": timezone.localtime(call.closes_at).strftime("%Y-%m-%dT%H:%M"),
        "version": "1",
    }
    assert client.post(f"/sandbox/calls/{call.pk}/edit/", form).status_code == 302
    response = client.post(f"/sandbox/calls/{call.pk}/edit/", {**form, "title": "Mine"})
    assert response.status_code == 200
    assert "Someone saved this call after you opened it" in Page(response).text()
    assert response.context["form"]["title"].value() == "Mine"
    call.refresh_from_db()
    assert call.title == "Changed by a colleague"


def test_a_programme_manager_closes_a_call(login, programme_manager, call):
    client = login(programme_manager)
    assert client.get(f"/sandbox/calls/{call.pk}/close/").status_code == 200
    client.post(f"/sandbox/calls/{call.pk}/close/")
    assert Call.objects.with_phase().get(pk=call.pk).phase == CallPhase.CLOSED
    response = client.get(f"/sandbox/calls/{call.pk}/edit/", follow=True)
    assert "This call is closed" in Page(response).text()


# Writing an application ------------------------------------------------------------------------


def _form(application, responsible, **changes):
    values = complete(responsible)
    data = {name: value for name, value in values.items() if not name.startswith("attests_")}
    data.update(
        title=application.title,
        ministry=responsible.pk,
        starts=values["starts"].isoformat(),
        ends=values["ends"].isoformat(),
        attests_lawful="on",
        attests_no_advantage="on",
        attests_legal_certainty="on",
        partners="",
        version=str(application.version),
    )
    data.update(changes)
    return data


def test_the_whole_draft_is_written_in_the_form_and_sent(login, member, draft, ministry, official):
    client = login(member)
    page = Page(client.get(url(draft, "edit/")))
    assert "Population covered" in page.labels()
    response = client.post(url(draft, "edit/"), _form(draft, ministry))
    assert response.url == url(draft)
    page = Page(client.get(url(draft)))
    assert "Add at least one rule to waive." in page.text()
    client.post(url(draft, "rules/new/"), RULE)
    page = Page(client.get(url(draft)))
    assert "Decree-Law no. 135/99, Article 7(2)" in page.text()
    assert "Before you can send it" not in page.text()
    response = client.post(url(draft, "send/"), follow=True)
    assert "The application is sent to the ministry" in Page(response).text()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.PRELIMINARY


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"population": "many"}, "Give the population covered as a whole number of people."),
        ({"population": "-5"}, "Give the population covered as a whole number of people."),
        ({"starts": "31/02/2027"}, "Give a date."),
        ({"ministry": "999999"}, "Choose the ministry responsible for the rules from the list."),
        ({"partners": "nobody-called-this"}, "No verified public body is called: nobody-called-this."),
        ({"theme": "Something else"}, "Choose one of the call's priority themes, or none."),
    ],
)
def test_bad_input_in_the_application_form_is_named_and_nothing_typed_is_lost(
    login, member, draft, ministry, changes, words
):
    response = login(member).post(url(draft, "edit/"), _form(draft, ministry, barrier="Typed with care.", **changes))
    assert response.status_code == 200
    assert words in Page(response).text()
    assert response.context["form"]["barrier"].value() == "Typed with care."
    draft.refresh_from_db()
    assert draft.barrier == ""


def test_the_end_before_the_start_is_said_beside_the_last_day(login, member, draft, ministry):
    today = timezone.localdate()
    form = _form(draft, ministry, starts=(today + timedelta(days=40)).isoformat(), ends=today.isoformat())
    response = login(member).post(url(draft, "edit/"), form)
    assert response.context["form"].errors["ends"] == ["The last day must come on or after the first day."]


def test_a_network_body_is_named_by_its_short_name_or_its_name(login, member, draft, ministry):
    aveiro = OrganisationFactory(name="Town of Aveiro", slug="town-of-aveiro")
    porto = OrganisationFactory(name="Town of Porto", slug="town-of-porto")
    client = login(member)
    client.post(url(draft, "edit/"), _form(draft, ministry, partners="town-of-aveiro, Town of Porto"))
    assert set(draft.partners.all()) == {aveiro, porto}
    found = client.get("/sandbox/public-bodies/?q=town").json()["results"]
    assert {"value": "town-of-aveiro", "name": "Town of Aveiro (town-of-aveiro)"} in found


def test_a_stale_application_save_is_refused_showing_what_changed(login, member, org_admin, draft, ministry):
    login(org_admin).post(url(draft, "edit/"), _form(draft, ministry, barrier="The admin's words."))
    response = login(member).post(url(draft, "edit/"), _form(draft, ministry, barrier="Mine."))
    assert "Someone saved this application after you opened it" in Page(response).text()
    assert response.context["form"]["barrier"].value() == "Mine."
    draft.refresh_from_db()
    assert draft.barrier == "The admin's words."


def test_a_rule_with_a_bad_eli_is_refused_keeping_what_was_typed(login, member, draft):
    response = login(member).post(url(draft, "rules/new/"), {**RULE, "eli": "https://example.org/act/1"})
    assert response.status_code == 200
    assert "This is not a European Legislation Identifier" in Page(response).text()
    assert response.context["form"]["wording"].value() == RULE["wording"]
    assert not Rule.objects.exists()


def test_a_rule_is_changed_and_removed_from_the_application_page(login, member, draft):
    client = login(member)
    rule = services.rule_add(actor=member, application=draft, **RULE)
    client.post(url(draft, f"rules/{rule.pk}/"), {**RULE, "article": "Article 9"})
    rule.refresh_from_db()
    assert rule.article == "Article 9"
    client.post(url(draft, f"rules/{rule.pk}/remove/"))
    assert not Rule.objects.exists()


def test_sending_an_incomplete_draft_lists_what_is_missing(login, member, draft):
    response = login(member).post(url(draft, "send/"), follow=True)
    page = Page(response)
    assert "Choose the ministry responsible for the rules to waive." in page.text()
    assert page.link("Add at least one rule to waive.") == url(draft) + "#rules"
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_a_sent_application_is_withdrawn_with_a_reason(login, member, sent):
    client = login(member)
    response = client.post(url(sent, "withdraw/"), {"reason": ""})
    assert "Say why the application is withdrawn" in Page(response).text()
    client.post(url(sent, "withdraw/"), {"reason": "Possible within the rules."})
    page = Page(client.get(url(sent)))
    assert "Possible within the rules." in page.text()


def test_editing_a_sent_application_sends_the_person_back_to_it(login, member, sent):
    response = login(member).get(url(sent, "edit/"), follow=True)
    assert "This application can no longer be changed" in Page(response).text()


# Who sees what ---------------------------------------------------------------------------------


def test_a_draft_is_its_bodys_alone(login, client, draft, official, programme_manager, citizen):
    stranger = MembershipFactory(organisation=OrganisationFactory()).user
    for person in (None, citizen, stranger, official, programme_manager):
        viewer = login(person)
        assert viewer.get(url(draft)).status_code in (404, 302)
        assert viewer.get(url(draft, "edit/")).status_code in (404, 302)
    assert login(stranger).get(url(draft)).status_code == 404


def test_once_sent_the_ministry_and_the_programme_managers_read_it(login, sent, official, programme_manager):
    for person in (official, programme_manager):
        page = Page(login(person).get(url(sent)))
        assert sent.title in page.text()
        assert "Edit the application" not in page.text()
        listed = Page(login(person).get("/sandbox/applications/"))
        assert sent.title in listed.text()


def test_another_ministry_does_not_read_it(login, sent):
    other = MembershipFactory(organisation=OrganisationFactory(tier="ministry")).user
    assert login(other).get(url(sent)).status_code == 404
    assert sent.title not in Page(login(other).get("/sandbox/applications/")).text()


def test_a_rule_of_another_application_answers_404(login, member, draft, call, organisation):
    other = services.application_start(actor=member, call=call, coordinator=organisation, title="Other")
    rule = services.rule_add(actor=member, application=other, **RULE)
    assert login(member).get(url(draft, f"rules/{rule.pk}/")).status_code == 404


# Query counts ------------------------------------------------------------------------------------


def _queries(client, address):
    client.get(address)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _drafts(call, member, organisation, n):
    for number in range(n):
        application = services.application_start(
            actor=member, call=call, coordinator=organisation, title=f"Application {number}"
        )
        application.partners.add(OrganisationFactory())


def test_the_list_makes_as_many_queries_with_12_applications_as_with_2(login, member, organisation, call):
    client = login(member)
    _drafts(call, member, organisation, 2)
    few = _queries(client, "/sandbox/applications/")
    _drafts(call, member, organisation, 10)
    many = _queries(client, "/sandbox/applications/")
    assert len(few) == len(many), "\n".join(["with 2:", *few, "", "with 12:", *many])


def test_an_application_page_makes_as_many_queries_with_5_rules_and_bodies_as_with_1(
    login, member, organisation, call, ready
):
    client = login(member)
    few = _queries(client, url(ready))
    for number in range(4):
        services.rule_add(actor=member, application=ready, **{**RULE, "article": f"Article {number}"})
        ready.partners.add(OrganisationFactory())
    many = _queries(client, url(ready))
    assert len(few) == len(many), "\n".join(["with 1:", *few, "", "with 5:", *many])


def test_the_calls_make_as_many_queries_with_12_as_with_2(client, call_in):
    for _ in range(2):
        call_in("open")
    few = _queries(client, "/sandbox/")
    for _ in range(10):
        call_in("closed")
    many = _queries(client, "/sandbox/")
    assert len(few) == len(many)


def test_nothing_a_client_sends_makes_a_500(login, member, draft, programme_manager):
    client = login(member)
    for address, data in [
        (url(draft, "edit/"), {"population": "9" * 40, "version": "x", "starts": "0000-00-00"}),
        (url(draft, "edit/"), {"title": "\x00", "partners": "," * 500, "version": "1"}),
        (url(draft, "rules/new/"), {"eli": "http://[::1", "legal_reference": "a", "article": "b", "wording": "c"}),
        ("/sandbox/public-bodies/?q=%00%00", None),
        ("/sandbox/applications/?status=nonsense&page=-3", None),
    ]:
        response = client.post(address, data) if data is not None else client.get(address)
        assert response.status_code < 500, address
    login(programme_manager)
    response = client.post("/sandbox/calls/new/", {"opens_at": "9999-99-99T99:99", "closes_at": "\x00"})
    assert response.status_code == 200
