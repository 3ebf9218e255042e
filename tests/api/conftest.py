import pytest
from django.test import Client

from ponte.accounts.services import api_token_create


@pytest.fixture
def csrf_client():
    """A client that checks CSRF tokens, as a real browser session is checked."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def token_for(db):
    """token_for(person, scope="read") creates a personal token and returns its secret."""

    def create(user, scope="read", name="script"):
        _token, raw = api_token_create(user=user, name=name, scope=scope)
        return raw

    return create
