"""Programme managers, sponsors, evaluators and platform admins hold power over others' work
(evaluators read sealed proposals and their scores decide awards): until they set up a second
factor, every page sends them to do so, except their account pages."""

import pytest

from ponte.organisations.models import Organisation
from tests.conftest import give_two_factor
from tests.factories import PASSWORD, UserFactory

ACTIVATE = "/accounts/2fa/totp/activate/"
STAFF_FLAGS = [
    pytest.param({"is_programme_manager": True}, id="programme_manager"),
    pytest.param({"is_sponsor": True}, id="sponsor"),
    pytest.param({"is_evaluator": True}, id="evaluator"),
    pytest.param({"is_staff": True, "is_superuser": True}, id="platform_admin"),
]


@pytest.fixture
def some_pages(organisation, pending_organisation):
    return [
        "/",
        "/organisations/",
        f"/organisations/{organisation.slug}/",
        f"/organisations/{pending_organisation.slug}/",
        "/organisations/verification/",
        "/notifications/",
        "/search/?q=agency",
        "/me/",
        "/audit/",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("flags", STAFF_FLAGS)
def test_staff_without_a_second_factor_are_sent_to_set_one_up_from_any_page(client, flags, some_pages):
    client.force_login(UserFactory(**flags))
    for path in some_pages:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == ACTIVATE + "?required=1", path


@pytest.mark.django_db
def test_a_programme_manager_without_a_second_factor_cannot_decide_anything(client, pending_organisation):
    client.force_login(UserFactory(is_programme_manager=True))
    response = client.post(f"/organisations/{pending_organisation.slug}/verify/")
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE + "?required=1"
    assert Organisation.objects.get(pk=pending_organisation.pk).status == "pending"


@pytest.mark.django_db
def test_the_api_says_so_in_a_problem_document(client):
    client.force_login(UserFactory(is_programme_manager=True))
    response = client.get("/api/organisations/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Two-factor authentication required"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/email/", "/accounts/2fa/", "/accounts/password/change/"])
def test_account_pages_stay_reachable(client, path):
    client.force_login(UserFactory(is_programme_manager=True))
    assert client.get(path).status_code == 200


@pytest.mark.django_db
# Kept as in production, whether a person has a second factor is kept for them between
# requests (core.pagecache.kept_for_person): setting one up, an audited write, is on the next.
@pytest.mark.parametrize("kept", [False, True], ids=["made each time", "kept as in production"])
def test_a_programme_manager_signs_in_sets_up_a_second_factor_and_proceeds(
    client, settings, kept, django_capture_on_commit_callbacks
):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    from ponte.core.models import AuditEvent

    settings.PONTE_PUBLIC_PAGE_CACHE = kept

    UserFactory(is_programme_manager=True, email="paula@example.com")
    response = client.post("/accounts/login/", {"login": "paula@example.com", "password": PASSWORD}, follow=True)
    # Sent to set up the second factor (allauth first asks for the password again).
    assert [url for url, _status in response.redirect_chain][-2:] == [
        ACTIVATE + "?required=1",
        "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F%3Frequired%3D1",
    ]
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == ACTIVATE + "?required=1"
    secret = response.context["form"].secret
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(ACTIVATE, {"code": code})

    assert AuditEvent.objects.filter(verb="add_second_factor", actor__email="paula@example.com").exists()
    assert client.get("/organisations/").status_code == 200
    assert client.get("/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("flags", STAFF_FLAGS)
def test_with_a_second_factor_staff_proceed(client, flags, some_pages):
    user = UserFactory(**flags)
    give_two_factor(user)
    client.force_login(user)
    for path in some_pages:
        response = client.get(path)
        if response.status_code == 302:
            assert not response["Location"].startswith(ACTIVATE), path
    assert client.get("/").status_code == 200
    assert client.get("/organisations/").status_code == 200
    assert client.get("/api/organisations/").status_code == 200


@pytest.mark.django_db
def test_with_a_second_factor_a_programme_manager_decides(client, pending_organisation):
    manager = UserFactory(is_programme_manager=True)
    give_two_factor(manager)
    client.force_login(manager)
    client.post(f"/organisations/{pending_organisation.slug}/verify/")
    assert Organisation.objects.get(pk=pending_organisation.pk).status == "verified"


@pytest.mark.django_db
@pytest.mark.parametrize("flags", [{}, {"is_moderator": True}], ids=["citizen", "moderator"])
def test_other_people_need_no_second_factor(client, flags):
    client.force_login(UserFactory(**flags))
    assert client.get("/").status_code == 200
    assert client.get("/organisations/").status_code == 200
