"""A challenge's sponsor: its public body (the drafter: its author while a member, or an admin
of the body) asks a person with the sponsor role to back the challenge until its outcome is
decided; the sponsor accepts, or declines saying why, and another may then be asked. The
sponsor reads the challenge, a draft too, and finds it on their page of what they sponsor.
Through the services, the rules, the pages and the sponsor's page; and the challenge's page
reads as many queries for a sponsor of many challenges as for a sponsor of one."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ponte.challenges.models import Challenge, Status
from ponte.challenges.queries import sponsorship as sponsorship_queries
from ponte.challenges.queries.public import visible_challenges
from ponte.challenges.services import sponsorship as services
from ponte.core.models import AuditEvent, Notification
from ponte.core.registry import registry
from ponte.core.roles import requires_two_factor
from ponte.core.sponsorship import Sponsorship
from ponte.organisations.models import Membership
from tests.conftest import give_two_factor
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    MembershipFactory,
    OrganisationFactory,
    PublishedChallengeFactory,
    UserFactory,
)
from tests.organisations.support import messages_of
from tests.reading import Page

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"
TITLE = "Citizens cannot find the right form"
NOT_A_SPONSOR = "Name a person who has the sponsor role on this platform."
UNKNOWN = "Nobody on Ponte has this address: name a person with the sponsor role."
DECLINE_NOTE = "Say why you decline: the public body reads it."
NOT_ALLOWED = "The text contains characters that are not allowed."
TOO_LONG = "Write at most 4,000 characters."
ASKED = "The sponsor is asked to back the challenge. You are told of their answer."
ACCEPTED = "You sponsor the challenge. Its public body is told."
DECLINED = "You declined to sponsor the challenge. Its public body is told why."
ANSWER_BUTTON = "Accept or decline sponsoring it"
DECIDED = [Status.AWARDED, Status.NOT_AWARDED, Status.CANCELLED]
# Every state a challenge may be in before its outcome is decided: a sponsor may be asked in each.
UNDECIDED = [
    Status.DRAFT,
    Status.AWAITING_ORGANISATION,
    Status.AWAITING_REVIEW,
    Status.CHANGES_REQUESTED,
    Status.APPROVED,
    Status.PUBLISHED,
]


# Helpers and fixtures -------------------------------------------------------------------------------


def fresh(challenge):
    return Challenge.objects.get(pk=challenge.pk)


def audit_rows(challenge, verb=None):
    rows = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(Challenge), target_id=str(challenge.pk)
    )
    return rows.filter(verb=verb) if verb else rows


def notes(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    return rows.filter(kind=kind) if kind else rows


def told(kind):
    return {n.recipient for n in Notification.objects.filter(kind=kind)}


def sponsorship_of(challenge):
    """What the database holds of the challenge's sponsorship."""
    return Challenge.objects.filter(pk=challenge.pk).values_list(
        "sponsor_id", "sponsorship", "sponsorship_asked_at", "sponsorship_answered_at", "sponsorship_note"
    )[0]


def shown(response) -> str:
    """Everything a page says, as read (its messages included)."""
    page = Page(response)
    return page.text(page.doc)


def put(challenge, status):
    """The challenge moved to `status` as its lifecycle would have left it (published first
    when the status comes after publication)."""
    fields = {"status": status}
    if status in (*DECIDED, Status.PUBLISHED):
        fields["published_at"] = challenge.published_at or timezone.now() - timedelta(days=1)
    if status not in (Status.DRAFT, Status.AWAITING_ORGANISATION, Status.CHANGES_REQUESTED):
        fields["organisation_approved_at"] = timezone.now() - timedelta(days=2)
    Challenge.objects.filter(pk=challenge.pk).update(**fields)
    return fresh(challenge)


@pytest.fixture
def login(client):
    """Sign a person in on the test client (None: sign out). Sponsors and the staff get their
    second factor first, as they must to use the web."""

    def sign_in(user):
        client.logout()
        if user is None:
            return client
        if requires_two_factor(user) and not user.authenticator_set.exists():
            give_two_factor(user)
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def sponsor(db):
    return UserFactory(name="Sofia Sponsor", email="sofia.sponsor@example.com", is_sponsor=True)


@pytest.fixture
def other_sponsor(db):
    return UserFactory(name="Otto Othersponsor", email="otto.other@example.com", is_sponsor=True)


@pytest.fixture
def draft(organisation, member, org_admin):
    """A draft of the verified public body, the member its author, Olga its admin."""
    return ChallengeFactory(owner=organisation, author=member, title=TITLE)


@pytest.fixture
def asked(draft, member, sponsor):
    """The draft, its author having asked Sofia to sponsor it."""
    services.challenge_ask_sponsor(actor=member, challenge=draft, sponsor=sponsor)
    return fresh(draft)


@pytest.fixture
def published(organisation, member, org_admin):
    """A challenge of the body, published and open."""
    return PublishedChallengeFactory(owner=organisation, author=member, title=TITLE)


def answer(challenge, sponsor, *, accept, note=""):
    services.challenge_sponsorship_answer(actor=sponsor, challenge=challenge, accept=accept, note=note)
    return fresh(challenge)


@pytest.fixture
def declined(asked, sponsor):
    return answer(asked, sponsor, accept=False, note="Not in my portfolio this year.")


@pytest.fixture
def person(request, organisation):
    """Someone in relation to the challenges of `organisation`, by a name the tests read."""

    def make(who):
        makers = {
            "author": lambda: request.getfixturevalue("member"),
            "org_admin": lambda: request.getfixturevalue("org_admin"),
            "colleague": lambda: MembershipFactory(organisation=organisation).user,
            "company_member": lambda: MembershipFactory(organisation=CompanyFactory()).user,
            "citizen": lambda: UserFactory(),
            "other_body_member": lambda: MembershipFactory(organisation=OrganisationFactory()).user,
            "other_body_admin": lambda: MembershipFactory(organisation=OrganisationFactory(), role="admin").user,
            "programme_manager": lambda: request.getfixturevalue("programme_manager"),
            "platform_admin": lambda: request.getfixturevalue("platform_admin"),
            "evaluator": lambda: UserFactory(is_evaluator=True),
            "sponsor": lambda: request.getfixturevalue("sponsor"),
            "another_sponsor": lambda: UserFactory(is_sponsor=True),
        }
        return makers[who]()

    return make


