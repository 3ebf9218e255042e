"""The number of database queries a page makes does not grow with the data: each page is
measured with 1 row and with 50 rows (organisations, members, invitations, requests,
notifications; sectors as many as exist, 13) and must make exactly as many queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.core.models import Notification
from ponte.organisations.models import Membership
from ponte.reference.models import Sector, SectorTag
from tests.factories import (
    CompanyFactory,
    InvitationFactory,
    JoinRequestFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

SMALL, LARGE = 1, 50


def sectors(n):
    codes = Sector.values[: min(n, len(Sector.values))]
    return [SectorTag.objects.get_or_create(code=code)[0] for code in codes]


def queries_of(client, url):
    client.get(url)  # warm the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


def assert_same_count(small, large):
    assert len(small) == len(large), "\n".join(["queries with 1 row:", *small, "", "queries with 50 rows:", *large])


class Scenario:
    """A page and a way to put n rows behind it."""

    def __init__(self, login, client):
        self.login, self.client, self.total = login, client, 0

    def grow_to(self, n):
        self.add(n - self.total, n)
        self.total = n


class HomeOfAnOrganisationAdmin(Scenario):
    url = "/"

    def setup(self):
        self.user = UserFactory(name="Olga Admin")
        self.login(self.user)

    def add(self, k, n):
        for _ in range(k):
            organisation = OrganisationFactory()
            organisation.sectors.set(sectors(n))
            Membership.objects.create(user=self.user, organisation=organisation, role="admin")
            JoinRequestFactory(organisation=organisation)
            InvitationFactory(organisation=CompanyFactory(), email=self.user.email, invited_by=UserFactory())
            Notification.objects.create(
                recipient=self.user, kind="organisations.verified", params={"organisation": organisation.name}
            )

    def shows(self, response, html):
        sections = dict(response.context["sections"])  # the home page's sections, by template
        assert len(sections["organisations/home/memberships.html"]["memberships"]) == LARGE
        assert len(sections["organisations/home/invitations.html"]["invitations"]) == LARGE
        assert html.count(" asks to join ") == 10  # the latest ten
        assert html.count("is verified and visible to everyone") == 5  # the latest five


class HomeOfAVisitor(Scenario):
    url = "/"

    def setup(self):
        pass

    def add(self, k, n):
        for _ in range(k):
            OrganisationFactory().sectors.set(sectors(n))


class OrganisationList(Scenario):
    url = "/organisations/"
    signed_in = False

    def setup(self):
        self.ministry = OrganisationFactory(name="A Ministry", tier="ministry")
        self.viewer = UserFactory()
        if self.signed_in:
            self.login(self.viewer)

    def add(self, k, n):
        for _ in range(k):
            organisation = OrganisationFactory(parent=self.ministry)
            organisation.sectors.set(sectors(n))
            MembershipFactory(organisation=organisation)
            company = CompanyFactory()
            company.sectors.set(sectors(n))
            # The viewer's own organisations are listed even while pending.
            pending = OrganisationFactory(status="pending")
            Membership.objects.create(user=self.viewer, organisation=pending)

    def shows(self, response, html):
        assert response.context["page"].paginator.count == 3 * LARGE + 1
        assert len(response.context["page"].object_list) == 25
        assert "part of A Ministry" in html


class OrganisationListSignedIn(OrganisationList):
    signed_in = True


class OrganisationPage(Scenario):
    as_admin = False

    def setup(self):
        government = OrganisationFactory(name="Government", tier="government")
        ministry = OrganisationFactory(name="Ministry", tier="ministry", parent=government)
        self.organisation = OrganisationFactory(name="The Agency", slug="the-agency", parent=ministry)
        self.admin = MembershipFactory(organisation=self.organisation, role="admin").user
        self.url = "/organisations/the-agency/"
        if self.as_admin:
            self.login(self.admin)

    def add(self, k, n):
        self.organisation.sectors.set(sectors(n))
        for _ in range(k):
            OrganisationFactory(parent=self.organisation, tier="unit")
            MembershipFactory(organisation=self.organisation)
            JoinRequestFactory(organisation=self.organisation)

    def shows(self, response, html):
        assert html.count("(Unit)") == LARGE
        assert html.count('<span class="tag tag--grey">') == len(Sector.values) + 1  # sectors and kind
        assert '<a href="/organisations/' in html and ">Government</a>" in html


class OrganisationPageForItsAdmin(OrganisationPage):
    as_admin = True


class MembersPage(Scenario):
    def setup(self):
        self.organisation = OrganisationFactory(name="The Agency", slug="the-agency")
        self.admin = MembershipFactory(organisation=self.organisation, role="admin").user
        self.url = "/organisations/the-agency/members/"
        self.login(self.admin)

    def add(self, k, n):
        self.organisation.sectors.set(sectors(n))
        for _ in range(k):
            MembershipFactory(organisation=self.organisation)
            InvitationFactory(organisation=self.organisation, invited_by=self.admin)
            JoinRequestFactory(organisation=self.organisation, message="Please let me in")

    def shows(self, response, html):
        assert len(response.context["members"]) == LARGE + 1
        assert len(response.context["invitations"]) == LARGE
        assert html.count("Please let me in") == LARGE


class VerificationQueue(Scenario):
    url = "/organisations/verification/"

    def setup(self):
        self.login(UserFactory(is_programme_manager=True))  # with their second factor

    def add(self, k, n):
        for _ in range(k):
            OrganisationFactory(status="pending").sectors.set(sectors(n))

    def shows(self, response, html):
        assert response.context["page"].paginator.count == LARGE
        assert html.count("registered ") == 25


@pytest.mark.django_db
@pytest.mark.parametrize(
    "scenario",
    [
        HomeOfAnOrganisationAdmin,
        HomeOfAVisitor,
        OrganisationList,
        OrganisationListSignedIn,
        OrganisationPage,
        OrganisationPageForItsAdmin,
        MembersPage,
        VerificationQueue,
    ],
    ids=lambda cls: cls.__name__,
)
def test_queries_do_not_grow_with_the_rows(scenario, login, client):
    page = scenario(login, client)
    page.setup()
    page.grow_to(SMALL)
    small = queries_of(client, page.url)
    page.grow_to(LARGE)
    large = queries_of(client, page.url)
    assert_same_count(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "scenario",
    [HomeOfAnOrganisationAdmin, OrganisationListSignedIn, OrganisationPage, MembersPage, VerificationQueue],
    ids=lambda cls: cls.__name__,
)
def test_the_measured_pages_really_show_the_rows(scenario, login, client):
    """The measurement means something only if the rows are on the page."""
    page = scenario(login, client)
    page.setup()
    page.grow_to(LARGE)
    response = client.get(page.url)
    page.shows(response, response.content.decode())
