"""An exemption's sponsor: the ministry's approval asks the sponsor it names, who accepts or
declines saying why while the exemption runs or is to start; after a decline the ministry asks
another. Through the services, the pages (the register, the answer, the application, the request
to another sponsor) and the sponsor's own page of what waits for them."""

import html
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ponte.core import rolematrix
from ponte.core.models import AuditEvent, Notification
from ponte.core.sponsorship import Sponsorship
from ponte.sandbox.matrix import make_application
from ponte.sandbox.models import ApplicationStatus, Exemption
from ponte.sandbox.services import applications as application_services
from ponte.sandbox.services import decisions, dialogue
from ponte.sandbox.services import exemptions as exemption_services
from ponte.sandbox.services import sponsorship as services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.reading import Page

from .conftest import granted

pytestmark = pytest.mark.django_db

DECLINE_NOTE = "Say why you decline: the ministry reads it."
EVERY_EXEMPTION_HAS_ONE = "Name a person with the sponsor role: every exemption has a sponsor."
UNKNOWN_ADDRESS = "Nobody on Ponte has this address: name a person with the sponsor role."
PANEL = "You are asked to sponsor this exemption"
ANSWER_LINK = "Accept or decline sponsoring it"
ASK_ANOTHER = "Ask another sponsor"


@pytest.fixture
def sponsor(db):
    return UserFactory(name="Sofia Sponsor", is_sponsor=True)


@pytest.fixture
def other_sponsor(db):
    return UserFactory(name="Otto Othersponsor", is_sponsor=True)


def asked_exemption(call, organisation, ministry, sponsor, *, starts=-10, days=365, asked_days_ago=1, **kw):
    """An exemption whose sponsor is asked (as the decision leaves it), made directly."""
    exemption = granted(call, organisation, ministry, sponsor, starts=starts, days=days, **kw)
    exemption.sponsorship_asked_at = timezone.now() - timedelta(days=asked_days_ago)
    exemption.save(update_fields=["sponsorship_asked_at"])
    assert exemption.sponsorship == Sponsorship.ASKED
    return exemption


@pytest.fixture
def asked(call, organisation, ministry, sponsor, member, official, programme_manager):
    """Active since 10 days, its sponsor asked a day ago; the applicants, the ministry's official
    and a programme manager exist to be told."""
    return asked_exemption(call, organisation, ministry, sponsor)


@pytest.fixture
def declined(asked, sponsor):
    services.exemption_sponsorship_answer(actor=sponsor, exemption=asked, accept=False, note="Not my portfolio.")
    asked.refresh_from_db()
    assert asked.sponsorship == Sponsorship.DECLINED
    return asked


def fresh(exemption) -> Exemption:
    return Exemption.objects.get(pk=exemption.pk)


def told(kind) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))


def notes(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind)


def audit_rows(exemption, verb):
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(Exemption), target_id=str(exemption.pk), verb=verb
    )


def revoke(exemption, official):
    exemption_services.exemption_revoke(actor=official, exemption=exemption, reason="The safeguards were not kept.")
    exemption.refresh_from_db()
    return exemption


def answer_url(exemption) -> str:
    return f"/sandbox/register/{exemption.pk}/sponsorship/"


def register_url(exemption) -> str:
    return f"/sandbox/register/{exemption.pk}/"


def application_url(exemption, part="") -> str:
    return f"/sandbox/applications/{exemption.application_id}/{part}"


# Approval asks the sponsor -----------------------------------------------------------------------------


def final(sent, official, member):
    dialogue.final_invite(actor=official, application=sent)
    sent.refresh_from_db()
    application_services.application_update(
        actor=member, application=sent, seen_version=sent.version, legal_statement="The digital plan applies."
    )
    sent.refresh_from_db()
    application_services.application_submit(actor=member, application=sent)
    sent.refresh_from_db()
    return sent


