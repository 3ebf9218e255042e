"""An organisation's public profile: any member keeps it (description, website, sectors,
town, year founded, head-count, contact address), its admins keep who it is; bad input gets
a clear message and loses nothing; its page shows what it did on Ponte (a company's
published solutions and awards won, a public body's published challenges) with a query
count that does not grow with them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.challenges.models import Award, Contract, Proposal
from ponte.core.models import AuditEvent
from ponte.organisations import services
from ponte.organisations.models import Organisation
from tests.challenges.outcomes import awarded, closed_without_award, in_evaluation
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    MembershipFactory,
    OrganisationFactory,
    PublishedChallengeFactory,
    SolutionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
SME_TOO_LARGE = (
    "An enterprise of 250 people or more is not small or medium-sized, and this company is registered as one: "
    "change one of the two."
)
FOUNDED_OUT_OF_RANGE = f"Give the year the organisation was founded, from 1600 to {THIS_YEAR}."


def edit_url(organisation):
    return f"/organisations/{organisation.slug}/edit/"


def profile_data(**changes):
    """What a member types in the profile form."""
    data = {
        "description": "We modernise how citizens deal with the administration.",
        "website": "https://modernisation.example.org",
        "sectors": ["digital"],
        "city": "Ghent",
        "founded": "1998",
        "employees": "50-249",
        "contact_email": "info@modernisation.example.org",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def full_data(organisation, **changes):
    """What an admin's full form holds for an organisation as it is, with `changes`."""
    data = {
        "name": organisation.name,
        "country": organisation.country,
        "description": organisation.description,
        "website": organisation.website,
        "sectors": [s.code for s in organisation.sectors.all()],
        "parent": organisation.parent_id or "",
        "tier": organisation.tier,
        "level_of_government": organisation.level_of_government,
        "registration_number": organisation.registration_number,
        "employees": organisation.employees,
        "founded": organisation.founded or "",
        "city": organisation.city,
        "contact_email": organisation.contact_email,
    }
    if organisation.is_sme:
        data["is_sme"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def company():
    return CompanyFactory(name="Civic Data Labs", slug="civic-data-labs", is_sme=True)


@pytest.fixture
def company_member(company):
    return MembershipFactory(organisation=company, role="member", user__name="Carl Coder").user


# A member keeps the profile ----------------------------------------------------------------


def test_a_member_edits_the_profile_and_everyone_reads_it(organisation, member, login, client):
    page = login(member).get(organisation.get_absolute_url()).text
    assert f'href="{edit_url(organisation)}">Edit the profile</a>' in page

    form = client.get(edit_url(organisation))
    assert form.status_code == 200
    for field in ("description", "website", "sectors", "city", "founded", "employees", "contact_email"):
        assert f'name="{field}"' in form.text, field
    for field in ("name", "country", "tier", "registration_number", "is_sme", "parent"):
        assert f'name="{field}"' not in form.text, field

    response = client.post(edit_url(organisation), profile_data())

    assert response.status_code == 302 and response.url == organisation.get_absolute_url()
    organisation.refresh_from_db()
    assert (organisation.city, organisation.founded, organisation.employees) == ("Ghent", 1998, "50-249")
    assert organisation.contact_email == "info@modernisation.example.org"
    assert [s.code for s in organisation.sectors.all()] == ["digital"]
    client.logout()
    shown = client.get(organisation.get_absolute_url()).text
    assert "We modernise how citizens deal with the administration." in shown
    assert "<dd>Ghent</dd>" in shown and "<dd>1998</dd>" in shown and "<dd>50 to 249 people</dd>" in shown
    assert '<a href="mailto:info@modernisation.example.org">' in shown
    assert 'href="https://modernisation.example.org"' in shown
    event = AuditEvent.objects.get(verb="update", target_id=str(organisation.pk))
    assert event.actor == member and event.after["city"] == "Ghent"


def test_the_profile_form_starts_from_what_is_saved(organisation, member, login):
    Organisation.objects.filter(pk=organisation.pk).update(city="Leuven", founded=2004, employees="10-49")
    form = login(member).get(edit_url(organisation)).text
    assert 'value="Leuven"' in form and 'value="2004"' in form
    assert '<option value="10-49" selected>' in form


def test_a_member_cannot_change_who_the_organisation_is_through_the_profile_form(organisation, member, login):
    response = login(member).post(
        edit_url(organisation),
        profile_data(name="Hijacked Agency", country="FR", tier="government", registration_number="X1", is_sme="on"),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Agency for Modernisation"
    assert (organisation.country, organisation.tier, organisation.registration_number) == ("BE", "agency", "")
    assert organisation.is_sme is False
    assert organisation.city == "Ghent"  # the profile itself is saved


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Hijacked Agency"),
        ("country", "FR"),
        ("parent", None),
        ("tier", "government"),
        ("level_of_government", "regional"),
        ("registration_number", "BE0000000001"),
        ("is_sme", True),
    ],
)
def test_the_service_refuses_a_member_changing_who_the_organisation_is(organisation, member, field, value):
    before = Organisation.objects.filter(pk=organisation.pk).values().get()
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=member, organisation=organisation, **{field: value, "city": "Ghent"})
    assert Organisation.objects.filter(pk=organisation.pk).values().get() == before
    assert not AuditEvent.objects.filter(verb="update").exists()


