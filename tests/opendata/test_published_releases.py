"""Releases are immutable (OCDS): each is kept as it was first published and served as it
is from then on, in the feed and in the records alike."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.opendata import ocds
from ponte.opendata.models import PublishedRelease
from tests.factories import OrganisationFactory, PublishedChallengeFactory

RELEASES = "/open-data/ocds/releases.json"


def record_url(challenge):
    return f"/open-data/ocds/records/{ocds.ocid_for(challenge)}.json"


def _releases(client, url=RELEASES):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["releases"]


@pytest.mark.django_db
def test_a_release_keeps_what_it_published_when_its_challenge_changes_later(client):
    body = OrganisationFactory(name="Registo Civil")
    challenge = PublishedChallengeFactory(owner=body, title="Queues at the registry")
    [tender] = _releases(client)
    assert tender["buyer"]["name"] == "Registo Civil"

    body.name = "Instituto dos Registos"
    body.save()
    challenge.status, challenge.cancelled_at = "cancelled", timezone.now()
    challenge.cancellation_reason = "The law changed."
    challenge.save()

    again, cancellation = _releases(client)
    assert again == tender  # the tender release as it was published
    assert cancellation["tag"] == ["tenderCancellation"]
    assert cancellation["buyer"]["name"] == "Instituto dos Registos"
    # The record embeds the same releases, and compiles the latest name.
    [record] = client.get(record_url(challenge)).json()["records"]
    assert record["releases"] == [tender, cancellation]
    assert record["compiledRelease"]["buyer"]["name"] == "Instituto dos Registos"


@pytest.mark.django_db
def test_a_release_first_read_in_a_record_is_the_one_the_feed_serves(client):
    challenge = PublishedChallengeFactory(title="Paper permits")
    [record] = client.get(record_url(challenge)).json()["records"]
    challenge.owner.name = "Renamed after the record was read"
    challenge.owner.save()
    assert _releases(client) == record["releases"]


@pytest.mark.django_db
def test_kept_releases_are_served_as_built_and_in_two_queries_whatever_their_number(client):
    owner = OrganisationFactory()
    for _ in range(12):
        PublishedChallengeFactory(owner=owner)
    with CaptureQueriesContext(connection) as first:
        built = client.get(RELEASES).content
    assert PublishedRelease.objects.count() == 12
    with CaptureQueriesContext(connection) as second:
        served = client.get(RELEASES).content
    # The same releases, byte for byte, from the kept texts: the page's keys, then their texts.
    assert served.split(b'"releases"')[1] == built.split(b'"releases"')[1]
    assert len(second.captured_queries) == 2 < len(first.captured_queries)


@pytest.mark.django_db
def test_releases_read_for_the_first_time_cost_the_same_queries_whatever_their_number(client):
    owner = OrganisationFactory()
    PublishedChallengeFactory(owner=owner)
    with CaptureQueriesContext(connection) as few:
        client.get(RELEASES)
    for _ in range(20):
        PublishedChallengeFactory(owner=owner, published_at=timezone.now() + timezone.timedelta(minutes=1))
    with CaptureQueriesContext(connection) as many:
        assert len(_releases(client)) == 21
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_publish_all_keeps_every_public_release_once(client):
    owner = OrganisationFactory()
    challenges = [PublishedChallengeFactory(owner=owner) for _ in range(3)]
    PublishedChallengeFactory(owner=owner, status="cancelled", cancelled_at=timezone.now())
    assert ocds.publish_all() == 5
    assert PublishedRelease.objects.count() == 5
    assert {r["ocid"] for r in _releases(client)} >= {ocds.ocid_for(c) for c in challenges}
    assert ocds.publish_all() == 5 and PublishedRelease.objects.count() == 5
