"""The organisations of the demo world, drawn from the real programmes: Portugal's LabX
inside AMA, Belgium's federal lab Nido inside BOSA, Slovenia's ministry running
Partnership for Change, and companies that answer their challenges."""

from datetime import timedelta

from django.utils import timezone

from ponte.accounts.models import User
from ponte.core import audit

from .models import Invitation, JoinRequest, Membership, Organisation, SectorTag

V = "verified"

# slug, name, kind, country, parent slug, tier, level, registration number, sme, sectors, status, description
ORGANISATIONS = [
    (
        "government-of-portugal",
        "Government of Portugal",
        "public_body",
        "PT",
        None,
        "government",
        "national",
        "",
        False,
        [],
        V,
        "The Portuguese national government.",
    ),
    (
        "ministry-of-the-presidency-pt",
        "Ministry of the Presidency",
        "public_body",
        "PT",
        "government-of-portugal",
        "ministry",
        "national",
        "",
        False,
        ["digital"],
        V,
        "Coordinates the modernisation of the Portuguese public administration.",
    ),
    (
        "ama",
        "Agency for Administrative Modernisation (AMA)",
        "public_body",
        "PT",
        "ministry-of-the-presidency-pt",
        "agency",
        "national",
        "",
        False,
        ["digital"],
        V,
        "Runs Portugal's digital public services and the citizen shops.",
    ),
    (
        "labx",
        "LabX — Experimentation Lab for Public Administration",
        "public_body",
        "PT",
        "ama",
        "unit",
        "national",
        "",
        False,
        ["digital", "social"],
        V,
        "Since 2017 an open and safe space to design, test and improve public services with citizens.",
    ),
    (
        "federal-government-of-belgium",
        "Federal Government of Belgium",
        "public_body",
        "BE",
        None,
        "government",
        "national",
        "",
        False,
        [],
        V,
        "The Belgian federal government.",
    ),
    (
        "fps-bosa",
        "FPS Policy and Support (BOSA)",
        "public_body",
        "BE",
        "federal-government-of-belgium",
        "ministry",
        "national",
        "",
        False,
        ["digital"],
        V,
        "The federal public service for policy and support.",
    ),
    (
        "nido",
        "Nido — Federal Innovation Lab",
        "public_body",
        "BE",
        "fps-bosa",
        "unit",
        "national",
        "",
        False,
        ["digital"],
        V,
        "Runs Government Buys Innovation, the marketplace where public bodies share real problems.",
    ),
    (
        "government-of-slovenia",
        "Government of the Republic of Slovenia",
        "public_body",
        "SI",
        None,
        "government",
        "national",
        "",
        False,
        [],
        V,
        "The Slovenian national government.",
    ),
    (
        "ministry-of-public-administration-si",
        "Ministry of Public Administration",
        "public_body",
        "SI",
        "government-of-slovenia",
        "ministry",
        "national",
        "",
        False,
        ["digital", "employment"],
        V,
        "Runs Partnership for Change, the public/private staff exchange.",
    ),
    (
        "civic-data-labs",
        "Civic Data Labs",
        "company",
        "BE",
        None,
        "",
        "",
        "BE0712345678",
        True,
        ["digital", "mobility"],
        V,
        "Open-source data tools for cities and public services.",
    ),
    (
        "lisbon-health-analytics",
        "Lisbon Health Analytics",
        "company",
        "PT",
        None,
        "",
        "",
        "PT509876543",
        True,
        ["health", "digital"],
        V,
        "Predictive planning for hospitals and primary care.",
    ),
    (
        "ljubljana-mobility",
        "Ljubljana Mobility Solutions",
        "company",
        "SI",
        None,
        "",
        "",
        "SI87654321",
        True,
        ["mobility", "energy"],
        V,
        "Demand-responsive transport for small towns.",
    ),
    (
        "nordgrid-energy",
        "NordGrid Energy Systems",
        "company",
        "NL",
        None,
        "",
        "",
        "NL34567890",
        False,
        ["energy", "environment"],
        V,
        "Smart-grid software for public buildings.",
    ),
    (
        "formlab-studio",
        "Formlab Service Design Studio",
        "company",
        "FR",
        None,
        "",
        "",
        "FR45678901234",
        True,
        ["digital", "social"],
        "pending",
        "Service design for plain-language public forms.",
    ),
]

