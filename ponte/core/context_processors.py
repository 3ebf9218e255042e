from django.conf import settings

from .notifications import unread_count
from .registry import registry


def ponte(request):
    user = getattr(request, "user", None)
    context = {
        "nav_items": registry.nav_for(user) if user is not None else [],
        "LANGUAGES_AVAILABLE": settings.LANGUAGES,
    }
    if user is not None and user.is_authenticated:
        context["unread_count"] = unread_count(user)
    return context
