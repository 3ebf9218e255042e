"""Public pages as a visitor reads them, kept in the cache and invalidated exactly.

Most readers of a public page are visitors, signed out, and read what every other visitor
reads in their language. A view marks such a page with `@public_page`; the first visitor's
response is kept, and every visitor after them is served it without running the view.

Nothing kept is ever stale:
- every write Ponte makes is audited (core.audit.record), and each audited write, once its
  transaction commits, moves the public version on: from the next request, every page is
  made again from the database;
- what changes with the clock alone (a deadline passing) is registered by the apps that
  know it (`registry.add_clock_event`), and nothing is kept past the next such moment;
- only what is the same for every visitor is kept: a request with a session, an
  Authorization header or messages to show is served by the view, and a response that sets
  a cookie (a CSRF token, a message read) or is not a plain 200 is never kept.

Without a working cache (Redis down), pages are simply made every time. A write made while
the cache cannot be told (a moment's outage) is the one case a kept page may be stale: for
five minutes at most (PAGE_SECONDS), and the failure is logged.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from .registry import registry

logger = logging.getLogger(__name__)

VERSION_KEY = "ponte:public:version"
# What a person's own kept values are valid for, besides the public version (forget_person).
PERSON_VERSION_KEY = "ponte:person:{}:version"
# The longest a page is kept when no clock event comes sooner.
PAGE_SECONDS = 300


def public_page(view):
    """Mark a view's response as the same for every visitor in a language, to be kept."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = True
        return response

    return wrapped


def invalidate() -> None:
    """Every kept page is made again from the next request: after the transaction commits,
    so that no request reads the old data and keeps it under the new version."""
    _hold_until_commit()
    transaction.on_commit(_move_version)


# Whether this thread's transaction holds a write not committed yet. Until it commits, what
# is kept may be older than what the transaction reads from the database (a membership just
# added, in the demo world built in one transaction): nothing kept is read or kept meanwhile.
_writes_pending: ContextVar[bool] = ContextVar("ponte_writes_pending", default=False)


def _hold_until_commit() -> None:
    if transaction.get_connection().in_atomic_block:
        _writes_pending.set(True)


def _writes_uncommitted() -> bool:
    if not _writes_pending.get():
        return False
    if transaction.get_connection().in_atomic_block:
        return True
    _writes_pending.set(False)  # committed or rolled back
    return False


def forget_everything(**kwargs) -> None:
    """Nothing kept before is read again (connected to post_migrate: a database made anew,
    whose rows the audit trail never saw go, must not be read through what was kept of the
    one before)."""
    _move_version()


def _new_version() -> str:
    """A version never used before: random, not the clock's, which two writes may share (and
    which stands still where time is frozen, as in tests)."""
    return uuid.uuid4().hex[:16]


def _move_version() -> None:
    _forget_state()
    try:
        cache.set(VERSION_KEY, _new_version(), None)
    except Exception:  # kept pages then last until their lifetime ends (PAGE_SECONDS at most)
        logger.warning("The page cache could not be invalidated", exc_info=True)


# The state, and the versions of people's values, read once a request (the middleware's):
# a page that reads several kept values asks the cache for them once. A write this request
# makes forgets them.
_request_state: ContextVar[dict | None] = ContextVar("ponte_request_state", default=None)


def _forget_state() -> None:
    memo = _request_state.get()
    if memo is not None:
        memo.clear()


def _state(*, person_id: int | None = None) -> tuple[str, float]:
    """What a kept page is valid for — the public version and the next clock event, found
    once per version and again each time one passes — and how long from now it may be kept.
    Both are in the page's key: a page is never read past its moment, whatever the cache's
    own clock says. With `person_id`, that person's version is read in the same round trip."""
    memo = _request_state.get()
    if memo is not None and "state" in memo:
        return memo["state"]
    if memo is not None and person_id is not None:
        person_key = PERSON_VERSION_KEY.format(person_id)
        found = cache.get_many([VERSION_KEY, person_key])
        if person_key in found:
            memo.setdefault("people", {})[person_id] = found[person_key]
        state = _read_state(found.get(VERSION_KEY))
    else:
        state = _read_state(cache.get(VERSION_KEY))
    if memo is not None:
        memo["state"] = state
    return state


# The last version this process read and its horizon: a version's horizon is found once, not
# read from the cache at every request. It only ever comes sooner than the shared one.
_last_horizon: tuple[str, float] = ("", 0.0)


def _read_state(version: str | None) -> tuple[str, float]:
    global _last_horizon
    if version is None:
        version = _new_version()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    now = timezone.now()
    known_version, horizon = _last_horizon
    if known_version != version or horizon <= now.timestamp():
        horizon_key = f"ponte:public:{version}:horizon"
        horizon = cache.get(horizon_key)
        if horizon is None or horizon <= now.timestamp():
            moments = [moment for event in registry.clock_events if (moment := event(now)) is not None]
            horizon = min([*(moment.timestamp() for moment in moments), now.timestamp() + PAGE_SECONDS])
            cache.set(horizon_key, horizon, max(1, int(horizon - now.timestamp())))
        _last_horizon = (version, horizon)
    return f"{version}:{horizon:.0f}", horizon - now.timestamp()


