from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ponte.core.roles import requires_two_factor

from .services import has_two_factor


class UserLanguageMiddleware:
    """A signed-in person reads Ponte in the language saved on their account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Programme managers, sponsors and platform admins must set up a second factor
    before they can do anything else on Ponte."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/readyz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and requires_two_factor(user)
            and not has_two_factor(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "type": "about:blank",
                        "title": _("Two-factor authentication required"),
                        "status": 403,
                        "detail": _("Set up two-factor authentication on your account first."),
                    },
                    status=403,
                    content_type="application/problem+json",
                )
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)
