"""Signing in, as allauth does it; and reading the signed-in person at each request with what
every page asks of them — whether they have a second factor, how many notifications they have
not read — in the one query that reads them, rather than one query each.

That read is kept for the person between their requests (core.pagecache.kept_for_person) and
comes with the other values every page of theirs needs, in one round trip to the cache. It is
made again from their next request after any change to the person (signals.py: a new
password, an account deactivated), any audited write and any notification. What is kept holds
no password hash: the person is read without it, with the session hash made from it."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend

from ponte.core.notifications import UNREAD_READ_WITH_PERSON, unread_expression
from ponte.core.pagecache import every_page, kept_for_person

from .models import SESSION_AUTH_HASH, User
from .services import TWO_FACTOR_READ_WITH_PERSON, two_factor_expression

PERSON = every_page("person")


class PersonBackend(AuthenticationBackend):
    def get_user(self, user_id):
        user = kept_for_person(user_id, PERSON, lambda: _read_person(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None


def _read_person(person_id: int) -> User | None:
    user = (
        User.objects.filter(pk=person_id)
        .annotate(
            **{UNREAD_READ_WITH_PERSON: unread_expression(), TWO_FACTOR_READ_WITH_PERSON: two_factor_expression()}
        )
        .first()
    )
    if user is not None:
        # The session is checked against this; the password's hash is then let go (unloaded, as
        # a deferred field: read again only by what asks for it, and never saved over).
        setattr(user, SESSION_AUTH_HASH, user.get_session_auth_hash())
        del user.password
    return user