# Asking a sponsor -----------------------------------------------------------------------------------


def test_the_author_asks_a_sponsor_who_is_told_and_the_move_is_audited(draft, member, org_admin, sponsor):
    before = timezone.now()
    returned = services.challenge_ask_sponsor(actor=member, challenge=draft, sponsor=sponsor)

    challenge = fresh(draft)
    assert returned.pk == challenge.pk
    assert (challenge.sponsor, challenge.sponsorship) == (sponsor, Sponsorship.ASKED)
    assert before <= challenge.sponsorship_asked_at <= timezone.now()
    assert challenge.sponsorship_answered_at is None and challenge.sponsorship_note == ""
    assert challenge.status == Status.DRAFT  # asking a sponsor moves nothing else

    event = audit_rows(challenge, "ask_sponsor").get()
    assert event.actor == member
    assert (event.before, event.after) == ({"sponsorship": "none"}, {"sponsorship": "asked"})
    assert event.reason == sponsor.email

    asked_note = notes(sponsor).get()
    assert asked_note.kind == "challenges.sponsorship_asked"
    assert asked_note.url == challenge.get_absolute_url()
    assert TITLE in asked_note.message and "Agency for Modernisation" in asked_note.message
    # Only the sponsor is told: the body knows, it asked.
    assert told("challenges.sponsorship_asked") == {sponsor}
    assert not notes(member).exists() and not notes(org_admin).exists()


@pytest.mark.parametrize("status", UNDECIDED)
def test_an_admin_of_the_body_asks_a_sponsor_at_any_step_before_the_outcome(draft, org_admin, sponsor, status):
    challenge = put(draft, status)
    services.challenge_ask_sponsor(actor=org_admin, challenge=challenge, sponsor=sponsor)
    challenge = fresh(challenge)
    assert (challenge.sponsor, challenge.sponsorship, challenge.status) == (sponsor, Sponsorship.ASKED, status)
    assert audit_rows(challenge, "ask_sponsor").get().actor == org_admin


def _not_a_sponsor():
    return UserFactory(name="Nadia Nosponsor")


def _inactive_sponsor():
    return UserFactory(is_sponsor=True, is_active=False)


def _programme_manager():
    return UserFactory(is_programme_manager=True)


@pytest.mark.parametrize("make", [None, _not_a_sponsor, _inactive_sponsor, _programme_manager])
def test_only_an_active_person_with_the_sponsor_role_is_asked(draft, member, make):
    chosen = make() if make else None
    before = sponsorship_of(draft)
    with pytest.raises(ValidationError) as refused:
        services.challenge_ask_sponsor(actor=member, challenge=draft, sponsor=chosen)
    assert refused.value.message_dict == {"sponsor": [NOT_A_SPONSOR]}
    assert sponsorship_of(draft) == before
    assert not audit_rows(draft, "ask_sponsor").exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "who",
    [
        "colleague",
        "company_member",
        "citizen",
        "other_body_member",
        "other_body_admin",
        "programme_manager",
        "platform_admin",
        "evaluator",
        "sponsor",
    ],
)
@pytest.mark.parametrize("status", [Status.DRAFT, Status.PUBLISHED])
def test_only_the_drafter_asks_a_sponsor(draft, person, sponsor, who, status):
    challenge = put(draft, status)
    actor = person(who)
    before = sponsorship_of(challenge)
    with pytest.raises(PermissionDenied):
        services.challenge_ask_sponsor(actor=actor, challenge=challenge, sponsor=sponsor)
    assert sponsorship_of(challenge) == before
    assert not audit_rows(challenge, "ask_sponsor").exists()
    assert not Notification.objects.exists()


def test_an_author_who_left_the_body_no_longer_asks(draft, member, sponsor):
    Membership.objects.filter(user=member, organisation=draft.owner).delete()
    with pytest.raises(PermissionDenied):
        services.challenge_ask_sponsor(actor=type(member).objects.get(pk=member.pk), challenge=draft, sponsor=sponsor)
    assert fresh(draft).sponsorship == Sponsorship.NOT_ASKED


@pytest.mark.parametrize("state", [Sponsorship.ASKED, Sponsorship.ACCEPTED])
@pytest.mark.parametrize("who", ["author", "org_admin"])
def test_no_sponsor_is_asked_while_one_is_asked_or_sponsors(asked, person, sponsor, other_sponsor, state, who):
    if state == Sponsorship.ACCEPTED:
        asked = answer(asked, sponsor, accept=True)
    before = sponsorship_of(asked)
    for chosen in (other_sponsor, sponsor):
        with pytest.raises(PermissionDenied):
            services.challenge_ask_sponsor(actor=person(who), challenge=asked, sponsor=chosen)
    assert sponsorship_of(asked) == before
    assert fresh(asked).sponsorship == state
    assert not notes(other_sponsor).exists()
    assert notes(sponsor, "challenges.sponsorship_asked").count() == 1


def test_after_a_decline_the_drafter_asks_another_sponsor(declined, member, sponsor, other_sponsor):
    assert declined.sponsorship_note and declined.sponsorship_answered_at is not None
    first_asked_at = declined.sponsorship_asked_at
    services.challenge_ask_sponsor(actor=member, challenge=declined, sponsor=other_sponsor)

    challenge = fresh(declined)
    assert (challenge.sponsor, challenge.sponsorship) == (other_sponsor, Sponsorship.ASKED)
    assert challenge.sponsorship_note == "" and challenge.sponsorship_answered_at is None
    assert challenge.sponsorship_asked_at > first_asked_at
    event = audit_rows(challenge, "ask_sponsor").order_by("-pk").first()
    assert event.actor == member and event.reason == f"{sponsor.email} → {other_sponsor.email}"
    assert event.before == {"sponsorship": "declined"}
    assert notes(other_sponsor, "challenges.sponsorship_asked").get().url == challenge.get_absolute_url()
    assert notes(sponsor, "challenges.sponsorship_asked").count() == 1  # only the first time
    # The new sponsor answers; the one who declined no longer may.
    assert other_sponsor.has_perm("challenges.answer_sponsorship", challenge)
    assert not sponsor.has_perm("challenges.answer_sponsorship", challenge)
    with pytest.raises(PermissionDenied):
        answer(challenge, sponsor, accept=True)
    assert answer(challenge, other_sponsor, accept=True).sponsorship == Sponsorship.ACCEPTED


