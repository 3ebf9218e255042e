"""Reads about people that every module needs."""

from django.db.models import QuerySet

from .models import User


def programme_managers() -> QuerySet[User]:
    """The programme managers of the innovation unit who can act: active accounts."""
    return User.objects.filter(is_programme_manager=True, is_active=True)


def people_named(text: str, *, limit: int = 10, sponsors_only: bool = False) -> list[User]:
    """Active people (or sponsors only) whose name or address holds `text` (two characters or
    more), a few: the suggestions of every field that names a person."""
    from django.db.models import Q

    if len(text) < 2:
        return []
    found = User.objects.filter(is_active=True).filter(Q(name__icontains=text) | Q(email__icontains=text))
    if sponsors_only:
        found = found.filter(is_sponsor=True)
    return list(found.order_by("name", "email")[:limit])


def sponsors_named(text: str, *, limit: int = 10) -> list[User]:
    return people_named(text, limit=limit, sponsors_only=True)


def person_suggestion(user: User) -> dict:
    """A person as a field's suggestion lists them: their name and address, the address kept."""
    return {"name": f"{user.name} ({user.email})" if user.name else user.email, "value": user.email}
