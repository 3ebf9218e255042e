"""The sandbox API: every call is public with its phase; an application only to those entitled
to it — one they may not read does not exist — and never to a visitor."""

import pytest

from ponte.accounts.services import api_token_create
from ponte.sandbox.services import applications as services
from tests.factories import MembershipFactory, OrganisationFactory

from .conftest import RULE

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_for():
    """token_for(person) creates a personal read token and returns its secret."""
    return lambda user: api_token_create(user=user, name="script", scope="read")[1]


def test_everyone_reads_the_calls_with_their_phase(client, call, call_in):
    standing = call_in("open, standing")
    found = client.get("/api/sandbox/calls").json()
    by_id = {item["id"]: item for item in found["items"]}
    assert by_id[call.pk]["phase"] == "open" and by_id[call.pk]["themes"] == ["Simpler permits", "Care closer to home"]
    assert by_id[standing.pk]["closes_at"] is None
    assert client.get(f"/api/sandbox/calls/{call.pk}").json()["title"] == call.title
    assert client.get("/api/sandbox/calls/999999").status_code == 404


def test_a_visitor_reads_no_application(client, sent):
    assert client.get("/api/sandbox/applications").status_code == 401
    assert client.get(f"/api/sandbox/applications/{sent.pk}").status_code == 401


def test_the_ministry_reads_a_sent_application_with_its_rules_by_token(client, sent, official, token_for):
    raw = token_for(official)
    response = client.get(f"/api/sandbox/applications/{sent.pk}", headers={"authorization": f"Bearer {raw}"})
    body = response.json()
    assert body["reference"] == f"S-{sent.pk}" and body["status"] == "preliminary"
    assert body["ministry"] == "ministry-of-social-affairs" and body["attests_lawful"] is True
    assert body["rules"] == [{**RULE, "eli": ""}]


def test_one_may_not_read_does_not_exist(client, draft, official, token_for):
    stranger = MembershipFactory(organisation=OrganisationFactory()).user
    for person in (official, stranger):
        headers = {"authorization": f"Bearer {token_for(person)}"}
        assert client.get(f"/api/sandbox/applications/{draft.pk}", headers=headers).status_code == 404
        assert client.get("/api/sandbox/applications", headers=headers).json()["count"] == 0


def test_the_applying_body_lists_its_own_by_status(client, member, draft, call, organisation, token_for):
    other = services.application_start(actor=member, call=call, coordinator=organisation, title="Withdrawn one")
    services.application_withdraw(actor=member, application=other, reason="")
    headers = {"authorization": f"Bearer {token_for(member)}"}
    everything = client.get("/api/sandbox/applications", headers=headers).json()
    assert everything["count"] == 2
    drafts = client.get("/api/sandbox/applications?status=draft", headers=headers).json()
    assert [item["id"] for item in drafts["items"]] == [draft.pk]
    assert client.get("/api/sandbox/applications?status=nonsense", headers=headers).status_code == 422


def test_the_dialogue_and_the_decision_are_in_the_api(client, sent, member, official, token_for):
    from ponte.accounts.models import User
    from ponte.sandbox.services import decisions, dialogue

    dialogue.message_write(actor=official, application=sent, body="A question.")
    dialogue.final_invite(actor=official, application=sent)
    sent.refresh_from_db()
    services.application_update(
        actor=member, application=sent, seen_version=sent.version, legal_statement="It applies."
    )
    sent.refresh_from_db()
    services.application_submit(actor=member, application=sent)
    sent.refresh_from_db()
    sponsor = User.objects.create_user(email="sponsor@example.com", name="Sofia", is_sponsor=True)
    decisions.application_approve(
        actor=official,
        application=sent,
        conditions="Reports.",
        legal_basis="Order 1/2027",
        starts=sent.starts,
        ends=sent.ends,
        sponsor=sponsor,
    )
    headers = {"authorization": f"Bearer {token_for(member)}"}
    body = client.get(f"/api/sandbox/applications/{sent.pk}", headers=headers).json()
    assert body["status"] == "approved" and body["legal_statement"] == "It applies."
    assert body["exemption"]["legal_basis"] == "Order 1/2027" and body["exemption"]["phase"] == "upcoming"
    assert body["exemption"]["sponsor"] == "Sofia"
    messages = client.get(f"/api/sandbox/applications/{sent.pk}/messages", headers=headers).json()
    assert [m["body"] for m in messages] == ["A question."] and messages[0]["side"] == "ministry"
    outsider = MembershipFactory(organisation=OrganisationFactory()).user
    stranger = {"authorization": f"Bearer {token_for(outsider)}"}
    assert client.get(f"/api/sandbox/applications/{sent.pk}/messages", headers=stranger).status_code == 404
