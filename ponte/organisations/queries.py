"""Reads for organisations: each returns what the viewer may see, with the related rows
a page needs fetched up front so the query count does not grow with the data."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from ponte.core.pagecache import every_page, kept_for_person
from ponte.core.roles import is_staff_role

from .models import Invitation, InvitationStatus, JoinRequest, JoinRequestStatus, Membership, Organisation, Role, Status

MEMBERSHIPS = every_page("memberships")


def _own_memberships(user) -> list[Membership]:
    """A person's memberships, each with its organisation: every page asks who a person is
    (the menu, each permission) and their home page lists them, so they are read in one
    query, kept for the person until the next write (core.pagecache) and on the user object
    for the rest of the request."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_ponte_memberships", None)
    if cached is None:
        cached = user._ponte_memberships = kept_for_person(
            user.pk, MEMBERSHIPS, lambda: list(Membership.objects.filter(user=user).select_related("organisation"))
        )
    return cached


def _memberships(user) -> list[tuple[int, str, str, str]]:
    """(organisation id, its kind, its status, the person's role) for each organisation of a person."""
    return [(m.organisation_id, m.organisation.kind, m.organisation.status, m.role) for m in _own_memberships(user)]


def roles_of(user) -> dict[int, str]:
    """{organisation id: role} for a person."""
    return {organisation: role for organisation, _kind, _status, role in _memberships(user)}


def administered_by(user) -> list[int]:
    """The ids of the organisations a person administers."""
    return [organisation for organisation, role in roles_of(user).items() if role == Role.ADMIN]


def roles_by_kind(user) -> dict[str, set[str]]:
    """{kind of organisation: the person's roles in organisations of that kind}, such as
    {"company": {"admin"}}."""
    by_kind: dict[str, set[str]] = {}
    for _organisation, kind, _status, role in _memberships(user):
        by_kind.setdefault(kind, set()).add(role)
    return by_kind


def verified_kinds_of(user) -> set[str]:
    """The kinds of the verified organisations a person belongs to."""
    return {kind for _organisation, kind, status, _role in _memberships(user) if status == Status.VERIFIED}


def forget_roles(user) -> None:
    """Forget what was read of a person's organisations this request (after they changed)."""
    for kept in ("_ponte_memberships", "_ponte_invitations"):
        if user is not None and hasattr(user, kept):
            delattr(user, kept)


def verified_companies_of(user) -> QuerySet[Organisation]:
    """The verified companies a person acts for (follows, asks, proposes, offers solutions), by name."""
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk__in=list(roles_of(user)), kind="company", status=Status.VERIFIED).order_by(
        "name"
    )


def visible_organisations(user) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    if is_staff_role(user):
        return qs
    mine = list(roles_of(user))
    return qs.filter(Q(status=Status.VERIFIED) | Q(pk__in=mine))


def organisation_list(user, *, kind: str = "", country: str = "", sector: str = "", q: str = "") -> QuerySet:
    qs = visible_organisations(user).select_related("parent").prefetch_related("sectors").order_by("name")
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(country=country)
    if sector:
        qs = qs.filter(sectors__code=sector)
    # PostgreSQL refuses a NUL character in a string (and no name holds one): drop it.
    q = q.replace("\x00", "")
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def organisation_detail(user, slug: str) -> Organisation | None:
    return (
        visible_organisations(user)
        .select_related("parent", "parent__parent")
        .prefetch_related("sectors", Prefetch("children", queryset=Organisation.objects.order_by("name")))
        .filter(slug=slug)
        .first()
    )


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation=organisation).select_related("user").order_by("-role", "user__name")


def admins_of(organisation: Organisation):
    from ponte.accounts.models import User

    return User.objects.filter(memberships__organisation=organisation, memberships__role=Role.ADMIN, is_active=True)


def pending_join_requests(organisation: Organisation) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(organisation=organisation, status=JoinRequestStatus.PENDING).select_related(
        "user"
    )


def pending_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organisation=organisation, status=InvitationStatus.PENDING).select_related(
        "invited_by"
    )


def invitations_for(user) -> list[Invitation]:
    """Open invitations addressed to a person's e-mail address: read once a request (the home
    page counts and lists them), kept on the user object."""
    from django.utils import timezone

    if not user.is_authenticated:
        return []
    cached = getattr(user, "_ponte_invitations", None)
    if cached is None:
        cached = user._ponte_invitations = list(
            Invitation.objects.filter(
                email__iexact=user.email, status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
            ).select_related("organisation", "invited_by")
        )
    return cached


def join_requests_awaiting(user) -> QuerySet[JoinRequest]:
    """Requests to join the organisations a person administers."""
    return JoinRequest.objects.filter(
        organisation_id__in=administered_by(user), status=JoinRequestStatus.PENDING
    ).select_related("organisation", "user")


def own_join_request(user, organisation: Organisation) -> JoinRequest | None:
    if not user.is_authenticated:
        return None
    return JoinRequest.objects.filter(user=user, organisation=organisation, status=JoinRequestStatus.PENDING).first()


def awaiting_verification() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=Status.PENDING).order_by("created_at")


def memberships_of(user) -> list[Membership]:
    return _own_memberships(user)


def public_body_tree() -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind="public_body", status=Status.VERIFIED)
        .select_related("parent")
        .order_by("name")
    )


def organisation_and_parts(user, slug: str) -> tuple[Organisation | None, list[int]]:
    """The organisation `user` may see called `slug`, with the ids of it and its parts (a
    ministry and its agencies): what a figure "of an organisation" counts. (None, []) when
    there is no such organisation for them."""
    found = visible_organisations(user).filter(slug=slug.strip()[:100]).first() if slug.strip() else None
    if found is None:
        return None, []
    parts = Organisation.objects.filter(Q(parent=found) | Q(parent__parent=found)).values_list("pk", flat=True)
    return found, [found.pk, *parts]


def organisations_named(user, text: str, *, shown: int = 10) -> list[tuple[str, str]]:
    """(slug, name) of a few organisations `user` may see whose name holds `text`."""
    text = text.strip().replace("\x00", "")[:100]
    if len(text) < 2:
        return []
    return list(
        visible_organisations(user).filter(name__icontains=text).order_by("name").values_list("slug", "name")[:shown]
    )