def test_approving_an_application_asks_the_named_sponsor(sent, member, official, sponsor, programme_manager):
    application = final(sent, official, member)
    before = timezone.now()
    exemption = decisions.application_approve(
        actor=official,
        application=application,
        conditions="Report every six months.",
        legal_basis="Order 112/2027",
        starts=application.starts,
        ends=application.ends,
        sponsor=sponsor,
    )
    exemption = fresh(exemption)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert exemption.sponsor == sponsor and exemption.sponsorship == Sponsorship.ASKED
    assert exemption.sponsorship_asked_at is not None and before <= exemption.sponsorship_asked_at <= timezone.now()
    assert exemption.sponsorship_answered_at is None and exemption.sponsorship_note == ""
    assert told("sandbox.sponsorship_asked") == {sponsor.pk}
    note = notes(sponsor, "sandbox.sponsorship_asked").get()
    assert note.url == exemption.get_absolute_url()
    assert exemption.reference in note.message and application.title in note.message
    assert sponsor.has_perm("sandbox.answer_sponsorship", exemption)


# The sponsor's answer -----------------------------------------------------------------------------------


@pytest.mark.parametrize("note", ["", "  Glad to.  "])
def test_the_sponsor_accepts_and_the_ministry_and_the_programme_managers_are_told(
    asked, sponsor, member, official, programme_manager, note
):
    retired = UserFactory(is_programme_manager=True, is_active=False)
    before = timezone.now()
    services.exemption_sponsorship_answer(actor=sponsor, exemption=asked, accept=True, note=note)
    exemption = fresh(asked)
    assert exemption.sponsorship == Sponsorship.ACCEPTED
    assert exemption.sponsorship_answered_at is not None and exemption.sponsorship_answered_at >= before
    assert exemption.sponsorship_note == note.strip()
    assert told("sandbox.sponsorship_accepted") == {official.pk, programme_manager.pk}
    assert member.pk not in told("sandbox.sponsorship_accepted") and not notes(retired, "sandbox.sponsorship_accepted")
    message = notes(official, "sandbox.sponsorship_accepted").get().message
    assert sponsor.name in message and exemption.reference in message
    event = audit_rows(exemption, "accept_sponsorship").get()
    assert event.actor == sponsor
    assert (event.before, event.after) == ({"sponsorship": "asked"}, {"sponsorship": "accepted"})
    assert not told("sandbox.sponsorship_declined")


@pytest.mark.parametrize("note", ["", "   \n  "])
def test_declining_needs_a_note(asked, sponsor, note):
    with pytest.raises(ValidationError) as refused:
        services.exemption_sponsorship_answer(actor=sponsor, exemption=asked, accept=False, note=note)
    assert refused.value.message_dict == {"note": [DECLINE_NOTE]}
    exemption = fresh(asked)
    assert exemption.sponsorship == Sponsorship.ASKED and exemption.sponsorship_answered_at is None
    assert exemption.sponsorship_note == ""
    assert not audit_rows(exemption, "decline_sponsorship").exists()
    assert not told("sandbox.sponsorship_declined")


def test_the_sponsor_declines_saying_why_and_the_ministry_reads_it(asked, sponsor, member, official, programme_manager):
    services.exemption_sponsorship_answer(actor=sponsor, exemption=asked, accept=False, note="  Not my portfolio. ")
    exemption = fresh(asked)
    assert exemption.sponsorship == Sponsorship.DECLINED and exemption.sponsorship_answered_at is not None
    assert exemption.sponsorship_note == "Not my portfolio."
    assert told("sandbox.sponsorship_declined") == {official.pk, programme_manager.pk}
    assert "Not my portfolio." in notes(official, "sandbox.sponsorship_declined").get().message
    event = audit_rows(exemption, "decline_sponsorship").get()
    assert event.actor == sponsor and event.reason == "Not my portfolio."
    assert not told("sandbox.sponsorship_accepted")
    # A sponsor who declined no longer answers; nobody is asked until the ministry asks.
    assert not sponsor.has_perm("sandbox.answer_sponsorship", exemption)


