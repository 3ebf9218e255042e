"""What every page asks of a signed-in person — who they are, their memberships, their unread
count, their home page's figures, whether they have a second factor — is kept for them between
requests (core.pagecache.kept_for_person) and never stale: each change is on their very
next page."""

import pickle

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ponte.accounts.backends import PERSON
from ponte.core.notifications import notify
from ponte.core.pagecache import kept_for_person
from ponte.core.registry import registry
from ponte.organisations.models import Membership
from ponte.organisations.services import invitation_create, membership_remove, membership_set_role
from tests.factories import PASSWORD, MembershipFactory, UserFactory

# Kept values are forgotten when a write's transaction commits: these tests commit.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pages_kept")]

UNREAD = '<span class="visually-hidden"> unread</span>'


def main(page: str) -> str:
    return page.split("<main", 1)[1].split("</main>", 1)[0]


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_second_page_asks_the_database_nothing_of_the_persons_own(client, organisation):
    person = MembershipFactory(organisation=organisation, role="admin").user
    client.force_login(person)
    read(client, "/")
    with CaptureQueriesContext(connection) as captured:
        read(client, f"/organisations/{organisation.slug}/edit/")
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert "organisations_membership" not in tables
    # Who they are, with their unread count and second factor, is kept with the rest.
    assert "core_notification" not in tables and "mfa_authenticator" not in tables
    assert f'"accounts_user"."id" = {person.pk}' not in tables


def test_the_first_page_reads_the_person_with_their_unread_count_and_second_factor(client):
    person = UserFactory()
    client.force_login(person)
    with CaptureQueriesContext(connection) as captured:
        read(client, "/me/")
    queries = [query["sql"] for query in captured.captured_queries]
    [person_read] = [sql for sql in queries if 'FROM "accounts_user"' in sql and "core_notification" in sql]
    assert "mfa_authenticator" in person_read
    others = [sql for sql in queries if sql != person_read]
    assert not any("core_notification" in sql or "mfa_authenticator" in sql for sql in others)


def test_what_is_kept_of_a_person_holds_no_password_hash(client):
    person = UserFactory()
    client.force_login(person)
    read(client, "/")

    kept = kept_for_person(person.pk, PERSON, lambda: pytest.fail("the person was not kept"))

    assert kept.pk == person.pk
    assert person.password.encode() not in pickle.dumps(kept)
    # What the session is checked against is kept instead.
    assert kept.get_session_auth_hash() == person.get_session_auth_hash()


def test_a_password_changed_signs_every_other_session_out_at_once(client):
    person = UserFactory()
    client.force_login(person)
    read(client, "/notifications/")
    elsewhere = Client()
    elsewhere.force_login(person)

    response = elsewhere.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a-new-long-passphrase-26", "password2": "a-new-long-passphrase-26"},
    )

    assert response.status_code == 302
    assert client.get("/notifications/").status_code == 302  # to sign in
    assert elsewhere.get("/notifications/").status_code == 200  # where it was changed


def test_an_account_deactivated_is_signed_out_at_once(client):
    person = UserFactory()
    client.force_login(person)
    read(client, "/notifications/")

    person.is_active = False
    person.save()

    assert client.get("/notifications/").status_code == 302


def test_details_saved_from_the_person_as_read_keep_their_password(client):
    # The person read for a request has no password loaded: saving them never writes one.
    person = UserFactory()
    client.force_login(person)
    read(client, "/me/")

    response = client.post("/me/", {"name": "Renamed Person", "language": "fr"})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Renamed Person" and person.check_password(PASSWORD)
    assert 'lang="fr"' in read(client, "/notifications/")


def test_a_language_chosen_is_on_the_next_page(client):
    person = UserFactory()
    client.force_login(person)
    read(client, "/notifications/")

    client.post("/i18n/setlang/", {"language": "nl", "next": "/notifications/"})

    assert 'lang="nl"' in read(client, "/notifications/")


def test_the_person_is_read_with_their_unread_count_and_second_factor(client, organisation):
    """Every signed-in page asks both: they come with the person, not in queries of their own,
    whether or not anything is kept."""
    from ponte.core.notifications import notify, unread_count

    person = MembershipFactory(organisation=organisation).user
    notify([person], "organisations.verified", params={"organisation": "Agency", "reason": ""})
    client.force_login(person)
    response = client.get("/")
    user = response.wsgi_request.user
    assert user.unread_now == 1 and user.two_factor_now is False
    assert unread_count(user) == 1
    # Read, the count is taken again rather than from the person as read.
    from ponte.core.notifications import mark_read

    mark_read(user)
    assert unread_count(user) == 0


