"""The organisations of the demo world (data/organisations.yaml), drawn from the real
programmes: Portugal's LabX inside AMA, Belgium's federal lab Nido inside BOSA, Slovenia's
ministry running Partnership for Change, and companies that answer their challenges; who
belongs to which, a request to join and an invitation waiting for an answer."""

from datetime import timedelta

from django.utils import timezone

from ponte.accounts.models import User
from ponte.core import audit
from ponte.organisations.models import Invitation, JoinRequest, Membership, Organisation
from ponte.reference.models import SectorTag

from .data import load

VERIFIED = "verified"


def build(stdout=None) -> None:
    data = load("organisations")
    now = timezone.now()
    by_slug: dict[str, Organisation] = {}
    created_now: list[Organisation] = []
    for spec in data["organisations"]:
        organisation, created = Organisation.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                "country": spec["country"],
                "parent": by_slug.get(spec.get("parent")),
                "tier": spec.get("tier", ""),
                "level_of_government": spec.get("level_of_government", ""),
                "registration_number": spec.get("registration_number", ""),
                "is_sme": spec.get("is_sme", False),
                "status": spec["status"],
                "description": spec["description"],
                "verified_at": now if spec["status"] == VERIFIED else None,
            },
        )
        by_slug[spec["slug"]] = organisation
        if created:
            # What companies tell about themselves on their page: town, year founded, head count, contact.
            profile = spec.get("profile", {})
            organisation.city, organisation.founded = profile.get("city", ""), profile.get("founded")
            organisation.employees = profile.get("employees", "")
            organisation.contact_email = profile.get("contact_email", "")
            organisation.save(update_fields=["city", "founded", "employees", "contact_email"])
            organisation.sectors.set([SectorTag.objects.get_or_create(code=code)[0] for code in spec["sectors"]])
            created_now.append(organisation)
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    # The trail a real verification leaves: the programme manager checked each one.
    verification = data["verification"]
    for organisation in created_now:
        audit.record(
            actor=people[verification["created_by"]],
            verb="create",
            target=organisation,
            after={"name": organisation.name, "kind": organisation.kind},
        )
        if organisation.status == VERIFIED:
            audit.record(
                actor=people[verification["verified_by"]],
                verb="verify",
                target=organisation,
                before={"status": "pending"},
                after={"status": VERIFIED},
                reason=verification["reason"],
            )
    for membership in data["memberships"]:
        Membership.objects.get_or_create(
            user=people[membership["user"]],
            organisation=by_slug[membership["organisation"]],
            defaults={"role": membership["role"]},
        )
    for request in data["join_requests"]:
        JoinRequest.objects.get_or_create(
            user=people[request["user"]],
            organisation=by_slug[request["organisation"]],
            status="pending",
            defaults={"message": request["message"]},
        )
    for invitation in data["invitations"]:
        Invitation.objects.get_or_create(
            email=invitation["email"],
            organisation=by_slug[invitation["organisation"]],
            status="pending",
            defaults={
                "role": invitation["role"],
                "invited_by": people[invitation["invited_by"]],
                "expires_at": now + timedelta(days=invitation["expires_in_days"]),
            },
        )
