"""THE LEAK TEST: before the deadline a proposal is sealed on every channel — pages, the
API, search, the CSV export, notifications and e-mails, the audit trail and the Django
admin — for everyone but the submitting company's members; after the deadline the
entitled read it (the challenge's author, its public body's admins, programme managers)
and the others still do not.

Evaluators read a proposal only after the deadline, and only once assigned to it and
cleared (no conflict of interest declared); an evaluator merely assigned, recused or whose
assignment was removed reads nothing, on any channel.

Decision: the public body is NOT notified of a proposal before the deadline (no
notification at all); it sees only the total number on the challenge page."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import Client
from django.utils import timezone

from ponte.accounts.services import api_token_create
from ponte.challenges.models import Evaluation, Proposal
from ponte.challenges.queries import proposals as proposals_queries
from ponte.challenges.services import evaluation as evaluation_services
from ponte.challenges.services import proposals as proposals_services
from ponte.core.models import Notification
from ponte.core.search import rebuild_index
from tests.api.utils import bearer
from tests.conftest import give_two_factor
from tests.factories import CompanyFactory, MembershipFactory, PublishedChallengeFactory, UserFactory

DEADLINE = timezone.make_aware(timezone.datetime(2031, 6, 30, 12, 0, 0))
SECRET = "Zanzibar-quokka-telemetry"  # the proposal's distinctive content
COMPANY = "Quokkatronics Lda"  # the proposing company's distinctive name

BEFORE_ROLES = [
    "owner_author",
    "owner_admin",
    "programme_manager",
    "platform_admin",
    "evaluator",
    "other_company",
    "citizen",
    "visitor",
]
ENTITLED_AFTER = {"owner_author", "owner_admin", "programme_manager"}


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    with time_machine.travel(DEADLINE - timedelta(days=10), tick=False):
        challenge = PublishedChallengeFactory(title="Forms nobody finds", budget_ceiling=20000, deadline=DEADLINE)
        owner_admin = MembershipFactory(organisation=challenge.owner, role="admin").user
        company = CompanyFactory(name=COMPANY)
        proposer = MembershipFactory(organisation=company).user
        people = {
            "owner_author": challenge.author,
            "owner_admin": owner_admin,
            "programme_manager": UserFactory(is_programme_manager=True),
            "platform_admin": UserFactory(is_staff=True, is_superuser=True),
            "evaluator": UserFactory(is_evaluator=True),
            "other_company": MembershipFactory(organisation=CompanyFactory(name="Other Co")).user,
            "citizen": UserFactory(),
            "visitor": AnonymousUser(),
        }
        for key in ("programme_manager", "platform_admin", "evaluator"):
            give_two_factor(people[key])
        # The owner follows its own challenge and every staff role has alerts: any broadcast
        # of the proposal would reach them.
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            proposal = proposals_services.proposal_submit(
                actor=proposer,
                challenge=challenge,
                company=company,
                approach=f"Our approach: {SECRET}",
                criteria_responses={c.pk: f"{SECRET} answers {c.name}" for c in challenge.criteria.all()},
                team=f"Team {SECRET}",
                price=Decimal("12345.67"),
                timeline="Three months",
            )
            proposals_services.proposal_update(
                actor=proposer,
                proposal=proposal,
                approach=f"Revised: {SECRET}",
                criteria_responses={c.pk: f"{SECRET} answers {c.name}" for c in challenge.criteria.all()},
                team=f"Team {SECRET}",
                price=Decimal("12345.67"),
                timeline="Three months",
            )
        rebuild_index()
    return {"challenge": challenge, "proposal": proposal, "proposer": proposer, "company": company, "people": people}


def browser(user):
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def api(user):
    if not user.is_authenticated:
        return Client()
    _token, raw = api_token_create(user=user, name="leak", scope="read")
    return Client(headers=bearer(raw))


def channels(world, user) -> dict[str, str]:
    """What the person reads on every channel, by channel."""
    challenge, proposal = world["challenge"], world["proposal"]
    client = browser(user)
    seen = {}
    for name, url in [
        ("challenge page", challenge.get_absolute_url()),
        ("proposals list page", f"/challenges/{challenge.pk}/proposals/"),
        ("proposal page", f"/challenges/proposals/{proposal.pk}/"),
        ("proposal edit page", f"/challenges/proposals/{proposal.pk}/edit/"),
        ("search", f"/search/?q={SECRET}"),
        ("search by company", f"/search/?q={COMPANY}"),
        ("csv export", "/challenges/export.csv"),
        ("notifications page", "/notifications/"),
        ("audit trail", "/audit/"),
        ("audit trail of the proposal", f"/audit/?type=challenges.proposal&id={proposal.pk}"),
        ("admin changelist", "/admin/challenges/proposal/"),
        ("admin change page", f"/admin/challenges/proposal/{proposal.pk}/change/"),
        ("my evaluations page", "/challenges/evaluations/"),
        ("evaluation board", f"/challenges/{challenge.pk}/evaluation/"),
    ]:
        response = client.get(url, follow=True)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code < 500, (name, response.status_code)
        if name.startswith("search"):
            # The page repeats what was typed: judge what it found. The company's own public
            # page is found by its name; nothing else may be.
            results = response.context["results"]
            found = [e for e in results.entries if e.kind != "organisation"]
            assert not any("proposal" in e.url for e in results.entries), name
            body = " ".join(f"{e.title} {e.body} {e.url}" for e in found).encode()
            assert results.total == 0 or SECRET not in body.decode(), name
        seen[name] = body.decode()
    caller = api(user)
    for name, url in [
        ("api list", f"/api/challenges/{challenge.pk}/proposals/"),
        ("api detail", f"/api/challenges/{challenge.pk}/proposals/{proposal.pk}"),
        ("api challenge", f"/api/challenges/{challenge.pk}"),
    ]:
        response = caller.get(url)
        assert response.status_code < 500, (name, response.status_code)
        seen[name] = response.content.decode()
    if user.is_authenticated:
        seen["notifications"] = " ".join(
            f"{n.message} {n.params} {n.url}" for n in Notification.objects.filter(recipient=user)
        )
        seen["e-mails"] = " ".join(f"{m.subject} {m.body}" for m in mail.outbox if user.email in m.to)
    return seen


def leaks(seen: dict[str, str]) -> list[str]:
    return [name for name, text in seen.items() if SECRET in text or COMPANY in text]


@pytest.mark.parametrize("role", BEFORE_ROLES)
def test_nothing_leaks_before_the_deadline(world, role):
    user = world["people"][role]
    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False):
        seen = channels(world, user)
    assert leaks(seen) == []
    # Not even a count per company; the owner and programme managers see the total only.
    total_shown = "1 proposal received" in seen["challenge page"]
    assert total_shown == (role in ("owner_author", "owner_admin", "programme_manager"))
    assert seen["api list"].strip() == "[]"


def test_the_company_reads_its_own_proposal_before_the_deadline(world):
    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False):
        seen = channels(world, world["proposer"])
    for name in ("proposal page", "api list", "api detail", "proposal edit page"):
        assert SECRET in seen[name], name
    assert "Your proposal" in seen["challenge page"]
    # Its own notifications say that it was submitted, not what it says.
    assert SECRET not in seen["notifications"] and SECRET not in seen["e-mails"]
    assert "is submitted" in seen["notifications"]


def test_nobody_but_the_company_was_notified_or_e_mailed(world):
    company_emails = {m.email for m in [world["proposer"]]}
    assert {n.recipient_id for n in Notification.objects.all()} == {world["proposer"].pk}
    assert all(set(m.to) <= company_emails for m in mail.outbox)
    assert all(SECRET not in m.body and SECRET not in m.subject for m in mail.outbox)


def test_the_audit_trail_keeps_ids_and_events_only(world):
    from ponte.core.models import AuditEvent

    events = AuditEvent.objects.filter(verb__in=["submit_proposal", "update_proposal"])
    assert events.count() == 2
    for event in events:
        text = f"{event.target_label} {event.before} {event.after} {event.reason}"
        assert SECRET not in text and COMPANY not in text


def test_the_count_is_the_total_never_per_company(world):
    author = world["people"]["owner_author"]
    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False):
        assert proposals_queries.proposal_count(author, world["challenge"]) == 1
        assert proposals_queries.proposal_count(world["people"]["other_company"], world["challenge"]) is None
        assert proposals_queries.proposals_visible_to(author, world["challenge"]).count() == 0


def test_proposals_are_never_search_documents(world):
    from ponte.core.models import SearchEntry

    assert not SearchEntry.objects.filter(key__startswith="challenges.proposal").exists()
    assert not SearchEntry.objects.filter(body__contains=SECRET).exists()


@pytest.mark.parametrize("role", BEFORE_ROLES)
def test_after_the_deadline_only_the_entitled_read_it(world, role):
    user = world["people"][role]
    with time_machine.travel(DEADLINE, tick=False):
        seen = channels(world, user)
    if role in ENTITLED_AFTER:
        for name in ("proposals list page", "proposal page", "api list", "api detail"):
            assert SECRET in seen[name] or COMPANY in seen[name], name
        assert SECRET not in seen["proposal edit page"] or "can no longer be changed" in seen["proposal edit page"]
        # Still never in search, the export, notifications or the audit trail.
        for name in ("search", "search by company", "csv export", "notifications", "e-mails", "audit trail"):
            assert SECRET not in seen[name] and COMPANY not in seen[name], name
    else:
        assert leaks(seen) == []


def test_after_the_deadline_the_admin_shows_programme_managers_only_what_they_may_read(world):
    """The admin's queryset is the same seal: a superuser who is not entitled sees nothing,
    even after the deadline."""
    with time_machine.travel(DEADLINE + timedelta(days=1), tick=False):
        admin = world["people"]["platform_admin"]
        assert proposals_queries.proposals_visible_to(admin).count() == 0
        manager = world["people"]["programme_manager"]
        assert list(proposals_queries.proposals_visible_to(manager)) == [world["proposal"]]
        assert not Proposal.objects.filter(status="withdrawn").exists()


def test_an_attachment_to_a_sealed_proposal_leaves_no_file_name_in_the_audit_trail(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ponte.core import attachments
    from ponte.core.models import AuditEvent

    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with time_machine.travel(DEADLINE - timedelta(hours=2), tick=False):
        attachments.attach(
            SimpleUploadedFile("our-secret-pricing-model.pdf", pdf), target=world["proposal"], actor=world["proposer"]
        )
    events = AuditEvent.objects.filter(verb="attach")
    assert events.exists()
    assert not any("secret-pricing" in str(event.after) for event in events)


# Evaluators ----------------------------------------------------------------------------

EVALUATOR_STATES = {
    "evaluator_assigned": "assigned",
    "evaluator_cleared": "cleared",
    "evaluator_recused": "recused",
    "evaluator_unassigned": "removed",
}
# Pages made from an evaluator's own assignments name the company (they must, to declare a
# conflict of interest), never what it proposed.
EVALUATOR_PAGES = ("my evaluations page", "own evaluation page")


def _evaluator():
    person = UserFactory(is_evaluator=True)
    give_two_factor(person)
    return person


def _own_evaluation_page(person) -> str:
    """The page of the evaluator's own evaluation: where they declare, then score."""
    evaluation = Evaluation.objects.get(evaluator=person)
    response = browser(person).get(f"/challenges/evaluations/{evaluation.pk}/", follow=True)
    assert response.status_code < 500
    return response.content.decode()


