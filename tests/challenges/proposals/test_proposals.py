"""Proposals: one per company, to an open challenge, within its budget ceiling, answering every
criterion; editable and withdrawable until the deadline, decided by the server clock inside
the challenge's lock."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from ponte.accounts.services import api_token_create
from ponte.challenges.models import Proposal
from ponte.challenges.services import proposals as proposals_services
from ponte.core.models import AuditEvent, Notification
from tests.api.utils import bearer
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory, PublishedChallengeFactory

DEADLINE = timezone.make_aware(timezone.datetime(2031, 3, 14, 12, 0, 0))


@pytest.fixture
def company(db):
    return CompanyFactory(name="Civic Data Labs")


@pytest.fixture
def proposer(company):
    return MembershipFactory(organisation=company, user__name="Petra Proposer").user


@pytest.fixture
def challenge(db):
    with time_machine.travel(DEADLINE - timedelta(days=10), tick=False):
        return PublishedChallengeFactory(budget_ceiling=20000, deadline=DEADLINE)


def answers(challenge, text="We will do it well"):
    return {c.pk: f"{text} ({c.name})" for c in challenge.criteria.all()}


def content(challenge, **overrides):
    fields = {
        "approach": "A single life-event index of forms",
        "criteria_responses": answers(challenge),
        "team": "Two developers and a designer",
        "price": Decimal("18500"),
        "timeline": "Three months",
    }
    fields.update(overrides)
    return fields


def submit(actor, challenge, company, **overrides):
    return proposals_services.proposal_submit(
        actor=actor, challenge=challenge, company=company, **content(challenge, **overrides)
    )


@pytest.fixture
def before(challenge):
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False) as traveller:
        yield traveller


# Submitting ----------------------------------------------------------------------------


def test_a_company_member_submits_and_only_the_company_is_notified(before, challenge, company, proposer):
    colleague = MembershipFactory(organisation=company).user
    proposal = submit(proposer, challenge, company)
    assert proposal.status == "submitted" and proposal.price == Decimal("18500")
    assert [r["response"] for r in proposal.criteria_responses] == list(answers(challenge).values())
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {proposer.pk, colleague.pk}
    event = AuditEvent.objects.get(verb="submit_proposal")
    assert event.after == {"challenge": challenge.pk} and event.before == {}
    assert event.target_label == f"Proposal {proposal.pk}"


def test_a_second_proposal_of_the_same_company_is_refused(before, challenge, company, proposer):
    submit(proposer, challenge, company)
    colleague = MembershipFactory(organisation=company).user
    with pytest.raises(ValidationError, match="already submitted a proposal"):
        submit(colleague, challenge, company)
    assert Proposal.objects.count() == 1


def test_after_withdrawing_the_company_may_submit_again(before, challenge, company, proposer):
    first = submit(proposer, challenge, company)
    proposals_services.proposal_withdraw(actor=proposer, proposal=first)
    second = submit(proposer, challenge, company, approach="A better approach")
    assert second.pk != first.pk
    assert AuditEvent.objects.filter(verb="withdraw").count() == 1


def test_the_price_may_not_exceed_the_ceiling_and_the_message_names_it(before, challenge, company, proposer):
    with pytest.raises(ValidationError) as caught:
        submit(proposer, challenge, company, price=Decimal("20000.01"))
    assert "20,000" in caught.value.message_dict["price"][0]
    assert submit(proposer, challenge, company, price=Decimal("20000")).price == Decimal("20000")


@pytest.mark.parametrize("price", ["abc", "-1", "1.001", "NaN", "1e30", None, ""])
def test_a_price_that_is_no_amount_is_refused_clearly(before, challenge, company, proposer, price):
    with pytest.raises(ValidationError) as caught:
        submit(proposer, challenge, company, price=price)
    assert "price" in caught.value.message_dict


def test_every_criterion_needs_an_answer_and_all_problems_are_reported(before, challenge, company, proposer):
    first, second = challenge.criteria.all()
    with pytest.raises(ValidationError) as caught:
        submit(proposer, challenge, company, criteria_responses={first.pk: "Yes"}, team="  ")
    assert set(caught.value.message_dict) == {f"criterion_{second.pk}", "team"}
    assert second.name in caught.value.message_dict[f"criterion_{second.pk}"][0]


@pytest.mark.parametrize(
    "state",
    ["draft", "awaiting_review", "approved", "cancelled", "closed"],
)
def test_only_an_open_challenge_takes_proposals(before, company, proposer, state):
    if state == "closed":
        target = PublishedChallengeFactory(deadline=timezone.now() - timedelta(hours=1))
    elif state == "cancelled":
        target = PublishedChallengeFactory(status="cancelled")
    else:
        target = ChallengeFactory(status=state)
    with pytest.raises(ValidationError, match=r"not open|deadline"):
        submit(proposer, target, company)
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "owner_member", "unverified_company", "other_company_for_company"])
def test_only_a_member_of_a_verified_company_submits_for_it(before, challenge, company, citizen, who):
    if who == "citizen":
        actor, for_company = citizen, company
    elif who == "owner_member":
        actor, for_company = MembershipFactory(organisation=challenge.owner).user, company
    elif who == "unverified_company":
        pending = CompanyFactory(status="pending")
        actor, for_company = MembershipFactory(organisation=pending).user, pending
    else:
        actor, for_company = MembershipFactory(organisation=CompanyFactory()).user, company
    with pytest.raises(PermissionDenied):
        submit(actor, challenge, for_company)


# The deadline, by the server clock ------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(timedelta(seconds=-1), True), (timedelta(0), False), (timedelta(seconds=1), False)],
    ids=["one second before", "at", "after"],
)
def test_the_deadline_edge(challenge, company, proposer, offset, accepted):
    with time_machine.travel(DEADLINE + offset, tick=False):
        if accepted:
            assert submit(proposer, challenge, company).pk
        else:
            with pytest.raises(ValidationError, match="deadline"):
                submit(proposer, challenge, company)


@pytest.mark.parametrize(
    ("offset", "allowed"),
    [(timedelta(seconds=-1), True), (timedelta(0), False), (timedelta(seconds=1), False)],
    ids=["one second before", "at", "after"],
)
def test_editing_and_withdrawing_stop_at_the_deadline(challenge, company, proposer, offset, allowed):
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        proposal = submit(proposer, challenge, company)
    with time_machine.travel(DEADLINE + offset, tick=False):
        if allowed:
            updated = proposals_services.proposal_update(
                actor=proposer, proposal=proposal, **content(challenge, approach="Revised approach")
            )
            assert updated.approach == "Revised approach"
            assert proposals_services.proposal_withdraw(actor=proposer, proposal=proposal).status == "withdrawn"
        else:
            with pytest.raises(ValidationError, match="deadline"):
                proposals_services.proposal_update(
                    actor=proposer, proposal=proposal, **content(challenge, approach="Late")
                )
            with pytest.raises(ValidationError, match="deadline"):
                proposals_services.proposal_withdraw(actor=proposer, proposal=proposal)
            proposal.refresh_from_db()
            assert proposal.approach != "Late" and proposal.status == "submitted"


def test_the_update_audit_names_what_changed_never_what_it_says(before, challenge, company, proposer):
    proposal = submit(proposer, challenge, company)
    proposals_services.proposal_update(
        actor=proposer, proposal=proposal, **content(challenge, approach="Secret new approach")
    )
    event = AuditEvent.objects.get(verb="update_proposal")
    assert event.after == {"challenge": challenge.pk, "changed": ["approach"]}
    assert "Secret" not in str(event.before) + str(event.after)


def test_another_company_may_not_edit_or_withdraw(before, challenge, company, proposer):
    proposal = submit(proposer, challenge, company)
    stranger = MembershipFactory(organisation=CompanyFactory()).user
    owner_admin = MembershipFactory(organisation=challenge.owner, role="admin").user
    for actor in (stranger, owner_admin):
        with pytest.raises(PermissionDenied):
            proposals_services.proposal_update(actor=actor, proposal=proposal, **content(challenge))
        with pytest.raises(PermissionDenied):
            proposals_services.proposal_withdraw(actor=actor, proposal=proposal)


def test_two_submissions_racing_at_the_deadline_are_decided_inside_the_lock(challenge, company, proposer, monkeypatch):
    """The second submission starts one second before the deadline but must wait for the
    challenge's row lock, held by the first; by the time it holds the lock the clock says
    the deadline has come. The clock read inside the lock decides: it is refused."""
    rival_company = CompanyFactory()
    rival = MembershipFactory(organisation=rival_company).user
    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False) as traveller:
        assert submit(proposer, challenge, company).pk  # the first holds the lock and is in time
        real_locked = proposals_services.locked

        def wait_for_the_lock(target):
            locked = real_locked(target)  # acquired only once the first transaction is done…
            traveller.move_to(DEADLINE)  # …which took until the deadline
            return locked

        monkeypatch.setattr(proposals_services, "locked", wait_for_the_lock)
        with pytest.raises(ValidationError, match="deadline"):
            submit(rival, challenge, rival_company)
    assert list(Proposal.objects.values_list("company_id", flat=True)) == [company.pk]


@pytest.mark.django_db(transaction=True)
def test_two_threads_racing_at_the_deadline(company, proposer):
    """Two real transactions: one holds the challenge's lock while the clock passes the
    deadline; the other, started before the deadline, waits for the lock and is refused."""
    import threading
    import time

    from django.db import OperationalError, connection, transaction

    with time_machine.travel(DEADLINE - timedelta(days=10), tick=False):
        challenge = PublishedChallengeFactory(budget_ceiling=20000, deadline=DEADLINE)
    rival_company = CompanyFactory()
    rival = MembershipFactory(organisation=rival_company).user
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                submit(proposer, challenge, company)
                holding.set()
                release.wait(10)
            outcome["first"] = "accepted"
        except Exception as error:
            outcome["first"] = repr(error)
        finally:
            holding.set()
            connection.close()

    def second():
        try:
            while True:
                try:
                    submit(rival, challenge, rival_company)
                    break
                except OperationalError as error:
                    # SQLite's in-memory test database (shared cache) answers "locked" at once
                    # where a database file waits for its busy timeout: wait likewise.
                    if "locked" not in str(error):
                        raise
                    time.sleep(0.05)
            outcome["second"] = "accepted"
        except ValidationError as error:
            outcome["second"] = " ".join(error.messages)
        except Exception as error:
            outcome["second"] = repr(error)
        finally:
            connection.close()

    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False) as traveller:
        one = threading.Thread(target=first)
        one.start()
        assert holding.wait(10)
        two = threading.Thread(target=second)
        two.start()
        two.join(0.5)  # it waits for the lock
        traveller.move_to(DEADLINE)
        release.set()
        one.join(15)
        two.join(15)
    assert outcome["first"] == "accepted"
    assert "deadline" in outcome["second"], outcome
    assert list(Proposal.objects.values_list("company_id", flat=True)) == [company.pk]


# Role × state for the proposal permissions ---------------------------------------------

ROLES = ["visitor", "citizen", "public_servant", "org_admin", "company_member", "proposer", "programme_manager"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("phase", ["open", "closed"])
def test_role_by_state(challenge, company, proposer, person_in_role, role, phase):
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        proposal = submit(proposer, challenge, company)
    if role == "proposer":
        person = proposer
    elif role == "public_servant":
        person = challenge.author
    else:
        person = person_in_role(role, challenge.owner)
    moment = DEADLINE - timedelta(hours=1) if phase == "open" else DEADLINE + timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        proposal.refresh_from_db()
        allowed = {
            perm: person.has_perm(f"challenges.{perm}", proposal)
            for perm in ("view_proposal", "change_proposal", "withdraw_proposal")
        }
        allowed["view_proposals"] = person.has_perm("challenges.view_proposals", challenge)
        allowed["submit_proposal"] = person.has_perm("challenges.submit_proposal", challenge)
        allowed["view_proposal_count"] = person.has_perm("challenges.view_proposal_count", challenge)
    entitled_after = role in ("public_servant", "org_admin", "programme_manager")
    assert allowed == {
        "view_proposal": role == "proposer" or (phase == "closed" and entitled_after),
        "change_proposal": role == "proposer" and phase == "open",
        "withdraw_proposal": role == "proposer" and phase == "open",
        "view_proposals": phase == "closed" and entitled_after,
        "submit_proposal": role in ("company_member", "proposer") and phase == "open",
        "view_proposal_count": role in ("public_servant", "org_admin", "programme_manager"),
    }


# Pages ---------------------------------------------------------------------------------


def test_the_company_submits_from_the_challenge_page_and_edits_and_withdraws(before, client, challenge, proposer):
    client.force_login(proposer)
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Submit a proposal" in page
    form_url = f"/challenges/{challenge.pk}/proposals/new/"
    form = client.get(form_url)
    assert form.status_code == 200
    first, second = challenge.criteria.all()
    for criterion in (first, second):
        assert f'name="criterion_{criterion.pk}"' in form.content.decode()
    data = {
        "approach": "Index every form by life event",
        f"criterion_{first.pk}": "Citizens find forms faster",
        f"criterion_{second.pk}": "Built on existing data",
        "team": "Three people",
        "price": "25000",
        "timeline": "Three months",
    }
    refused = client.post(form_url, data)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "There is a problem" in text and "20,000" in text
    assert "Index every form by life event" in text and "Citizens find forms faster" in text  # nothing lost
    data["price"] = "19500"
    data["files"] = [SimpleUploadedFile("plan.txt", b"A plan in text", content_type="text/plain")]
    response = client.post(form_url, data)
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/challenges/proposals/{proposal.pk}/"
    mine = client.get(response["Location"]).content.decode()
    assert "Your proposal" in mine and "plan.txt" in mine and "Change your proposal" in mine
    assert "Your proposal" in client.get(challenge.get_absolute_url()).content.decode()
    again = client.get(form_url)
    assert again.status_code == 302 and again["Location"] == proposal.get_absolute_url()

    edit_url = f"/challenges/proposals/{proposal.pk}/edit/"
    assert "Index every form by life event" in client.get(edit_url).content.decode()
    data.pop("files")
    data["approach"] = "A revised approach"
    assert client.post(edit_url, data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.approach == "A revised approach"

    withdraw_url = f"/challenges/proposals/{proposal.pk}/withdraw/"
    assert client.get(withdraw_url).status_code == 200
    assert client.post(withdraw_url).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"


def _form_data(challenge, approach):
    data = {"approach": approach, "team": "Three people", "price": "15000", "timeline": "Three months"}
    data.update({f"criterion_{c.pk}": "We meet it" for c in challenge.criteria.all()})
    return data


def test_a_person_in_two_companies_bids_for_the_second_from_the_challenge_page(
    before, client, challenge, company, proposer
):
    """The first company's bid does not stand in the way of the second's: the challenge page
    offers each company its own bid or a form for it, and the form submits for the one chosen."""
    other = CompanyFactory(name="NordGrid Energy")
    MembershipFactory(organisation=other, user=proposer)
    first = submit(proposer, challenge, company)
    client.force_login(proposer)

    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Civic Data Labs has submitted a proposal to this challenge." in page
    assert f'href="{first.get_absolute_url()}"' in page
    form_url = f"/challenges/{challenge.pk}/proposals/new/"
    assert "Submit a proposal for NordGrid Energy" in page
    assert f'href="{form_url}?company={other.pk}"' in page

    # Choosing the company that has bid opens its bid; choosing the other, a form for it.
    chosen = client.get(f"{form_url}?company={company.pk}")
    assert chosen.status_code == 302 and chosen["Location"] == first.get_absolute_url()
    form = client.get(f"{form_url}?company={other.pk}")
    assert form.status_code == 200
    assert "NordGrid Energy" in form.content.decode()
    # Without a choice, the form is for the company that has not bid yet.
    assert client.get(form_url).status_code == 200

    response = client.post(
        f"{form_url}?company={other.pk}", {**_form_data(challenge, "Grid data"), "company": other.pk}
    )
    second = Proposal.objects.get(company=other)
    assert response.status_code == 302 and response["Location"] == second.get_absolute_url()
    assert second.approach == "Grid data" and second.submitted_by == proposer
    assert Proposal.objects.get(company=company) == first  # the first bid untouched

    # Both companies have bid: the page links each bid, and the form sends back to the page.
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert f'href="{first.get_absolute_url()}"' in page and f'href="{second.get_absolute_url()}"' in page
    assert "Submit a proposal" not in page
    again = client.get(form_url, follow=True)
    assert again.redirect_chain[-1][0] == challenge.get_absolute_url()
    assert "Each of your companies has already submitted a proposal" in again.content.decode()


def test_a_missing_criterion_answer_on_the_form_keeps_what_was_typed(before, client, challenge, proposer):
    client.force_login(proposer)
    first, second = challenge.criteria.all()
    response = client.post(
        f"/challenges/{challenge.pk}/proposals/new/",
        {"approach": "Typed approach", f"criterion_{first.pk}": "Typed answer", "team": "T", "price": "x"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Typed approach" in text and "Typed answer" in text
    assert second.name in text and "Give the timeline" in text
    assert not Proposal.objects.exists()


def test_a_bad_file_is_refused_on_the_form_and_nothing_is_submitted(before, client, challenge, proposer):
    client.force_login(proposer)
    data = {"approach": "A", "team": "T", "price": "100", "timeline": "Soon"}
    data.update({f"criterion_{c.pk}": "Yes" for c in challenge.criteria.all()})
    data["files"] = [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")]
    response = client.post(f"/challenges/{challenge.pk}/proposals/new/", data)
    assert response.status_code == 200 and "not of a type Ponte accepts" in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_form_of_a_closed_challenge_sends_back_with_a_message(client, challenge, proposer):
    with time_machine.travel(DEADLINE, tick=False):
        client.force_login(proposer)
        response = client.get(f"/challenges/{challenge.pk}/proposals/new/", follow=True)
    assert "not open for proposals" in response.content.decode()


def test_the_owner_reads_the_list_after_the_deadline(client, challenge, company, proposer):
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        proposal = submit(proposer, challenge, company)
    list_url = f"/challenges/{challenge.pk}/proposals/"
    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False):
        client.force_login(challenge.author)
        assert client.get(list_url).status_code == 403
        assert "1 proposal received" in client.get(challenge.get_absolute_url()).content.decode()
    with time_machine.travel(DEADLINE, tick=False):
        client.force_login(challenge.author)
        page = client.get(list_url)
        assert page.status_code == 200 and "Civic Data Labs" in page.content.decode()
        assert "A single life-event index" in client.get(proposal.get_absolute_url()).content.decode()


# API -----------------------------------------------------------------------------------


def api_client(user, scope="write"):
    _token, raw = api_token_create(user=user, name="script", scope=scope)
    return Client(headers=bearer(raw))


def payload(challenge, **overrides):
    body = {
        "approach": "API approach",
        "criteria": [{"criterion_id": c.pk, "response": "Yes"} for c in challenge.criteria.all()],
        "team": "Team",
        "price": "1000.50",
        "timeline": "Soon",
    }
    body.update(overrides)
    return body


def test_the_api_submits_with_a_write_token_only(before, challenge, company, proposer):
    url = f"/api/challenges/{challenge.pk}/proposals/"
    read_only = api_client(proposer, "read").post(url, payload(challenge), content_type="application/json")
    assert read_only.status_code == 403
    writer = api_client(proposer)
    response = writer.post(url, payload(challenge), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["price"] == "1000.50" and response.json()["company"] == company.slug
    second = writer.post(url, payload(challenge), content_type="application/json")
    assert second.status_code == 400 and "already submitted" in second.json()["detail"]
    assert [p["id"] for p in writer.get(url).json()] == [response.json()["id"]]


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"price": "20000.01"}, 400, "budget ceiling"),
        ({"price": "lots"}, 422, ""),
        ({"criteria": []}, 400, "criterion"),
        ({"team": 12}, 422, ""),
    ],
)
def test_the_api_refuses_bad_input_clearly(before, challenge, proposer, change, status, words):
    response = api_client(proposer).post(
        f"/api/challenges/{challenge.pk}/proposals/", payload(challenge, **change), content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert words in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_api_refuses_a_closed_challenge(challenge, proposer):
    with time_machine.travel(DEADLINE + timedelta(seconds=1), tick=False):
        response = api_client(proposer).post(
            f"/api/challenges/{challenge.pk}/proposals/", payload(challenge), content_type="application/json"
        )
    assert response.status_code == 400 and "deadline" in response.json()["detail"]


def test_what_a_public_body_wrote_in_a_criterion_is_shown_as_text_on_the_proposal_form(
    before, client, challenge, proposer
):
    criterion = challenge.criteria.first()
    criterion.description = 'Reach <script>alert("x")</script> & cost'
    criterion.save(update_fields=["description"])
    client.force_login(proposer)
    page = client.get(f"/challenges/{challenge.pk}/proposals/new/").content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "Reach &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; cost" in page
