"""The role matrix's roles that follow from membership, and the organisation in each state
(docs/roles.md). Other modules build their objects on the public body and the companies
made here."""

from django.utils.text import slugify

from ponte.accounts.matrix import person
from ponte.core.rolematrix import Case, Role, Subject, World

from .models import Kind, Membership, Organisation, Status
from .models import Role as MemberRole


def company(world: World) -> Organisation:
    """The verified company whose member is the company member."""
    return world.shared(
        "company",
        lambda: Organisation.objects.create(
            kind=Kind.COMPANY,
            name=f"Roles matrix company {world.token}",
            slug=f"roles-matrix-company-{world.token}",
            country="BE",
            registration_number=f"RM-{world.token}",
            status=Status.VERIFIED,
        ),
    )


def other_company(world: World) -> Organisation:
    """A verified company the company member does not belong to, with a member of its own."""

    def make():
        other = Organisation.objects.create(
            kind=Kind.COMPANY,
            name=f"Roles matrix other company {world.token}",
            slug=f"roles-matrix-other-company-{world.token}",
            country="BE",
            registration_number=f"RM-OTHER-{world.token}",
            status=Status.VERIFIED,
        )
        Membership.objects.create(
            user=person("other-company", "other")(world),
            organisation=other,
        )
        return other

    return world.shared("other_company", make)


def organisation(world: World, status: str, purpose: str = "") -> Organisation:
    """The organisation concerned, in `status`: a public body whose member is the public
    servant and whose sole admin is the organisation admin."""
    name = " ".join(filter(None, ["Roles matrix agency", purpose, status, world.token]))
    body = Organisation.objects.create(
        kind=Kind.PUBLIC_BODY,
        name=name,
        slug=slugify(name),
        country="BE",
        tier="agency",
        level_of_government="national",
        status=status,
    )
    Membership.objects.create(user=world.people["public_servant"], organisation=body, role=MemberRole.MEMBER)
    Membership.objects.create(user=world.people["org_admin"], organisation=body, role=MemberRole.ADMIN)
    return body


def public_body(world: World) -> Organisation:
    """The verified public body on which other modules build their objects."""
    return world.shared("public_body", lambda: organisation(world, "verified", purpose="challenges"))


def _company_member(world: World):
    member = person("company_member", "company member")(world)
    Membership.objects.create(user=member, organisation=company(world), role=MemberRole.MEMBER)
    return member


ROLES = (
    Role(
        "public_servant",
        "public servant",
        "a member of the organisation concerned",
        20,
        person("public_servant", "public servant"),
    ),
    Role(
        "org_admin",
        "organisation admin",
        "the sole admin of the organisation concerned",
        30,
        person("org_admin", "organisation admin"),
    ),
    Role(
        "company_member",
        "company member",
        "a member of another organisation, a verified company",
        40,
        _company_member,
    ),
)

SUBJECT = Subject(
    key="organisation",
    label="organisation",
    states=(
        ("pending", lambda world: organisation(world, "pending")),
        ("verified", lambda world: organisation(world, "verified")),
        ("suspended", lambda world: organisation(world, "suspended")),
    ),
)

CASES = {
    "organisations.add_organisation": Case("Register a new organisation (its creator becomes its first admin)."),
    "organisations.view_organisation": Case("See the organisation's page and its API record.", "organisation"),
    "organisations.change_organisation": Case(
        "Edit who the organisation is (name, country, registration) and its profile.", "organisation"
    ),
    "organisations.change_profile": Case(
        "Edit the organisation's public profile (description, sectors, size, contact).", "organisation"
    ),
    "organisations.view_members": Case("See who the members are.", "organisation"),
    "organisations.manage_members": Case(
        "Invite people, answer requests to join, change roles, remove members.", "organisation"
    ),
    "organisations.request_to_join": Case("Ask to join the organisation.", "organisation"),
    "organisations.leave_organisation": Case("Leave the organisation.", "organisation"),
    "organisations.verify_organisation": Case("Verify a newly registered organisation.", "organisation"),
    "organisations.suspend_organisation": Case("Suspend a verified organisation (with a reason).", "organisation"),
    "organisations.reinstate_organisation": Case("Reinstate a suspended organisation.", "organisation"),
    "organisations.view_documents": Case("Read the organisation's private documents.", "organisation"),
    "organisations.add_document": Case("Upload a private document to the organisation.", "organisation"),
}