def test_the_same_sponsor_may_be_asked_again_after_declining(declined, org_admin, sponsor):
    services.challenge_ask_sponsor(actor=org_admin, challenge=declined, sponsor=sponsor)
    challenge = fresh(declined)
    assert (challenge.sponsor, challenge.sponsorship, challenge.sponsorship_note) == (sponsor, Sponsorship.ASKED, "")
    assert notes(sponsor, "challenges.sponsorship_asked").count() == 2


@pytest.mark.parametrize("state", ["none", "declined"])
@pytest.mark.parametrize("status", DECIDED)
def test_no_sponsor_is_asked_once_the_outcome_is_decided(
    request, draft, member, org_admin, other_sponsor, state, status
):
    challenge = draft if state == "none" else request.getfixturevalue("declined")
    challenge = put(challenge, status)
    before = sponsorship_of(challenge)
    for actor in (member, org_admin):
        assert not actor.has_perm("challenges.ask_sponsor", challenge)
        with pytest.raises(PermissionDenied):
            services.challenge_ask_sponsor(actor=actor, challenge=challenge, sponsor=other_sponsor)
    assert sponsorship_of(challenge) == before
    assert not notes(other_sponsor).exists()


# The sponsor's answer ---------------------------------------------------------------------------------


@pytest.mark.parametrize("note", ["", "  Glad to back it.  "])
def test_the_sponsor_accepts_and_the_author_and_the_admins_are_told(
    asked, organisation, member, org_admin, sponsor, note
):
    second_admin = MembershipFactory(organisation=organisation, role="admin").user
    retired_admin = MembershipFactory(organisation=organisation, role="admin", user__is_active=False).user
    colleague = MembershipFactory(organisation=organisation).user
    before = timezone.now()

    challenge = answer(asked, sponsor, accept=True, note=note)

    assert (challenge.sponsor, challenge.sponsorship) == (sponsor, Sponsorship.ACCEPTED)
    assert before <= challenge.sponsorship_answered_at <= timezone.now()
    assert challenge.sponsorship_note == note.strip()
    event = audit_rows(challenge, "accept_sponsorship").get()
    assert event.actor == sponsor and event.after == {"sponsorship": "accepted"}
    assert told("challenges.sponsorship_accepted") == {member, org_admin, second_admin}
    assert not notes(retired_admin).exists() and not notes(colleague).exists()
    told_author = notes(member, "challenges.sponsorship_accepted").get()
    assert told_author.url == challenge.get_absolute_url()
    assert TITLE in told_author.message and "Sofia Sponsor" in told_author.message
    assert not notes(sponsor, "challenges.sponsorship_accepted").exists()


@pytest.mark.parametrize("note", ["", "  \n ", "\t"])
def test_declining_needs_a_note(asked, sponsor, member, note):
    before = sponsorship_of(asked)
    with pytest.raises(ValidationError) as refused:
        answer(asked, sponsor, accept=False, note=note)
    assert refused.value.message_dict == {"note": [DECLINE_NOTE]}
    assert sponsorship_of(asked) == before
    assert fresh(asked).sponsorship == Sponsorship.ASKED
    assert not audit_rows(asked, "decline_sponsorship").exists()
    assert not Notification.objects.filter(kind="challenges.sponsorship_declined").exists()


def test_the_sponsor_declines_saying_why_and_the_body_reads_it(asked, member, org_admin, sponsor):
    challenge = answer(asked, sponsor, accept=False, note="  Not in my portfolio this year.  ")
    assert challenge.sponsorship == Sponsorship.DECLINED and challenge.sponsorship_answered_at is not None
    assert challenge.sponsor == sponsor  # who declined stays named until another is asked
    assert challenge.sponsorship_note == "Not in my portfolio this year."
    event = audit_rows(challenge, "decline_sponsorship").get()
    assert event.actor == sponsor and event.reason == "Not in my portfolio this year."
    assert told("challenges.sponsorship_declined") == {member, org_admin}
    message = notes(org_admin, "challenges.sponsorship_declined").get().message
    assert "Not in my portfolio this year." in message and TITLE in message
    assert not Notification.objects.filter(kind="challenges.sponsorship_accepted").exists()
    # A decline opens the way to another sponsor.
    assert member.has_perm("challenges.ask_sponsor", challenge)


@pytest.mark.parametrize(
    "who", ["another_sponsor", "author", "org_admin", "colleague", "programme_manager", "platform_admin"]
)
@pytest.mark.parametrize("accept", [True, False])
def test_only_the_asked_sponsor_answers(asked, person, who, accept):
    before = sponsorship_of(asked)
    with pytest.raises(PermissionDenied):
        answer(asked, person(who), accept=accept, note="I answer for them.")
    assert sponsorship_of(asked) == before
    assert not Notification.objects.exclude(kind="challenges.sponsorship_asked").exists()


@pytest.mark.parametrize("change", [{"is_sponsor": False}, {"is_active": False}])
def test_a_sponsor_who_lost_the_role_or_the_account_no_longer_answers(asked, sponsor, change):
    type(sponsor).objects.filter(pk=sponsor.pk).update(**change)
    sponsor = type(sponsor).objects.get(pk=sponsor.pk)
    before = sponsorship_of(asked)
    with pytest.raises(PermissionDenied):
        answer(asked, sponsor, accept=True)
    assert sponsorship_of(asked) == before


@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("again", [True, False])
def test_the_sponsor_answers_once(asked, sponsor, first, again):
    answer(asked, sponsor, accept=first, note="First answer.")
    before = sponsorship_of(asked)
    with pytest.raises(PermissionDenied):
        answer(asked, sponsor, accept=again, note="Second answer.")
    assert sponsorship_of(asked) == before
    assert fresh(asked).sponsorship_note == "First answer."
    assert audit_rows(asked).filter(verb__in=["accept_sponsorship", "decline_sponsorship"]).count() == 1