@pytest.mark.parametrize("role", EVALUATOR_STATES)
def test_an_evaluation_on_record_before_the_deadline_opens_nothing(world, role):
    """The service refuses to assign before the deadline; even a row that got there
    another way (an import, the Django admin) reads nothing: the seal is the clock's."""
    person = _evaluator()
    Evaluation.objects.create(
        proposal=world["proposal"],
        evaluator=person,
        assigned_by=world["people"]["programme_manager"],
        status=EVALUATOR_STATES[role],
    )
    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False):
        seen = channels(world, person)
        seen["own evaluation page"] = _own_evaluation_page(person)
    assert [name for name, text in seen.items() if SECRET in text] == []
    assert [name for name in leaks(seen) if name not in EVALUATOR_PAGES] == []


@pytest.fixture
def evaluators(world):
    """A minute after the deadline a programme manager assigns four evaluators; one clears
    themselves, one declares a conflict, and one clears and then has the assignment removed."""
    manager = world["people"]["programme_manager"]
    people = {role: _evaluator() for role in EVALUATOR_STATES}
    with time_machine.travel(DEADLINE + timedelta(minutes=1), tick=False):
        evaluation_services.evaluators_assign(
            actor=manager, challenge=world["challenge"], proposals=[world["proposal"]], evaluators=people.values()
        )

        def evaluation_of(role):
            return Evaluation.objects.get(evaluator=people[role])

        for role in ("evaluator_cleared", "evaluator_unassigned"):
            evaluation_services.conflict_declare(actor=people[role], evaluation=evaluation_of(role), has_conflict=False)
        evaluation_services.conflict_declare(
            actor=people["evaluator_recused"],
            evaluation=evaluation_of("evaluator_recused"),
            has_conflict=True,
            note="I worked for this company until last year.",
        )
        evaluation_services.evaluation_unassign(actor=manager, evaluation=evaluation_of("evaluator_unassigned"))
    assert {e.evaluator_id: e.status for e in Evaluation.objects.all()} == {
        people[role].pk: status for role, status in EVALUATOR_STATES.items()
    }
    return people


