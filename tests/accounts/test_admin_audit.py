import pytest
from django.urls import reverse

from ponte.core.models import AuditEvent
from tests.conftest import give_two_factor
from tests.factories import UserFactory


@pytest.mark.django_db
def test_granting_a_platform_role_in_the_admin_is_audited(client, platform_admin):
    give_two_factor(platform_admin)
    client.force_login(platform_admin)
    person = UserFactory(name="Nina Newrole")
    url = reverse("admin:accounts_user_change", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        email=person.email,
        name=person.name,
        language="en",
        is_programme_manager="on",
        is_active="on",
        date_joined_0=person.date_joined.strftime("%Y-%m-%d"),
        date_joined_1="10:00:00",
    )
    data.pop("last_login", None)
    data = {k: v for k, v in data.items() if not isinstance(v, bool) and k not in {"groups", "user_permissions"}}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    person.refresh_from_db()
    assert person.is_programme_manager
    event = AuditEvent.objects.get(verb="change_platform_roles", target_id=str(person.pk))
    assert event.actor == platform_admin
    assert event.before == {"is_programme_manager": False}
    assert event.after == {"is_programme_manager": True}