def _keepable_request(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _key(language: str, address: str, valid_for: str) -> str:
    return f"ponte:public:{valid_for}:{language}:{hashlib.sha256(address.encode()).hexdigest()}"


def kept_part(request: HttpRequest, name: str, make: Callable[[], str], *, for_person: bool = False) -> str:
    """The part `name` of the page at this address, made by `make` once and kept like a
    public page (the same version and clock, invalidated with them): for a part that is the
    same for everyone in a language, such as a public list's results, on the page of a
    person signed in, whose page itself is never kept. With `for_person`, kept for the
    person reading it alone: a part that shows what they may do, which a form's CSRF token
    never is."""
    # In the language the page is made in: a signed-in person's is their account's.
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    key = f"part:{name}:{translation.get_language()}:{address}"
    if for_person:
        part = kept_for_person(request.user.pk, key, lambda: str(make()))
    else:
        part = kept_value(key, lambda: str(make()))
    return mark_safe(part)  # what this server rendered from its templates


def kept_value[T](name: str, make: Callable[[], T]) -> T:
    """A value every reader of a signed-in page shares (a count over all the data), made once
    and kept like a public page: under the same version and clock, so that the next write
    or clock event makes it again. Without the cache, it is made each time."""
    return _kept(lambda valid_for: f"ponte:value:{name}:{valid_for}", make)


# Values of a person's that every page they read needs (who they are, what they are told):
# the first of them a request reads brings them all in one round trip (`every_page`).
_EVERY_PAGE: list[str] = []


def every_page(name: str) -> str:
    """Declare `name` a value of a person's (kept_for_person) that every page they read needs."""
    _EVERY_PAGE.append(name)
    return name


def kept_for_person[T](person_id: int, name: str, make: Callable[[], T]) -> T:
    """A value of one person's own that every page they read needs (their memberships, their
    unread count, their home page's figures), kept like `kept_value` — made again after any
    write — and also after `forget_person`, for what changes without an audited write (a
    notification arriving or read)."""

    def key(valid_for: str) -> str:
        memo = _request_state.get()
        if memo is None:
            return _person_key(person_id, _person_version(person_id), name, valid_for)
        versions = memo.setdefault("people", {})
        if person_id not in versions:
            versions[person_id] = _person_version(person_id)
        read_ahead = memo.setdefault("read ahead", set())
        if person_id not in read_ahead:
            read_ahead.add(person_id)
            keys = [_person_key(person_id, versions[person_id], each, valid_for) for each in _EVERY_PAGE]
            found = cache.get_many(keys) if keys else {}
            memo.setdefault("ahead", {}).update({each: found.get(each) for each in keys})
        return _person_key(person_id, versions[person_id], name, valid_for)

    return _kept(key, make, person_id=person_id)


def _person_key(person_id: int, version: str, name: str, valid_for: str) -> str:
    return f"ponte:person:{person_id}:{version}:{name}:{valid_for}"


def _person_version(person_id: int) -> str:
    """The version of a person's kept values; a new one if the cache has none (never kept, or
    evicted), so that values kept under an older one are never read again."""
    key = PERSON_VERSION_KEY.format(person_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, _new_version(), None)
        version = cache.get(key)
    return version


def forget_person(*person_ids: int) -> None:
    """Every value kept for these people is made again from their next request, once the
    transaction commits (a request that reads before then keeps under the old version)."""

    def move() -> None:
        _forget_state()
        version = _new_version()
        try:
            cache.set_many({PERSON_VERSION_KEY.format(person_id): version for person_id in person_ids}, None)
        except Exception:  # their values then last until the clock's horizon at most
            logger.warning("The page cache could not forget a person's values", exc_info=True)

    if settings.PONTE_PUBLIC_PAGE_CACHE and person_ids:
        _hold_until_commit()
        transaction.on_commit(move)


def _kept[T](key_for: Callable[[str], str], make: Callable[[], T], *, person_id: int | None = None) -> T:
    if not settings.PONTE_PUBLIC_PAGE_CACHE or _writes_uncommitted():
        return make()
    try:
        valid_for, seconds = _state(person_id=person_id)
        key = key_for(valid_for)
        memo = _request_state.get()
        ahead = memo.get("ahead", {}) if memo is not None else {}
        kept = ahead.pop(key) if key in ahead else cache.get(key)
    except Exception:
        logger.warning("The page cache is unavailable", exc_info=True)
        return make()
    if kept is not None:
        return kept
    value = make()
    if seconds >= 1:
        try:
            cache.set(key, value, int(seconds))
        except Exception:
            logger.warning("The page cache could not keep a value", exc_info=True)
    return value


class PublicPageCacheMiddleware:
    """Serves a kept public page to a visitor, and keeps the pages views mark public. It sits
    before the session, so that a page kept costs no more than the bare middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        memo = _request_state.set({})
        try:
            return self._respond(request)
        finally:
            _request_state.reset(memo)

    def _respond(self, request: HttpRequest) -> HttpResponse:
        if not settings.PONTE_PUBLIC_PAGE_CACHE or not _keepable_request(request):
            return self.get_response(request)
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        try:
            state = _state()
            # Before the locale middleware: the language the visitor's request asks for.
            key = _key(translation.get_language_from_request(request), address, state[0])
            kept = cache.get(key)
        except Exception:  # without a cache, the page is made every time
            logger.warning("The page cache is unavailable", exc_info=True)
            return self.get_response(request)
        if kept is not None:
            return kept
        response = self.get_response(request)
        seconds = state[1]
        if (
            getattr(response, "public_page", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and seconds >= 1
            and not getattr(getattr(request, "user", None), "is_authenticated", False)
        ):
            # One piece of content, not the many a view may have written (a feed writes an
            # element at a time): a kept page is read back whole at every request.
            response.content = response.content
            try:
                cache.set(key, response, int(seconds))
            except Exception:
                logger.warning("The page cache could not keep a page", exc_info=True)
        return response
