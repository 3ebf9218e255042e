"""Reads about people that every module needs."""

from django.db.models import QuerySet

from .models import User


def programme_managers() -> QuerySet[User]:
    """The programme managers of the innovation unit who can act: active accounts."""
    return User.objects.filter(is_programme_manager=True, is_active=True)


def sponsors_named(text: str, *, limit: int = 10) -> list[User]:
    """Active sponsors whose name or address holds `text` (two characters or more), a few: the
    suggestions of every field that names a sponsor."""
    from django.db.models import Q

    if len(text) < 2:
        return []
    found = User.objects.filter(is_sponsor=True, is_active=True).filter(
        Q(name__icontains=text) | Q(email__icontains=text)
    )
    return list(found.order_by("name", "email")[:limit])


def person_suggestion(user: User) -> dict:
    """A person as a field's suggestion lists them: their name and address, the address kept."""
    return {"name": f"{user.name} ({user.email})" if user.name else user.email, "value": user.email}