@pytest.mark.parametrize("role", EVALUATOR_STATES)
def test_after_the_deadline_an_evaluator_reads_only_the_proposal_they_are_cleared_for(world, evaluators, role):
    with time_machine.travel(DEADLINE + timedelta(hours=1), tick=False):
        seen = channels(world, evaluators[role])
        seen["own evaluation page"] = _own_evaluation_page(evaluators[role])
    if role == "evaluator_cleared":
        for name in ("proposal page", "api detail", "api list"):
            assert SECRET in seen[name], name
    else:
        assert [name for name, text in seen.items() if SECRET in text] == []
    # Never the public body's list nor the board, nor through search, the export, a
    # notification, an e-mail or the audit trail.
    for name in (
        "proposals list page",
        "evaluation board",
        "search",
        "search by company",
        "csv export",
        "notifications",
        "e-mails",
        "audit trail",
        "admin change page",
    ):
        assert SECRET not in seen[name] and COMPANY not in seen[name], (name, role)


# The Django admin of attachments ---------------------------------------------------------

SEALED_FILE = f"{SECRET}-pricing-model.pdf"
PUBLIC_FILE = "annual-report.pdf"


@pytest.fixture
def attached(world):
    """The company attaches a file to its sealed proposal; the public body a document to its
    own page, which is not sealed."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ponte.core import attachments

    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with time_machine.travel(DEADLINE - timedelta(hours=2), tick=False):
        sealed = attachments.attach(
            SimpleUploadedFile(SEALED_FILE, pdf), target=world["proposal"], actor=world["proposer"]
        )
        public = attachments.attach(
            SimpleUploadedFile(PUBLIC_FILE, pdf),
            target=world["challenge"].owner,
            actor=world["people"]["owner_admin"],
        )
    return {"sealed": sealed, "public": public}


def _admin_attachment_screens(user, attached) -> dict[str, object]:
    client = browser(user)
    listing = client.get("/admin/core/attachment/")
    search = client.get(f"/admin/core/attachment/?q={SECRET}")
    assert listing.status_code == 200 and search.status_code == 200
    return {
        "listing": listing,
        "search": search,
        "change page": client.get(f"/admin/core/attachment/{attached['sealed'].pk}/change/", follow=True),
        "history page": client.get(f"/admin/core/attachment/{attached['sealed'].pk}/history/", follow=True),
    }


def test_before_the_deadline_the_attachments_admin_shows_nothing_of_a_sealed_proposal(world, attached):
    """Sealed in every admin screen: the list, its count, its search and the change page of a
    sealed proposal's attachment show a platform admin nothing, not even its file name."""
    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False):
        screens = _admin_attachment_screens(world["people"]["platform_admin"], attached)
    for name in ("listing", "change page", "history page"):
        assert SECRET not in screens[name].content.decode(), name
    listing = screens["listing"].context["cl"]
    assert [a.original_name for a in listing.result_list] == [PUBLIC_FILE]
    assert listing.result_count == listing.full_result_count == 1
    # The search page repeats what was typed: judge what it found.
    search = screens["search"].context["cl"]
    assert list(search.result_list) == [] and search.full_result_count == 1
    assert SEALED_FILE not in screens["search"].content.decode()