def test_the_service_lets_a_member_change_the_profile(organisation, member):
    services.organisation_update(
        actor=member, organisation=organisation, city="Ghent", founded=1998, sectors=["digital", "health"]
    )
    organisation.refresh_from_db()
    assert organisation.city == "Ghent" and organisation.founded == 1998
    assert sorted(s.code for s in organisation.sectors.all()) == ["digital", "health"]


def test_an_admin_sees_and_saves_the_full_form(organisation, org_admin, login, client):
    page = login(org_admin).get(organisation.get_absolute_url()).text
    assert f'href="{edit_url(organisation)}">Edit details</a>' in page
    form = client.get(edit_url(organisation)).text
    for field in ("name", "country", "tier", "level_of_government", "city", "founded", "employees", "contact_email"):
        assert f'name="{field}"' in form, field

    response = client.post(
        edit_url(organisation),
        full_data(
            organisation,
            name="Agency for Digital Modernisation",
            city="Brussels",
            founded="2001",
            employees="250+",
            contact_email="hello@agency.example.be",
        ),
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Agency for Digital Modernisation"
    assert (organisation.city, organisation.founded, organisation.employees) == ("Brussels", 2001, "250+")
    assert organisation.contact_email == "hello@agency.example.be"
    shown = client.get(organisation.get_absolute_url()).text
    assert "<dd>250 people or more</dd>" in shown and "<dd>Brussels</dd>" in shown


def test_a_platform_admin_changes_a_companys_identity_and_profile(company, platform_admin, login):
    response = login(platform_admin).post(
        edit_url(company), full_data(company, name="Civic Data Labs BV", city="Porto", employees="10-49")
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.name, company.city, company.employees) == ("Civic Data Labs BV", "Porto", "10-49")


@pytest.mark.parametrize("role", ["citizen", "company_member", "programme_manager"])
def test_outsiders_may_not_edit_the_profile(organisation, person_in_role, login, role):
    person = person_in_role(role)
    client = login(person)
    assert "Edit the profile" not in client.get(organisation.get_absolute_url()).text
    assert client.get(edit_url(organisation)).status_code == 403
    assert client.post(edit_url(organisation), profile_data()).status_code == 403
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=person, organisation=organisation, city="Ghent")
    organisation.refresh_from_db()
    assert organisation.city == ""


def test_a_visitor_is_asked_to_sign_in(organisation, client):
    response = client.post(edit_url(organisation), profile_data())
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    organisation.refresh_from_db()
    assert organisation.city == ""