@pytest.mark.parametrize(
    "who", ["another sponsor", "member", "org_admin", "official", "programme_manager", "platform_admin"]
)
@pytest.mark.parametrize("accept", [True, False])
def test_only_the_named_sponsor_answers(request, asked, other_sponsor, who, accept):
    person = other_sponsor if who == "another sponsor" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.exemption_sponsorship_answer(actor=person, exemption=asked, accept=accept, note="For them.")
    exemption = fresh(asked)
    assert exemption.sponsorship == Sponsorship.ASKED and exemption.sponsorship_note == ""
    assert not Notification.objects.filter(kind__startswith="sandbox.sponsorship_").exclude(
        kind="sandbox.sponsorship_asked"
    )


@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("again", [True, False])
def test_the_sponsor_answers_once(asked, sponsor, first, again):
    services.exemption_sponsorship_answer(actor=sponsor, exemption=asked, accept=first, note="First answer.")
    state = fresh(asked).sponsorship
    with pytest.raises(PermissionDenied):
        services.exemption_sponsorship_answer(actor=sponsor, exemption=asked, accept=again, note="Second answer.")
    exemption = fresh(asked)
    assert exemption.sponsorship == state and exemption.sponsorship_note == "First answer."
    assert (
        audit_rows(exemption, "accept_sponsorship").count() + audit_rows(exemption, "decline_sponsorship").count() == 1
    )


@pytest.mark.parametrize("accept", [True, False])
def test_no_answer_once_the_exemption_is_revoked(asked, sponsor, official, accept):
    revoke(asked, official)
    with pytest.raises(PermissionDenied):
        services.exemption_sponsorship_answer(actor=sponsor, exemption=asked, accept=accept, note="Late.")
    assert fresh(asked).sponsorship == Sponsorship.ASKED


@pytest.mark.parametrize(
    ("starts", "days", "answers"),
    [
        (30, 365, True),  # to start
        (-365, 365, True),  # its last day is today
        (-366, 365, False),  # its last day was yesterday
        (-400, 365, False),  # long over
    ],
)
def test_the_sponsor_answers_while_the_exemption_runs_or_is_to_start(
    call, organisation, ministry, sponsor, official, starts, days, answers
):
    exemption = asked_exemption(call, organisation, ministry, sponsor, starts=starts, days=days)
    assert sponsor.has_perm("sandbox.answer_sponsorship", exemption) is answers
    if answers:
        services.exemption_sponsorship_answer(actor=sponsor, exemption=exemption, accept=True)
        assert fresh(exemption).sponsorship == Sponsorship.ACCEPTED
    else:
        with pytest.raises(PermissionDenied):
            services.exemption_sponsorship_answer(actor=sponsor, exemption=exemption, accept=True)
        assert fresh(exemption).sponsorship == Sponsorship.ASKED


@pytest.mark.parametrize("change", [{"is_sponsor": False}, {"is_active": False}])
def test_a_sponsor_who_lost_the_role_no_longer_answers(asked, sponsor, change):
    for name, value in change.items():
        setattr(sponsor, name, value)
    sponsor.save(update_fields=list(change))
    with pytest.raises(PermissionDenied):
        services.exemption_sponsorship_answer(actor=sponsor, exemption=asked, accept=True)
    assert fresh(asked).sponsorship == Sponsorship.ASKED


# Asking another sponsor ------------------------------------------------------------------------------------


