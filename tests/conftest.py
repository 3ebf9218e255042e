import functools

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


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a request signed in as someone who reads
    another language activates theirs in the thread, which the next test would inherit."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def pages_kept(settings):
    """Pages, parts of pages and values kept as in production (core.pagecache): the suite
    otherwise makes every page afresh, since factories write without the audit trail."""
    settings.PONTE_PUBLIC_PAGE_CACHE = True


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


# The roles of the role matrix (docs/roles.md), by key.
ROLE_FLAGS = {
    "citizen": {},
    "evaluator": {"is_evaluator": True},
    "programme_manager": {"is_programme_manager": True},
    "sponsor": {"is_sponsor": True},
    "moderator": {"is_moderator": True},
    # As the demo's platform admin: staff and superuser.
    "platform_admin": {"is_staff": True, "is_superuser": True},
}


@pytest.fixture
def person_in_role(db):
    """Make someone in a role of the role matrix with regard to an organisation: "visitor"
    (anonymous), "citizen", "public_servant" (member of it), "org_admin" (its sole admin
    unless it has others), "company_member" (member of another, company, organisation),
    "evaluator", "programme_manager", "sponsor", "moderator", "platform_admin"."""
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import CompanyFactory

    def make(role, organisation=None):
        if role == "visitor":
            return AnonymousUser()
        if role in ("public_servant", "org_admin"):
            return MembershipFactory(
                organisation=organisation or OrganisationFactory(),
                role="admin" if role == "org_admin" else "member",
            ).user
        if role == "company_member":
            return MembershipFactory(organisation=CompanyFactory(), role="member").user
        return UserFactory(**ROLE_FLAGS[role])

    return make


# Reference data (sectors, CPV codes, instrument ceilings) is loaded by data migrations.
# A transactional test -- every browser test is one -- empties all tables when it ends, so
# the next such test would start without it: load it again first (it is idempotent).
# Each loader runs with the models as they were at its migration (a model may have moved to
# another app since), as the migration itself did.
REFERENCE_DATA = [
    ("organisations", "0002_sectors", "add_sectors"),
    ("challenges", "0002_reference_data", "load"),
]


@functools.cache
def _historical_apps(app_label: str, migration: str):
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(connection).project_state((app_label, migration), at_end=True).apps


@pytest.fixture(autouse=True)
def _reference_data(request):
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    from importlib import import_module

    request.getfixturevalue("transactional_db")
    for app_label, migration, function in REFERENCE_DATA:
        loader = getattr(import_module(f"ponte.{app_label}.migrations.{migration}"), function)
        loader(_historical_apps(app_label, migration), None)