@pytest.mark.parametrize("role", ["member", "admin"])
def test_no_member_of_a_suspended_organisation_edits_its_profile(login, role):
    suspended = OrganisationFactory(status="suspended")
    person = MembershipFactory(organisation=suspended, role=role).user
    client = login(person)
    assert client.get(suspended.get_absolute_url()).status_code == 200
    assert client.get(edit_url(suspended)).status_code == 403
    assert client.post(edit_url(suspended), profile_data()).status_code == 403
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=person, organisation=suspended, city="Ghent")
    suspended.refresh_from_db()
    assert suspended.city == ""


# Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("founded", "message"),
    [
        ("1500", FOUNDED_OUT_OF_RANGE),
        ("-5", FOUNDED_OUT_OF_RANGE),
        ("99999999999", FOUNDED_OUT_OF_RANGE),
        (str(THIS_YEAR + 1), FOUNDED_OUT_OF_RANGE),
        ("abc", "Give the year as four digits, such as 2015."),
        ("2015.5", "Give the year as four digits, such as 2015."),
    ],
)
def test_a_wrong_year_founded_is_refused_and_nothing_typed_is_lost(organisation, member, login, founded, message):
    response = login(member).post(edit_url(organisation), profile_data(founded=founded, city="Mechelen"))
    assert response.status_code == 200
    assert response.context["form"].errors["founded"] == [message]
    assert message in response.text
    assert 'value="Mechelen"' in response.text
    assert "We modernise how citizens deal with the administration." in response.text
    assert 'value="info@modernisation.example.org"' in response.text
    organisation.refresh_from_db()
    assert organisation.founded is None and organisation.city == ""


@pytest.mark.parametrize(
    ("founded", "accepted"), [(1599, False), (1600, True), (THIS_YEAR, True), (THIS_YEAR + 1, False)]
)
def test_the_service_takes_a_year_founded_from_1600_to_this_year(organisation, member, founded, accepted):
    if accepted:
        services.organisation_update(actor=member, organisation=organisation, founded=founded)
        organisation.refresh_from_db()
        assert organisation.founded == founded
    else:
        with pytest.raises(ValidationError) as refused:
            services.organisation_update(actor=member, organisation=organisation, founded=founded)
        assert refused.value.message_dict == {"founded": [FOUNDED_OUT_OF_RANGE]}
        organisation.refresh_from_db()
        assert organisation.founded is None


def test_an_sme_of_250_people_or_more_is_refused_on_employees(company, company_member, login):
    response = login(company_member).post(edit_url(company), profile_data(employees="250+"))
    assert response.status_code == 200
    assert response.context["form"].errors["employees"] == [SME_TOO_LARGE]
    assert SME_TOO_LARGE in response.text
    assert 'value="Ghent"' in response.text
    company.refresh_from_db()
    assert company.employees == ""


def test_the_sme_rule_weighs_the_saved_values_with_the_changes(company, login):
    admin = MembershipFactory(organisation=company, role="admin").user
    Organisation.objects.filter(pk=company.pk).update(employees="250+", is_sme=False)
    company.refresh_from_db()
    # Registering a large company as an SME is refused...
    response = login(admin).post(edit_url(company), full_data(company, is_sme="on"))
    assert response.status_code == 200
    assert response.context["form"].errors["employees"] == [SME_TOO_LARGE]
    with pytest.raises(ValidationError):
        services.organisation_update(actor=admin, organisation=company, is_sme=True)
    company.refresh_from_db()
    assert company.is_sme is False
    # ...while a company no longer an SME may say it employs 250 or more.
    Organisation.objects.filter(pk=company.pk).update(employees="", is_sme=True)
    company.refresh_from_db()
    services.organisation_update(actor=admin, organisation=company, is_sme=False, employees="250+")
    company.refresh_from_db()
    assert (company.is_sme, company.employees) == (False, "250+")


@pytest.mark.parametrize("email", ["not-an-address", "info@", "info@@example.org"])
def test_an_invalid_contact_address_is_refused(organisation, member, login, email):
    response = login(member).post(edit_url(organisation), profile_data(contact_email=email))
    assert response.status_code == 200
    assert response.context["form"].errors["contact_email"] == ["Enter a valid email address."]
    assert f'value="{email}"' in response.text and 'value="Ghent"' in response.text
    organisation.refresh_from_db()
    assert organisation.contact_email == ""