def test_after_a_decline_the_ministry_asks_another_sponsor(declined, sponsor, other_sponsor, official):
    first_asked = declined.sponsorship_asked_at
    services.exemption_ask_another_sponsor(actor=official, exemption=declined, sponsor=other_sponsor)
    exemption = fresh(declined)
    assert (exemption.sponsor, exemption.sponsorship) == (other_sponsor, Sponsorship.ASKED)
    assert exemption.sponsorship_note == "" and exemption.sponsorship_answered_at is None
    assert exemption.sponsorship_asked_at > first_asked
    event = audit_rows(exemption, "ask_sponsor").get()
    assert event.actor == official and event.reason == f"{sponsor.email} → {other_sponsor.email}"
    asked = notes(other_sponsor, "sandbox.sponsorship_asked").get()
    assert asked.url == exemption.get_absolute_url()
    # The new sponsor answers; the one who declined no longer may.
    assert not sponsor.has_perm("sandbox.answer_sponsorship", exemption)
    with pytest.raises(PermissionDenied):
        services.exemption_sponsorship_answer(actor=sponsor, exemption=exemption, accept=True)
    services.exemption_sponsorship_answer(actor=other_sponsor, exemption=exemption, accept=True)
    assert fresh(exemption).sponsorship == Sponsorship.ACCEPTED


def test_the_sponsor_who_declined_may_be_asked_again(declined, sponsor, official):
    services.exemption_ask_another_sponsor(actor=official, exemption=declined, sponsor=sponsor)
    exemption = fresh(declined)
    assert (exemption.sponsor, exemption.sponsorship, exemption.sponsorship_note) == (sponsor, "asked", "")
    assert notes(sponsor, "sandbox.sponsorship_asked").count() == 1


def _not_a_sponsor():
    return UserFactory(name="Nadia Nosponsor")


def _inactive_sponsor():
    return UserFactory(is_sponsor=True, is_active=False)


def _programme_manager():
    return UserFactory(is_programme_manager=True)


@pytest.mark.parametrize("make", [_not_a_sponsor, _inactive_sponsor, _programme_manager, None])
def test_the_sponsor_asked_needs_the_role(declined, sponsor, official, make):
    person = make() if make else None
    with pytest.raises(ValidationError) as refused:
        services.exemption_ask_another_sponsor(actor=official, exemption=declined, sponsor=person)
    assert refused.value.message_dict == {"sponsor": [EVERY_EXEMPTION_HAS_ONE]}
    exemption = fresh(declined)
    assert (exemption.sponsor, exemption.sponsorship) == (sponsor, Sponsorship.DECLINED)
    assert exemption.sponsorship_note == "Not my portfolio."
    assert not audit_rows(exemption, "ask_sponsor").exists()
    assert not told("sandbox.sponsorship_asked")


@pytest.mark.parametrize("who", ["member", "org_admin", "programme_manager", "sponsor", "another ministry"])
def test_only_the_granting_ministry_asks_another_sponsor(request, declined, sponsor, other_sponsor, who):
    if who == "another ministry":
        person = MembershipFactory(organisation=OrganisationFactory(tier="ministry"), role="admin").user
    else:
        person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.exemption_ask_another_sponsor(actor=person, exemption=declined, sponsor=other_sponsor)
    exemption = fresh(declined)
    assert (exemption.sponsor, exemption.sponsorship) == (sponsor, Sponsorship.DECLINED)
    assert not notes(other_sponsor, "sandbox.sponsorship_asked").exists()


@pytest.mark.parametrize("state", ["asked", "accepted"])
def test_another_sponsor_is_asked_only_after_a_decline(asked, sponsor, other_sponsor, official, state):
    if state == "accepted":
        services.exemption_sponsorship_answer(actor=sponsor, exemption=asked, accept=True)
    with pytest.raises(PermissionDenied):
        services.exemption_ask_another_sponsor(actor=official, exemption=asked, sponsor=other_sponsor)
    exemption = fresh(asked)
    assert (exemption.sponsor, exemption.sponsorship) == (sponsor, state)
    assert not notes(other_sponsor, "sandbox.sponsorship_asked").exists()


def test_no_other_sponsor_once_the_exemption_is_revoked(declined, sponsor, other_sponsor, official):
    revoke(declined, official)
    with pytest.raises(PermissionDenied):
        services.exemption_ask_another_sponsor(actor=official, exemption=declined, sponsor=other_sponsor)
    assert fresh(declined).sponsor == sponsor


