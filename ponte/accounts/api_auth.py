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

    def __call__(self, request):
        # Only a signed-in session is checked for CSRF: a request with a token, or with
        # no session at all, must answer 401 rather than "CSRF check failed".
        if "HTTP_AUTHORIZATION" in request.META:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        return request.user


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


class _SettingsRateThrottle(SimpleRateThrottle):
    """A throttle whose rate is read from settings on every request, not once at import."""

    setting = ""

    def __init__(self):
        super().__init__(self.get_rate())

    def get_rate(self):
        return getattr(settings, self.setting)

    def allow_request(self, request):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class VisitorThrottle(_SettingsRateThrottle):
    scope = "visitor"
    setting = "PONTE_API_RATE_ANON"

    def get_cache_key(self, request):
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": _client_ip(request)}


class PersonThrottle(_SettingsRateThrottle):
    scope = "person"
    setting = "PONTE_API_RATE_AUTH"

    def get_cache_key(self, request):
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
