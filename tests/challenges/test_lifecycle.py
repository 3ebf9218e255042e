"""The challenge services: the rules of content (budget ceilings, weights, completeness,
deadlines), the lifecycle (only legal moves, each audited once), revision after
publication, who hears about what, and who may do what."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ponte.challenges.models import LIFECYCLE, Challenge, Instrument, InstrumentRule, Interest, Status, Subscription
from ponte.challenges.queries import public as public_queries
from ponte.challenges.services import drafting as drafting_services
from ponte.challenges.services import following as following_services
from ponte.challenges.services import review as review_services
from ponte.core.models import AuditEvent, Notification
from ponte.core.search import search
from ponte.reference.models import CpvCode, SectorTag
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory, OrganisationFactory, UserFactory

ANONYMOUS = AnonymousUser()


def audit_rows(challenge, verb=None):
    rows = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(Challenge), target_id=str(challenge.pk)
    )
    return rows.filter(verb=verb) if verb else rows


def fresh(challenge):
    return Challenge.objects.get(pk=challenge.pk)


def sector(code):
    return SectorTag.objects.get_or_create(code=code)[0]


@pytest.fixture
def body(db):
    return OrganisationFactory(name="Agency for Administrative Modernisation")


@pytest.fixture
def author(body):
    return MembershipFactory(organisation=body, role="member").user


@pytest.fixture
def body_admin(body):
    return MembershipFactory(organisation=body, role="admin").user


@pytest.fixture
def company():
    return CompanyFactory(name="Civic Data Labs")


@pytest.fixture
def company_member(company):
    return MembershipFactory(organisation=company).user


@pytest.fixture
def complete_draft(body, author):
    challenge = ChallengeFactory(owner=body, author=author)
    challenge.sectors.add(sector("digital"))
    return challenge


def in_state(state, body, author, **fields):
    """A complete challenge of `body` in `state` (published ones open, unless told)."""
    published = state == Status.PUBLISHED or fields.pop("was_published", False)
    challenge = ChallengeFactory(
        owner=body,
        author=author,
        status=state,
        published_at=timezone.now() - timedelta(days=3) if published else None,
        **fields,
    )
    challenge.sectors.add(sector("digital"))
    return challenge


def published(body, author, **fields):
    return in_state(Status.PUBLISHED, body, author, **fields)


# The budget rule --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_budget_above_the_low_value_ceiling_is_refused_naming_the_rule(body, author):
    with pytest.raises(ValidationError) as error:
        drafting_services.challenge_create(
            actor=author, owner=body, title="Queues at the front desk", budget_ceiling=Decimal("30000.01")
        )
    message = " ".join(error.value.message_dict["budget_ceiling"])
    assert "30,000" in message
    assert "low-value contract" in message
    assert "low-value contracts, at most EUR 30,000 excl. VAT" in message  # the legal basis
    assert not Challenge.objects.filter(title="Queues at the front desk").exists()


@pytest.mark.django_db
def test_a_budget_at_the_ceiling_is_accepted(body, author):
    challenge = drafting_services.challenge_create(
        actor=author, owner=body, title="Queues at the front desk", budget_ceiling=Decimal("30000")
    )
    assert fresh(challenge).budget_ceiling == Decimal("30000")


@pytest.mark.django_db
def test_an_update_above_the_ceiling_is_refused_and_changes_nothing(complete_draft, author):
    with pytest.raises(ValidationError, match="30,000"):
        drafting_services.challenge_update(actor=author, challenge=complete_draft, budget_ceiling=Decimal("45000"))
    assert fresh(complete_draft).budget_ceiling == Decimal("20000")


@pytest.mark.django_db
def test_instruments_without_a_ceiling_accept_any_budget(body, author):
    challenge = drafting_services.challenge_create(
        actor=author,
        owner=body,
        title="Predicting floods",
        instrument=Instrument.PRE_COMMERCIAL,
        budget_ceiling=Decimal("2500000"),
    )
    assert challenge.budget_ceiling == Decimal("2500000")


@pytest.mark.django_db
def test_the_platform_admin_changing_the_ceiling_changes_the_rule(body, author):
    rule = InstrumentRule.objects.get(instrument=Instrument.LOW_VALUE)
    rule.ceiling = Decimal("40000")
    rule.save()
    challenge = drafting_services.challenge_create(
        actor=author, owner=body, title="Queues at the front desk", budget_ceiling=Decimal("40000")
    )
    assert challenge.budget_ceiling == Decimal("40000")
    rule.ceiling = Decimal("10000")
    rule.save()
    with pytest.raises(ValidationError, match="10,000"):
        drafting_services.challenge_create(
            actor=author, owner=body, title="Another", budget_ceiling=Decimal("10000.01")
        )


@pytest.mark.django_db
def test_submitting_a_draft_whose_budget_exceeds_a_lowered_ceiling_is_refused(complete_draft, author):
    InstrumentRule.objects.filter(instrument=Instrument.LOW_VALUE).update(ceiling=Decimal("15000"))
    with pytest.raises(ValidationError) as error:
        review_services.challenge_submit(actor=author, challenge=complete_draft)
    assert "15,000" in " ".join(error.value.message_dict["budget_ceiling"])
    assert fresh(complete_draft).status == Status.DRAFT


# Criteria weights -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        pytest.param([{"name": "Impact", "weight": 50}, {"name": "Cost", "weight": 49}], "99%", id="99"),
        pytest.param([{"name": "Impact", "weight": 51}, {"name": "Cost", "weight": 50}], "101%", id="101"),
        pytest.param([{"name": "Impact", "weight": 50}, {"name": " impact ", "weight": 50}], "different", id="dup"),
        pytest.param([], "at least one", id="empty"),
    ],
)
def test_criteria_weights_must_sum_to_100_with_distinct_names(complete_draft, author, criteria, message):
    with pytest.raises(ValidationError, match=message):
        drafting_services.challenge_update(actor=author, challenge=complete_draft, criteria=criteria)
    assert sorted(complete_draft.criteria.values_list("weight", flat=True)) == [40, 60]


@pytest.mark.django_db
def test_criteria_summing_to_100_replace_the_old_ones(complete_draft, author):
    criteria = [{"name": "Impact", "weight": 50}, {"name": "Cost", "weight": 30}, {"name": "Speed", "weight": 20}]
    drafting_services.challenge_update(actor=author, challenge=complete_draft, criteria=criteria)
    assert list(complete_draft.criteria.values_list("name", "weight")) == [("Impact", 50), ("Cost", 30), ("Speed", 20)]


# The lifecycle: illegal moves change nothing, legal ones are audited once -----------------------

ACTOR_OF = {
    "submit": "author",
    "approve_for_organisation": "body_admin",
    "return_to_author": "programme_manager",
    "approve": "programme_manager",
    "publish": "programme_manager",
    "cancel": "programme_manager",
}


def run(verb, actor, challenge):
    if verb == "submit":
        return review_services.challenge_submit(actor=actor, challenge=challenge)
    if verb == "approve_for_organisation":
        return review_services.challenge_approve_for_organisation(actor=actor, challenge=challenge)
    if verb == "return_to_author":
        return review_services.challenge_return_to_author(
            actor=actor, challenge=challenge, reason="Say who is affected."
        )
    if verb == "approve":
        return review_services.challenge_approve(actor=actor, challenge=challenge, reason="Clear and well scoped.")
    if verb == "publish":
        return review_services.challenge_publish(actor=actor, challenge=challenge)
    if verb == "cancel":
        return review_services.challenge_cancel(actor=actor, challenge=challenge, reason="The budget was withdrawn.")
    raise AssertionError(verb)


ILLEGAL = [
    pytest.param(state, verb, id=f"{verb}-from-{state}")
    for verb in ACTOR_OF
    for state in Status.values
    if state not in LIFECYCLE.transition(verb).sources
]
LEGAL = [
    pytest.param(state, verb, id=f"{verb}-from-{state}")
    for verb in ACTOR_OF
    for state in LIFECYCLE.transition(verb).sources
]


# The outcome's services live in services/award.py; tests/challenges/award/test_award.py walks their moves.
OUTCOME = {"award", "close_without_award"}


def test_every_transition_but_revise_has_a_service():
    assert {t.verb for t in LIFECYCLE.transitions} == set(ACTOR_OF) | OUTCOME | {"revise"}


@pytest.fixture
def actors(author, body_admin, programme_manager):
    # The organisation admin returns what awaits the organisation; a programme manager the rest.
    return {"author": author, "body_admin": body_admin, "programme_manager": programme_manager}


def actor_for(verb, state, actors):
    if verb in ("return_to_author", "cancel") and state == Status.AWAITING_ORGANISATION:
        return actors["body_admin"]
    return actors[ACTOR_OF[verb]]


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "verb"), ILLEGAL)
def test_an_illegal_transition_changes_nothing_and_audits_nothing(state, verb, body, author, actors):
    challenge = in_state(state, body, author)
    before = audit_rows(challenge).count()
    with pytest.raises((PermissionDenied, ValidationError)):
        run(verb, actor_for(verb, state, actors), challenge)
    assert fresh(challenge).status == state
    assert audit_rows(challenge).count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "verb"), LEGAL)
def test_a_legal_transition_writes_exactly_one_audit_row_with_actor_and_reason(state, verb, body, author, actors):
    challenge = in_state(state, body, author)
    actor = actor_for(verb, state, actors)
    run(verb, actor, challenge)
    after = fresh(challenge)
    assert after.status == LIFECYCLE.transition(verb).target
    rows = list(audit_rows(challenge))
    assert len(rows) == 1
    (row,) = rows
    assert (row.verb, row.actor, row.before, row.after) == (
        verb,
        actor,
        {"status": state},
        {"status": LIFECYCLE.transition(verb).target},
    )
    expected_reason = {
        "return_to_author": "Say who is affected.",
        "approve": "Clear and well scoped.",
        "cancel": "The budget was withdrawn.",
    }.get(verb, "")
    assert row.reason == expected_reason
    timestamp = LIFECYCLE.transition(verb).timestamp
    assert getattr(after, timestamp) is not None


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_returning_to_the_author_needs_a_reason(body, author, programme_manager, reason):
    challenge = in_state(Status.AWAITING_REVIEW, body, author)
    with pytest.raises(ValidationError, match="Say what needs to change"):
        review_services.challenge_return_to_author(actor=programme_manager, challenge=challenge, reason=reason)
    assert fresh(challenge).status == Status.AWAITING_REVIEW
    assert not audit_rows(challenge).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(body, author, programme_manager, reason):
    challenge = published(body, author)
    with pytest.raises(ValidationError, match="reason for cancelling"):
        review_services.challenge_cancel(actor=programme_manager, challenge=challenge, reason=reason)
    assert fresh(challenge).status == Status.PUBLISHED
    assert not audit_rows(challenge).exists()


@pytest.mark.django_db
def test_the_reasons_are_kept_on_the_challenge_and_told_to_the_author(body, author, programme_manager):
    challenge = in_state(Status.AWAITING_REVIEW, body, author)
    review_services.challenge_return_to_author(
        actor=programme_manager, challenge=challenge, reason="  Name the users.  "
    )
    assert fresh(challenge).changes_requested_reason == "Name the users."
    note = Notification.objects.get(recipient=author, kind="challenges.changes_requested")
    assert note.params["reason"] == "Name the users."


@pytest.mark.django_db
def test_submit_refuses_an_incomplete_draft_listing_what_is_missing(body, author):
    challenge = ChallengeFactory(
        owner=body, author=author, summary="", affected="", budget_ceiling=None, deadline=None, criteria=False
    )
    with pytest.raises(ValidationError) as error:
        review_services.challenge_submit(actor=author, challenge=challenge)
    assert set(error.value.message_dict) == {"summary", "affected", "budget_ceiling", "deadline", "sectors", "criteria"}
    assert fresh(challenge).status == Status.DRAFT
    assert not audit_rows(challenge).exists()


@pytest.mark.django_db
def test_submit_refuses_criteria_that_do_not_add_up(complete_draft, author):
    complete_draft.criteria.filter(weight=40).update(weight=30)
    with pytest.raises(ValidationError) as error:
        review_services.challenge_submit(actor=author, challenge=complete_draft)
    assert set(error.value.message_dict) == {"criteria"}


@pytest.mark.django_db
def test_submit_sends_a_complete_draft_to_the_organisation_admins(complete_draft, author, body_admin):
    review_services.challenge_submit(actor=author, challenge=complete_draft)
    assert fresh(complete_draft).status == Status.AWAITING_ORGANISATION
    assert Notification.objects.filter(recipient=body_admin, kind="challenges.to_approve").count() == 1


@pytest.mark.django_db
def test_publish_refuses_a_deadline_that_has_passed(body, author, programme_manager):
    challenge = in_state(Status.APPROVED, body, author, deadline=timezone.now() + timedelta(days=2))
    with (
        time_machine.travel(timezone.now() + timedelta(days=3)),
        pytest.raises(ValidationError, match="deadline has passed"),
    ):
        review_services.challenge_publish(actor=programme_manager, challenge=challenge)
    assert fresh(challenge).status == Status.APPROVED
    assert fresh(challenge).published_at is None
    assert not audit_rows(challenge).exists()


@pytest.mark.django_db
def test_a_deadline_in_the_past_cannot_be_set(complete_draft, author):
    with pytest.raises(ValidationError, match="future"):
        drafting_services.challenge_update(
            actor=author, challenge=complete_draft, deadline=timezone.now() - timedelta(minutes=1)
        )


# Revision after publication -------------------------------------------------------------------


@pytest.fixture
def followed(body, author, company, company_member):
    challenge = published(body, author)
    following_services.interest_express(actor=company_member, challenge=challenge, company=company)
    other_company = CompanyFactory()
    other_member = MembershipFactory(organisation=other_company).user
    following_services.interest_express(actor=other_member, challenge=challenge, company=other_company)
    return challenge, [company_member, other_member]


@pytest.mark.django_db
# A clarified problem or a later deadline is now an amendment that keeps the challenge published
# (tests/challenges/amendments/test_amendments.py); what alters who may bid or what is bought still goes back.
@pytest.mark.parametrize(
    "change",
    [{"budget_ceiling": Decimal("25000")}, {"instrument": Instrument.PRIZE}],
    ids=["budget", "instrument"],
)
def test_a_change_of_substance_to_a_published_challenge_sends_it_back_to_review(
    followed, author, programme_manager, change
):
    challenge, followers = followed
    drafting_services.challenge_update(actor=author, challenge=challenge, **change)
    after = fresh(challenge)
    assert after.status == Status.AWAITING_REVIEW
    assert after.revised_at is not None
    assert after.published_at == challenge.published_at
    # Still public while under review: a revision is part of the record.
    assert after in public_queries.visible_challenges(ANONYMOUS)
    assert ANONYMOUS.has_perm("challenges.view_challenge", after)
    assert audit_rows(challenge, "revise").count() == 1
    for follower in followers:
        assert Notification.objects.filter(recipient=follower, kind="challenges.revised").count() == 1
    assert Notification.objects.filter(kind="challenges.revised").count() == len(followers)
    assert Notification.objects.filter(recipient=programme_manager, kind="challenges.to_review").count() == 1


@pytest.mark.django_db
def test_changing_the_criteria_of_a_published_challenge_is_a_change_of_substance(followed, author):
    challenge, followers = followed
    drafting_services.challenge_update(
        actor=author, challenge=challenge, criteria=[{"name": "Impact", "weight": 70}, {"name": "Cost", "weight": 30}]
    )
    assert fresh(challenge).status == Status.AWAITING_REVIEW
    assert Notification.objects.filter(kind="challenges.revised").count() == len(followers)


@pytest.mark.django_db
def test_a_change_of_languages_is_not_a_change_of_substance(followed, author):
    challenge, _followers = followed
    drafting_services.challenge_update(actor=author, challenge=challenge, languages=["en", "pt-pt"])
    after = fresh(challenge)
    assert after.status == Status.PUBLISHED
    assert after.languages == ["en", "pt-pt"]
    assert after.revised_at is None
    assert not Notification.objects.filter(kind="challenges.revised").exists()
    assert not audit_rows(challenge, "revise").exists()


@pytest.mark.django_db
def test_saving_a_published_challenge_unchanged_does_not_revise_it(followed, author):
    challenge, _followers = followed
    drafting_services.challenge_update(actor=author, challenge=challenge, title=challenge.title)
    assert fresh(challenge).status == Status.PUBLISHED
    assert not Notification.objects.filter(kind="challenges.revised").exists()


@pytest.mark.django_db
def test_unknown_languages_are_refused(complete_draft, author):
    with pytest.raises(ValidationError):
        drafting_services.challenge_update(actor=author, challenge=complete_draft, languages=["en", "klingon"])


@pytest.mark.django_db
def test_a_revised_challenge_republished_tells_its_followers(followed, author, programme_manager):
    challenge, followers = followed
    drafting_services.challenge_update(actor=author, challenge=challenge, budget_ceiling=Decimal("25000"))
    review_services.challenge_approve(actor=programme_manager, challenge=challenge)
    Notification.objects.all().delete()
    review_services.challenge_publish(actor=programme_manager, challenge=challenge)
    assert fresh(challenge).status == Status.PUBLISHED
    assert {n.recipient for n in Notification.objects.filter(kind="challenges.revised")} == set(followers)
    assert not Notification.objects.filter(kind="challenges.new_match").exists()


@pytest.mark.django_db
def test_cancelling_tells_the_followers_why(followed, programme_manager):
    challenge, followers = followed
    review_services.challenge_cancel(actor=programme_manager, challenge=challenge, reason="The law changed.")
    notes = Notification.objects.filter(kind="challenges.cancelled")
    assert {n.recipient for n in notes} == set(followers)
    assert all(n.params["reason"] == "The law changed." for n in notes)


# Who hears of a new publication ---------------------------------------------------------------


@pytest.mark.django_db
def test_publication_notifies_the_subscribers_whose_alerts_match_and_nobody_else(body, author, programme_manager):
    challenge = in_state(
        Status.APPROVED,
        body,
        author,
        title="Waiting times at citizen shops",
        summary="Citizens wait hours for simple services.",
    )
    challenge.sectors.set([sector("digital")])
    challenge.cpv_codes.set([CpvCode.objects.get(code="72212000-4")])

    def subscriber(sectors=(), cpv_prefixes=(), keywords=()):
        person = UserFactory()
        subscription = Subscription.objects.create(
            user=person, cpv_prefixes=list(cpv_prefixes), keywords=list(keywords)
        )
        subscription.sectors.set([sector(code) for code in sectors])
        return person

    by_sector = subscriber(sectors=["digital", "health"])
    by_cpv_division = subscriber(cpv_prefixes=["72000000-5"])
    by_cpv_group = subscriber(cpv_prefixes=["72212000"])
    by_keyword = subscriber(keywords=["WAITING"])
    not_health = subscriber(sectors=["health"])
    not_software = subscriber(cpv_prefixes=["48000000-8"])
    not_roads = subscriber(keywords=["roads", " "])
    nothing = subscriber()
    bystander = UserFactory()

    review_services.challenge_publish(actor=programme_manager, challenge=challenge)

    notified = {n.recipient for n in Notification.objects.filter(kind="challenges.new_match")}
    assert notified == {by_sector, by_cpv_division, by_cpv_group, by_keyword}
    assert not notified & {not_health, not_software, not_roads, nothing, bystander}
    assert Notification.objects.filter(kind="challenges.new_match").count() == 4
    assert Notification.objects.filter(recipient=author, kind="challenges.published").count() == 1


# Drafts are never public ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state",
    [Status.DRAFT, Status.AWAITING_ORGANISATION, Status.AWAITING_REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED],
)
def test_a_challenge_never_published_is_neither_indexed_nor_public(body, author, state):
    challenge = in_state(state, body, author, title="Zanzibarian ferry timetables")
    assert search("zanzibarian", user=ANONYMOUS).total == 0
    assert search("zanzibarian", user=author).total == 0
    assert challenge not in public_queries.public_challenges()
    assert challenge not in public_queries.visible_challenges(ANONYMOUS)


@pytest.mark.django_db
def test_a_challenge_enters_the_index_when_published(body, author, programme_manager):
    challenge = in_state(Status.APPROVED, body, author, title="Zanzibarian ferry timetables")
    assert search("zanzibarian", user=ANONYMOUS).total == 0
    review_services.challenge_publish(actor=programme_manager, challenge=challenge)
    results = search("zanzibarian", user=ANONYMOUS)
    assert [entry.title for entry in results.entries] == ["Zanzibarian ferry timetables"]
    assert challenge in public_queries.public_challenges()


# Deadlines: time is data ----------------------------------------------------------------------


@pytest.fixture
def deadline_challenge(body, author):
    deadline = timezone.now().replace(microsecond=0) + timedelta(days=5)
    return published(body, author, deadline=deadline), deadline


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("offset", "is_open"),
    [(timedelta(seconds=-1), True), (timedelta(0), False), (timedelta(seconds=1), False)],
    ids=["one-second-before", "at-the-deadline", "one-second-after"],
)
def test_the_deadline_edges(deadline_challenge, company, company_member, offset, is_open):
    challenge, deadline = deadline_challenge
    with time_machine.travel(deadline + offset, tick=False):
        challenge = fresh(challenge)
        assert challenge.is_open is is_open
        assert challenge.is_closed is not is_open
        assert (challenge in Challenge.objects.open()) is is_open
        if is_open:
            following_services.interest_express(actor=company_member, challenge=challenge, company=company)
            assert Interest.objects.filter(challenge=challenge, company=company).exists()
        else:
            with pytest.raises(PermissionDenied):
                following_services.interest_express(actor=company_member, challenge=challenge, company=company)
            assert not Interest.objects.filter(challenge=challenge).exists()


@pytest.mark.django_db
def test_expressing_interest_twice_keeps_one_interest_and_one_audit_row(body, author, company, company_member):
    challenge = published(body, author)
    following_services.interest_express(actor=company_member, challenge=challenge, company=company)
    following_services.interest_express(actor=company_member, challenge=challenge, company=company)
    assert Interest.objects.filter(challenge=challenge).count() == 1
    assert audit_rows(challenge, "express_interest").count() == 1


@pytest.mark.django_db
def test_interest_is_expressed_only_on_behalf_of_ones_own_company(body, author, company_member):
    challenge = published(body, author)
    with pytest.raises(PermissionDenied):
        following_services.interest_express(actor=company_member, challenge=challenge, company=CompanyFactory())
    with pytest.raises(PermissionDenied):
        following_services.interest_express(actor=company_member, challenge=challenge, company=body)
    assert not Interest.objects.exists()


# Permissions: the wrong role is refused by every service ---------------------------------------


@pytest.fixture
def people(body, author, body_admin, programme_manager, company_member):
    return {
        "author": author,
        "body_admin": body_admin,
        "colleague": MembershipFactory(organisation=body).user,
        "other_body": MembershipFactory(organisation=OrganisationFactory()).user,
        "company_member": company_member,
        "citizen": UserFactory(),
        "evaluator": UserFactory(is_evaluator=True),
        "sponsor": UserFactory(is_sponsor=True),
        "platform_admin": UserFactory(is_staff=True, is_superuser=True),
        "programme_manager": programme_manager,
    }


WRONG_ROLES = {
    # (state the challenge is in, the service, who may not)
    "submit": (
        Status.DRAFT,
        ["colleague", "other_body", "company_member", "citizen", "programme_manager", "platform_admin"],
    ),
    "approve_for_organisation": (
        Status.AWAITING_ORGANISATION,
        ["author", "colleague", "other_body", "company_member", "programme_manager", "platform_admin"],
    ),
    "return_to_author": (
        Status.AWAITING_REVIEW,
        ["author", "body_admin", "colleague", "company_member", "evaluator", "sponsor", "platform_admin"],
    ),
    "approve": (
        Status.AWAITING_REVIEW,
        ["author", "body_admin", "company_member", "evaluator", "sponsor", "platform_admin"],
    ),
    "publish": (Status.APPROVED, ["author", "body_admin", "company_member", "evaluator", "sponsor", "platform_admin"]),
    "cancel": (
        Status.PUBLISHED,
        ["author", "colleague", "other_body", "company_member", "citizen", "evaluator", "sponsor", "platform_admin"],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("verb", "state", "role"),
    [
        pytest.param(verb, state, role, id=f"{verb}-{role}")
        for verb, (state, roles) in WRONG_ROLES.items()
        for role in roles
    ],
)
def test_each_service_refuses_the_wrong_role(verb, state, role, body, author, people):
    challenge = in_state(state, body, author)
    with pytest.raises(PermissionDenied):
        run(verb, people[role], challenge)
    assert fresh(challenge).status == state
    assert not audit_rows(challenge).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["colleague", "other_body", "company_member", "citizen", "programme_manager"])
def test_only_the_author_or_the_body_admin_edits(complete_draft, people, role):
    with pytest.raises(PermissionDenied):
        drafting_services.challenge_update(actor=people[role], challenge=complete_draft, title="Hijacked")
    assert fresh(complete_draft).title != "Hijacked"
    drafting_services.challenge_update(actor=people["body_admin"], challenge=complete_draft, title="Sharper title")
    assert fresh(complete_draft).title == "Sharper title"


@pytest.mark.django_db
def test_a_closed_challenge_can_no_longer_be_edited(body, author):
    challenge = published(body, author, deadline=timezone.now() + timedelta(hours=1))
    with time_machine.travel(timezone.now() + timedelta(hours=2)), pytest.raises(PermissionDenied):
        drafting_services.challenge_update(actor=author, challenge=challenge, problem="Moving the goalposts.")
    assert fresh(challenge).status == Status.PUBLISHED
    assert fresh(challenge).problem != "Moving the goalposts."


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["citizen", "company_member", "programme_manager", "platform_admin"])
def test_only_public_servants_create_challenges(body, people, role):
    with pytest.raises(PermissionDenied):
        drafting_services.challenge_create(actor=people[role], owner=body, title="Not mine")
    assert not Challenge.objects.filter(title="Not mine").exists()


@pytest.mark.django_db
def test_a_public_servant_creates_challenges_only_for_their_own_body(body, people):
    with pytest.raises(PermissionDenied):
        drafting_services.challenge_create(actor=people["other_body"], owner=body, title="Not mine")
    with pytest.raises(PermissionDenied):
        drafting_services.challenge_create(
            actor=people["author"], owner=OrganisationFactory(status="pending"), title="Nope"
        )
    challenge = drafting_services.challenge_create(actor=people["author"], owner=body, title="  Mine  ")
    assert (challenge.title, challenge.status, challenge.author) == ("Mine", Status.DRAFT, people["author"])
    assert audit_rows(challenge, "create").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["citizen", "author", "programme_manager", "evaluator"])
def test_only_company_members_express_interest(body, author, people, company, role):
    challenge = published(body, author)
    with pytest.raises(PermissionDenied):
        following_services.interest_express(actor=people[role], challenge=challenge, company=company)
    assert not Interest.objects.exists()
