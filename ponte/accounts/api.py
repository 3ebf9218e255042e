from django.conf import settings
from django.db import transaction
from ninja import Router, Schema
from pydantic import BaseModel, Field

from ponte.accounts.api_auth import SIGNED_IN, require_write
from ponte.core.api import Problem

from . import services

router = Router(tags=["me"], auth=SIGNED_IN)

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


class MembershipOut(Schema):
    organisation: str
    organisation_slug: str
    role: str


class MeOut(Schema):
    email: str
    name: str
    language: str
    roles: list[str]
    memberships: list[MembershipOut]


class MeIn(BaseModel):
    # A plain pydantic model: ninja's Schema would read attributes off any JSON value
    # (a list, a string) and quietly accept it as an empty update.
    name: str | None = Field(default=None, min_length=1, max_length=150)
    language: str | None = Field(default=None, pattern="^(" + "|".join(LANGUAGE_CODES) + ")$")


def _me(user) -> dict:
    roles = [
        role
        for flag, role in [
            ("is_programme_manager", "programme_manager"),
            ("is_evaluator", "evaluator"),
            ("is_sponsor", "sponsor"),
            ("is_moderator", "moderator"),
            ("is_staff", "platform_admin"),
        ]
        if getattr(user, flag)
    ]
    return {
        "email": user.email,
        "name": user.name,
        "language": user.language,
        "roles": roles,
        "memberships": [
            {"organisation": m.organisation.name, "organisation_slug": m.organisation.slug, "role": m.role}
            for m in user.memberships.select_related("organisation")
        ],
    }


@router.get("", response={200: MeOut, 401: Problem}, summary="The signed-in person")
def me(request):
    return _me(request.user)


@router.patch("", response={200: MeOut, 401: Problem, 403: Problem, 422: Problem}, summary="Update your details")
@transaction.atomic
def update_me(request, payload: MeIn):
    require_write(request)
    user = request.user
    changed = services.profile_update(
        user=user, name=(payload.name or user.name).strip() or user.name, language=payload.language or user.language
    )
    return _me(changed)
