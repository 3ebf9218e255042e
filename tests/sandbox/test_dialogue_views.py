"""The dialogue and the decisions as their pages serve them: each party finds what it may do on
the application's page, writes and replies with files, asks for changes, invites the final
application, approves or rejects; bad input is answered beside its field with what was typed
kept; who may not act is refused; the dialogue's query count does not grow with its length."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.sandbox.models import ApplicationStatus, Exemption, Message
from ponte.sandbox.services import applications as services
from ponte.sandbox.services import dialogue
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.reading import Page

from .test_dialogue import PDF, final

pytestmark = pytest.mark.django_db


def url(application, part=""):
    return f"/sandbox/applications/{application.pk}/{part}"


@pytest.fixture
def sponsor(db):
    return UserFactory(name="Sofia Sponsor", email="sofia@example.org", is_sponsor=True)


def test_each_party_finds_its_actions_on_the_page(login, sent, member, official, programme_manager):
    applicant = Page(login(member).get(url(sent)))
    assert "Withdraw the application" in applicant.text() and "Approve the application" not in applicant.text()
    ministry = Page(login(official).get(url(sent)))
    for action in ("Invite the final application", "Ask for changes", "Reject the application", "Write a message"):
        assert action in ministry.text()
    manager = Page(login(programme_manager).get(url(sent)))
    assert "Ask for changes" in manager.text() and "Invite the final application" not in manager.text()


def test_a_message_with_a_file_and_a_reply(login, sent, member, official):
    client = login(official)
    response = client.post(
        url(sent, "messages/new/"),
        {"body": "Send us the figures.", "files": [SimpleUploadedFile("ask.pdf", PDF, "application/pdf")]},
    )
    assert response.url == url(sent)
    question = Message.objects.get()
    client = login(member)
    page = Page(client.get(url(sent)))
    assert "Send us the figures." in page.text()
    assert page.link("ask.pdf").startswith("/attachments/")
    reply = page.link("Reply to Mia Official")
    assert reply == url(sent, f"messages/new/?reply_to={question.pk}")
    assert "Send us the figures." in Page(client.get(reply)).text()
    client.post(reply, {"body": "Here they are."})
    assert Message.objects.get(body="Here they are.").reply_to == question


def test_a_message_with_a_bad_file_keeps_what_was_typed(login, sent, member):
    response = login(member).post(
        url(sent, "messages/new/"),
        {"body": "Our long answer.", "files": [SimpleUploadedFile("x.pdf", b"MZ\x90\x00" * 40, "application/pdf")]},
    )
    assert response.status_code == 200
    assert "not of a type Ponte accepts" in Page(response).text()
    assert response.context["form"]["body"].value() == "Our long answer."
    assert not Message.objects.exists()


def test_a_reply_to_a_message_of_another_application_answers_404(login, sent, member, call, organisation):
    other = services.application_start(actor=member, call=call, coordinator=organisation, title="Other")
    foreign = Message.objects.create(application=other, author=member, side="applicants", body="x")
    assert login(member).get(url(sent, f"messages/new/?reply_to={foreign.pk}")).status_code == 404


def test_changes_asked_and_sent_again_through_the_pages(login, sent, member, programme_manager):
    client = login(programme_manager)
    response = client.post(url(sent, "ask-changes/"), {"body": ""})
    assert "Say what the applicants should change" in Page(response).text()
    client.post(url(sent, "ask-changes/"), {"body": "Give a monthly baseline."})
    client = login(member)
    page = Page(client.get(url(sent)))
    assert "Changes are asked" in page.text() and "changes asked" in page.text()
    assert "Send it again, with the changes" in page.text()
    client.post(url(sent, "send/"))
    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.PRELIMINARY


def test_the_final_application_through_the_pages(login, sent, member, official):
    login(official).post(url(sent, "invite-final/"), {"body": "Add the statement, please."})
    client = login(member)
    form = Page(client.get(url(sent, "edit/")))
    assert "Draft local statement of legal status" in form.labels()
    page = Page(client.get(url(sent)))
    assert "Write the draft local statement of legal status" in page.text()


def test_the_ministry_approves_and_the_applicants_read_the_exemption(login, sent, member, official, sponsor):
    application = final(sent, official, member)
    client = login(official)
    form = Page(client.get(url(application, "approve/")))
    assert "Sponsor" in form.labels()
    assert client.get("/sandbox/sponsors/?q=sofia").json()["results"] == [
        {"name": "Sofia Sponsor (sofia@example.org)", "value": "sofia@example.org"}
    ]
    typed = {
        "conditions": "Report every six months.",
        "legal_basis": "Order 112/2027",
        "starts": application.starts.isoformat(),
        "ends": (application.starts - timedelta(days=1)).isoformat(),
        "sponsor": "nobody@example.org",
    }
    response = client.post(url(application, "approve/"), typed)
    text = Page(response).text()
    assert "Nobody on Ponte has this address" in text
    assert "The last day must come on or after the first day." not in text  # the form refused first
    assert response.context["form"]["conditions"].value() == "Report every six months."
    response = client.post(url(application, "approve/"), {**typed, "sponsor": "SOFIA@example.org"})
    assert "The last day must come on or after the first day." in Page(response).text()
    client.post(url(application, "approve/"), {**typed, "sponsor": "sofia@example.org", "ends": application.ends})
    exemption = Exemption.objects.get()
    page = Page(login(member).get(url(application)))
    assert f"exemption {exemption.reference}" in page.text() and "Order 112/2027" in page.text()
    assert "Sofia Sponsor" in page.text()


def test_the_ministry_rejects_and_the_applicants_read_why(login, sent, member, official):
    client = login(official)
    assert "Give the reasons" in Page(client.post(url(sent, "reject/"), {"reason": ""})).text()
    client.post(url(sent, "reject/"), {"reason": "EU law sets this rule."})
    page = Page(login(member).get(url(sent)))
    assert "Rejected by Ministry of Social Affairs" in page.text() and "EU law sets this rule." in page.text()


def test_who_may_not_decide_is_refused(login, sent, member, programme_manager, official):
    other_ministry = MembershipFactory(organisation=OrganisationFactory(tier="ministry")).user
    for person, status in ((member, 403), (programme_manager, 403), (other_ministry, 404)):
        client = login(person)
        assert client.get(url(sent, "reject/")).status_code == status
        assert client.post(url(sent, "invite-final/"), {"body": ""}).status_code == status
    assert login(member).get("/sandbox/sponsors/?q=so").status_code == 403
    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.PRELIMINARY


def test_a_decision_on_a_moved_application_says_where_it_stands(login, sent, official):
    client = login(official)
    client.post(url(sent, "reject/"), {"reason": "No."})
    response = client.get(url(sent, "invite-final/"), follow=True)
    assert "This application can no longer be changed: it is “Rejected”." in Page(response).text()


def test_the_dialogue_makes_as_many_queries_with_9_messages_as_with_1(login, sent, member, official):
    client = login(member)
    dialogue.message_write(actor=official, application=sent, body="First.")
    client.get(url(sent))
    with CaptureQueriesContext(connection) as few:
        client.get(url(sent))
    for number in range(8):
        author = member if number % 2 else official
        files = [SimpleUploadedFile(f"f{number}.pdf", PDF, "application/pdf")]
        dialogue.message_write(actor=author, application=sent, body=f"Message {number}.", files=files)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(sent))
    assert len(response.context["dialogue"]) == 9
    assert len(few.captured_queries) == len(many.captured_queries)


def test_dates_of_an_approval_in_the_past_are_refused(login, sent, member, official, sponsor):
    application = final(sent, official, member)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = login(official).post(
        url(application, "approve/"),
        {
            "conditions": "None.",
            "legal_basis": "Order 1/2027",
            "starts": yesterday.isoformat(),
            "ends": application.ends.isoformat(),
            "sponsor": sponsor.email,
        },
    )
    assert "The first day has passed" in Page(response).text()
