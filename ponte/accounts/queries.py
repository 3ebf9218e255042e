"""Reads about people that every module needs."""

from django.db.models import QuerySet

from .models import User


def programme_managers() -> QuerySet[User]:
    """The programme managers of the innovation unit who can act: active accounts."""
    return User.objects.filter(is_programme_manager=True, is_active=True)
