"""Public pages are kept for visitors and never stale: a kept page is served without the
database, and every change a visitor could see — a publication, an amendment, an award, a
suspension, a deadline passing — is on the very next request."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache, caches
from django.core.management.sql import emit_post_migrate_signal
from django.db import transaction
from django.utils import timezone

from ponte.accounts.models import User
from ponte.challenges.services import amendments as amendments_services
from ponte.challenges.services import award as award_services
from ponte.challenges.services import review as review_services
from ponte.core.pagecache import kept_value
from ponte.organisations.models import Membership
from ponte.organisations.queries import roles_of
from ponte.organisations.services import membership_set_role, organisation_suspend
from tests.challenges import outcomes
from tests.factories import (
    ChallengeFactory,
    MembershipFactory,
    PublishedChallengeFactory,
    SolutionFactory,
    UserFactory,
)

# Invalidation happens when a write's transaction commits: these tests commit.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pages_kept")]


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_visitor_is_served_a_kept_page_without_the_database(client, django_assert_num_queries):
    challenge = PublishedChallengeFactory()
    first = read(client, "/challenges/")
    with django_assert_num_queries(0):
        again = read(client, "/challenges/")
    assert challenge.title in first and again == first


def test_a_visitors_page_holds_nothing_of_their_own(client):
    PublishedChallengeFactory()
    response = client.get("/challenges/")
    assert "csrfmiddlewaretoken" not in response.content.decode() and "X-CSRFToken" not in response.content.decode()
    assert not response.cookies


def test_each_language_is_kept_apart(client):
    challenge = PublishedChallengeFactory()
    english = read(client, challenge.get_absolute_url())
    client.cookies["django_language"] = "fr"
    french = read(client, challenge.get_absolute_url())
    assert 'lang="en"' in english and 'lang="fr"' in french


def test_a_signed_in_person_is_never_served_a_visitors_page(client):
    challenge = PublishedChallengeFactory()
    read(client, challenge.get_absolute_url())
    assert "Sign out" not in read(client, challenge.get_absolute_url())
    client.force_login(UserFactory())
    assert "Sign out" in read(client, challenge.get_absolute_url())


def test_a_signed_in_person_reads_the_kept_results_of_the_list_within_their_own_page(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    PublishedChallengeFactory(title="Forms nobody finds")
    client.force_login(UserFactory(name="Carla Company"))
    # Another address is another part (and this first read fills the per-process caches).
    assert "Forms nobody finds" not in read(client, "/challenges/?status=closed")
    with CaptureQueriesContext(connection) as first:
        made = read(client, "/challenges/?status=open")
    with CaptureQueriesContext(connection) as second:
        again = read(client, "/challenges/?status=open")
    assert "Forms nobody finds" in again and "Sign out" in again
    assert again.split('id="results"')[1] == made.split('id="results"')[1]
    # The count, the page of challenges and their sectors and codes are not read again.
    assert len(second) == len(first) - 4
    assert not any("challenges_challenge" in query["sql"] for query in second)
    # A publication is on the next request.
    challenge = ChallengeFactory(status="approved", title="Harbour permits take months")
    review_services.challenge_publish(actor=UserFactory(is_programme_manager=True), challenge=challenge)
    assert challenge.title in read(client, "/challenges/?status=open")


def test_a_kept_part_is_read_in_the_language_of_the_persons_account(client):
    PublishedChallengeFactory(title="Forms nobody finds")
    client.force_login(UserFactory(language="en"))
    english = read(client, "/challenges/?status=open")
    # Their browser asks for English; their account says French: the results come in French.
    client.force_login(UserFactory(language="fr"))
    french = read(client, "/challenges/?status=open")
    assert english.split('id="results"')[1] != french.split('id="results"')[1]
    assert 'lang="fr"' in french and "Date limite" in french.split('id="results"')[1]


def test_a_publication_is_on_the_next_request(client):
    challenge = ChallengeFactory(status="approved", title="Harbour permits take months")
    assert challenge.title not in read(client, "/challenges/")
    review_services.challenge_publish(actor=UserFactory(is_programme_manager=True), challenge=challenge)
    assert challenge.title in read(client, "/challenges/")


def test_an_amendment_is_on_the_next_request(client):
    challenge = PublishedChallengeFactory()
    assert "Forms are also sent by post" not in read(client, challenge.get_absolute_url())
    amendments_services.challenge_amend(
        actor=challenge.author,
        challenge=challenge,
        rationale="A company asked.",
        problem="Forms are also sent by post, and lost.",
    )
    assert "Forms are also sent by post" in read(client, challenge.get_absolute_url())


def test_an_award_is_on_the_next_request(client):
    waiting = outcomes.in_evaluation()
    assert "Waiting Co" not in read(client, waiting.challenge.get_absolute_url())
    award_services.challenge_award(
        actor=waiting.challenge.author,
        challenge=waiting.challenge,
        proposals=[waiting.bids[0].proposal],
        justification="The only proposal, and a good one.",
    )
    assert "Waiting Co" in read(client, waiting.challenge.get_absolute_url())


def test_a_suspension_is_on_the_next_request(client):
    solution = SolutionFactory(status="published", published_at=timezone.now())
    assert solution.title in read(client, "/solutions/")
    organisation_suspend(
        actor=UserFactory(is_programme_manager=True), organisation=solution.company, reason="Fraud under inquiry."
    )
    assert solution.title not in read(client, "/solutions/")
    assert client.get(solution.company.get_absolute_url()).status_code == 404


def test_a_deadline_passing_is_on_the_next_request(client):
    now = timezone.now()
    challenge = PublishedChallengeFactory(deadline=now + timedelta(minutes=2))  # sooner than a page is kept
    with time_machine.travel(now, tick=False):
        assert "Open" in read(client, challenge.get_absolute_url())
    with time_machine.travel(challenge.deadline + timedelta(seconds=1), tick=False):
        page = read(client, challenge.get_absolute_url())
    assert "Closed" in page and "Open</" not in page


def test_pages_are_kept_again_once_a_deadline_has_passed(client, django_assert_num_queries):
    now = timezone.now()
    first = PublishedChallengeFactory(deadline=now + timedelta(minutes=2))
    PublishedChallengeFactory(deadline=now + timedelta(minutes=4))
    with time_machine.travel(now, tick=False):
        read(client, "/challenges/")  # kept until the first deadline
    with time_machine.travel(first.deadline + timedelta(seconds=1), tick=False):
        read(client, "/challenges/")
        with django_assert_num_queries(0):
            read(client, "/challenges/")


def test_without_a_cache_pages_are_still_served(client, monkeypatch):
    challenge = PublishedChallengeFactory()

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    assert challenge.title in read(client, "/challenges/")


def test_a_visitor_chooses_a_language_with_a_link_that_keeps_their_place(client):
    response = client.get("/i18n/setlang/", {"language": "sl", "next": "/challenges/"})
    assert response.status_code == 302 and response["Location"] == "/challenges/"
    assert response.cookies["django_language"].value == "sl"
    assert 'lang="sl"' in read(client, "/challenges/")


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/x", ""])
def test_a_language_link_never_sends_a_visitor_elsewhere(client, target):
    response = client.get("/i18n/setlang/", {"language": "fr", "next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_an_unknown_language_changes_nothing(client):
    response = client.get("/i18n/setlang/", {"language": "xx", "next": "/challenges/"})
    assert response.status_code == 302 and "django_language" not in response.cookies


def test_the_api_is_kept_for_visitors_too(client, django_assert_num_queries):
    challenge = PublishedChallengeFactory()
    first = client.get("/api/challenges/")
    with django_assert_num_queries(0):
        again = client.get("/api/challenges/")
    assert again.status_code == 200 and again.json() == first.json()
    assert challenge.title in [item["title"] for item in again.json()["items"]]


def test_a_signed_in_persons_own_values_come_in_one_round_trip(client, monkeypatch):
    """Who a person is and what they are told (their memberships, their unread count) is read
    on every page they open: in one round trip to the cache, not one each, and the moment
    kept pages expire is not read again while it has not come."""
    client.force_login(MembershipFactory().user)
    read(client, "/challenges/")
    backend = caches["default"]
    get, get_many = backend.get, backend.get_many
    singly, together, inside = [], [], []

    def get_one(key, *args, **kwargs):
        if not inside:  # the test cache reads many keys one by one; Redis in one command
            singly.append(key)
        return get(key, *args, **kwargs)

    def get_several(keys, *args, **kwargs):
        together.append(list(keys))
        inside.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(backend, "get", get_one)
    monkeypatch.setattr(backend, "get_many", get_several)
    read(client, "/challenges/")
    own = [keys for keys in together if any(":memberships:" in key for key in keys)]
    assert len(own) == 1 and any(":unread:" in key for key in own[0])
    assert not [key for key in singly if ":memberships:" in key or ":unread:" in key or key.endswith(":horizon")]


def test_a_transaction_reads_back_what_it_wrote_before_it_commits(organisation, org_admin, member):
    # The demo world is built in one transaction: a membership it changes must count at once.
    assert roles_of(User.objects.get(pk=member.pk)) == {organisation.pk: "member"}  # now kept
    with transaction.atomic():
        membership_set_role(actor=org_admin, membership=Membership.objects.get(user=member), role="admin")
        assert roles_of(User.objects.get(pk=member.pk)) == {organisation.pk: "admin"}
    assert roles_of(User.objects.get(pk=member.pk)) == {organisation.pk: "admin"}


def test_a_database_migrated_anew_reads_nothing_kept_of_the_one_before():
    assert kept_value("probe", lambda: "kept before") == "kept before"
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert kept_value("probe", lambda: "made after") == "made after"
