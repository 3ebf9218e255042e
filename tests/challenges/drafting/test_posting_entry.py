"""A public servant finds how to start a challenge: "Post a challenge" and "My challenges" in
the menu, a "Post a challenge" button on the home page and the challenge list, links on the
account page. Nobody else is offered them."""

import pytest

from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory
from tests.reading import Page

PAGES = ["/", "/challenges/", "/me/"]


def read(client, url) -> Page:
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(response)


@pytest.mark.parametrize("url", PAGES)
def test_a_public_servant_finds_post_a_challenge_and_my_challenges_in_the_menu(client, member, url):
    client.force_login(member)
    page = read(client, url)
    menu = page.navigation("Main")
    assert page.link("Post a challenge", menu) == "/challenges/new/"
    assert page.link("My challenges", menu) == "/challenges/mine/"


def test_the_home_page_offers_a_public_servant_to_post_a_challenge(client, member):
    client.force_login(member)
    page = read(client, "/")
    assert page.link("Post a challenge", page.main) == "/challenges/new/"


def test_the_challenge_list_offers_a_public_servant_to_post_a_challenge(client, member):
    client.force_login(member)
    page = read(client, "/challenges/")
    assert page.link("Post a challenge", page.main) == "/challenges/new/"


def test_the_account_page_links_to_posting_a_challenge_and_to_my_challenges(client, member):
    client.force_login(member)
    page = read(client, "/me/")
    assert page.link("Post a challenge", page.main) == "/challenges/new/"
    assert page.link("My challenges", page.main) == "/challenges/mine/"


def test_the_menu_entry_leads_to_the_form_that_starts_a_draft(client, member):
    client.force_login(member)
    home = read(client, "/")
    page = read(client, home.link("Post a challenge", home.navigation("Main")))
    assert page.headings()[0] == "Post a challenge"
    assert "Title" in page.labels()


@pytest.fixture
def company_member(db):
    return MembershipFactory(organisation=CompanyFactory()).user


@pytest.fixture
def member_of_unverified_body(db):
    return MembershipFactory(organisation=OrganisationFactory(status="pending")).user


@pytest.mark.parametrize("who", ["citizen", "company_member", "member_of_unverified_body", "programme_manager"])
@pytest.mark.parametrize("url", PAGES)
def test_nobody_else_is_offered_to_post_a_challenge(client, request, who, url):
    person = request.getfixturevalue(who)
    if person.is_programme_manager:
        from tests.conftest import give_two_factor

        give_two_factor(person)
    client.force_login(person)
    page = read(client, url)
    assert page.links("Post a challenge", page.doc) == []
    assert page.links("My challenges", page.navigation("Main")) == []


def test_a_visitor_is_not_offered_to_post_a_challenge(client, db):
    for url in ("/", "/challenges/"):
        page = read(client, url)
        assert page.links("Post a challenge", page.doc) == []
        assert page.links("My challenges", page.doc) == []
