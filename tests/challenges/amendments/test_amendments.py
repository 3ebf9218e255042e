"""Amendments: a later deadline, a clarified text or an added document keeps a published challenge
published (its publication date too), is recorded and audited with the editor's reason, is told to
the companies that follow it or bid, and is shown as a dated notice on its page. A change of
budget, instrument or criteria still goes back to review, and keeps every proposal submitted."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ponte.challenges.models import Amendment, Challenge, Instrument, ProposalStatus, Status
from ponte.challenges.services import amendments as amendments_services
from ponte.challenges.services import drafting as drafting_services
from ponte.challenges.services import following as following_services
from ponte.challenges.services import proposals as proposals_services
from ponte.challenges.services import review as review_services
from ponte.core import attachments
from ponte.core.models import AuditEvent, Notification
from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory, PublishedChallengeFactory

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
LISBON = ZoneInfo("Europe/Lisbon")
# 3 December 2026, 10:00 in Lisbon (UTC+0 in winter).
TODAY = datetime(2026, 12, 3, 10, 0, tzinfo=LISBON)
DEADLINE = datetime(2026, 12, 19, 17, 0, tzinfo=LISBON)
LATER = datetime(2027, 1, 9, 17, 0, tzinfo=LISBON)


@pytest.fixture
def now():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def agency(db):
    return OrganisationFactory(name="Agência para a Modernização Administrativa", slug="ama", country="PT")


@pytest.fixture
def author(agency):
    return MembershipFactory(organisation=agency, user__name="Ana Author").user


@pytest.fixture
def challenge(now, agency, author):
    return PublishedChallengeFactory(
        owner=agency,
        author=author,
        title="Forms nobody finds",
        published_at=TODAY - timedelta(days=13),
        deadline=DEADLINE,
    )


@pytest.fixture
def follower(challenge):
    company = CompanyFactory(name="Followers Ltd")
    person = MembershipFactory(organisation=company, user__name="Fiona Follower").user
    following_services.interest_express(actor=person, challenge=challenge, company=company)
    return person


@pytest.fixture
def bid(challenge):
    """A proposal of Civic Data Labs, and one of its members who does not follow the challenge."""
    company = CompanyFactory(name="Civic Data Labs")
    submitter = MembershipFactory(organisation=company, user__name="Bruno Bidder").user
    proposal = proposals_services.proposal_submit(
        actor=submitter,
        challenge=challenge,
        company=company,
        approach="A single index of forms by life event",
        criteria_responses={c.pk: "Well" for c in challenge.criteria.all()},
        team="Two developers",
        price=Decimal("18000"),
        timeline="Three months",
    )
    colleague = MembershipFactory(organisation=company, user__name="Carla Colleague", user__language="pt-pt").user
    return proposal, [submitter, colleague]


def fresh(challenge):
    return Challenge.objects.get(pk=challenge.pk)


def audit_rows(challenge, verb):
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(Challenge), target_id=str(challenge.pk), verb=verb
    )


# Services ---------------------------------------------------------------------------------


def test_a_later_deadline_keeps_the_challenge_published_and_is_recorded(challenge, author, follower, bid):
    proposal, bidders = bid
    published_at = challenge.published_at
    drafting_services.challenge_update(
        actor=author, challenge=challenge, deadline=LATER, rationale="More time to gather data."
    )
    after = fresh(challenge)
    assert after.status == Status.PUBLISHED
    assert after.published_at == published_at
    assert after.revised_at is None
    assert after.deadline == LATER
    assert after.is_open
    amendment = Amendment.objects.get(challenge=challenge)
    assert (amendment.number, amendment.kind, amendment.amended_by) == (1, "amendment", author)
    assert amendment.amended_at == timezone.now()
    assert amendment.rationale == "More time to gather data."
    assert amendment.changes == [
        {"field": "deadline", "before": "2026-12-19T17:00:00+00:00", "after": "2027-01-09T17:00:00+00:00"}
    ]
    [event] = audit_rows(challenge, "amend")
    assert event.reason == "More time to gather data."
    assert event.before == {"deadline": "2026-12-19T17:00:00+00:00"}
    assert event.after == {"amendment": 1, "deadline": "2027-01-09T17:00:00+00:00"}
    assert not audit_rows(challenge, "revise").exists()
    # The proposal stands and may still be changed; companies may still bid.
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert bidders[0].has_perm("challenges.change_proposal", proposal)
    newcomer = MembershipFactory(organisation=CompanyFactory()).user
    assert newcomer.has_perm("challenges.submit_proposal", after)


def test_followers_and_bidders_are_told_what_changed_in_their_language(challenge, author, follower, bid):
    _proposal, bidders = bid
    stranger = MembershipFactory(organisation=CompanyFactory()).user
    drafting_services.challenge_update(
        actor=author, challenge=challenge, deadline=LATER, rationale="More time to gather data."
    )
    notes = Notification.objects.filter(kind="challenges.amended")
    assert {n.recipient for n in notes} == {follower, *bidders}
    assert not notes.filter(recipient=stranger).exists()
    english = notes.get(recipient=follower)
    assert english.message == (
        "“Forms nobody finds” is amended: deadline moved to 9 January 2027, 17:00 (Lisbon time). "
        "The reason: More time to gather data."
    )
    assert english.url == challenge.get_absolute_url() + "#amendments"
    assert "9 January 2027" not in notes.get(recipient=bidders[1]).params["changes"]  # written in Portuguese
    assert not Notification.objects.filter(kind__in=["challenges.revised", "challenges.to_review"]).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"summary": "People lose hours, and many give up."},
        {"problem": "The forms are also named inconsistently across languages."},
        {"title": "Forms nobody can find"},
    ],
    ids=["summary", "problem", "title"],
)
def test_a_clarified_text_is_an_amendment(challenge, author, follower, change):
    drafting_services.challenge_update(actor=author, challenge=challenge, rationale="Clearer wording.", **change)
    after = fresh(challenge)
    assert after.status == Status.PUBLISHED
    [(field, value)] = change.items()
    assert getattr(after, field) == value
    amendment = Amendment.objects.get(challenge=challenge)
    assert [c["field"] for c in amendment.changes] == [field]
    assert amendment.changes[0]["after"] == value
    assert f"{field.replace('_', ' ')} clarified" in amendment.description
    assert Notification.objects.filter(kind="challenges.amended", recipient=follower).count() == 1


def test_an_amendment_needs_its_reason(challenge, author, follower):
    with pytest.raises(ValidationError) as error:
        drafting_services.challenge_update(actor=author, challenge=challenge, deadline=LATER)
    assert "rationale" in error.value.message_dict
    assert fresh(challenge).deadline == DEADLINE
    assert not Amendment.objects.exists()
    assert not Notification.objects.filter(kind="challenges.amended").exists()


@pytest.mark.parametrize("days", [-1, 0], ids=["earlier", "same"])
def test_a_deadline_only_moves_later(challenge, author, days):
    with pytest.raises(ValidationError) as error:
        amendments_services.challenge_amend(
            actor=author, challenge=challenge, deadline=DEADLINE + timedelta(days=days), rationale="Sooner."
        )
    if days:
        message = " ".join(error.value.message_dict["deadline"])
        assert "may only move later" in message and "19 December 2026, 17:00 (Lisbon time)" in message
    assert fresh(challenge).deadline == DEADLINE
    assert not Amendment.objects.exists()


def test_a_closed_challenge_is_not_amended(challenge, author, now):
    now.move_to(DEADLINE + timedelta(minutes=1))
    with pytest.raises(PermissionDenied):
        drafting_services.challenge_update(actor=author, challenge=challenge, deadline=LATER, rationale="Too late.")
    assert fresh(challenge).deadline == DEADLINE


def test_only_the_drafter_amends(challenge, follower):
    colleague = MembershipFactory(organisation=challenge.owner).user
    for person in (follower, colleague):
        with pytest.raises(PermissionDenied):
            amendments_services.challenge_amend(actor=person, challenge=challenge, deadline=LATER, rationale="Mine.")


def test_what_alters_who_may_bid_or_what_is_bought_is_not_an_amendment(challenge, author):
    with pytest.raises(ValueError, match="budget_ceiling"):
        amendments_services.challenge_amend(
            actor=author, challenge=challenge, budget_ceiling=Decimal("25000"), rationale="x"
        )


def test_amendments_are_numbered_in_order(challenge, author, now):
    drafting_services.challenge_update(actor=author, challenge=challenge, deadline=LATER, rationale="More time.")
    now.shift(timedelta(days=1))
    drafting_services.challenge_update(actor=author, challenge=challenge, summary="Shorter.", rationale="Clearer.")
    assert list(Amendment.objects.values_list("number", flat=True)) == [1, 2]


def test_adding_a_document_is_an_amendment(challenge, author, follower):
    upload = SimpleUploadedFile("Queue data.pdf", PDF, content_type="application/pdf")
    amendment = amendments_services.challenge_add_documents(
        actor=author, challenge=challenge, files=[upload], rationale="The data companies asked for."
    )
    [document] = attachments.attachments_of(challenge)
    assert amendment.changes == [
        {"field": "documents", "before": [], "after": [{"id": document.pk.hex, "name": "Queue data.pdf"}]}
    ]
    assert amendment.description == "document “Queue data.pdf” added"
    assert fresh(challenge).status == Status.PUBLISHED
    assert Notification.objects.filter(kind="challenges.amended", recipient=follower).count() == 1
    assert audit_rows(challenge, "amend").count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"budget_ceiling": Decimal("25000")},
        {"instrument": Instrument.PRIZE},
        {"criteria": [{"name": "Impact", "weight": 70}, {"name": "Cost", "weight": 30}]},
    ],
    ids=["budget", "instrument", "criteria"],
)
def test_a_change_of_substance_goes_back_to_review_keeping_the_proposals_and_telling_their_companies(
    challenge, author, follower, bid, change
):
    proposal, bidders = bid
    published_at = challenge.published_at
    drafting_services.challenge_update(
        actor=author, challenge=challenge, rationale="The budget was approved.", **change
    )
    after = fresh(challenge)
    assert after.status == Status.AWAITING_REVIEW
    assert after.published_at == published_at
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    kept = Notification.objects.filter(kind="challenges.revised_proposal_kept")
    assert {n.recipient for n in kept} == set(bidders)
    assert "your proposal is kept" in kept.get(recipient=bidders[0]).message
    assert {n.recipient for n in Notification.objects.filter(kind="challenges.revised")} == {follower}
    assert not Notification.objects.filter(kind="challenges.amended").exists()
    # The revision is dated and kept with the page's notices and the open data.
    revision = Amendment.objects.get(challenge=challenge)
    assert revision.kind == "revision" and revision.rationale == "The budget was approved."
    assert audit_rows(challenge, "revise").get().reason == "The budget was approved."


def test_a_revision_republished_keeps_its_first_publication_date(challenge, author, programme_manager, now):
    published_at = challenge.published_at
    drafting_services.challenge_update(actor=author, challenge=challenge, budget_ceiling=Decimal("25000"))
    now.shift(timedelta(days=1))
    review_services.challenge_approve(actor=programme_manager, challenge=challenge)
    review_services.challenge_publish(actor=programme_manager, challenge=challenge)
    after = fresh(challenge)
    assert after.status == Status.PUBLISHED
    assert after.published_at == published_at


# Pages ------------------------------------------------------------------------------------


def budget_data(day, time, **extra):
    return {"instrument": "low_value", "budget_ceiling": "20000", "deadline_date": day, "deadline_time": time, **extra}


def test_the_author_moves_the_deadline_and_the_page_shows_a_dated_notice(client, challenge, author, follower):
    client.force_login(author)
    page = client.get(f"/challenges/{challenge.pk}/edit/budget/").content.decode()
    assert 'name="rationale"' in page
    response = client.post(
        f"/challenges/{challenge.pk}/edit/budget/",
        budget_data("2027-01-09", "17:00", rationale="More time to gather data."),
    )
    assert response.status_code == 302 and response["Location"] == challenge.get_absolute_url()
    assert fresh(challenge).deadline == LATER
    client.logout()
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert (
        "<strong>Amended on 3 December 2026:</strong> deadline moved to 9 January 2027, 17:00 (Lisbon time); "
        "More time to gather data."
    ) in page
    assert 'id="amendments"' in page
    assert "Open" in page  # still open: companies may still answer


def test_an_amendment_without_its_reason_is_explained_and_nothing_typed_is_lost(client, challenge, author):
    client.force_login(author)
    response = client.post(
        f"/challenges/{challenge.pk}/edit/problem/",
        {"title": challenge.title, "summary": "A clearer summary", "problem": challenge.problem},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Say why you amend the challenge" in page
    assert "A clearer summary" in page
    assert fresh(challenge).summary != "A clearer summary"


def test_an_earlier_deadline_is_refused_on_the_form(client, challenge, author):
    client.force_login(author)
    response = client.post(
        f"/challenges/{challenge.pk}/edit/budget/", budget_data("2026-12-18", "17:00", rationale="Sooner.")
    )
    assert response.status_code == 200
    assert "may only move later" in response.content.decode()
    assert fresh(challenge).deadline == DEADLINE


def test_saving_the_budget_step_untouched_changes_nothing(client, challenge, author):
    client.force_login(author)
    response = client.post(
        f"/challenges/{challenge.pk}/edit/budget/", budget_data("2026-12-19", "17:00", rationale="Nothing.")
    )
    assert response.status_code == 302
    assert fresh(challenge).status == Status.PUBLISHED
    assert not Amendment.objects.exists()


def test_the_author_adds_a_document_to_the_published_challenge(client, challenge, author, follower):
    client.force_login(author)
    upload = SimpleUploadedFile("Queue data.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/challenges/{challenge.pk}/edit/documents/", {"files": [upload], "rationale": "Companies asked for it."}
    )
    assert response.status_code == 302 and response["Location"] == challenge.get_absolute_url()
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "document “Queue data.pdf” added; Companies asked for it." in page
    assert "Queue data.pdf" in page
    assert Notification.objects.filter(kind="challenges.amended", recipient=follower).exists()


def test_a_company_can_still_answer_after_the_deadline_moved(client, challenge, author, now):
    drafting_services.challenge_update(actor=author, challenge=challenge, deadline=LATER, rationale="More time.")
    now.move_to(DEADLINE + timedelta(days=1))  # past the first deadline, before the new one
    company = CompanyFactory()
    member = MembershipFactory(organisation=company).user
    client.force_login(member)
    response = client.get(f"/challenges/{challenge.pk}/proposals/new/")
    assert response.status_code == 200
    assert "not open" not in response.content.decode()


def test_a_bidder_is_told_the_truth_while_a_revision_is_reviewed(client, challenge, author, bid):
    proposal, bidders = bid
    drafting_services.challenge_update(
        actor=author, challenge=challenge, budget_ceiling=Decimal("25000"), rationale="Budget."
    )
    client.force_login(bidders[0])
    for url in (f"/challenges/proposals/{proposal.pk}/edit/", f"/challenges/proposals/{proposal.pk}/withdraw/"):
        page = client.get(url, follow=True).content.decode()
        assert "deadline has passed" not in page
        assert "is kept while the challenge’s changes are reviewed" in page
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