def test_an_unknown_head_count_class_is_refused(organisation, member, login):
    response = login(member).post(edit_url(organisation), profile_data(employees="10000"))
    assert response.status_code == 200
    assert "employees" in response.context["form"].errors
    organisation.refresh_from_db()
    assert organisation.employees == ""


# What the page shows ----------------------------------------------------------------------


def solution(company, status, title):
    now = timezone.now()
    return SolutionFactory(
        company=company,
        status=status,
        title=title,
        submitted_at=None if status == "draft" else now,
        published_at=now if status == "published" else None,
    )


def client_get(organisation):
    """The organisation's page as a visitor reads it."""
    return Client().get(organisation.get_absolute_url()).text


def award_to(company, *, challenge=None, contract=True):
    """An award to the company of a challenge of its own public body, written straight to the
    database: the services' rules are tested elsewhere, here only the page's reads."""
    challenge = challenge or PublishedChallengeFactory(
        deadline=timezone.now() - timedelta(days=10), status="awarded", awarded_at=timezone.now()
    )
    proposal = Proposal.objects.create(
        challenge=challenge,
        company=company,
        submitted_by=UserFactory(),
        approach="A",
        team="T",
        price=Decimal("1000"),
        timeline="Soon",
    )
    made = Award.objects.create(challenge=challenge, proposal=proposal, supplier=company, value=Decimal("1000"))
    if contract:
        Contract.objects.create(
            award=made,
            title="Pilot",
            value=Decimal("1000"),
            date_signed=timezone.localdate(),
            period_start=timezone.localdate(),
            period_end=timezone.localdate() + timedelta(days=90),
            recorded_by=challenge.author,
        )
    return made


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_the_company_page_lists_its_published_solutions_only(company, company_member, login, client, who):
    shown = solution(company, "published", "Published form finder")
    for status in ("draft", "submitted", "returned"):
        solution(company, status, f"Hidden solution {status}")
    solution(CompanyFactory(), "published", "Finder of another company")
    if who == "member":
        login(company_member)

    page = client.get(company.get_absolute_url()).text

    assert f'<a href="{shown.get_absolute_url()}">Published form finder</a>' in page
    assert "Hidden solution" not in page and "Finder of another company" not in page
    assert "All 1 solutions" not in page  # every one is on the page: no link to more


def test_a_company_without_published_solutions_has_no_solutions_section(company):
    solution(company, "submitted", "Waiting for screening")
    assert 'id="section-solutions"' not in client_get(company)


def test_the_company_page_shows_the_latest_six_solutions_and_links_to_all(company):
    for n in range(7):
        solution(company, "published", f"Solution number {n}")
    page = client_get(company)
    assert page.count("Solution number") == 6
    assert "Solution number 0" not in page  # the oldest
    assert "All 7 solutions of this company" in page


def test_the_link_to_all_solutions_lists_this_companys_only(company, client):
    for n in range(7):
        solution(company, "published", f"Solution number {n}")
    solution(CompanyFactory(), "published", "Finder of another company")
    page = client.get(company.get_absolute_url()).text
    link = page[: page.index("All 7 solutions of this company")]
    link = link[link.rindex('href="') + len('href="') : link.rindex('"')].replace("&amp;", "&")
    listed = client.get(link).text
    assert "Solution number 6" in listed and "Finder of another company" not in listed


def test_the_winner_page_lists_the_award_and_the_others_do_not(organisation):
    outcome = awarded(owner=organisation, title="Queues at the registry", winners=2)
    winner, second, loser = (bid.company for bid in outcome.bids)
    not_awarded = closed_without_award(title="Nobody good enough")
    undecided = in_evaluation(title="Still being evaluated")

    page = client_get(winner)
    assert 'id="section-awards"' in page
    row = page[page.index("Queues at the registry") :]
    row = row[: row.index("</tr>")]
    assert f'href="{organisation.get_absolute_url()}">Agency for Modernisation</a>' in row
    # The page gives the day on the platform's clock, which is not UTC's near midnight.
    assert timezone.localtime(outcome.awards[0].awarded_at).strftime("%-d %B %Y") in row
    assert f"Signed on {outcome.contracts[0].date_signed.strftime('%-d %B %Y')}" in row
    assert "18,000.00" in row
    second_page = client_get(second)
    assert "Queues at the registry" in second_page and "Signed on" not in second_page  # no contract yet
    for company in (loser, outcome.withdrawn.company, *(b.company for b in not_awarded.bids)):
        assert 'id="section-awards"' not in client_get(company), company.name
    assert 'id="section-awards"' not in client_get(undecided.bids[0].company)


