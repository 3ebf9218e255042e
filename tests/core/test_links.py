"""Links between objects of modules that know nothing of each other (core.links): a lab
problem that became a challenge. Each side of a link is shown only to a viewer the module
owning it admits — a draft, or a problem outside one's public body, shows nothing, not even
a title — and a link is made once."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.core import links
from ponte.core.models import AuditEvent, Link
from ponte.core.roles import requires_two_factor
from ponte.lab.models import Problem
from ponte.lab.services import problems as lab_services
from tests.conftest import give_two_factor
from tests.factories import CompanyFactory, MembershipFactory, PublishedChallengeFactory
from tests.reading import Page

pytestmark = pytest.mark.django_db

BECAME = "lab.problem_became_challenge"
PROBLEM_TITLE = "Parents queue for hours to enrol a child in school"


@pytest.fixture
def login(client):
    def sign_in(user):
        client.logout()
        if user is None:
            return client
        if requires_two_factor(user) and not user.authenticator_set.exists():
            give_two_factor(user)
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def problem(organisation, member):
    return lab_services.problem_submit(
        actor=member,
        organisation=organisation,
        title=PROBLEM_TITLE,
        description="Enrolment opens on one morning at the town hall.",
        affected="About 4,000 families a year.",
        evidence="Queues of three hours; 212 complaints.",
        tried="An extra counter, in 2023.",
    )


@pytest.fixture
def draft(problem, programme_manager):
    """The draft challenge the lab team started from the problem; its drafter has renamed it."""
    challenge = lab_services.problem_send_to_marketplace(actor=programme_manager, problem=problem)
    challenge.title = "Book a school place online"
    challenge.save(update_fields=["title"])
    return challenge


@pytest.fixture
def published(problem, organisation, member, programme_manager):
    """A published challenge of the problem's body, linked to the problem."""
    challenge = PublishedChallengeFactory(owner=organisation, author=member, title="Book a school place online")
    links.connect(kind=BECAME, source=problem, target=challenge, actor=programme_manager)
    return challenge


def trail_items(response) -> list[str]:
    """The entries of the page's "Connected work", as read; none when the page has no such part."""
    page = Page(response)
    if "Connected work" not in page.headings(page.main):
        return []
    return page.items(page.part("Connected work"))


# The challenge page ----------------------------------------------------------------------------


def test_a_draft_challenge_shows_its_body_the_problem_it_started_from(login, problem, draft, organisation, member):
    for person in (member, MembershipFactory(organisation=organisation).user):
        response = login(person).get(draft.get_absolute_url())
        assert response.status_code == 200
        [entry] = trail_items(response)
        assert entry.startswith(f"Started from the lab problem: P-{problem.pk} {PROBLEM_TITLE}")
        page = Page(response)
        assert page.link(f"P-{problem.pk} {PROBLEM_TITLE}", within=page.part("Connected work")) == (
            problem.get_absolute_url()
        )


@pytest.mark.parametrize("who", ["visitor", "programme_manager", "company member"])
def test_a_draft_challenge_started_from_a_problem_is_404_outside_its_body(request, login, draft, who):
    person = {
        "visitor": lambda: None,
        "programme_manager": lambda: request.getfixturevalue("programme_manager"),
        "company member": lambda: MembershipFactory(organisation=CompanyFactory()).user,
    }[who]()
    response = login(person).get(draft.get_absolute_url())
    assert response.status_code == 404
    assert PROBLEM_TITLE not in response.text and "Started from the lab problem" not in response.text


def test_a_published_challenge_shows_visitors_nothing_of_the_problem(login, problem, published, member):
    # The body's member reads the problem on it; a visitor afterwards reads none of it, even
    # from a page kept for visitors.
    assert trail_items(login(member).get(published.get_absolute_url()))
    for person in (None, MembershipFactory(organisation=CompanyFactory()).user, None):
        response = login(person).get(published.get_absolute_url())
        assert response.status_code == 200
        assert "Book a school place online" in response.text
        assert PROBLEM_TITLE not in response.text
        assert f"P-{problem.pk}" not in response.text
        assert problem.get_absolute_url() not in response.text
        assert "Started from the lab problem" not in response.text
        assert trail_items(response) == []


def test_the_lab_team_reads_the_problem_on_a_published_challenge(login, problem, published, programme_manager):
    [entry] = trail_items(login(programme_manager).get(published.get_absolute_url()))
    assert entry.startswith(f"Started from the lab problem: P-{problem.pk} {PROBLEM_TITLE}")


# The problem page ------------------------------------------------------------------------------