def test_no_other_sponsor_once_the_exemption_expired(call, organisation, ministry, sponsor, other_sponsor, official):
    over = granted(call, organisation, ministry, sponsor, starts=-400, days=365)
    Exemption.objects.filter(pk=over.pk).update(sponsorship=Sponsorship.DECLINED, sponsorship_note="No.")
    with pytest.raises(PermissionDenied):
        services.exemption_ask_another_sponsor(actor=official, exemption=fresh(over), sponsor=other_sponsor)
    assert (fresh(over).sponsor, fresh(over).sponsorship) == (sponsor, Sponsorship.DECLINED)


# The pages: the register and the answer ---------------------------------------------------------------------


def test_the_register_shows_the_request_to_the_asked_sponsor_alone(
    login, asked, sponsor, other_sponsor, member, official, programme_manager
):
    page = Page(login(sponsor).get(register_url(asked)))
    assert PANEL in page.text()
    assert page.link(ANSWER_LINK) == answer_url(asked)
    for person in (None, other_sponsor, member, official, programme_manager):
        response = login(person).get(register_url(asked))
        assert response.status_code == 200
        text = Page(response).text()
        assert PANEL not in text and ANSWER_LINK not in text
    services.exemption_sponsorship_answer(actor=sponsor, exemption=asked, accept=True)
    text = Page(login(sponsor).get(register_url(asked))).text()
    assert PANEL not in text and ANSWER_LINK not in text


def test_the_answer_page_is_the_sponsors_alone(
    login, client, asked, sponsor, other_sponsor, member, org_admin, official, programme_manager, citizen
):
    response = login(sponsor).get(answer_url(asked))
    assert response.status_code == 200
    page = Page(response)
    assert "Sponsor the exemption?" in page.headings() and asked.reference in page.text()
    for person in (other_sponsor, member, org_admin, official, programme_manager, citizen):
        client = login(person)
        assert client.get(answer_url(asked)).status_code == 403
        assert client.post(answer_url(asked), {"answer": "accept", "note": ""}).status_code == 403
    assert fresh(asked).sponsorship == Sponsorship.ASKED
    assert login(sponsor).get(f"/sandbox/register/{asked.pk + 1000}/sponsorship/").status_code == 404
    response = login(None).get(answer_url(asked))
    assert response.status_code == 302 and "login" in response.url


def test_the_sponsor_accepts_through_the_page(login, asked, sponsor, official):
    client = login(sponsor)
    response = client.post(answer_url(asked), {"answer": "accept", "note": ""})
    assert response.status_code == 302 and response.url == register_url(asked)
    assert fresh(asked).sponsorship == Sponsorship.ACCEPTED
    assert "You sponsor the exemption. The ministry is told." in Page(client.get(response.url)).text()
    assert official.pk in told("sandbox.sponsorship_accepted")


def test_declining_without_a_note_keeps_the_page_and_says_why(login, asked, sponsor):
    client = login(sponsor)
    response = client.post(answer_url(asked), {"answer": "decline", "note": "  "})
    assert response.status_code == 200
    assert DECLINE_NOTE in Page(response).text()
    assert fresh(asked).sponsorship == Sponsorship.ASKED
    response = client.post(answer_url(asked), {"answer": "decline", "note": "Outside my remit."})
    assert response.status_code == 302 and response.url == register_url(asked)
    exemption = fresh(asked)
    assert exemption.sponsorship == Sponsorship.DECLINED and exemption.sponsorship_note == "Outside my remit."
    assert "You declined to sponsor the exemption. The ministry is told why." in Page(client.get(response.url)).text()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_stale_answer_is_sent_back_with_a_message(login, asked, sponsor, method):
    client = login(sponsor)
    client.post(answer_url(asked), {"answer": "accept", "note": ""})
    response = getattr(client, method)(answer_url(asked), {"answer": "decline", "note": "Changed my mind."})
    assert response.status_code == 302 and response.url == register_url(asked)
    text = Page(client.get(response.url)).text()
    assert "This request is no longer waiting for you" in text and "Accepted by the sponsor" in text
    exemption = fresh(asked)
    assert exemption.sponsorship == Sponsorship.ACCEPTED and exemption.sponsorship_note == ""


