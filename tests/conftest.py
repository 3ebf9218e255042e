import pytest

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never into var/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles and used TOTP codes live in the cache: start every test with it empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def citizen(db):
    return UserFactory(name="Carla Citizen")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Agency for Modernisation", slug="agency-for-modernisation")


@pytest.fixture
def org_admin(organisation):
    return MembershipFactory(organisation=organisation, role="admin", user__name="Olga Admin").user


@pytest.fixture
def member(organisation):
    return MembershipFactory(organisation=organisation, role="member", user__name="Manuel Member").user


@pytest.fixture
def programme_manager(db):
    return UserFactory(name="Paula Manager", is_programme_manager=True)


@pytest.fixture
def platform_admin(db):
    return UserFactory(name="Pat Admin", is_staff=True, is_superuser=True)


def give_two_factor(user):
    """Turn on TOTP for a person, as the demo and real staff must have it."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret
