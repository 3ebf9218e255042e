"""Notifications reach people on Ponte always, and by e-mail as each person chose:
straight away, in one daily digest, or not at all — and in their own language."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from ponte.core import notifications
from ponte.core.models import EmailChannel, Notification, NotificationPreference
from ponte.core.registry import registry
from ponte.core.tasks import send_notification_email
from ponte.organisations import services
from ponte.organisations.models import Status
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

VERIFIED = "organisations.verified"  # defaults to e-mail straight away
TO_VERIFY = "organisations.to_verify"  # defaults to the daily digest
ACCEPTED = "organisations.invitation_accepted"  # defaults to the daily digest


@pytest.fixture
def person(db):
    return UserFactory(name="Rita Recipient", email="rita@example.com")


def _notify(django_capture_on_commit_callbacks, recipients, kind, organisation="Tax Agency"):
    """Notify and commit, so that e-mails due straight away go out."""
    with django_capture_on_commit_callbacks(execute=True):
        return notifications.notify(recipients, kind, params={"organisation": organisation}, url="/organisations/x/")


# Each person's choice ---------------------------------------------------------------------


def test_immediate_sends_one_email_once_the_change_commits(person, django_capture_on_commit_callbacks):
    notifications.set_preferences(person, {VERIFIED: EmailChannel.IMMEDIATE})

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        [notification] = notifications.notify([person], VERIFIED, params={"organisation": "Tax Agency"})
        assert mail.outbox == []  # nothing leaves before the transaction commits

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rita@example.com"]
    assert "Tax Agency is verified and visible to everyone" in mail.outbox[0].subject
    notification.refresh_from_db()
    assert notification.emailed_at is not None

    # Running the task again (a retried job) does not send a second e-mail, nor does the digest.
    send_notification_email.enqueue(notification_id=notification.pk)
    assert notifications.send_digests() == 0
    assert len(mail.outbox) == 1


def test_nothing_is_sent_when_the_change_rolls_back(person, django_capture_on_commit_callbacks):
    notifications.set_preferences(person, {VERIFIED: EmailChannel.IMMEDIATE})
    with django_capture_on_commit_callbacks(execute=False):
        notifications.notify([person], VERIFIED, params={"organisation": "Tax Agency"})
    assert mail.outbox == []


def test_digest_sends_nothing_until_the_digest_runs(person, django_capture_on_commit_callbacks):
    notifications.set_preferences(person, {VERIFIED: EmailChannel.DIGEST})

    [notification] = _notify(django_capture_on_commit_callbacks, [person], VERIFIED)

    assert mail.outbox == []
    assert notification.email_channel == EmailChannel.DIGEST
    assert notifications.send_digests() == 1
    assert len(mail.outbox) == 1
    assert "Tax Agency is verified and visible to everyone" in mail.outbox[0].body


def test_none_sends_no_email_but_the_notification_is_on_ponte(person, client, django_capture_on_commit_callbacks):
    notifications.set_preferences(person, {VERIFIED: EmailChannel.NONE})

    _notify(django_capture_on_commit_callbacks, [person], VERIFIED)

    assert notifications.send_digests() == 0
    assert mail.outbox == []
    notification = Notification.objects.get(recipient=person)
    assert notification.message == "Tax Agency is verified and visible to everyone"
    client.force_login(person)
    assert "Tax Agency is verified and visible to everyone" in client.get(reverse("notifications")).content.decode()


def test_without_a_choice_the_kind_default_applies(person, django_capture_on_commit_callbacks):
    assert registry.notification_kind(VERIFIED).default_channel == EmailChannel.IMMEDIATE
    assert registry.notification_kind(TO_VERIFY).default_channel == EmailChannel.DIGEST

    _notify(django_capture_on_commit_callbacks, [person], VERIFIED)
    _notify(django_capture_on_commit_callbacks, [person], TO_VERIFY)

    assert len(mail.outbox) == 1  # only the immediate one
    assert notifications.send_digests() == 1
    assert len(mail.outbox) == 2


def test_a_choice_applies_only_to_its_own_kind(person, django_capture_on_commit_callbacks):
    notifications.set_preferences(person, {TO_VERIFY: EmailChannel.NONE})

    _notify(django_capture_on_commit_callbacks, [person], VERIFIED)

    assert len(mail.outbox) == 1


def test_an_unknown_channel_or_kind_is_refused_and_nothing_is_saved(person):
    with pytest.raises(ValueError):
        notifications.set_preferences(person, {VERIFIED: EmailChannel.NONE, TO_VERIFY: "carrier-pigeon"})
    with pytest.raises(ValueError):
        notifications.set_preferences(person, {"no.such.kind": EmailChannel.NONE})
    assert not NotificationPreference.objects.exists()


def test_inactive_duplicate_and_missing_recipients_are_skipped(person, django_capture_on_commit_callbacks):
    gone = UserFactory(is_active=False)

    created = _notify(django_capture_on_commit_callbacks, [gone, person, None, person], VERIFIED)

    assert [n.recipient for n in created] == [person]
    assert Notification.objects.filter(recipient=gone).count() == 0
    assert Notification.objects.filter(recipient=person).count() == 1
    assert [m.to for m in mail.outbox] == [[person.email]]


def test_a_person_deactivated_before_the_digest_gets_no_digest(person, django_capture_on_commit_callbacks):
    _notify(django_capture_on_commit_callbacks, [person], TO_VERIFY)
    person.is_active = False
    person.save(update_fields=["is_active"])

    assert notifications.send_digests() == 0
    assert mail.outbox == []


def test_a_person_deactivated_before_the_commit_gets_no_email(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify([person], VERIFIED, params={"organisation": "Tax Agency"})
        person.is_active = False
        person.save(update_fields=["is_active"])

    assert mail.outbox == []


# The daily digest -----------------------------------------------------------------------


def test_the_digest_sends_one_email_per_person_grouped_by_kind(person, django_capture_on_commit_callbacks):
    other = UserFactory(name="Otto Other")
    for name in ["Water Board", "Tax Agency"]:
        _notify(django_capture_on_commit_callbacks, [person], TO_VERIFY, organisation=name)
    notifications.notify([person], ACCEPTED, params={"person": "Ivo Invitee", "organisation": "Tax Agency"})
    _notify(django_capture_on_commit_callbacks, [other], TO_VERIFY, organisation="Port Authority")
    # Neither an immediate nor an in-app-only notification belongs in the digest.
    _notify(django_capture_on_commit_callbacks, [person], VERIFIED, organisation="Immediate Agency")
    notifications.set_preferences(person, {VERIFIED: EmailChannel.NONE})
    _notify(django_capture_on_commit_callbacks, [person], VERIFIED, organisation="Quiet Agency")
    mail.outbox.clear()

    assert notifications.send_digests() == 2

    assert sorted(m.to[0] for m in mail.outbox) == sorted([person.email, other.email])
    mine = next(m for m in mail.outbox if m.to == [person.email])
    body = mine.body
    assert "3 notifications" in mine.subject
    to_verify_label = str(registry.notification_kind(TO_VERIFY).label)
    accepted_label = str(registry.notification_kind(ACCEPTED).label)
    assert body.count(to_verify_label) == 1
    assert body.count(accepted_label) == 1
    # Each event sits under its kind's heading.
    headings = sorted([(body.index(to_verify_label), TO_VERIFY), (body.index(accepted_label), ACCEPTED)])

    def heading_above(text):
        position = body.index(text)
        return [kind for start, kind in headings if start < position][-1]

    assert heading_above("Water Board registered and awaits verification") == TO_VERIFY
    assert heading_above("Tax Agency registered and awaits verification") == TO_VERIFY
    assert heading_above("Ivo Invitee accepted your invitation to Tax Agency") == ACCEPTED
    assert "Port Authority" not in body
    assert "Immediate Agency" not in body
    assert "Quiet Agency" not in body

    theirs = next(m for m in mail.outbox if m.to == [other.email])
    assert "Port Authority registered and awaits verification" in theirs.body
    assert "Water Board" not in theirs.body


def test_the_digest_marks_what_it_sent_so_the_next_run_sends_nothing(person, django_capture_on_commit_callbacks):
    _notify(django_capture_on_commit_callbacks, [person], TO_VERIFY)
    assert notifications.send_digests() == 1
    assert not Notification.objects.filter(email_channel=EmailChannel.DIGEST, emailed_at__isnull=True).exists()

    assert notifications.send_digests() == 0
    assert len(mail.outbox) == 1

    # A later event goes into the next digest, alone.
    _notify(django_capture_on_commit_callbacks, [person], TO_VERIFY, organisation="Later Agency")
    assert notifications.send_digests() == 1
    assert "Later Agency" in mail.outbox[1].body
    assert "Tax Agency" not in mail.outbox[1].body


# Language ------------------------------------------------------------------------------


def _translated(language, message, **params):
    with translation.override(language):
        text = gettext(message) % params
    english = message % params
    assert text != english, f"no {language} translation for {message!r} yet"
    return text, english


@pytest.mark.parametrize("language", ["fr", "pt-pt"])
def test_an_immediate_email_is_in_the_recipients_language(
    language, programme_manager, django_capture_on_commit_callbacks
):
    admin = UserFactory(name="Rita Recipient", language=language)
    organisation = OrganisationFactory(name="Tax Agency", status=Status.PENDING, verified_at=None)
    MembershipFactory(user=admin, organisation=organisation, role="admin")
    hello, hello_en = _translated(language, "Hello %(name)s,", name="Rita")
    message, message_en = _translated(
        language, "%(organisation)s is verified and visible to everyone", organisation="Tax Agency"
    )

    # The programme manager acts in another language.
    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        services.organisation_verify(actor=programme_manager, organisation=organisation)

    [email] = mail.outbox
    assert email.to == [admin.email]
    assert hello in email.body
    assert hello_en not in email.body
    assert message in email.subject
    assert message_en not in email.subject
    assert translation.get_language() == "en"  # the sender's language is left as it was


@pytest.mark.parametrize("language", ["fr", "pt-pt"])
def test_the_digest_is_in_the_recipients_language(language, db, django_capture_on_commit_callbacks):
    person = UserFactory(name="Rita Recipient", language=language)
    hello, hello_en = _translated(language, "Hello %(name)s,", name="Rita")
    with translation.override(language):
        subject = ngettext(
            "Your daily digest: %(counter)s notification", "Your daily digest: %(counter)s notifications", 1
        ) % {"counter": 1}
        label = str(registry.notification_kind(TO_VERIFY).label)
    assert label != "New organisations to verify", f"no {language} translation for the kind's label yet"

    with translation.override("nl"):
        _notify(django_capture_on_commit_callbacks, [person], TO_VERIFY)
        notifications.send_digests()

    [email] = mail.outbox
    assert hello in email.body
    assert hello_en not in email.body
    assert label in email.body
    assert subject in email.subject


# The preferences page -------------------------------------------------------------------


def _checked(html: str) -> dict[str, str]:
    """{kind: channel} as the radio buttons on the page show them."""
    return dict(re.findall(r'name="([\w.]+)" value="(\w+)" checked', html))


@pytest.fixture
def signed_in(client, person):
    """A person whom every kind of notification can reach: a programme manager, evaluator and
    sponsor who is an admin of a public body and of a company."""
    from tests.conftest import give_two_factor
    from tests.factories import CompanyFactory

    person.is_programme_manager = person.is_evaluator = person.is_sponsor = True
    person.save(update_fields=["is_programme_manager", "is_evaluator", "is_sponsor"])
    give_two_factor(person)
    MembershipFactory(user=person, organisation=OrganisationFactory(), role="admin")
    MembershipFactory(user=person, organisation=CompanyFactory(), role="admin")
    client.force_login(person)
    return client


def test_the_preferences_page_shows_each_kind_with_its_current_choice(signed_in, person):
    notifications.set_preferences(person, {VERIFIED: EmailChannel.NONE})
    response = signed_in.get(reverse("notification_preferences"))
    assert response.status_code == 200
    checked = _checked(response.content.decode())
    assert set(checked) == set(registry.notification_kinds)
    assert checked[VERIFIED] == EmailChannel.NONE
    assert checked[TO_VERIFY] == EmailChannel.DIGEST


def test_the_preferences_page_saves_the_choices(signed_in, person):
    choices = dict.fromkeys(registry.notification_kinds, EmailChannel.NONE)
    choices[VERIFIED] = EmailChannel.DIGEST

    response = signed_in.post(reverse("notification_preferences"), choices)

    assert response.status_code == 302
    assert response["Location"] == reverse("notification_preferences")
    assert notifications.preferences_of(person) == choices
    page = signed_in.get(reverse("notification_preferences")).content.decode()
    assert "Your notification choices are saved." in page
    assert _checked(page) == choices


def test_an_unknown_channel_is_refused_clearly_and_keeps_the_other_choices(signed_in, person):
    choices = dict.fromkeys(registry.notification_kinds, EmailChannel.NONE)
    choices[TO_VERIFY] = "carrier-pigeon"

    response = signed_in.post(reverse("notification_preferences"), choices)

    assert response.status_code == 200
    html = response.content.decode()
    label = registry.notification_kind(TO_VERIFY).label
    assert "There is a problem" in html
    assert f"Choose how to hear about: {label}" in html
    assert not NotificationPreference.objects.filter(user=person).exists()
    checked = _checked(html)
    assert all(checked[kind] == EmailChannel.NONE for kind in choices if kind != TO_VERIFY)
    assert checked[TO_VERIFY] == EmailChannel.DIGEST  # still the saved (default) choice


# Each person sees the kinds that can reach them --------------------------------------------

COMPANY_MEMBERS_KIND = "Proposals your company submits"
PROGRAMME_MANAGERS_KIND = "New organisations to verify"


def _labels(client) -> str:
    response = client.get(reverse("notification_preferences"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_company_member_is_not_offered_what_only_programme_managers_receive(client, db):
    from tests.factories import CompanyFactory

    member = MembershipFactory(organisation=CompanyFactory()).user
    client.force_login(member)
    page = _labels(client)
    assert COMPANY_MEMBERS_KIND in page
    assert "Solutions returned to your company" in page
    assert PROGRAMME_MANAGERS_KIND not in page
    assert "Solutions waiting for screening" not in page
    assert "Proposals assigned to you for evaluation" not in page
    assert "Challenges sent to your organisation for approval" not in page
    # What reaches anyone (an invitation, alerts) is offered to everyone.
    assert "Invitations to join an organisation" in page and "New challenges matching your alerts" in page


def test_a_programme_manager_is_offered_what_programme_managers_receive(client, programme_manager):
    from tests.conftest import give_two_factor

    give_two_factor(programme_manager)
    client.force_login(programme_manager)
    page = _labels(client)
    assert PROGRAMME_MANAGERS_KIND in page and "Solutions waiting for screening" in page
    assert COMPANY_MEMBERS_KIND not in page


def test_a_public_servant_is_offered_what_reaches_a_public_body(client, member):
    client.force_login(member)
    page = _labels(client)
    assert "Questions asked on your challenges" in page and "Publication of your challenges" in page
    assert COMPANY_MEMBERS_KIND not in page and PROGRAMME_MANAGERS_KIND not in page


def test_saving_ignores_a_kind_that_is_not_offered(client, db):
    from tests.factories import CompanyFactory

    member = MembershipFactory(organisation=CompanyFactory()).user
    client.force_login(member)
    offered = _checked(_labels(client))
    assert TO_VERIFY not in offered
    choices = dict.fromkeys(offered, EmailChannel.NONE)
    response = client.post(reverse("notification_preferences"), {**choices, TO_VERIFY: EmailChannel.NONE})
    assert response.status_code == 302
    saved = dict(NotificationPreference.objects.filter(user=member).values_list("kind", "email_channel"))
    assert saved == choices


def test_the_preferences_page_needs_a_signed_in_person(client, db):
    response = client.get(reverse("notification_preferences"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