def test_an_answer_after_the_revocation_is_sent_back(login, asked, sponsor, official):
    revoke(asked, official)
    client = login(sponsor)
    response = client.post(answer_url(asked), {"answer": "accept", "note": ""}, follow=True)
    assert response.status_code == 200
    assert "This request is no longer waiting for you" in Page(response).text()
    assert "Revoked" in Page(response).text()
    assert fresh(asked).sponsorship == Sponsorship.ASKED


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"answer": "maybe"},
        {"answer": ["accept", "decline"], "note": ["a", "b"]},
        {"answer": "decline", "note": "x" * 5000},
        {"answer": "decline", "note": "bad\x00note"},
        {"answer": "accept", "note": "\x00"},
        {"answer": "\x00", "note": "é" * 10},
    ],
)
def test_garbage_answers_never_fail(login, asked, sponsor, data):
    response = login(sponsor).post(answer_url(asked), data)
    assert response.status_code in (200, 302)
    exemption = fresh(asked)
    assert "\x00" not in exemption.sponsorship_note and len(exemption.sponsorship_note) <= 4000


# The pages: asking another sponsor ------------------------------------------------------------------------


def test_the_application_page_offers_to_ask_another_only_to_the_ministry_after_a_decline(
    login, asked, sponsor, member, official, programme_manager
):
    assert ASK_ANOTHER not in Page(login(official).get(application_url(asked))).text()
    services.exemption_sponsorship_answer(actor=sponsor, exemption=asked, accept=False, note="Not my portfolio.")
    page = Page(login(official).get(application_url(asked)))
    assert page.link(ASK_ANOTHER) == application_url(asked, "sponsor/")
    assert "Not my portfolio." in page.text()
    for person in (member, programme_manager):
        response = login(person).get(application_url(asked))
        assert response.status_code == 200 and ASK_ANOTHER not in Page(response).text()


def test_the_ministry_asks_another_through_the_page(login, declined, official, other_sponsor):
    client = login(official)
    form = client.get(application_url(declined, "sponsor/"))
    assert form.status_code == 200
    assert "Not my portfolio." in Page(form).text()  # why the last one declined
    # The field suggests sponsors to the ministry as it types a name.
    found = client.get("/sandbox/sponsors/", {"q": "Othersponsor"})
    assert [person["value"] for person in found.json()["results"]] == [other_sponsor.email]
    typed = "nobody@nowhere.example"
    response = client.post(application_url(declined, "sponsor/"), {"sponsor": typed})
    assert response.status_code == 200
    assert UNKNOWN_ADDRESS in Page(response).text()
    assert response.context["form"]["sponsor"].value() == typed
    plain = UserFactory(email="plain@example.com")
    response = client.post(application_url(declined, "sponsor/"), {"sponsor": plain.email})
    assert response.status_code == 200 and EVERY_EXEMPTION_HAS_ONE in Page(response).text()
    assert response.context["form"]["sponsor"].value() == plain.email
    assert fresh(declined).sponsorship == Sponsorship.DECLINED
    response = client.post(application_url(declined, "sponsor/"), {"sponsor": other_sponsor.email.upper()})
    assert response.status_code == 302 and response.url == application_url(declined)
    exemption = fresh(declined)
    assert (exemption.sponsor, exemption.sponsorship) == (other_sponsor, Sponsorship.ASKED)
    assert notes(other_sponsor, "sandbox.sponsorship_asked").exists()
    assert "The sponsor is asked to back the exemption." in Page(client.get(response.url)).text()


def test_who_may_not_ask_another_is_refused(login, declined, member, programme_manager, sponsor, other_sponsor):
    for person in (member, programme_manager):
        client = login(person)
        assert client.get(application_url(declined, "sponsor/")).status_code == 403
        assert client.post(application_url(declined, "sponsor/"), {"sponsor": other_sponsor.email}).status_code == 403
    other_ministry = MembershipFactory(organisation=OrganisationFactory(tier="ministry"), role="admin").user
    assert login(other_ministry).get(application_url(declined, "sponsor/")).status_code == 404
    assert login(sponsor).get(application_url(declined, "sponsor/")).status_code == 404
    assert fresh(declined).sponsorship == Sponsorship.DECLINED


