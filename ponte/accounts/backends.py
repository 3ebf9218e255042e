"""Signing in, as allauth does it; and reading the signed-in person at each request with what
every page asks of them — whether they have a second factor, how many notifications they have
not read — in the one query that reads them, rather than one query each."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend

from ponte.core.notifications import UNREAD_READ_WITH_PERSON, unread_expression

from .models import User
from .services import TWO_FACTOR_READ_WITH_PERSON, two_factor_expression


class PersonBackend(AuthenticationBackend):
    def get_user(self, user_id):
        user = (
            User.objects.filter(pk=user_id)
            .annotate(
                **{UNREAD_READ_WITH_PERSON: unread_expression(), TWO_FACTOR_READ_WITH_PERSON: two_factor_expression()}
            )
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