def test_a_notification_and_its_reading_are_on_the_next_page(client):
    person = UserFactory()
    client.force_login(person)
    assert UNREAD not in read(client, "/")

    notify([person], "organisations.verified", params={"organisation": "Agency", "reason": ""})
    assert f'<span class="count">1{UNREAD}' in read(client, "/")

    client.post("/notifications/")
    assert UNREAD not in read(client, "/")


def test_someone_elses_notification_changes_nothing_of_mine(client):
    person, other = UserFactory(), UserFactory()
    client.force_login(person)
    read(client, "/")
    notify([other], "organisations.verified", params={"organisation": "Agency", "reason": ""})
    assert UNREAD not in read(client, "/")


def test_a_member_removed_loses_the_members_pages_at_once(client, organisation, org_admin, member):
    client.force_login(member)
    members = f"/organisations/{organisation.slug}/members/"
    read(client, members)

    membership_remove(actor=org_admin, membership=Membership.objects.get(user=member))

    assert client.get(members).status_code in (403, 404)


def test_an_admin_made_a_member_loses_the_admins_powers_at_once(client, organisation, org_admin):
    # No notification tells them: the audited write alone makes their memberships read again.
    second = MembershipFactory(organisation=organisation, role="admin")
    client.force_login(second.user)
    members = f"/organisations/{organisation.slug}/members/"
    assert "Invite someone" in read(client, members)

    membership_set_role(actor=org_admin, membership=second, role="member")

    assert "Invite someone" not in read(client, members)


def test_an_invitation_is_on_the_invited_persons_home_page_at_once(client, organisation, org_admin):
    # Their home page's sections are kept for them; the audited invitation makes them again.
    person = UserFactory(email="ines@example.org")
    client.force_login(person)
    assert f"Join {organisation.name}" not in read(client, "/")

    invitation_create(actor=org_admin, organisation=organisation, email="ines@example.org")

    assert f"Join {organisation.name}" in read(client, "/")


def test_a_persons_home_is_made_once_and_shows_a_notification_at_once(client, organisation, monkeypatch):
    # What waits for them (actions, figures, sections) is kept as it was made, until a change.
    person = MembershipFactory(organisation=organisation, role="admin").user
    client.force_login(person)
    first = read(client, "/")
    with monkeypatch.context() as patched:
        patched.setattr(registry, "home_sections_for", lambda user: pytest.fail("the home page was made again"))
        again = read(client, "/")
    assert main(again) == main(first) and "What waits for you" in main(first)

    notify([person], "organisations.verified", params={"organisation": "Agency", "reason": ""})

    home = read(client, "/")
    assert "Latest notifications" in home and "Agency" in home


def test_without_a_cache_a_persons_pages_are_still_made(client, monkeypatch):
    person = UserFactory()
    notify([person], "organisations.verified", params={"organisation": "Agency", "reason": ""})
    client.force_login(person)

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    # From here every read and write of the cache fails; where sessions live in the cache
    # (with Redis), the person's is read as it was, so that what is proven is the rest.
    session = dict(client.session)
    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    monkeypatch.setattr("django.contrib.sessions.backends.cache.SessionStore.load", lambda self: dict(session))
    assert f'<span class="count">1{UNREAD}' in read(client, "/")


def test_the_kept_list_of_notifications_opens_each_and_shows_what_arrives_or_is_read(client):
    person = UserFactory()
    client.force_login(person)
    assert "You have no notifications." in read(client, "/notifications/")

    notify([person], "organisations.verified", params={"organisation": "Agency", "reason": ""}, url="/challenges/")
    page = read(client, "/notifications/")
    assert "Agency" in page and ">New<" in page
    # The list is kept for its reader, so it holds no CSRF token: the form around it does.
    listing = page[page.index('<ul class="results">') : page.index("</ul>", page.index('<ul class="results">'))]
    assert "csrfmiddlewaretoken" not in listing and 'formaction="/notifications/' in listing

    [notification] = person.notifications.all()
    response = client.post(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/challenges/"
    assert ">New<" not in read(client, "/notifications/")