def test_after_the_deadline_the_attachments_admin_follows_the_proposal_seal(world, attached):
    """Once the seal lifts, the admin shows the file to whoever may read the proposal (a
    programme manager) and still not to a platform admin who may not."""
    admin = world["people"]["platform_admin"]
    with time_machine.travel(DEADLINE + timedelta(minutes=1), tick=False):
        assert SECRET not in _admin_attachment_screens(admin, attached)["listing"].content.decode()
        admin.is_programme_manager = True
        admin.save(update_fields=["is_programme_manager"])
        screens = _admin_attachment_screens(admin, attached)
    names = {a.original_name for a in screens["listing"].context["cl"].result_list}
    assert names == {SEALED_FILE, PUBLIC_FILE}
    assert SECRET in screens["change page"].content.decode()


def test_before_the_deadline_the_audit_trail_does_not_say_who_bid(world):
    """Who submitted a proposal is sealed too: before the deadline neither the audit trail page
    nor the Django admin's audit events show a proposal's events (their actor would name the
    bidder); once the seal lifts, they show them to whoever may read the proposal."""
    proposal, proposer = world["proposal"], world["proposer"]
    manager, admin = world["people"]["programme_manager"], world["people"]["platform_admin"]

    def proposal_events(user) -> tuple[list, list]:
        page = browser(user).get("/audit/")
        assert page.status_code == 200
        assert proposer.name not in page.content.decode()
        on_page = [e for e in page.context["page"].object_list if e.target_id == str(proposal.pk)]
        in_admin = []
        if user.is_staff:  # the Django admin is the platform admin's
            listing = browser(user).get("/admin/core/auditevent/")
            assert listing.status_code == 200 and proposer.name not in listing.content.decode()
            in_admin = [e for e in listing.context["cl"].result_list if e.target_id == str(proposal.pk)]
        return on_page, in_admin

    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False):
        assert proposal_events(manager) == ([], [])
        assert proposal_events(admin) == ([], [])
    with time_machine.travel(DEADLINE + timedelta(minutes=1), tick=False):
        page = browser(manager).get("/audit/")
        assert {e.verb for e in page.context["page"].object_list if e.target_id == str(proposal.pk)} >= {
            "submit_proposal"
        }
