"""The audit trail cannot be rewritten, and its staff page shows and filters it safely."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse

from ponte.core import audit
from ponte.core.models import AuditEvent
from tests.conftest import give_two_factor
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def event(db):
    actor = UserFactory(name="Ana Actor")
    return audit.record(
        actor=actor,
        verb="verify",
        target=OrganisationFactory(name="Tax Agency"),
        before={"status": "pending"},
        after={"status": "verified"},
        reason="Checked",
    )


def _unchanged(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.verb, stored.reason, stored.after) == ("verify", "Checked", {"status": "verified"})


def test_record_keeps_who_what_and_why(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor.name == "Ana Actor"
    assert stored.actor_label == "Ana Actor"
    assert stored.target_label == "Tax Agency"
    assert stored.before == {"status": "pending"}
    assert stored.after == {"status": "verified"}
    assert stored.reason == "Checked"


def test_record_by_an_anonymous_actor_keeps_no_actor(db):
    stored = audit.record(actor=AnonymousUser(), verb="register", target=OrganisationFactory())
    assert stored.actor is None
    assert stored.actor_label == ""


def test_an_existing_event_cannot_be_saved_again(event):
    event.reason = "Rewritten"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    _unchanged(event)


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    _unchanged(event)


def test_a_queryset_update_is_refused(event):
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(reason="Rewritten")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.update(reason="Rewritten")
    _unchanged(event)


def test_a_bulk_update_is_refused(event):
    event.reason = "Rewritten"
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["reason"])
    _unchanged(event)


def test_a_queryset_delete_is_refused(event):
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().delete()
    _unchanged(event)


def test_the_trail_still_reads_after_the_actor_is_erased(event):
    event.actor.delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor is None
    assert stored.actor_label == "Ana Actor"


# The staff page -------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, programme_manager):
    give_two_factor(programme_manager)
    client.force_login(programme_manager)
    return client


@pytest.fixture
def trail(db):
    """Two people acting on two organisations and on a person's profile."""
    ana, ben = UserFactory(name="Ana Actor"), UserFactory(name="Ben Other")
    tax, water = OrganisationFactory(name="Tax Agency"), OrganisationFactory(name="Water Board")
    events = {
        "ana_tax": audit.record(actor=ana, verb="verify", target=tax),
        "ben_tax": audit.record(actor=ben, verb="suspend", target=tax, reason="Fraud"),
        "ben_water": audit.record(actor=ben, verb="verify", target=water),
        "ana_profile": audit.record(actor=ana, verb="update_profile", target=ana),
    }
    return {"ana": ana, "ben": ben, "tax": tax, "water": water, "events": events}


def _shown(response):
    return {event.pk for event in response.context["page"].object_list}


def test_a_programme_manager_sees_the_whole_trail(staff_client, trail):
    response = staff_client.get(reverse("audit_trail"))
    assert response.status_code == 200
    assert _shown(response) == {e.pk for e in trail["events"].values()}
    assert "Fraud" in response.content.decode()


def test_a_platform_admin_sees_the_trail(client, platform_admin, trail):
    give_two_factor(platform_admin)
    client.force_login(platform_admin)
    response = client.get(reverse("audit_trail"))
    assert response.status_code == 200
    assert _shown(response) == {e.pk for e in trail["events"].values()}


def test_staff_without_a_second_factor_are_sent_to_set_it_up(client, programme_manager, trail):
    client.force_login(programme_manager)
    response = client.get(reverse("audit_trail"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_a_citizen_is_refused(client, citizen, trail):
    client.force_login(citizen)
    assert client.get(reverse("audit_trail")).status_code == 403


def test_an_organisation_admin_is_refused(client, org_admin, trail):
    client.force_login(org_admin)
    assert client.get(reverse("audit_trail")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, trail):
    response = client.get(reverse("audit_trail"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/audit/" in response["Location"]


def test_the_trail_filters_by_person(staff_client, trail):
    response = staff_client.get(reverse("audit_trail"), {"person": trail["ana"].pk})
    assert response.status_code == 200
    assert _shown(response) == {trail["events"]["ana_tax"].pk, trail["events"]["ana_profile"].pk}
    assert response.context["person"] == trail["ana"]


def test_the_trail_filters_by_object(staff_client, trail):
    response = staff_client.get(
        reverse("audit_trail"), {"type": "organisations.organisation", "id": str(trail["tax"].pk)}
    )
    assert response.status_code == 200
    assert _shown(response) == {trail["events"]["ana_tax"].pk, trail["events"]["ben_tax"].pk}


def test_the_object_filter_tells_types_apart(staff_client, trail):
    # A person's profile and an organisation can share an id: the type keeps them apart.
    response = staff_client.get(reverse("audit_trail"), {"type": "accounts.user", "id": str(trail["ana"].pk)})
    assert _shown(response) == {trail["events"]["ana_profile"].pk}


def test_the_trail_filters_by_person_and_object_together(staff_client, trail):
    response = staff_client.get(
        reverse("audit_trail"),
        {"person": trail["ben"].pk, "type": "organisations.organisation", "id": str(trail["tax"].pk)},
    )
    assert _shown(response) == {trail["events"]["ben_tax"].pk}


@pytest.mark.parametrize(
    "params",
    [
        {"person": "abc"},
        {"person": "-1"},
        {"person": "1.5"},
        {"person": "²"},  # a digit to str.isdigit(), not to int()
        {"person": "999999999"},
        {"person": "9" * 40},
        {"person": "1\x00"},
        {"type": "nope.nope", "id": "1"},
        {"type": "organisations", "id": "1"},
        {"type": "organisations.organisation\x00", "id": "1"},
        {"type": "organisations.organisation", "id": "1\x00"},
    ],
    ids=lambda params: repr(params),
)
def test_a_bad_filter_answers_not_found(staff_client, trail, params):
    assert staff_client.get(reverse("audit_trail"), params).status_code == 404


@pytest.mark.parametrize("page", ["abc", "0", "-1", "9" * 40])
def test_an_odd_page_number_still_shows_the_trail(staff_client, trail, page):
    response = staff_client.get(reverse("audit_trail"), {"page": page})
    assert response.status_code == 200
    assert _shown(response) == {e.pk for e in trail["events"].values()}
