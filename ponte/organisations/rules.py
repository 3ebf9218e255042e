"""Who may do what to an organisation. Each permission is a role predicate AND, where it
matters, a state predicate."""

import rules

from ponte.core.roles import is_authenticated, is_platform_admin, is_programme_manager, is_staff_role

from .models import LIFECYCLE, JoinRequestStatus, Kind, Role, Status
from .queries import roles_by_kind, roles_of, verified_kinds_of


# Platform-wide roles that follow from membership: every module asks them.
@rules.predicate
def is_company_member(user) -> bool:
    return Kind.COMPANY in verified_kinds_of(user)


@rules.predicate
def is_public_servant(user) -> bool:
    return Kind.PUBLIC_BODY in verified_kinds_of(user)


@rules.predicate
def is_member(user, organisation) -> bool:
    return organisation is not None and organisation.pk in roles_of(user)


@rules.predicate
def is_org_admin(user, organisation) -> bool:
    return organisation is not None and roles_of(user).get(organisation.pk) == Role.ADMIN


@rules.predicate
def is_sole_admin(user, organisation) -> bool:
    from .models import Membership

    return bool(
        is_org_admin(user, organisation)
        and not Membership.objects.filter(organisation=organisation, role=Role.ADMIN).exclude(user=user).exists()
    )


@rules.predicate
def is_verified(user, organisation) -> bool:
    return organisation is not None and organisation.status == Status.VERIFIED


@rules.predicate
def is_suspended(user, organisation) -> bool:
    return organisation is not None and organisation.status == Status.SUSPENDED


@rules.predicate
def has_pending_request(user, organisation) -> bool:
    return bool(
        organisation is not None
        and is_authenticated(user)
        and organisation.join_requests.filter(user=user, status=JoinRequestStatus.PENDING).exists()
    )


# Who a kind of notification can reach, whatever state the organisations are in: the
# people of a company or of a public body, and the admins of one.
@rules.predicate
def belongs_to_an_organisation(user) -> bool:
    return bool(roles_of(user))


@rules.predicate
def belongs_to_a_company(user) -> bool:
    return Kind.COMPANY in roles_by_kind(user)


@rules.predicate
def belongs_to_a_public_body(user) -> bool:
    return Kind.PUBLIC_BODY in roles_by_kind(user)


@rules.predicate
def administers_an_organisation(user) -> bool:
    return any(Role.ADMIN in roles for roles in roles_by_kind(user).values())


@rules.predicate
def administers_a_public_body(user) -> bool:
    return Role.ADMIN in roles_by_kind(user).get(Kind.PUBLIC_BODY, set())


rules.add_perm("organisations.view_organisation", is_verified | is_member | is_staff_role)
rules.add_perm("organisations.add_organisation", is_authenticated)
rules.add_perm("organisations.change_organisation", (is_org_admin & ~is_suspended) | is_platform_admin)
# The public profile (description, sectors, size, contact) is kept by any member.
rules.add_perm("organisations.change_profile", (is_member & ~is_suspended) | is_platform_admin)
rules.add_perm("organisations.view_members", is_member | is_staff_role)
rules.add_perm("organisations.manage_members", is_org_admin & ~is_suspended)
rules.add_perm("organisations.request_to_join", is_authenticated & is_verified & ~is_member & ~has_pending_request)
rules.add_perm("organisations.leave_organisation", is_member & ~is_sole_admin)
# Which states allow each decision is the lifecycle's to say.
rules.add_perm("organisations.verify_organisation", is_programme_manager & LIFECYCLE.allows("verify"))
rules.add_perm("organisations.suspend_organisation", is_programme_manager & LIFECYCLE.allows("suspend"))
rules.add_perm("organisations.reinstate_organisation", is_programme_manager & LIFECYCLE.allows("reinstate"))
rules.add_perm("organisations.view_documents", is_member | is_staff_role)
rules.add_perm("organisations.add_document", is_org_admin & ~is_suspended)