@pytest.mark.parametrize("method", ["get", "post"])
def test_after_the_revocation_the_ministry_is_told_it_can_no_longer_be_done(
    login, declined, official, other_sponsor, method
):
    revoke(declined, official)
    client = login(official)
    response = getattr(client, method)(application_url(declined, "sponsor/"), {"sponsor": other_sponsor.email})
    assert response.status_code == 302 and response.url == application_url(declined)
    text = Page(client.get(response.url)).text()
    assert "This can no longer be done: the exemption is “Revoked”." in text
    assert ASK_ANOTHER not in text
    assert fresh(declined).sponsor != other_sponsor


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"sponsor": ""},
        {"sponsor": "\x00"},
        {"sponsor": "a@b.c\x00"},
        {"sponsor": "x" * 5000},
        {"sponsor": ["one@example.com", "two@example.com"]},
        {"sponsor": "not an address"},
    ],
)
def test_garbage_requests_never_fail(login, declined, official, data):
    response = login(official).post(application_url(declined, "sponsor/"), data)
    assert response.status_code == 200
    assert fresh(declined).sponsorship == Sponsorship.DECLINED


def test_unknown_applications_are_not_found(login, official):
    client = login(official)
    assert client.get("/sandbox/applications/999999/sponsor/").status_code == 404


# The sponsor's page ---------------------------------------------------------------------------------------------


def _sandbox_lists(response) -> dict[str, list[str]]:
    """The exemptions section of the sponsor's page: each part's heading and what it lists."""
    page = Page(response)
    section = page.part("Exemptions")
    lists = {}
    for heading in section.xpath("./h3"):
        following = heading.xpath("following-sibling::*[1]")
        items = page.items(following[0]) if following and following[0].tag == "ul" else []
        lists["waiting" if "waiting for you" in heading.text_content() else "others"] = items
    return lists


def test_the_sponsors_page_lists_what_waits_for_them_oldest_first(
    login, call, organisation, ministry, sponsor, other_sponsor, official
):
    def make(title, **kw):
        return asked_exemption(call, organisation, ministry, sponsor, title=title, **kw)

    old_request = make("Asked long ago", asked_days_ago=20)
    overdue = make("Report overdue", starts=-200, days=730)
    Exemption.objects.filter(pk=overdue.pk).update(
        sponsorship=Sponsorship.ACCEPTED, next_report_due=timezone.localdate() - timedelta(days=5)
    )
    new_request = make("Asked yesterday", asked_days_ago=1)
    upcoming = make("Asked, to start", starts=30, asked_days_ago=3)
    quiet = make("Accepted, nothing due")
    Exemption.objects.filter(pk=quiet.pk).update(sponsorship=Sponsorship.ACCEPTED)
    refused = make("Declined by me")
    services.exemption_sponsorship_answer(actor=sponsor, exemption=refused, accept=False, note="No.")
    revoked = revoke(make("Asked, then revoked"), official)
    others = asked_exemption(call, organisation, ministry, other_sponsor, title="Someone else's")

    response = login(sponsor).get("/insights/sponsored/")
    assert response.status_code == 200
    lists = _sandbox_lists(response)
    waiting = " | ".join(lists["waiting"])
    rest = " | ".join(lists["others"])
    for exemption in (old_request, overdue, new_request, upcoming):
        assert exemption.application.title in waiting, exemption.application.title
    assert waiting.index("Asked long ago") < waiting.index("Report overdue") < waiting.index("Asked, to start")
    assert waiting.index("Asked, to start") < waiting.index("Asked yesterday")
    assert "Accept or decline sponsoring it" in waiting and "Its progress report is overdue" in waiting
    assert quiet.application.title in rest and revoked.application.title in rest
    assert "Accepted, nothing due" not in waiting and "Asked, then revoked" not in waiting
    text = Page(response).text()
    assert "Declined by me" not in text and "Someone else's" not in text
    assert refused.application.title not in text and others.application.title not in text
    assert "4 decisions waiting for you" in Page(response).text(Page(response).part("Exemptions"))