# What companies tell about themselves on their page: town, year founded, head count, contact.
PROFILES = {
    "civic-data-labs": ("Gent", 2017, "10-49", "hello@civic-data-labs.example"),
    "lisbon-health-analytics": ("Lisboa", 2014, "50-249", "info@lisbon-health-analytics.example"),
    "ljubljana-mobility": ("Ljubljana", 2019, "1-9", "info@ljubljana-mobility.example"),
    "nordgrid-energy": ("Eindhoven", 2008, "250+", "contact@nordgrid-energy.example"),
}

MEMBERSHIPS = [
    ("orgadmin@example.org", "ama", "admin"),
    ("servant@example.org", "ama", "member"),
    ("servant@example.org", "labx", "member"),
    ("orgadmin@example.org", "labx", "admin"),
    ("manager@example.org", "nido", "member"),
    ("sponsor@example.org", "ministry-of-public-administration-si", "member"),
    ("companyadmin@example.org", "civic-data-labs", "admin"),
    ("company@example.org", "civic-data-labs", "member"),
    ("companyadmin@example.org", "formlab-studio", "admin"),
    ("admin@example.org", "nido", "admin"),
    ("admin@example.org", "ministry-of-public-administration-si", "admin"),
    ("admin@example.org", "lisbon-health-analytics", "admin"),
    ("admin@example.org", "ljubljana-mobility", "admin"),
    ("admin@example.org", "nordgrid-energy", "admin"),
]


def build_demo(stdout=None) -> None:
    now = timezone.now()
    by_slug: dict[str, Organisation] = {}
    created_now: list[Organisation] = []
    for slug, name, kind, country, parent, tier, level, number, sme, sectors, status, description in ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "country": country,
                "parent": by_slug.get(parent),
                "tier": tier,
                "level_of_government": level,
                "registration_number": number,
                "is_sme": sme,
                "status": status,
                "description": description,
                "verified_at": now if status == V else None,
            },
        )
        by_slug[slug] = organisation
        if created:
            city, founded, employees, contact = PROFILES.get(slug, ("", None, "", ""))
            organisation.city, organisation.founded = city, founded
            organisation.employees, organisation.contact_email = employees, contact
            organisation.save(update_fields=["city", "founded", "employees", "contact_email"])
            organisation.sectors.set([SectorTag.objects.get_or_create(code=code)[0] for code in sectors])
            created_now.append(organisation)
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    # The trail a real verification leaves: the programme manager checked each one.
    for organisation in created_now:
        audit.record(
            actor=people["admin@example.org"],
            verb="create",
            target=organisation,
            after={"name": organisation.name, "kind": organisation.kind},
        )
        if organisation.status == V:
            audit.record(
                actor=people["manager@example.org"],
                verb="verify",
                target=organisation,
                before={"status": "pending"},
                after={"status": V},
                reason="Checked against the public register.",
            )
    for email, slug, role in MEMBERSHIPS:
        Membership.objects.get_or_create(user=people[email], organisation=by_slug[slug], defaults={"role": role})
    # Maja waits for the Slovenian ministry to let her in; Pieter has an invitation to AMA's lab.
    JoinRequest.objects.get_or_create(
        user=people["newcomer@example.org"],
        organisation=by_slug["ministry-of-public-administration-si"],
        status="pending",
        defaults={"message": "I lead the HR digitalisation team and would like to host exchanges."},
    )
    Invitation.objects.get_or_create(
        email="citizen@example.org",
        organisation=by_slug["labx"],
        status="pending",
        defaults={
            "role": "member",
            "invited_by": people["orgadmin@example.org"],
            "expires_at": now + timedelta(days=14),
        },
    )
