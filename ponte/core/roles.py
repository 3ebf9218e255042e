"""Platform-wide role predicates, shared by every app's rules.py.

Predicates answer False for anonymous people and missing objects, so that they
compose safely with `&`, `|` and `~`.
"""

import rules


@rules.predicate
def is_authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_platform_admin(user) -> bool:
    return bool(is_authenticated(user) and (user.is_staff or user.is_superuser))


@rules.predicate
def is_programme_manager(user) -> bool:
    return bool(is_authenticated(user) and user.is_programme_manager)


@rules.predicate
def is_sponsor(user) -> bool:
    return bool(is_authenticated(user) and user.is_sponsor)


@rules.predicate
def is_evaluator(user) -> bool:
    return bool(is_authenticated(user) and user.is_evaluator)


@rules.predicate
def is_moderator(user) -> bool:
    return bool(is_authenticated(user) and user.is_moderator)


# Staff of the innovation unit see everything the rules allow across organisations.
is_staff_role = is_programme_manager | is_platform_admin

# These roles hold power over others' work: they must sign in with a second factor.
# Evaluators read sealed commercial proposals and their scores decide awards.
requires_two_factor = is_programme_manager | is_sponsor | is_evaluator | is_platform_admin
