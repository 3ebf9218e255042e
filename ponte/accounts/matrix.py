"""The role matrix's platform roles (docs/roles.md): a person per role, made by its builder,
and what the account permissions mean."""

from django.contrib.auth.models import AnonymousUser

from ponte.core.rolematrix import Case, Role, World

from .models import User


def person(key: str, label: str, **flags):
    """How to make, in a World, the person of role `key` (with the platform flags given)."""

    def make(world: World):
        return User.objects.create_user(email=f"{key}.{world.token}@roles-matrix.invalid", name=label, **flags)

    return make


ROLES = (
    Role("visitor", "visitor", "not signed in", 0, lambda world: AnonymousUser()),
    Role("citizen", "citizen", "signed in, member of no organisation", 10, person("citizen", "citizen")),
    Role(
        "evaluator",
        "evaluator",
        "an evaluator of the innovation unit",
        50,
        person("evaluator", "evaluator", is_evaluator=True),
    ),
    Role(
        "programme_manager",
        "programme manager",
        "a programme manager of the innovation unit",
        60,
        person("programme_manager", "programme manager", is_programme_manager=True),
    ),
    Role("sponsor", "sponsor", "a minister or senior leader", 70, person("sponsor", "sponsor", is_sponsor=True)),
    Role(
        "moderator",
        "moderator",
        "a moderator of public contributions",
        80,
        person("moderator", "moderator", is_moderator=True),
    ),
    Role(
        "platform_admin",
        "platform admin",
        "runs the platform (staff and superuser, like the demo's admin)",
        90,
        person("platform_admin", "platform admin", is_staff=True, is_superuser=True),
    ),
)

CASES = {
    "accounts.manage_own_account": Case("Change one's own name, language and password."),
    "accounts.manage_api_tokens": Case("Create and revoke one's own personal API tokens."),
}