def test_an_award_row_of_a_challenge_not_awarded_is_not_shown(company):
    """As an import gone wrong might leave: the page shows only outcomes made public."""
    challenge = PublishedChallengeFactory(title="Still open for bids")
    award_to(company, challenge=challenge)
    assert "Still open for bids" not in client_get(company)


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_the_public_body_page_lists_its_published_challenges_only(organisation, member, login, client, who):
    published = PublishedChallengeFactory(owner=organisation, title="Published queues challenge")
    for status in ("draft", "awaiting_organisation", "awaiting_review", "changes_requested", "approved", "cancelled"):
        ChallengeFactory(owner=organisation, status=status, title=f"Unpublished challenge {status}")
    PublishedChallengeFactory(title="Challenge of another body")
    if who == "member":
        login(member)

    page = client.get(organisation.get_absolute_url()).text

    assert f'<a href="{published.get_absolute_url()}">Published queues challenge</a>' in page
    assert "Unpublished challenge" not in page and "Challenge of another body" not in page


def test_the_public_body_page_shows_the_latest_five_challenges_and_links_to_all(organisation):
    for n in range(7):
        PublishedChallengeFactory(
            owner=organisation,
            title=f"Challenge number {n}",
            published_at=timezone.now() - timedelta(days=10 - n),
        )
    page = client_get(organisation)
    assert page.count("Challenge number") == 5
    assert "Challenge number 0" not in page and "Challenge number 6" in page
    assert f'?organisation={organisation.slug}">All 7 challenges of this body</a>' in page


def test_a_company_page_shows_no_challenges_section_and_a_public_body_no_solutions(organisation, company):
    PublishedChallengeFactory(owner=organisation)
    solution(company, "published", "A finder")
    assert 'id="section-solutions"' not in client_get(organisation)
    assert 'id="section-awards"' not in client_get(organisation)
    assert 'id="section-challenges"' not in client_get(company)


# Query counts -----------------------------------------------------------------------------


def add_solutions(organisation, n):
    for _ in range(n):
        solution(organisation, "published", "Counted solution")


def add_awards(organisation, n):
    for k in range(n):
        award_to(organisation, contract=k % 2 == 0)  # with and without a signed contract


def add_challenges(organisation, n):
    for _ in range(n):
        PublishedChallengeFactory(owner=organisation)


SECTIONS = {
    # what grows, whose page, how many rows the page shows of 10
    "solutions": ("company", add_solutions, 'class="card"', 6),
    "awards": ("company", add_awards, "<tr>", 6),  # the header row and five awards
    "challenges": ("public_body", add_challenges, "Citizens cannot find the right form", 5),
}


def queries_of(client, url):
    client.get(url)  # warm the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("who", ["visitor", "member"])
@pytest.mark.parametrize("section", list(SECTIONS))
def test_the_organisation_page_makes_as_many_queries_with_10_rows_as_with_1(login, client, section, who):
    kind, grow, row, shown = SECTIONS[section]
    organisation = CompanyFactory() if kind == "company" else OrganisationFactory()
    if who == "member":
        login(MembershipFactory(organisation=organisation).user)
    grow(organisation, 1)
    _response, small = queries_of(client, organisation.get_absolute_url())
    grow(organisation, 9)
    response, large = queries_of(client, organisation.get_absolute_url())
    assert response.content.decode().count(row) == shown, "the rows are not on the page"
    assert len(small) == len(large), "\n".join(["with 1:", *small, "", "with 10:", *large])