def test_the_problem_page_shows_the_draft_challenge_to_the_submitter_not_to_the_lab_team(
    login, problem, draft, member, programme_manager
):
    response = login(member).get(problem.get_absolute_url())
    [entry] = trail_items(response)
    assert entry.startswith("Became the challenge: Book a school place online")
    page = Page(response)
    assert page.link("Book a school place online", within=page.part("Connected work")) == draft.get_absolute_url()

    # Programme managers do not see drafts: the problem page names no challenge.
    response = login(programme_manager).get(problem.get_absolute_url())
    assert response.status_code == 200
    assert trail_items(response) == []
    assert "Became the challenge" not in response.text
    assert "Book a school place online" not in response.text
    assert draft.get_absolute_url() not in response.text


def test_once_published_the_lab_team_reads_the_challenge_on_the_problem_page(
    login, problem, published, programme_manager
):
    [entry] = trail_items(login(programme_manager).get(problem.get_absolute_url()))
    assert entry.startswith("Became the challenge: Book a school place online")


# trail() and connect() -------------------------------------------------------------------------


def test_trail_reads_each_side_of_a_link_as_its_viewer_may(problem, draft, member, programme_manager):
    [forward] = links.trail(problem, member)
    assert (str(forward.label), forward.title, forward.url) == (
        "Became the challenge",
        "Book a school place online",
        draft.get_absolute_url(),
    )
    [backward] = links.trail(draft, member)
    assert (str(backward.label), backward.title, backward.url) == (
        "Started from the lab problem",
        f"P-{problem.pk} {PROBLEM_TITLE}",
        problem.get_absolute_url(),
    )
    assert links.trail(problem, programme_manager) == []  # the challenge is a draft
    assert links.trail(draft, AnonymousUser()) == []
    assert links.trail(draft, MembershipFactory(organisation=CompanyFactory()).user) == []


def test_connecting_twice_makes_one_link_audited_once(problem, published, programme_manager):
    again = links.connect(kind=BECAME, source=problem, target=published, actor=programme_manager)
    [link] = Link.objects.all()
    assert again == link
    assert link.created_by == programme_manager
    events = AuditEvent.objects.filter(
        verb="link", target_type=ContentType.objects.get_for_model(Problem), target_id=str(problem.pk)
    )
    assert events.count() == 1
    assert events.get().after == {"kind": BECAME, "to": f"challenges.challenge:{published.pk}"}
    assert len(links.trail(problem, programme_manager)) == 1


@pytest.mark.parametrize("wrong", ["reversed", "problem to problem", "problem to organisation"])
def test_connecting_the_wrong_models_is_a_mistake(problem, published, organisation, programme_manager, wrong):
    source, target = {
        "reversed": (published, problem),
        "problem to problem": (problem, problem),
        "problem to organisation": (problem, organisation),
    }[wrong]
    Link.objects.all().delete()
    with pytest.raises(ValueError, match=r"lab\.problem"):
        links.connect(kind=BECAME, source=source, target=target, actor=programme_manager)
    assert not Link.objects.exists()


def test_a_link_of_a_kind_no_module_registers_any_more_shows_nothing(problem, published, member):
    Link.objects.create(
        kind="retired.kind",
        source_type=ContentType.objects.get_for_model(problem),
        source_id=problem.pk,
        target_type=ContentType.objects.get_for_model(published),
        target_id=published.pk,
    )
    assert [entry.title for entry in links.trail(problem, member)] == ["Book a school place online"]


def test_a_trail_makes_as_many_queries_with_three_links_as_with_one(problem, organisation, member, programme_manager):
    def add_challenge():
        challenge = PublishedChallengeFactory(owner=organisation, author=member)
        links.connect(kind=BECAME, source=problem, target=challenge, actor=programme_manager)

    def queries():
        links.trail(problem, member)  # warm the content types
        with CaptureQueriesContext(connection) as captured:
            found = links.trail(problem, member)
        return found, len(captured.captured_queries)

    add_challenge()
    one, few = queries()
    add_challenge()
    add_challenge()
    three, many = queries()
    assert (len(one), len(three)) == (1, 3)
    assert few == many


@pytest.mark.django_db(transaction=True)  # a link moves what is kept when its write commits
@pytest.mark.usefixtures("pages_kept")
def test_a_link_made_is_on_the_trail_at_once_though_the_links_are_kept(
    problem, organisation, member, programme_manager
):
    assert links.trail(problem, member) == []
    challenge = PublishedChallengeFactory(owner=organisation, author=member, title="Book a school place online")
    links.connect(kind=BECAME, source=problem, target=challenge, actor=programme_manager)
    [entry] = links.trail(problem, member)
    assert entry.title == "Book a school place online"
    with CaptureQueriesContext(connection) as captured:
        links.trail(problem, member)
    assert not [query for query in captured.captured_queries if "core_link" in query["sql"]]
