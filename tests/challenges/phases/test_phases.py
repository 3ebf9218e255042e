"""Challenges in several phases (solution design → prototype → test, as in pre-commercial
procurement): each phase is a challenge of its own; the drafter of an awarded phase prepares
the next one, which copies the problem but sets its own budget, deadline and criteria; only
the suppliers awarded in a phase may answer the next."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ponte.accounts.models import User
from ponte.challenges.models import Challenge, Criterion, Proposal, Question, Status
from ponte.challenges.queries import phases as phases_queries
from ponte.challenges.queries import proposals as proposals_queries
from ponte.challenges.queries import public as public_queries
from ponte.challenges.services import phases as phases_services
from ponte.challenges.services import questions as questions_services
from ponte.challenges.services import review as review_services
from ponte.core.models import AuditEvent
from ponte.organisations.models import Membership
from tests.challenges import outcomes
from tests.challenges.phases.worlds import awarded_first_phase, next_phase, propose, publish, three_phases
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    MembershipFactory,
    OrganisationFactory,
    PublishedChallengeFactory,
    UserFactory,
)


def fresh(challenge):
    return Challenge.objects.get(pk=challenge.pk)


def copy_of(criteria):
    return [(c.name, c.description, c.weight, c.position) for c in criteria]


@pytest.fixture
def series(db):
    return awarded_first_phase()


# Preparing the next phase ------------------------------------------------------------------


def test_the_drafter_of_an_awarded_challenge_prepares_its_next_phase_as_a_draft(series):
    first = series.first
    Criterion.objects.filter(challenge=first, position=0).update(description="Who is affected, and how much.")
    assert series.author.has_perm("challenges.add_next_phase", first)

    phase = phases_services.phase_create_next(actor=series.author, challenge=first, phase_name="  Prototype  ")

    phase = fresh(phase)
    assert (phase.status, phase.owner, phase.author) == (Status.DRAFT, first.owner, series.author)
    assert (phase.phase_name, phase.previous_phase, phase.first_phase) == ("Prototype", first, first)
    # The problem statement, its classification and the way proposals are judged carry over.
    for name in phases_services.CARRIED_TO_THE_NEXT_PHASE:
        assert getattr(phase, name) == getattr(first, name), name
    assert phase.context and phase.constraints and phase.out_of_scope
    assert (phase.instrument, phase.languages) == ("pre_commercial", ["sl", "en"])
    assert set(phase.sectors.all()) == set(first.sectors.all()) and phase.sectors.count() == 2
    assert set(phase.cpv_codes.all()) == set(first.cpv_codes.all()) and phase.cpv_codes.count() == 2
    assert copy_of(phase.criteria.all()) == copy_of(first.criteria.all())
    assert copy_of(phase.criteria.all())[0][1] == "Who is affected, and how much."
    assert not set(phase.criteria.values_list("pk", flat=True)) & set(first.criteria.values_list("pk", flat=True))
    # What is the phase's own: budget, deadline, and everything that happens to it.
    assert phase.budget_ceiling is None and phase.deadline is None
    assert phase.submitted_at is phase.published_at is phase.awarded_at is None
    assert not phase.outcome_justification
    assert not Proposal.objects.filter(challenge=phase).exists()
    assert not phase.awards.exists() and not Question.objects.filter(challenge=phase).exists()
    assert not phase.interests.exists()
    # The first phase keeps its outcome and is now named as the first of a series.
    first = fresh(first)
    assert first.status == Status.AWARDED and first.phase_name == "Phase 1"
    assert first.previous_phase is None and first.first_phase is None
    assert (first.awards.count(), first.criteria.count()) == (2, 2)
    event = AuditEvent.objects.get(verb="create_next_phase")
    assert event.target_id == str(phase.pk) and event.actor == series.author
    assert event.after == {"previous_phase": first.pk, "phase": "Prototype"}
    # Only one next phase: the series goes on from the new phase, once it is awarded.
    assert not series.author.has_perm("challenges.add_next_phase", first)


def test_a_first_phase_that_has_a_name_keeps_it(db):
    series = awarded_first_phase(phase_name="Solution design")
    phases_services.phase_create_next(actor=series.author, challenge=series.first, phase_name="Prototype")
    assert fresh(series.first).phase_name == "Solution design"


def test_the_public_body_s_admin_prepares_it_too(series):
    admin = MembershipFactory(organisation=series.first.owner, role="admin").user
    phase = phases_services.phase_create_next(actor=admin, challenge=series.first, phase_name="Prototype")
    assert phase.author == admin and phase.previous_phase_id == series.first.pk


def _other_member(series):
    return MembershipFactory(organisation=series.first.owner, role="member").user


def _author_who_left(series):
    Membership.objects.filter(user=series.author, organisation=series.first.owner).delete()
    return User.objects.get(pk=series.author.pk)  # roles are cached on the object


@pytest.mark.parametrize(
    "who",
    {
        "visitor": lambda series: AnonymousUser(),
        "citizen": lambda series: UserFactory(),
        "another member of the body": _other_member,
        "the admin of another body": lambda series: (
            MembershipFactory(organisation=OrganisationFactory(), role="admin").user
        ),
        "the author, who left the body": _author_who_left,
        "an awarded supplier": lambda series: series.invited[0].member,
        "an evaluator": lambda series: UserFactory(is_evaluator=True),
        "a programme manager": lambda series: UserFactory(is_programme_manager=True),
        "a sponsor": lambda series: UserFactory(is_sponsor=True),
        "a platform admin": lambda series: UserFactory(is_staff=True, is_superuser=True),
    }.items(),
    ids=lambda item: item[0],
)
def test_nobody_but_the_drafter_prepares_the_next_phase(series, who):
    _label, make = who
    person = make(series)
    assert not person.has_perm("challenges.add_next_phase", series.first)
    count = Challenge.objects.count()
    with pytest.raises(PermissionDenied):
        phases_services.phase_create_next(actor=person, challenge=series.first, phase_name="Prototype")
    assert Challenge.objects.count() == count
    assert fresh(series.first).phase_name == ""


def _in_state(state):
    if state == "draft":
        return ChallengeFactory()
    if state == "awaiting review":
        return ChallengeFactory(status="awaiting_review")
    if state == "published, open":
        return PublishedChallengeFactory()
    if state == "in evaluation":
        return outcomes.in_evaluation().challenge
    if state == "closed without award":
        return outcomes.closed_without_award().challenge
    if state == "cancelled after publication":
        return PublishedChallengeFactory(status="cancelled", cancellation_reason="The law changed.")
    if state == "a prepared next phase, not awarded yet":
        series = awarded_first_phase()
        return phases_services.phase_create_next(actor=series.author, challenge=series.first, phase_name="Prototype")
    raise AssertionError(state)


@pytest.mark.parametrize(
    "state",
    [
        "draft",
        "awaiting review",
        "published, open",
        "in evaluation",
        "closed without award",
        "cancelled after publication",
        "a prepared next phase, not awarded yet",
    ],
)
def test_only_an_awarded_challenge_has_a_next_phase(db, state):
    challenge = _in_state(state)
    admin = MembershipFactory(organisation=challenge.owner, role="admin").user
    count = Challenge.objects.count()
    for drafter in (challenge.author, admin):
        assert not drafter.has_perm("challenges.add_next_phase", challenge)
        with pytest.raises(PermissionDenied):
            phases_services.phase_create_next(actor=drafter, challenge=challenge, phase_name="Prototype")
    assert Challenge.objects.count() == count


def test_a_second_next_phase_is_refused(series):
    phases_services.phase_create_next(actor=series.author, challenge=series.first, phase_name="Prototype")
    admin = MembershipFactory(organisation=series.first.owner, role="admin").user
    for drafter in (series.author, admin):
        assert not drafter.has_perm("challenges.add_next_phase", series.first)
        with pytest.raises(PermissionDenied):
            phases_services.phase_create_next(actor=drafter, challenge=series.first, phase_name="Prototype, again")
    assert Challenge.objects.filter(previous_phase=series.first).count() == 1


def test_a_next_phase_cancelled_by_mistake_may_be_prepared_again(series, programme_manager):
    mistaken = phases_services.phase_create_next(actor=series.author, challenge=series.first, phase_name="Prototyp")
    review_services.challenge_cancel(actor=programme_manager, challenge=mistaken, reason="Misnamed; prepared again.")
    assert series.author.has_perm("challenges.add_next_phase", fresh(series.first))
    again = phases_services.phase_create_next(
        actor=series.author, challenge=fresh(series.first), phase_name="Prototype"
    )
    assert [phase.pk for phase in phases_queries.phases_of(again)] == [series.first.pk, again.pk]
    assert not series.author.has_perm("challenges.add_next_phase", fresh(series.first))


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("", "Name the next phase"),
        ("   \n\t ", "Name the next phase"),
        (None, "Name the next phase"),
        (12, "Name the next phase"),
        ("x" * 101, "at most 100 characters"),
        ("Proto\x00type", "not allowed"),
    ],
)
def test_a_bad_phase_name_is_refused_clearly_and_nothing_changes(series, name, words):
    count = Challenge.objects.count()
    with pytest.raises(ValidationError) as caught:
        phases_services.phase_create_next(actor=series.author, challenge=series.first, phase_name=name)
    assert list(caught.value.message_dict) == ["phase_name"]
    assert words in caught.value.message_dict["phase_name"][0]
    assert Challenge.objects.count() == count
    assert fresh(series.first).phase_name == ""
    assert not AuditEvent.objects.filter(verb="create_next_phase").exists()
    # The drafter may still try again with a good name: at most 100 characters.
    phase = phases_services.phase_create_next(actor=series.author, challenge=series.first, phase_name="P" * 100)
    assert phase.phase_name == "P" * 100


# The next phase before it is published -----------------------------------------------------


def test_a_prepared_next_phase_stays_inside_the_public_body(series):
    phase = phases_services.phase_create_next(actor=series.author, challenge=series.first, phase_name="Prototype")
    colleague = MembershipFactory(organisation=phase.owner).user
    outsiders = [
        AnonymousUser(),
        UserFactory(),
        series.invited[0].member,
        UserFactory(is_programme_manager=True),
        UserFactory(is_staff=True, is_superuser=True),
    ]
    for outsider in outsiders:
        assert not outsider.has_perm("challenges.view_challenge", phase)
        assert public_queries.challenge_detail(outsider, phase.pk) is None
        assert not public_queries.visible_challenges(outsider).filter(pk=phase.pk).exists()
    assert not public_queries.public_challenges().filter(pk=phase.pk).exists()
    assert not public_queries.challenge_list(AnonymousUser()).filter(pk=phase.pk).exists()
    for insider in (series.author, colleague):
        assert insider.has_perm("challenges.view_challenge", phase)
        assert public_queries.challenge_detail(insider, phase.pk) == phase
    # Its author completes it as any draft: the budget, deadline and criteria are its own.
    assert series.author.has_perm("challenges.change_challenge", phase)
    phase = publish(phase, budget="90000")
    assert phase.status == Status.PUBLISHED and phase.budget_ceiling == Decimal("90000")
    assert [c.name for c in phase.criteria.all()] == ["Quality of the prototype", "Cost of the test phase"]
    assert [c.name for c in fresh(series.first).criteria.all()] == [
        "Impact on the people affected",
        "Feasibility and cost",
    ]
    assert all(outsider.has_perm("challenges.view_challenge", phase) for outsider in outsiders)


# The series --------------------------------------------------------------------------------


def test_three_phases_read_in_order_from_any_of_them_in_one_query(db, django_assert_num_queries):
    series = three_phases()
    design, prototype, test = (fresh(phase) for phase in series.phases)
    assert [p.phase_name for p in (design, prototype, test)] == ["Solution design", "Prototype", "Test"]
    assert (prototype.previous_phase, prototype.first_phase) == (design, design)
    assert (test.previous_phase, test.first_phase) == (prototype, design)
    assert (design.status, prototype.status, test.status) == (Status.AWARDED, Status.AWARDED, Status.DRAFT)
    for phase in (design, prototype, test):
        with django_assert_num_queries(1):
            assert phases_queries.phases_of(phase) == [design, prototype, test]
    # A challenge in one phase is a series of one; another series is not mixed in.
    single = PublishedChallengeFactory()
    other = awarded_first_phase()
    next_phase(other, "Prototype", published=False)
    with django_assert_num_queries(1):
        assert phases_queries.phases_of(single) == [single]
    assert phases_queries.phases_of(design) == [design, prototype, test]
    assert [p.phase_name for p in phases_queries.phases_of(other.first)] == ["Phase 1", "Prototype"]


def test_the_suppliers_awarded_in_a_phase_are_invited_to_the_next(db):
    series = three_phases()
    design, prototype, test = series.phases
    civic, big = (bid.company.pk for bid in series.invited)
    assert phases_queries.invited_companies(design) is None  # a first phase: any company may answer
    assert phases_queries.invited_companies(PublishedChallengeFactory()) is None
    # Not the bidder left out, nor the one that withdrew.
    assert phases_queries.invited_companies(prototype) == {civic, big}
    # Only Civic Data Labs' prototype was chosen: only it goes on to the test.
    assert phases_queries.invited_companies(test) == {civic}


# Who may answer a later phase ---------------------------------------------------------------


@pytest.fixture
def prototype(series):
    return next_phase(series, "Prototype")


@pytest.mark.parametrize("perm", ["challenges.submit_proposal", "challenges.ask_question"])
def test_only_members_of_an_invited_company_may_answer_a_later_phase(series, prototype, perm):
    assert prototype.is_open
    for bid in series.invited:
        assert bid.member.has_perm(perm, prototype), bid.company.name
        colleague = MembershipFactory(organisation=bid.company).user
        assert colleague.has_perm(perm, prototype)
    newcomer = MembershipFactory(organisation=CompanyFactory()).user
    for person in (*(bid.member for bid in series.not_invited), newcomer):
        assert not person.has_perm(perm, prototype)
        # A first phase, open, is open to them all.
        assert person.has_perm(perm, PublishedChallengeFactory())
    # Nobody else, as on any challenge.
    for person in (AnonymousUser(), UserFactory(), series.author, UserFactory(is_programme_manager=True)):
        assert not person.has_perm(perm, prototype)


def test_an_invited_company_submits_to_the_later_phase(series, prototype):
    civic = series.invited[0]
    bid = propose(prototype, civic, price="45000")
    assert bid.proposal.challenge == prototype and bid.proposal.company == civic.company
    assert proposals_queries.companies_of(civic.member, prototype) == [civic.company]


def test_a_company_that_was_not_invited_is_refused_even_by_the_service_itself(series, prototype):
    loser = series.not_invited[0]
    assert proposals_queries.companies_of(loser.member, prototype) == []
    assert proposals_queries.companies_of(loser.member, series.first) == [loser.company]
    # Its member is told why, even though the permission would refuse them too.
    with pytest.raises(ValidationError) as caught:
        propose(prototype, loser, price="45000")
    assert caught.value.code == "not_invited"
    # Someone in an invited company and in one left out may answer, but only for the invited one.
    both = MembershipFactory(organisation=loser.company).user
    MembershipFactory(organisation=series.invited[1].company, user=both)
    assert both.has_perm("challenges.submit_proposal", prototype)
    assert proposals_queries.companies_of(both, prototype) == [series.invited[1].company]
    with pytest.raises(ValidationError) as caught:
        propose(prototype, outcomes.Bid(company=loser.company, member=both, proposal=None), price="45000")
    assert caught.value.code == "not_invited"
    assert "Only the suppliers invited after the previous phase" in caught.value.messages[0]
    assert not Proposal.objects.filter(challenge=prototype).exists()
    bid = propose(prototype, outcomes.Bid(company=series.invited[1].company, member=both, proposal=None), price="1")
    assert bid.proposal.company == series.invited[1].company


def test_only_an_invited_company_asks_questions_on_a_later_phase(series, prototype):
    civic, loser = series.invited[0], series.not_invited[0]
    asked = questions_services.question_ask(
        actor=civic.member, challenge=prototype, company=civic.company, text="May the prototype reuse our design?"
    )
    assert asked.challenge == prototype
    with pytest.raises(PermissionDenied):
        questions_services.question_ask(
            actor=loser.member, challenge=prototype, company=loser.company, text="May we answer this phase?"
        )
    # Someone in an invited company and in one left out asks only for the invited one.
    both = MembershipFactory(organisation=loser.company).user
    MembershipFactory(organisation=civic.company, user=both)
    assert both.has_perm("challenges.ask_question", prototype)
    with pytest.raises(ValidationError) as caught:
        questions_services.question_ask(actor=both, challenge=prototype, company=loser.company, text="And for us?")
    assert "Only the suppliers invited after the previous phase" in caught.value.messages[0]
    assert Question.objects.filter(challenge=prototype).count() == 1
    questions_services.question_ask(actor=both, challenge=prototype, company=civic.company, text="And for us?")
    assert Question.objects.filter(challenge=prototype).count() == 2


def test_an_invitation_follows_the_award_not_the_proposal(series):
    """A company that bid in the first phase and was not awarded is not invited, even if it
    had the best price; the one that withdrew is not invited either."""
    prototype = next_phase(series, "Prototype")
    withdrawn = series.not_invited[1]
    assert withdrawn.proposal.status == "withdrawn"
    assert not withdrawn.member.has_perm("challenges.submit_proposal", prototype)
    invited = phases_queries.invited_companies(prototype)
    assert invited == {bid.company.pk for bid in series.invited}
    assert invited == set(series.first.awards.values_list("supplier_id", flat=True))


def test_a_later_phase_closes_like_any_challenge(series, prototype):
    civic = series.invited[0]
    Challenge.objects.filter(pk=prototype.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    prototype = fresh(prototype)
    assert not civic.member.has_perm("challenges.submit_proposal", prototype)
    assert not civic.member.has_perm("challenges.ask_question", prototype)
    with pytest.raises(ValidationError) as caught:
        propose(prototype, civic, price="45000")
    assert caught.value.code == "deadline_passed"


def test_the_invited_suppliers_hear_when_their_phase_opens_and_alerts_stay_silent(series):
    from ponte.challenges.models import Subscription
    from ponte.core.models import Notification

    watcher = UserFactory(name="Wanda Watcher")
    Subscription.objects.create(user=watcher, keywords=[series.first.title.split()[0]])
    prototype = next_phase(series, "Prototype")
    told = set(
        Notification.objects.filter(kind="challenges.invited_to_phase", url=prototype.get_absolute_url()).values_list(
            "recipient_id", flat=True
        )
    )
    assert {bid.member.pk for bid in series.invited} <= told
    assert not told & {bid.member.pk for bid in series.not_invited}
    assert not Notification.objects.filter(recipient=watcher, url=prototype.get_absolute_url()).exists()