@pytest.mark.parametrize("status", DECIDED)
@pytest.mark.parametrize("accept", [True, False])
def test_no_answer_once_the_outcome_is_decided(asked, sponsor, status, accept):
    challenge = put(asked, status)
    assert not sponsor.has_perm("challenges.answer_sponsorship", challenge)
    before = sponsorship_of(challenge)
    with pytest.raises(PermissionDenied):
        answer(challenge, sponsor, accept=accept, note="Too late.")
    assert sponsorship_of(challenge) == before


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("Fine\x00by me", NOT_ALLOWED),
        ("x" * 4001, TOO_LONG),
        ("  " + "x" * 4001 + "  ", TOO_LONG),
    ],
    ids=["nul", "too-long", "too-long-padded"],
)
@pytest.mark.parametrize("accept", [True, False])
def test_a_note_with_a_nul_or_too_long_is_refused_with_a_clear_message(asked, sponsor, note, message, accept):
    before = sponsorship_of(asked)
    with pytest.raises(ValidationError) as refused:
        answer(asked, sponsor, accept=accept, note=note)
    assert refused.value.message_dict == {"note": [message]}
    assert sponsorship_of(asked) == before
    assert Notification.objects.exclude(kind="challenges.sponsorship_asked").count() == 0


def test_a_note_of_exactly_the_limit_is_kept(asked, sponsor):
    challenge = answer(asked, sponsor, accept=False, note="x" * 4000)
    assert challenge.sponsorship == Sponsorship.DECLINED and len(challenge.sponsorship_note) == 4000


# Who reads the challenge ---------------------------------------------------------------------------------


def test_the_asked_sponsor_reads_the_draft_and_finds_it_among_the_challenges_they_see(login, asked, sponsor):
    assert sponsor.has_perm("challenges.view_challenge", asked)
    assert asked in visible_challenges(sponsor)
    response = login(sponsor).get(asked.get_absolute_url())
    assert response.status_code == 200
    assert Page(response).headings(Page(response).main)[0] == TITLE


@pytest.mark.parametrize("who", ["another_sponsor", "company_member", "citizen", "other_body_member"])
def test_nobody_else_outside_the_body_reads_the_draft(login, asked, person, who):
    someone = person(who)
    assert not someone.has_perm("challenges.view_challenge", asked)
    assert asked not in visible_challenges(someone)
    response = login(someone).get(asked.get_absolute_url())
    assert response.status_code == 404
    assert TITLE not in response.content.decode()


