"""The demo catalogue: solutions companies offer, screened and waiting to be screened."""

from ponte.accounts.models import User
from ponte.challenges.models import CpvCode
from ponte.organisations.models import Organisation, SectorTag

from . import services
from .demo_media import bar_chart_png, one_page_pdf, upload
from .models import Solution

# company slug, member's e-mail, title, summary, description, TRL, sectors, CPV codes, references, stage
SOLUTIONS = [
    (
        "civic-data-labs",
        "company@example.org",
        "Queue insight for public counters",
        "Shows where waiting at public counters comes from, from the ticket data offices already keep.",
        "Reads the ticketing system's logs, estimates service times per kind of request and predicts busy hours, "
        "so offices can plan staff and offer booking windows for simple services. Runs on open-source software; "
        "personal data never leaves the office.",
        7,
        ["digital"],
        ["72316000-3"],
        "In use in two Belgian municipalities since 2024.",
        "published",
    ),
    (
        "civic-data-labs",
        "companyadmin@example.org",
        "Plain-language letter checker",
        "Checks official letters for clarity before they are sent, and suggests plainer wording.",
        "A writing aid for civil servants that flags long sentences, jargon and missing instructions (what to do, "
        "by when, what happens otherwise), trained on public-sector letters in four languages.",
        5,
        ["digital", "social"],
        ["48000000-8"],
        "Piloted with one federal service in 2025.",
        "submitted",
    ),
    (
        "lisbon-health-analytics",
        "admin@example.org",
        "Appointment demand forecasting",
        "Forecasts demand for appointments a week ahead, per service and site.",
        "Combines past bookings, calendars and local events to forecast demand, so that services open the right "
        "number of slots. Used by hospitals and primary care.",
        8,
        ["health", "digital"],
        ["72316000-3"],
        "Three Portuguese hospital groups.",
        "published",
    ),
]

# Pictures and documents, added while the solution is a draft (before screening).
MEDIA = {
    "Queue insight for public counters": [
        (
            "waiting-by-hour.png",
            lambda: bar_chart_png([20, 45, 90, 70, 40, 30, 55, 80, 35]),
            "Bar chart of the average wait at a municipal counter by hour, from 8:00 to 16:00: "
            "longest at 10:00 and at 15:00.",
        ),
        (
            "queue-insight-brochure.pdf",
            lambda: one_page_pdf(
                [
                    "Queue insight for public counters",
                    "Civic Data Labs, Gent",
                    "Reads ticketing logs; forecasts busy hours; open source.",
                    "In use in two Belgian municipalities since 2024.",
                ]
            ),
            "One-page brochure: how Queue insight works and where it is in use.",
        ),
    ],
    "Appointment demand forecasting": [
        (
            "forecast-vs-actual.png",
            lambda: bar_chart_png([60, 72, 85, 78, 64, 40, 35]),
            "Bar chart of forecast appointments per weekday at a hospital outpatient clinic, Monday to Sunday, "
            "highest on Wednesday.",
        )
    ],
}


def build_demo(stdout=None) -> None:
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    manager = people["manager@example.org"]
    added = 0
    for slug, email, title, summary, description, trl, sectors, cpv, references, stage in SOLUTIONS:
        company = Organisation.objects.filter(slug=slug).first()
        if company is None or Solution.objects.filter(company=company, title=title).exists():
            continue
        solution = services.solution_create(
            actor=people[email],
            company=company,
            title=title,
            summary=summary,
            description=description,
            trl=trl,
            references=references,
            sectors=list(SectorTag.objects.filter(code__in=sectors)),
            cpv_codes=list(CpvCode.objects.filter(code__in=cpv)),
        )
        for name, content, description in MEDIA.get(title, []):
            services.media_add(
                actor=people[email], solution=solution, uploaded=upload(name, content()), description=description
            )
        services.solution_submit(actor=people[email], solution=solution)
        if stage == "published":
            services.solution_publish(actor=manager, solution=solution)
        added += 1
    if stdout is not None and added:
        stdout.write(f"Solutions: {added} added.")
