"""Every change to organisations and their members: one function per action,
transactional, permission-checked, audited, notifying."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ponte.core import audit
from ponte.core.notifications import notify
from ponte.core.services import require, update
from ponte.reference.models import SectorTag

from .models import (
    INVITATION_LIFECYCLE,
    JOIN_REQUEST_LIFECYCLE,
    LIFECYCLE,
    TIER_ORDER,
    Employees,
    Invitation,
    JoinRequest,
    Kind,
    Membership,
    Organisation,
    Role,
)
from .queries import admins_of, forget_roles

if TYPE_CHECKING:
    from ponte.accounts.models import User

INVITATION_VALID_DAYS = 14


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def validate_structure(
    *, kind: str, parent: Organisation | None, tier: str, registration_number: str, country: str, exclude_pk=None
) -> None:
    errors: dict[str, list[str]] = {}
    if kind == Kind.PUBLIC_BODY:
        if not tier:
            errors.setdefault("tier", []).append(_("Say where this body sits: government, ministry, agency or unit."))
        if parent is not None:
            if parent.kind != Kind.PUBLIC_BODY:
                errors.setdefault("parent", []).append(_("A public body can only be part of another public body."))
            elif tier and TIER_ORDER.index(parent.tier or "government") >= TIER_ORDER.index(tier):
                errors.setdefault("parent", []).append(
                    _("A body of tier “%(tier)s” cannot be part of a body of tier “%(parent_tier)s”.")
                    % {
                        "tier": Organisation(tier=tier).get_tier_display(),
                        "parent_tier": parent.get_tier_display(),
                    }
                )
            ancestor, seen = parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if exclude_pk is not None and ancestor.pk == exclude_pk:
                    errors.setdefault("parent", []).append(_("A body cannot be part of itself."))
                    break
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
    else:
        if parent is not None:
            errors.setdefault("parent", []).append(_("Companies are not part of a public body."))
        if not registration_number:
            errors.setdefault("registration_number", []).append(_("Enter the company's registration number."))
    if registration_number:
        clash = Organisation.objects.filter(country=country, registration_number__iexact=registration_number)
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            errors.setdefault("registration_number", []).append(
                _("An organisation with this registration number is already on Ponte. Ask its admin to invite you.")
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    kind: str,
    name: str,
    country: str,
    description: str = "",
    website: str = "",
    parent: Organisation | None = None,
    tier: str = "",
    level_of_government: str = "",
    registration_number: str = "",
    is_sme: bool = False,
    sectors=(),
) -> Organisation:
    """Register an organisation; its creator becomes its first admin. It stays pending
    (visible only to its members and programme managers) until a programme manager verifies it."""
    require("organisations.add_organisation", actor=actor)
    registration_number = registration_number.strip()
    validate_structure(kind=kind, parent=parent, tier=tier, registration_number=registration_number, country=country)
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                kind=kind,
                name=name.strip(),
                slug=_unique_slug(name),
                country=country,
                description=description,
                website=website,
                parent=parent if kind == Kind.PUBLIC_BODY else None,
                tier=tier if kind == Kind.PUBLIC_BODY else "",
                level_of_government=level_of_government if kind == Kind.PUBLIC_BODY else "",
                registration_number=registration_number,
                is_sme=is_sme if kind == Kind.COMPANY else False,
            )
    except IntegrityError as error:
        raise ValidationError(
            {"registration_number": [_("An organisation with this registration number is already on Ponte.")]}
        ) from error
    organisation.sectors.set([SectorTag.objects.get_or_create(code=code)[0] for code in sectors])
    Membership.objects.create(user=actor, organisation=organisation, role=Role.ADMIN)
    forget_roles(actor)
    audit.record(actor=actor, verb="create", target=organisation, after={"name": organisation.name, "kind": kind})
    from ponte.accounts.queries import programme_managers

    notify(
        programme_managers(),
        "organisations.to_verify",
        params={"organisation": organisation.name},
        url=organisation.get_absolute_url(),
    )
    return organisation


# The public profile: what the organisation tells about itself, kept by any of its members.
PROFILE_FIELDS = ("description", "website", "city", "founded", "employees", "contact_email")
# Who the organisation is: kept by its admins, since verification vouched for it.
IDENTITY_FIELDS = ("name", "country", "parent", "tier", "level_of_government", "registration_number", "is_sme")
EDITABLE_FIELDS = IDENTITY_FIELDS + PROFILE_FIELDS
EARLIEST_FOUNDED = 1600


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, sectors=None, **changes) -> Organisation:
    """Change an organisation: its profile (and sectors) needs organisations.change_profile;
    anything about who it is needs organisations.change_organisation."""
    identity = set(changes) & set(IDENTITY_FIELDS)
    require(
        "organisations.change_organisation" if identity else "organisations.change_profile", organisation, actor=actor
    )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    founded, this_year = changes.get("founded"), timezone.localdate().year
    if founded is not None and not EARLIEST_FOUNDED <= founded <= this_year:
        raise ValidationError(
            {
                "founded": [
                    _("Give the year the organisation was founded, from %(earliest)s to %(this_year)s.")
                    % {"earliest": EARLIEST_FOUNDED, "this_year": this_year}
                ]
            }
        )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    merged = {f: changes.get(f, getattr(organisation, f)) for f in EDITABLE_FIELDS}
    if merged["is_sme"] and merged["employees"] == Employees.LARGE:
        raise ValidationError(
            {
                "employees": [
                    _(
                        "An enterprise of 250 people or more is not small or medium-sized, and this company is "
                        "registered as one: change one of the two."
                    )
                ]
            }
        )
    validate_structure(
        kind=organisation.kind,
        parent=merged["parent"],
        tier=merged["tier"],
        registration_number=(merged["registration_number"] or "").strip(),
        country=merged["country"],
        exclude_pk=organisation.pk,
    )
    # Every sector is reference data (loaded by its migration): read them at once.
    tags = None if sectors is None else SectorTag.objects.filter(code__in=sectors)
    if update(organisation, changes, actor=actor, relations={"sectors": tags}):
        from ponte.core.search import index_object

        index_object(organisation)
    return organisation


def _transition(verb: str, perm: str, *, actor: User, organisation: Organisation, reason: str = "") -> Organisation:
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require(perm, organisation, actor=actor)
    if verb == "suspend" and not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for suspending this organisation.")]})
    LIFECYCLE.apply(organisation, verb, actor=actor, reason=reason)
    message = {
        "verify": "organisations.verified",
        "suspend": "organisations.suspended",
        "reinstate": "organisations.verified",
    }[verb]
    notify(
        admins_of(organisation),
        message,
        params={"organisation": organisation.name, "reason": reason},
        url=organisation.get_absolute_url(),
    )
    return organisation


@transaction.atomic
def organisation_verify(*, actor: User, organisation: Organisation, reason: str = "") -> Organisation:
    return _transition(
        "verify", "organisations.verify_organisation", actor=actor, organisation=organisation, reason=reason
    )


@transaction.atomic
def organisation_suspend(*, actor: User, organisation: Organisation, reason: str) -> Organisation:
    return _transition(
        "suspend", "organisations.suspend_organisation", actor=actor, organisation=organisation, reason=reason
    )


@transaction.atomic
def organisation_reinstate(*, actor: User, organisation: Organisation, reason: str = "") -> Organisation:
    return _transition(
        "reinstate", "organisations.reinstate_organisation", actor=actor, organisation=organisation, reason=reason
    )


# Invitations ---------------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, actor: User, organisation: Organisation, email: str, role: str = Role.MEMBER) -> Invitation:
    require("organisations.manage_members", organisation, actor=actor)
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": [_("Choose a role.")]})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": [_("This person is already a member of %(organisation)s.") % {"organisation": organisation.name}]}
        )
    if organisation.invitations.filter(email__iexact=email, status="pending", expires_at__gt=timezone.now()).exists():
        raise ValidationError({"email": [_("This person already has an open invitation.")]})
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_VALID_DAYS),
    )
    audit.record(actor=actor, verb="invite", target=organisation, after={"email": email, "role": role})
    url = reverse("organisations:invitation", kwargs={"token": invitation.token})
    from ponte.accounts.models import User

    invitee = User.objects.filter(email__iexact=email, is_active=True).first()
    if invitee is not None:
        notify(
            [invitee],
            "organisations.invitation",
            params={"organisation": organisation.name, "inviter": str(actor)},
            url=url,
        )
    else:
        transaction.on_commit(lambda: _send_invitation_email(invitation.pk))
    return invitation


def _send_invitation_email(invitation_id: int) -> None:
    from .tasks import send_invitation_email

    send_invitation_email.enqueue(invitation_id=invitation_id)


def _open_invitation(token: str) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("organisation").filter(token=token).first()
    if invitation is None:
        raise ValidationError(_("This invitation does not exist."), code="missing")
    return invitation


@transaction.atomic
def invitation_accept(*, actor: User, token: str) -> Membership:
    invitation = _open_invitation(token)
    if invitation.email.lower() != actor.email.lower():
        raise PermissionDenied("invitation for another address")
    if invitation.status == "pending" and invitation.expires_at <= timezone.now():
        raise ValidationError(
            _("This invitation has expired. Ask the organisation's admin for a new one."), code="expired"
        )
    INVITATION_LIFECYCLE.apply(invitation, "accept", actor=actor)
    membership, created = Membership.objects.get_or_create(
        user=actor, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    forget_roles(actor)
    if created:
        audit.record(
            actor=actor,
            verb="join",
            target=invitation.organisation,
            after={"role": membership.role},
            reason=_("By invitation"),
        )
    notify(
        [invitation.invited_by],
        "organisations.invitation_accepted",
        params={"person": str(actor), "organisation": invitation.organisation.name},
        url=invitation.organisation.get_absolute_url(),
    )
    return membership


@transaction.atomic
def invitation_decline(*, actor: User, token: str) -> Invitation:
    invitation = _open_invitation(token)
    if invitation.email.lower() != actor.email.lower():
        raise PermissionDenied("invitation for another address")
    return INVITATION_LIFECYCLE.apply(invitation, "decline", actor=actor)


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    require("organisations.manage_members", invitation.organisation, actor=actor)
    return INVITATION_LIFECYCLE.apply(invitation, "revoke", actor=actor)


# Requests to join ----------------------------------------------------------------------


@transaction.atomic
def join_request_create(*, actor: User, organisation: Organisation, message: str = "") -> JoinRequest:
    if organisation.pk in dict(Membership.objects.filter(user=actor).values_list("organisation_id", "role")):
        raise ValidationError(_("You are already a member of %(organisation)s.") % {"organisation": organisation.name})
    if JoinRequest.objects.filter(organisation=organisation, user=actor, status="pending").exists():
        raise ValidationError(_("You have already asked to join; its admins will answer."))
    require("organisations.request_to_join", organisation, actor=actor)
    request = JoinRequest.objects.create(organisation=organisation, user=actor, message=message.strip())
    audit.record(actor=actor, verb="request_to_join", target=organisation, reason=request.message)
    notify(
        admins_of(organisation),
        "organisations.join_request",
        params={"person": str(actor), "organisation": organisation.name},
        url=reverse("organisations:members", kwargs={"slug": organisation.slug}),
    )
    return request


@transaction.atomic
def join_request_decide(*, actor: User, join_request: JoinRequest, approve: bool, reason: str = "") -> JoinRequest:
    join_request = (
        JoinRequest.objects.select_for_update().select_related("organisation", "user").get(pk=join_request.pk)
    )
    require("organisations.manage_members", join_request.organisation, actor=actor)
    if not approve and not reason.strip():
        raise ValidationError({"reason": [_("Tell the person why their request is refused.")]})
    join_request.decided_by = actor
    JOIN_REQUEST_LIFECYCLE.apply(
        join_request, "approve" if approve else "refuse", actor=actor, reason=reason, update_fields=["decided_by"]
    )
    if approve:
        Membership.objects.get_or_create(user=join_request.user, organisation=join_request.organisation)
        forget_roles(join_request.user)
        audit.record(
            actor=actor,
            verb="add_member",
            target=join_request.organisation,
            after={"person": str(join_request.user), "role": Role.MEMBER},
        )
    notify(
        [join_request.user],
        "organisations.join_decision",
        params={
            "organisation": join_request.organisation.name,
            "decision": "approved" if approve else "refused",
            "reason": reason,
        },
        url=join_request.organisation.get_absolute_url(),
    )
    return join_request


@transaction.atomic
def join_request_withdraw(*, actor: User, join_request: JoinRequest) -> JoinRequest:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.user_id != actor.pk:
        raise PermissionDenied("not your request")
    return JOIN_REQUEST_LIFECYCLE.apply(join_request, "withdraw", actor=actor)


# Members -------------------------------------------------------------------------------


def _admins_left_after(organisation: Organisation, membership: Membership) -> int:
    return Membership.objects.filter(organisation=organisation, role=Role.ADMIN).exclude(pk=membership.pk).count()


@transaction.atomic
def membership_leave(*, actor: User, organisation: Organisation) -> None:
    membership = Membership.objects.select_for_update().filter(user=actor, organisation=organisation).first()
    if membership is None:
        raise ValidationError(_("You are not a member of %(organisation)s.") % {"organisation": organisation.name})
    # Lock every admin row so two admins cannot both leave at once.
    list(Membership.objects.select_for_update().filter(organisation=organisation, role=Role.ADMIN))
    if membership.role == Role.ADMIN and _admins_left_after(organisation, membership) == 0:
        raise ValidationError(
            _("You are the only admin of %(organisation)s. Make another member an admin before you leave.")
            % {"organisation": organisation.name}
        )
    membership.delete()
    forget_roles(actor)
    audit.record(actor=actor, verb="leave", target=organisation, before={"person": str(actor), "role": membership.role})


@transaction.atomic
def membership_set_role(*, actor: User, membership: Membership, role: str) -> Membership:
    membership = Membership.objects.select_for_update().select_related("organisation", "user").get(pk=membership.pk)
    require("organisations.manage_members", membership.organisation, actor=actor)
    if role not in Role.values:
        raise ValidationError({"role": [_("Choose a role.")]})
    list(Membership.objects.select_for_update().filter(organisation=membership.organisation, role=Role.ADMIN))
    if (
        membership.role == Role.ADMIN
        and role != Role.ADMIN
        and _admins_left_after(membership.organisation, membership) == 0
    ):
        raise ValidationError(_("An organisation keeps at least one admin. Make someone else an admin first."))
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    forget_roles(membership.user)
    audit.record(
        actor=actor,
        verb="change_role",
        target=membership.organisation,
        before={"person": str(membership.user), "role": before},
        after={"person": str(membership.user), "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership, reason: str = "") -> None:
    membership = Membership.objects.select_for_update().select_related("organisation", "user").get(pk=membership.pk)
    require("organisations.manage_members", membership.organisation, actor=actor)
    list(Membership.objects.select_for_update().filter(organisation=membership.organisation, role=Role.ADMIN))
    if membership.role == Role.ADMIN and _admins_left_after(membership.organisation, membership) == 0:
        raise ValidationError(_("An organisation keeps at least one admin. Make someone else an admin first."))
    membership.delete()
    forget_roles(membership.user)
    audit.record(
        actor=actor,
        verb="remove_member",
        target=membership.organisation,
        before={"person": str(membership.user), "role": membership.role},
        reason=reason,
    )
    notify(
        [membership.user],
        "organisations.removed",
        params={"organisation": membership.organisation.name},
        url=membership.organisation.get_absolute_url(),
    )