def test_a_sponsor_who_loses_the_role_no_longer_reads_the_draft(login, asked, sponsor):
    type(sponsor).objects.filter(pk=sponsor.pk).update(is_sponsor=False)
    sponsor = type(sponsor).objects.get(pk=sponsor.pk)
    assert asked not in visible_challenges(sponsor)
    assert login(sponsor).get(asked.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("state", ["asked", "accepted", "declined"])
@pytest.mark.parametrize("status", [Status.DRAFT, Status.AWAITING_ORGANISATION, Status.PUBLISHED, Status.CANCELLED])
def test_the_list_of_challenges_one_sees_says_what_the_rule_says(asked, sponsor, other_sponsor, state, status):
    """visible_challenges mirrors challenges.view_challenge for sponsors, whoever is named."""
    if state != "asked":
        answer(asked, sponsor, accept=state == "accepted", note="Because.")
    put(asked, status)
    former = UserFactory(name="Fred Former", is_sponsor=False)  # named, but without the role
    readers = (sponsor, other_sponsor, former, AnonymousUser())
    for named in (sponsor, other_sponsor, former):
        Challenge.objects.filter(pk=asked.pk).update(sponsor=named)
        challenge = fresh(asked)
        for user in readers:
            assert user.has_perm("challenges.view_challenge", challenge) is (
                visible_challenges(user).filter(pk=challenge.pk).exists()
            ), (named, user)


# The challenge's page ---------------------------------------------------------------------------------


OFFERS = ("Ask a sponsor", "Ask another sponsor", ANSWER_BUTTON)


def panel(response):
    """The "Sponsor" panel of a challenge's page as read: its words, the moves it offers and
    where they lead; None when the page shows no such panel."""
    assert response.status_code == 200
    page = Page(response)
    if "Sponsor" not in page.headings(page.main):
        return None
    part = page.part("Sponsor")
    return SimpleNamespace(
        text=page.text(part),
        offered={name for name in OFFERS if page.links(name, within=part)},
        link=lambda name: page.link(name, within=part),
    )


def test_the_drafter_is_offered_to_ask_a_sponsor(login, draft, member, org_admin):
    for drafter in (member, org_admin):
        found = panel(login(drafter).get(draft.get_absolute_url()))
        assert found is not None
        assert "No sponsor is asked to back this challenge yet." in found.text
        assert found.offered == {"Ask a sponsor"}
        assert found.link("Ask a sponsor") == f"/challenges/{draft.pk}/sponsor/"


def test_the_asked_sponsor_is_offered_to_answer_and_the_body_sees_who_was_asked(
    login, asked, sponsor, member, organisation
):
    found = panel(login(sponsor).get(asked.get_absolute_url()))
    assert found.offered == {ANSWER_BUTTON}
    assert found.link(ANSWER_BUTTON) == f"/challenges/{asked.pk}/sponsorship/"
    assert "Sofia Sponsor · Waiting for the sponsor's answer" in found.text
    # The body reads who is asked and is offered nothing while the request waits.
    for reader in (member, MembershipFactory(organisation=organisation).user):
        found = panel(login(reader).get(asked.get_absolute_url()))
        assert "Sofia Sponsor · Waiting for the sponsor's answer" in found.text
        assert found.offered == set()


def test_after_a_decline_the_body_reads_why_and_is_offered_another_sponsor(login, declined, member, sponsor):
    found = panel(login(member).get(declined.get_absolute_url()))
    text = found.text
    assert "Sofia Sponsor · Declined by the sponsor" in text
    assert "Why they declined: Not in my portfolio this year." in text
    assert found.offered == {"Ask another sponsor"}
    # A draft is no longer the declining sponsor's to read.
    assert login(sponsor).get(declined.get_absolute_url()).status_code == 404


def test_an_accepted_sponsorship_offers_nothing_more(login, asked, sponsor, member):
    answer(asked, sponsor, accept=True, note="Glad to back it.")
    for reader in (member, sponsor):
        found = panel(login(reader).get(asked.get_absolute_url()))
        assert "Sofia Sponsor · Accepted by the sponsor" in found.text
        assert "Glad to back it." in found.text
        assert found.offered == set()


@pytest.mark.parametrize("who", ["company_member", "citizen", "other_body_member", "another_sponsor", None])
def test_no_panel_for_those_outside_the_body(login, published, sponsor, member, person, who):
    services.challenge_ask_sponsor(actor=member, challenge=published, sponsor=sponsor)
    client = login(person(who) if who else None)
    response = client.get(published.get_absolute_url())
    assert panel(response) is None
    assert "Sofia Sponsor" not in response.content.decode()
    assert ANSWER_BUTTON not in response.content.decode()


def test_a_programme_manager_reads_the_panel_of_a_published_challenge_and_is_offered_nothing(
    login, published, member, sponsor, programme_manager
):
    services.challenge_ask_sponsor(actor=member, challenge=published, sponsor=sponsor)
    found = panel(login(programme_manager).get(published.get_absolute_url()))
    assert "Sofia Sponsor" in found.text
    assert found.offered == set()


@pytest.mark.parametrize("status", DECIDED)
def test_once_decided_the_panel_offers_no_move(login, asked, sponsor, member, status):
    challenge = put(asked, status)
    assert panel(login(sponsor).get(challenge.get_absolute_url())).offered == set()
    assert panel(login(member).get(challenge.get_absolute_url())).offered == set()


# Asking through the page ------------------------------------------------------------------------------


def ask_url(challenge):
    return reverse("challenges:ask_sponsor", args=[challenge.pk])


def answer_url(challenge):
    return reverse("challenges:sponsorship", args=[challenge.pk])


def suggestions_url(challenge):
    return reverse("challenges:sponsors_named", args=[challenge.pk])


def sent_back(client, response, challenge) -> list[str]:
    """The response sends the person back to the challenge's page: the messages it shows them."""
    assert response.status_code == 302 and response.url == challenge.get_absolute_url()
    return messages_of(client.get(response.url))


def typed(response, name="sponsor"):
    [value] = Page(response).doc.xpath("//*[@name=$name]", name=name)
    # A text area's content begins on the line after its tag, as the browser reads it.
    return value.get("value") if value.tag == "input" else value.text_content().removeprefix("\n")


def test_the_ask_page_names_the_challenge_and_suggests_sponsors(login, draft, member):
    response = login(member).get(ask_url(draft))
    assert response.status_code == 200
    page = Page(response)
    assert page.headings(page.main)[0] == "Ask a sponsor"
    assert "Agency for Modernisation" in page.text()
    assert "Sponsor" in page.labels()
    [field] = page.doc.xpath("//input[@name='sponsor']")
    assert field.get("data-suggestions") == suggestions_url(draft)
    assert page.link("Go back without changing anything", within=page.main) == draft.get_absolute_url()


def test_the_drafter_asks_a_sponsor_by_address(login, draft, member, sponsor):
    client = login(member)
    response = client.post(ask_url(draft), {"sponsor": "  SOFIA.Sponsor@Example.com "})
    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    challenge = fresh(draft)
    assert (challenge.sponsor, challenge.sponsorship) == (sponsor, Sponsorship.ASKED)
    assert notes(sponsor, "challenges.sponsorship_asked").count() == 1
    page = client.get(response.url)
    assert ASKED in messages_of(page) and ASKED in shown(page)
    assert "Sofia Sponsor · Waiting for the sponsor's answer" in shown(page)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nobody.here@example.com", UNKNOWN),
        ("not an address", UNKNOWN),
        ("", NOT_A_SPONSOR),
        ("   ", NOT_A_SPONSOR),
    ],
)
def test_an_unknown_address_or_none_is_refused_keeping_what_was_typed(login, draft, member, value, message):
    response = login(member).post(ask_url(draft), {"sponsor": value})
    assert response.status_code == 200
    assert message in shown(response)
    if value.strip():
        assert typed(response) == value
    assert fresh(draft).sponsorship == Sponsorship.NOT_ASKED
    assert not Notification.objects.exists()


@pytest.mark.parametrize("make", [_not_a_sponsor, _inactive_sponsor, _programme_manager])
def test_a_person_without_the_sponsor_role_is_refused_on_the_page(login, draft, member, make):
    chosen = make()
    response = login(member).post(ask_url(draft), {"sponsor": chosen.email})
    assert response.status_code == 200
    assert NOT_A_SPONSOR in shown(response)
    assert typed(response) == chosen.email
    assert fresh(draft).sponsorship == Sponsorship.NOT_ASKED
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a\x00b@example.com", "Null characters are not allowed."),
        ("x" * 5000 + "@example.com", "Ensure this value has at most 254 characters (it has 5012)."),
    ],
    ids=["nul", "very-long"],
)
def test_garbage_typed_as_the_sponsor_is_refused_without_an_error_page(login, draft, member, value, message):
    response = login(member).post(ask_url(draft), {"sponsor": value})
    assert response.status_code == 200
    assert message in shown(response)
    assert fresh(draft).sponsorship == Sponsorship.NOT_ASKED
    assert not Notification.objects.exists()


def test_after_a_decline_the_ask_page_says_who_declined_and_why(login, declined, member, other_sponsor):
    client = login(member)
    page = Page(client.get(ask_url(declined)))
    assert page.headings(page.main)[0] == "Ask another sponsor"
    assert "Why Sofia Sponsor declined" in page.headings(page.main)
    assert "Not in my portfolio this year." in page.text()
    response = client.post(ask_url(declined), {"sponsor": other_sponsor.email})
    assert response.status_code == 302 and response.url == declined.get_absolute_url()
    assert fresh(declined).sponsor == other_sponsor


@pytest.mark.parametrize("state", ["asked", "accepted"])
def test_the_drafter_asking_while_a_sponsor_is_asked_is_sent_back_with_why(
    login, asked, member, sponsor, other_sponsor, state
):
    if state == "accepted":
        answer(asked, sponsor, accept=True)
    label = {"asked": "Waiting for the sponsor's answer", "accepted": "Accepted by the sponsor"}[state]
    client = login(member)
    before = sponsorship_of(asked)
    for method in ("get", "post"):
        response = getattr(client, method)(ask_url(asked), {"sponsor": other_sponsor.email})
        assert sent_back(client, response, asked) == [
            f"No sponsor can be asked now: the sponsorship is “{label}” and the challenge “Draft”."
        ]
    assert sponsorship_of(asked) == before
    assert not notes(other_sponsor).exists()


