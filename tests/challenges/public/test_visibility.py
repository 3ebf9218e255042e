"""Who sees a challenge is said twice, on purpose: by the rule challenges.view_challenge, which a
page asks of a challenge it has read (and kept), and by visible_challenges, which lists and
counts in one query. They must say the same for every role and every state."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.challenges import matrix
from ponte.challenges.models import Status
from ponte.challenges.queries import public as public_queries
from ponte.challenges.services import drafting as drafting_services
from ponte.core import rolematrix
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory

STATES = [
    *[{"status": status} for status in Status.values],
    {"status": Status.PUBLISHED, "closed": True},
    {"status": Status.AWAITING_REVIEW, "was_published": True},
    {"status": Status.CHANGES_REQUESTED, "was_published": True},
    {"status": Status.CHANGES_REQUESTED, "organisation_approved": True},
    {"status": Status.APPROVED, "organisation_approved": True},
]


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES, ids=lambda state: "-".join(f"{key}={value}" for key, value in state.items()))
def test_the_rule_and_the_query_agree_on_who_sees_a_challenge(state):
    world = rolematrix.World()
    challenge = matrix.make_challenge(world, **state)
    disagree = [
        role.key
        for role in rolematrix.ROLES
        if (challenge in public_queries.visible_challenges(person := world.people[role.key]))
        != person.has_perm("challenges.view_challenge", challenge)
    ]
    assert disagree == []


@pytest.mark.django_db
def test_a_challenge_the_reader_may_not_see_does_not_exist_for_them():
    world = rolematrix.World()
    draft = matrix.make_challenge(world, Status.DRAFT)
    assert public_queries.challenge_detail(world.people["public_servant"], draft.pk) == draft
    assert public_queries.challenge_detail(world.people["company_member"], draft.pk) is None
    assert public_queries.challenge_detail(world.people["public_servant"], draft.pk + 10_000) is None


# A challenge as read is kept (core.pagecache.kept_value) until the next write, which moves
# what is kept when its transaction commits: this test commits.
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("pages_kept")
def test_a_kept_challenge_is_read_once_shows_a_change_at_once_and_stays_hidden(client):
    draft = ChallengeFactory(title="Forms nobody finds")
    author, outsider = draft.author, MembershipFactory(organisation=CompanyFactory()).user
    client.force_login(author)
    assert "Forms nobody finds" in client.get(draft.get_absolute_url()).content.decode()
    with CaptureQueriesContext(connection) as captured:
        client.get(draft.get_absolute_url())
    assert not [q for q in captured.captured_queries if 'FROM "challenges_challenge"' in q["sql"]]
    # Kept by its author's read, the draft is still nobody else's to see.
    client.force_login(outsider)
    assert client.get(draft.get_absolute_url()).status_code == 404
    drafting_services.challenge_update(actor=author, challenge=draft, title="Forms everybody finds")
    client.force_login(author)
    assert "Forms everybody finds" in client.get(draft.get_absolute_url(), follow=True).content.decode()