def test_an_answer_takes_the_exemption_off_the_waiting_list(login, asked, sponsor):
    client = login(sponsor)
    assert asked.application.title in " ".join(_sandbox_lists(client.get("/insights/sponsored/"))["waiting"])
    client.post(answer_url(asked), {"answer": "accept", "note": ""})
    lists = _sandbox_lists(client.get("/insights/sponsored/"))
    assert not lists["waiting"]
    assert asked.application.title in " ".join(lists["others"])
    whole = client.get("/insights/sponsored/sandbox.exemptions/others/")
    assert whole.status_code == 200 and asked.application.title in Page(whole).text()


# Exemptions granted before sponsors answered ------------------------------------------------------------------


def test_a_new_exemption_asks_its_sponsor_and_those_granted_before_stand_accepted(
    call, organisation, ministry, sponsor
):
    assert Exemption._meta.get_field("sponsorship").default == Sponsorship.ASKED
    assert granted(call, organisation, ministry, sponsor).sponsorship == Sponsorship.ASKED
    assert make_application(rolematrix.World(), "approved").exemption.sponsorship == Sponsorship.ACCEPTED
    # The migration: the rows already there get "accepted", and the day of the decision as the
    # day their sponsor was asked and answered.
    migration = import_module("ponte.sandbox.migrations.0005_exemption_sponsorship")
    added = migration.Migration.operations[0]
    assert (added.name, added.field.default) == ("sponsorship", "accepted")
    before = granted(call, organisation, ministry, sponsor, title="Granted before")
    migration.named_at_the_decision(django_apps, None)
    before = fresh(before)
    assert before.sponsorship_asked_at == before.created_at == before.sponsorship_answered_at


@pytest.mark.parametrize("state", ["asked", "accepted"])
def test_while_no_sponsor_declined_the_ministry_is_sent_back_to_the_application(
    login, asked, sponsor, official, other_sponsor, state
):
    if state == "accepted":
        services.exemption_sponsorship_answer(actor=sponsor, exemption=asked, accept=True)
    client = login(official)
    for method in ("get", "post"):
        response = getattr(client, method)(application_url(asked, "sponsor/"), {"sponsor": other_sponsor.email})
        assert response.status_code == 302 and response.url == application_url(asked)
        shown = "Accepted by the sponsor" if state == "accepted" else "Waiting for the sponsor's answer"
        page = html.unescape(client.get(response.url).text)
        assert f"No other sponsor can be asked: the sponsorship is “{shown}”." in page
    assert (fresh(asked).sponsor, fresh(asked).sponsorship) == (sponsor, state)
    assert not notes(other_sponsor, "sandbox.sponsorship_asked").exists()


# A kept part is made again when a write's transaction commits: this test commits.
@pytest.mark.django_db(transaction=True)
def test_the_kept_pages_follow_the_answer(login, pages_kept, asked, sponsor):
    waiting = "Waiting for the sponsor's answer"
    assert waiting in Page(login(None).get(register_url(asked))).text()
    client = login(sponsor)
    assert asked.application.title in " ".join(_sandbox_lists(client.get("/insights/sponsored/"))["waiting"])
    assert PANEL in Page(client.get(register_url(asked))).text()
    client.post(answer_url(asked), {"answer": "accept", "note": ""})
    lists = _sandbox_lists(client.get("/insights/sponsored/"))
    assert not lists["waiting"] and asked.application.title in " ".join(lists["others"])
    assert PANEL not in Page(client.get(register_url(asked))).text()
    assert waiting not in Page(login(None).get(register_url(asked))).text()