@pytest.mark.parametrize("status", DECIDED)
def test_the_drafter_asking_once_the_outcome_is_decided_is_sent_back(login, draft, member, sponsor, status):
    challenge = put(draft, status)
    client = login(member)
    response = client.post(ask_url(challenge), {"sponsor": sponsor.email})
    label = challenge.get_status_display()
    assert sent_back(client, response, challenge) == [
        f"No sponsor can be asked now: the sponsorship is “No sponsor asked” and the challenge “{label}”."
    ]
    assert fresh(challenge).sponsorship == Sponsorship.NOT_ASKED


@pytest.mark.parametrize("who", ["colleague", "sponsor", "another_sponsor_asked_before"])
def test_who_reads_the_challenge_but_does_not_draft_it_gets_403_on_asking(
    login, declined, person, sponsor, other_sponsor, who
):
    if who == "another_sponsor_asked_before":
        actor = other_sponsor
        Challenge.objects.filter(pk=declined.pk).update(sponsor=other_sponsor)
    else:
        actor = person(who)
    client = login(actor)
    before = sponsorship_of(declined)
    # A sponsor who declined no longer reads the draft at all.
    refused = 403 if who == "colleague" else 404
    assert client.get(ask_url(declined)).status_code == refused
    assert client.post(ask_url(declined), {"sponsor": other_sponsor.email}).status_code == refused
    assert sponsorship_of(declined) == before


@pytest.mark.parametrize("who", ["company_member", "programme_manager", "another_sponsor"])
def test_who_reads_a_published_challenge_but_does_not_draft_it_gets_403_on_asking(
    login, published, person, sponsor, who
):
    client = login(person(who))
    assert client.get(ask_url(published)).status_code == 403
    assert client.post(ask_url(published), {"sponsor": sponsor.email}).status_code == 403
    assert fresh(published).sponsorship == Sponsorship.NOT_ASKED


@pytest.mark.parametrize(
    "who", ["company_member", "citizen", "other_body_admin", "programme_manager", "another_sponsor"]
)
def test_who_may_not_see_the_draft_gets_404_on_every_sponsorship_page(login, asked, person, sponsor, who):
    client = login(person(who))
    before = sponsorship_of(asked)
    for url in (ask_url(asked), answer_url(asked), suggestions_url(asked)):
        assert client.get(url, {"q": "sofia"}).status_code == 404, url
        assert client.post(url, {"sponsor": sponsor.email, "answer": "accept", "note": "x"}).status_code == 404, url
    assert sponsorship_of(asked) == before


def test_a_visitor_is_sent_to_sign_in(client, asked, sponsor):
    before = sponsorship_of(asked)
    for url in (ask_url(asked), answer_url(asked), suggestions_url(asked)):
        for response in (client.get(url), client.post(url, {"sponsor": sponsor.email, "answer": "accept"})):
            assert response.status_code == 302 and response.url == f"{SIGN_IN}?next={url}"
    assert sponsorship_of(asked) == before


def test_a_challenge_that_does_not_exist_is_404(login, member, sponsor):
    for user in (member, sponsor):
        client = login(user)
        for url in (
            "/challenges/999999/sponsor/",
            "/challenges/999999/sponsorship/",
            "/challenges/999999/sponsor/suggestions/",
        ):
            assert client.get(url).status_code == 404
            assert client.post(url, {"answer": "accept"}).status_code == 404


# Answering through the page ------------------------------------------------------------------------------


def test_the_answer_page_offers_to_accept_or_decline(login, asked, sponsor):
    response = login(sponsor).get(answer_url(asked))
    assert response.status_code == 200
    page = Page(response)
    assert page.headings(page.main)[0] == "Sponsor the challenge?"
    assert f"Agency for Modernisation asks you to sponsor “{TITLE}”" in page.text()
    assert "Note for the public body" in page.labels()
    buttons = {(b.get("name"), b.get("value"), b.text_content().strip()) for b in page.main.xpath(".//button")}
    assert {("answer", "accept", "Accept to sponsor it"), ("answer", "decline", "Decline")} <= buttons


@pytest.mark.parametrize("note", ["", "Glad to back it."])
def test_the_sponsor_accepts_on_the_page(login, asked, sponsor, member, note):
    client = login(sponsor)
    response = client.post(answer_url(asked), {"answer": "accept", "note": note})
    assert response.status_code == 302 and response.url == asked.get_absolute_url()
    challenge = fresh(asked)
    assert challenge.sponsorship == Sponsorship.ACCEPTED and challenge.sponsorship_note == note
    assert notes(member, "challenges.sponsorship_accepted").count() == 1
    page = client.get(response.url)
    assert ACCEPTED in messages_of(page) and ACCEPTED in shown(page)
    assert "Sofia Sponsor · Accepted by the sponsor" in shown(page)


def test_declining_without_a_note_says_why_one_is_needed(login, asked, sponsor):
    response = login(sponsor).post(answer_url(asked), {"answer": "decline", "note": "  "})
    assert response.status_code == 200
    assert DECLINE_NOTE in shown(response)
    assert fresh(asked).sponsorship == Sponsorship.ASKED
    assert not Notification.objects.filter(kind="challenges.sponsorship_declined").exists()


def test_the_sponsor_declines_on_the_page_saying_why(login, asked, sponsor, member):
    client = login(sponsor)
    response = client.post(answer_url(asked), {"answer": "decline", "note": "Not in my portfolio this year."})
    assert response.status_code == 302 and response.url == asked.get_absolute_url()
    challenge = fresh(asked)
    assert challenge.sponsorship == Sponsorship.DECLINED
    assert challenge.sponsorship_note == "Not in my portfolio this year."
    assert DECLINED in messages_of(client.get(response.url))
    assert "Not in my portfolio this year." in notes(member, "challenges.sponsorship_declined").get().message


