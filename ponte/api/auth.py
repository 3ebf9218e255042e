"""How the API knows who is calling: a personal token, the browser session, or nobody.

A request that presents a token is judged by that token alone: a wrong or revoked
token is refused (401), never quietly treated as anonymous.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import SimpleRateThrottle

from ponte.accounts.models import TokenScope
from ponte.accounts.services import api_token_authenticate


class PersonalToken(HttpBearer):
    def authenticate(self, request, token):
        user, api_token = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        request.api_token = api_token
        return user


class Session(APIKeyCookie):
    """The browser's signed-in session; unsafe methods need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request, key):
        if "HTTP_AUTHORIZATION" in request.META:
            return None
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


class Visitor:
    """Lets an anonymous caller through to public endpoints (but not one with a bad token)."""

    def __call__(self, request):
        if "HTTP_AUTHORIZATION" in request.META:
            return None
        request.user = AnonymousUser()
        return "visitor"


token_auth = PersonalToken()
session_auth = Session()
SIGNED_IN = [token_auth, session_auth]
ANYONE = [token_auth, session_auth, Visitor()]


def require_write(request) -> None:
    """A read-only token may not change anything."""
    api_token = getattr(request, "api_token", None)
    if api_token is not None and api_token.scope != TokenScope.WRITE:
        raise PermissionDenied("read-only token")


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class VisitorThrottle(SimpleRateThrottle):
    scope = "visitor"

    def __init__(self):
        self.rate = settings.PONTE_API_RATE_ANON
        super().__init__(self.rate)

    def get_cache_key(self, request):
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": _client_ip(request)}


class PersonThrottle(SimpleRateThrottle):
    scope = "person"

    def __init__(self):
        self.rate = settings.PONTE_API_RATE_AUTH
        super().__init__(self.rate)

    def get_cache_key(self, request):
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