@pytest.mark.parametrize("choice", ["accept", "decline"])
@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("Fine\x00by me", "Null characters are not allowed."),
        ("x" * 4001, "Ensure this value has at most 4000 characters (it has 4001)."),
    ],
    ids=["nul", "too-long"],
)
def test_a_note_with_a_nul_or_too_long_is_refused_on_the_page_keeping_it(login, asked, sponsor, choice, note, message):
    response = login(sponsor).post(answer_url(asked), {"answer": choice, "note": note})
    assert response.status_code == 200
    assert f"Note for the public body: {message}" in shown(response)
    if "\x00" not in note:
        assert typed(response, "note") == note
    assert sponsorship_of(asked)[1:] == (Sponsorship.ASKED, asked.sponsorship_asked_at, None, "")
    assert not Notification.objects.exclude(kind="challenges.sponsorship_asked").exists()


@pytest.mark.parametrize("first", ["accept", "decline"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_stale_answer_is_sent_back_to_the_challenge_with_why(login, asked, sponsor, first, method):
    client = login(sponsor)
    response = client.post(answer_url(asked), {"answer": first, "note": "First answer."})
    assert sent_back(client, response, asked) == [ACCEPTED if first == "accept" else DECLINED]
    label = {"accept": "Accepted by the sponsor", "decline": "Declined by the sponsor"}[first]
    before = sponsorship_of(asked)
    response = getattr(client, method)(answer_url(asked), {"answer": "accept", "note": "Second answer."})
    if first == "decline":
        # Once declined, the draft is no longer the sponsor's to read.
        assert response.status_code == 404
    else:
        assert sent_back(client, response, asked) == [
            f"This request is no longer waiting for you: the sponsorship is “{label}” and the challenge “Draft”."
        ]
    assert sponsorship_of(asked) == before


@pytest.mark.parametrize("status", DECIDED)
def test_an_answer_after_the_outcome_is_decided_is_sent_back(login, published, member, sponsor, status):
    services.challenge_ask_sponsor(actor=member, challenge=published, sponsor=sponsor)
    challenge = put(published, status)
    client = login(sponsor)
    response = client.post(answer_url(challenge), {"answer": "accept"})
    label = challenge.get_status_display()
    assert sent_back(client, response, challenge) == [
        "This request is no longer waiting for you: the sponsorship is “Waiting for the sponsor's answer” and the "
        f"challenge “{label}”."
    ]
    assert fresh(challenge).sponsorship == Sponsorship.ASKED


@pytest.mark.parametrize("who", ["author", "org_admin", "colleague"])
def test_the_body_reads_the_challenge_but_may_not_answer_for_the_sponsor(login, asked, person, who):
    client = login(person(who))
    before = sponsorship_of(asked)
    assert client.get(answer_url(asked)).status_code == 403
    assert client.post(answer_url(asked), {"answer": "accept"}).status_code == 403
    assert sponsorship_of(asked) == before


@pytest.mark.parametrize("who", ["programme_manager", "company_member", "another_sponsor"])
def test_who_reads_a_published_challenge_may_not_answer_for_its_sponsor(login, published, member, sponsor, person, who):
    services.challenge_ask_sponsor(actor=member, challenge=published, sponsor=sponsor)
    client = login(person(who))
    assert client.get(answer_url(published)).status_code == 403
    assert client.post(answer_url(published), {"answer": "accept"}).status_code == 403
    assert fresh(published).sponsorship == Sponsorship.ASKED


def test_a_sponsor_who_lost_the_role_no_longer_answers_on_the_page(login, published, member, sponsor):
    services.challenge_ask_sponsor(actor=member, challenge=published, sponsor=sponsor)
    client = login(sponsor)
    type(sponsor).objects.filter(pk=sponsor.pk).update(is_sponsor=False)
    for method in ("get", "post"):
        response = getattr(client, method)(answer_url(published), {"answer": "accept"})
        assert response.status_code == 403
    assert fresh(published).sponsorship == Sponsorship.ASKED


# The suggestions of sponsors --------------------------------------------------------------------------------


def suggested(client, challenge, text, status=200):
    response = client.get(suggestions_url(challenge), {"q": text})
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/json"
    return response.json()["results"] if status == 200 else None


def test_the_drafter_is_suggested_active_sponsors_by_name_or_address_ten_at_most(
    login, draft, member, org_admin, sponsor
):
    for number in range(15):
        UserFactory(name=f"Serena Sponsorella {number:02d}", is_sponsor=True)
    UserFactory(name="Sam Sponsorella Plain")  # without the role
    UserFactory(name="Rita Sponsorella Retired", is_sponsor=True, is_active=False)
    for drafter in (member, org_admin):
        client = login(drafter)
        found = suggested(client, draft, "sponsorella")
        assert len(found) == 10
        assert all(item["name"].startswith("Serena Sponsorella") for item in found)
        assert suggested(client, draft, "SOFIA") == [
            {"name": "Sofia Sponsor (sofia.sponsor@example.com)", "value": "sofia.sponsor@example.com"}
        ]
        assert suggested(client, draft, "sofia.sponsor@") == suggested(client, draft, "Sofia")
        assert suggested(client, draft, "Plain") == [] and suggested(client, draft, "Retired") == []
        assert suggested(client, draft, "s") == []  # one character finds nobody


@pytest.mark.parametrize(
    "text",
    ["x" * 20000, "\x00", "sof\x00ia", "%", "_", "'; DROP TABLE accounts_user; --", "\u202e\ud7ff", "   "],
    ids=["very-long", "nul", "nul-inside", "percent", "underscore", "quote", "unicode", "spaces"],
)
def test_garbage_in_the_suggestions_never_breaks_them(login, draft, member, sponsor, text):
    found = suggested(login(member), draft, text)
    assert isinstance(found, list) and len(found) <= 10
    if text in ("%", "_", "   ", "\x00"):
        assert found == []


def test_a_nul_inside_the_typed_text_is_dropped(login, draft, member, sponsor):
    assert [item["value"] for item in suggested(login(member), draft, "sof\x00ia")] == [sponsor.email]


@pytest.mark.parametrize("who", ["colleague", "sponsor"])
def test_only_the_drafter_is_suggested_sponsors(login, asked, person, who):
    assert suggested(login(person(who)), asked, "sofia", status=403) is None


# The sponsor's page of what they sponsor -------------------------------------------------------------------


@pytest.fixture
def portfolio(organisation, member, sponsor):
    """Challenges Sofia is asked to sponsor (two waiting, the older first; one whose outcome
    was decided meanwhile), sponsors, and declined."""
    made = {}
    for title, days in (("Older request", 9), ("Newer request", 2), ("Cancelled request", 5)):
        challenge = ChallengeFactory(owner=organisation, author=member, title=title)
        services.challenge_ask_sponsor(actor=member, challenge=challenge, sponsor=sponsor)
        Challenge.objects.filter(pk=challenge.pk).update(sponsorship_asked_at=timezone.now() - timedelta(days=days))
        made[title] = challenge
    put(made["Cancelled request"], Status.CANCELLED)
    for title, accept in (("Backed challenge", True), ("Refused challenge", False)):
        challenge = PublishedChallengeFactory(owner=organisation, author=member, title=title)
        services.challenge_ask_sponsor(actor=member, challenge=challenge, sponsor=sponsor)
        answer(challenge, sponsor, accept=accept, note="Because.")
        made[title] = challenge
    return made


def test_the_queries_list_what_waits_for_the_sponsor_and_what_they_back(portfolio, sponsor, other_sponsor):
    assert [c.title for c in sponsorship_queries.waiting_for(sponsor)] == ["Older request", "Newer request"]
    assert [c.title for c in sponsorship_queries.sponsored(sponsor)] == ["Backed challenge"]
    assert not sponsorship_queries.waiting_for(other_sponsor).exists()
    assert not sponsorship_queries.sponsored(other_sponsor).exists()
    assert not sponsorship_queries.waiting_for(AnonymousUser()).exists()
    described = sponsorship_queries.as_sponsored(fresh(portfolio["Older request"]))
    assert described.awaiting == ANSWER_BUTTON and described.url == portfolio["Older request"].get_absolute_url()
    assert sponsorship_queries.as_sponsored(fresh(portfolio["Backed challenge"])).awaiting is None
    assert sponsorship_queries.as_sponsored(fresh(portfolio["Cancelled request"])).awaiting is None


@pytest.mark.parametrize("status", DECIDED)
def test_a_request_waits_no_longer_once_the_outcome_is_decided(asked, sponsor, status):
    assert list(sponsorship_queries.waiting_for(sponsor)) == [asked]
    put(asked, status)
    assert not sponsorship_queries.waiting_for(sponsor).exists()
    assert registry.decisions_waiting(sponsor, shown=5) == (0, [])


def test_the_sponsors_page_lists_what_waits_for_them_then_what_they_back(login, portfolio, sponsor):
    response = login(sponsor).get(reverse("insights:sponsored"))
    assert response.status_code == 200
    page = Page(response)
    section = page.part("Challenges")
    text = page.text(section)
    assert "2 decisions waiting for you" in text and "1 other" in text
    assert (
        text.index("2 decisions waiting for you")
        < text.index("Older request")
        < text.index("Newer request")
        < text.index("1 other")
        < text.index("Backed challenge")
    )
    assert page.row_text("Older request", within=section).count(ANSWER_BUTTON) == 1
    assert ANSWER_BUTTON in page.row_text("Newer request", within=section)
    assert ANSWER_BUTTON not in page.row_text("Backed challenge", within=section)
    assert page.link("Older request", within=section) == portfolio["Older request"].get_absolute_url()
    assert "Refused challenge" not in text and "Cancelled request" not in text


def test_the_sponsors_dashboard_shows_the_challenges_waiting_the_oldest_first(login, portfolio, sponsor):
    assert registry.decisions_waiting(sponsor, shown=5)[0] == 2
    page = Page(login(sponsor).get(reverse("insights:dashboard")))
    assert page.response.status_code == 200
    waiting = page.part("2 decisions wait for you as sponsor")
    text = page.text(waiting)
    assert text.index("Older request") < text.index("Newer request")
    assert ANSWER_BUTTON in text
    for title in ("Backed challenge", "Refused challenge", "Cancelled request"):
        assert title not in text


def test_the_whole_waiting_list_of_challenges(login, portfolio, sponsor):
    response = login(sponsor).get(reverse("insights:sponsored_list", args=["challenges.challenges", "waiting"]))
    assert response.status_code == 200
    text = shown(response)
    assert "Older request" in text and "Newer request" in text
    assert "Backed challenge" not in text and "Refused challenge" not in text and "Cancelled request" not in text


def test_an_answer_moves_the_challenge_on_the_sponsors_page_at_once(login, pages_kept, asked, sponsor):
    client = login(sponsor)
    url = reverse("insights:sponsored")
    page = Page(client.get(url))
    assert ANSWER_BUTTON in page.text(page.part("Challenges"))
    assert client.post(answer_url(asked), {"answer": "accept"}).status_code == 302
    page = Page(client.get(url))
    text = page.text(page.part("Challenges"))
    assert ANSWER_BUTTON not in text and "1 other" in text and TITLE in text


# Query counts ---------------------------------------------------------------------------------------------


def queries_of(client, url):
    client.get(url)  # warm the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


def sponsor_more(organisation, member, sponsor, count):
    """`count` more challenges Sofia is asked to sponsor, half of them accepted."""
    for number in range(count):
        challenge = ChallengeFactory(owner=organisation, author=member, title=f"More {number}", criteria=False)
        services.challenge_ask_sponsor(actor=member, challenge=challenge, sponsor=sponsor)
        if number % 2:
            answer(challenge, sponsor, accept=True)


@pytest.mark.parametrize("reader", ["sponsor", "member"])
def test_the_challenge_page_does_not_grow_with_what_the_sponsor_sponsors(
    request, login, asked, organisation, member, sponsor, reader
):
    client = login(request.getfixturevalue(reader))
    url = asked.get_absolute_url()
    few = queries_of(client, url)
    sponsor_more(organisation, member, sponsor, 20)
    many = queries_of(client, url)
    assert len(few) == len(many), "\n".join(["with one:", *few, "", "with 21:", *many])


def test_the_sponsors_page_does_not_grow_with_the_challenges(login, asked, organisation, member, sponsor):
    client = login(sponsor)
    url = reverse("insights:sponsored")
    few = queries_of(client, url)
    sponsor_more(organisation, member, sponsor, 20)
    many = queries_of(client, url)
    assert len(few) == len(many), "\n".join(["with one:", *few, "", "with 21:", *many])
