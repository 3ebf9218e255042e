"""The sandbox at national scale: a country's ministries, calls of past years, and exemptions
granted over the years to the generated public bodies (5,000 at L) — most expired with their
outcomes (about one in five changed a rule, as in Denmark's free-municipality programme), some
active with their progress reports (a few overdue), a few revoked — with applications still in
dialogue beside them. Written in bulk from a random generator seeded by the scale."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from ponte.accounts.models import User
from ponte.core.sponsorship import Sponsorship
from ponte.organisations.models import Kind, Membership, Organisation, Status, Tier
from ponte.sandbox.models import Application, ApplicationStatus, Call, Exemption, Outcome, ProgressReport, Rule

SIZES = {"S": 50, "M": 500, "L": 5_000}  # exemptions granted
# Applications still being talked over, beside the exemptions: a tenth as many.
WAITING_SHARE = 10
BATCH = 1_000
MINISTRIES = [
    "Social Affairs",
    "Employment",
    "Health",
    "Education",
    "Environment",
    "Transport",
    "Finance",
    "Justice",
    "Housing",
    "Agriculture",
    "Economy",
    "Culture",
    "Digital Affairs",
    "Interior",
]
EXPERIMENTS = [
    ("One plan for a citizen across services", "Each service writes its own plan.", "One plan, agreed once."),
    ("Permits decided in one place", "A permit from each municipality.", "One permit for all joining ones."),
    ("Fewer mandatory meetings with job seekers", "A meeting every three months.", "A meeting when asked."),
    ("Care plans agreed by the care team", "Every change waits for a decision.", "The team decides in budget."),
    ("Fewer inspections for low-risk businesses", "Yearly inspections for all.", "Inspections by risk."),
    ("Reminders without written consent", "Paper consent before any reminder.", "Consent at booking."),
    ("School meals bought locally", "National tenders only.", "Local producers within limits."),
    ("Building permits for small extensions", "Full procedure for every extension.", "A template in 10 days."),
]
ACTS = ["Decree-Law no. 135/99", "Law no. 73/2013", "Ordinance no. 38/2013", "Decree-Law no. 220/2006"]
YEARS_BACK = 8


def _ministries() -> list[Organisation]:
    """The generated country's ministries, each with an official who decides."""
    found = list(Organisation.objects.filter(slug__startswith="gen-ministry-").order_by("pk"))
    if found:
        return found
    made = Organisation.objects.bulk_create(
        Organisation(
            kind=Kind.PUBLIC_BODY,
            name=f"[gen] Ministry of {name}",
            slug=f"gen-ministry-{number}",
            country="PT",
            tier=Tier.MINISTRY,
            level_of_government="national",
            status=Status.VERIFIED,
            verified_at=timezone.now(),
        )
        for number, name in enumerate(MINISTRIES)
    )
    officials = User.objects.bulk_create(
        User(email=f"gen-minister-{number}@example.net", name=f"Official of {ministry.name}")
        for number, ministry in enumerate(made)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=ministry, role="admin")
        for user, ministry in zip(officials, made, strict=True)
    )
    return made


def build(scale: str, progress) -> None:
    total = SIZES[scale]
    rng = random.Random(f"ponte-sandbox-{scale}")
    manager = User.objects.filter(is_programme_manager=True, is_active=True).order_by("pk").first()
    sponsors = list(User.objects.filter(is_sponsor=True, is_active=True).values_list("pk", flat=True))
    bodies = list(
        Membership.objects.filter(organisation__kind=Kind.PUBLIC_BODY, organisation__tier=Tier.AGENCY)
        .order_by("organisation_id", "pk")
        .values_list("organisation_id", "user_id")[:20_000]
    )
    if manager is None or not sponsors or not bodies:
        return
    ministries = [ministry.pk for ministry in _ministries()]
    officials = dict(
        Membership.objects.filter(organisation_id__in=ministries).values_list("organisation_id", "user_id")
    )
    today = timezone.localdate()
    run = Call.objects.filter(title__startswith="[gen]").count()
    calls = Call.objects.bulk_create(
        Call(
            title=f"[gen] Right to challenge a rule, {today.year - years} ({run})",
            description="Public bodies may ask for a rule to be waived for a time.",
            opens_at=_moment(today - timedelta(days=365 * years + 200)),
            closes_at=_moment(today - timedelta(days=365 * years + 100)),
            opened_by=manager,
        )
        for years in range(YEARS_BACK, 0, -1)
    )
    bar = progress(total=total, desc="sandbox")
    for start in range(0, total, BATCH):
        size = min(BATCH, total - start)
        _exemptions(size, start + run * total, rng, calls, bodies, ministries, officials, sponsors, today)
        bar.update(size)
    bar.close()
    _waiting(total // WAITING_SHARE, rng, calls[-1], bodies, ministries, today)


def _moment(day):
    return timezone.make_aware(datetime.combine(day, time(9)))


def _application(number, rng, call, bodies, ministries, status, starts, ends, decided):
    organisation, user = rng.choice(bodies)
    title, barrier, alternative = rng.choice(EXPERIMENTS)
    return Application(
        call=call,
        coordinator_id=organisation,
        ministry_id=rng.choice(ministries),
        title=f"[gen] {title} ({number})",
        barrier=barrier,
        alternative=alternative,
        objective="Half the waiting time.",
        baseline=f"{rng.randrange(10, 60)} days in the year before.",
        measurement="The case system, monthly.",
        territory=f"Territory {number % 300}",
        population=rng.randrange(2_000, 400_000),
        affected="The people the service serves.",
        starts=starts,
        ends=ends,
        safeguards="The rule applies again on request.",
        evaluation_plan="Compared with the year before.",
        attests_lawful=True,
        attests_no_advantage=True,
        attests_legal_certainty=True,
        legal_statement="During the experiment, the rule waived does not apply to the people served.",
        status=status,
        created_by_id=user,
        submitted_at=_moment(starts - timedelta(days=200)),
        submitted_by_id=user,
        final_invited_at=_moment(starts - timedelta(days=150)) if decided else None,
        final_submitted_at=_moment(starts - timedelta(days=120)) if decided else None,
        decided_at=_moment(starts - timedelta(days=60)) if decided else None,
    )


def _exemptions(size, first, rng, calls, bodies, ministries, officials, sponsors, today) -> None:
    """`size` granted exemptions with their rules, reports and outcomes."""
    applications, exemptions = [], []
    for offset in range(size):
        number = first + offset
        # First days spread over the years of the calls; most are over by now.
        starts = today - timedelta(days=rng.randrange(-60, 365 * YEARS_BACK))
        ends = starts + timedelta(days=rng.choice((365, 548, 730, 1095)))
        call = calls[min(len(calls) - 1, max(0, YEARS_BACK - 1 - (today - starts).days // 365))]
        applications.append(
            _application(number, rng, call, bodies, ministries, ApplicationStatus.APPROVED, starts, ends, True)
        )
    applications = Application.objects.bulk_create(applications)
    Rule.objects.bulk_create(
        Rule(
            application=application,
            legal_reference=rng.choice(ACTS),
            article=f"Article {rng.randrange(1, 90)}",
            wording="The rule the experiment needs waived.",
            position=0,
        )
        for application in applications
    )
    for application in applications:
        revoked = rng.random() < 0.03 and application.starts <= today
        exemption = Exemption(
            application=application,
            conditions="A progress report every six months.",
            legal_basis=f"Order no. {rng.randrange(100, 9999)}/{application.starts.year}",
            starts=application.starts,
            ends=application.ends,
            sponsor_id=rng.choice(sponsors),
            decided_by_id=officials[application.ministry_id],
            report_every_months=6,
        )
        exemption.next_report_due = exemption.first_due_after(None)
        # Named a month before the first day; a sponsor of one about to start may not have
        # answered yet, the others accepted.
        named = _moment(min(today, application.starts - timedelta(days=30)))
        exemption.sponsorship_asked_at = named
        if application.starts > today and rng.random() < 0.2:
            exemption.sponsorship = Sponsorship.ASKED
        else:
            exemption.sponsorship, exemption.sponsorship_answered_at = Sponsorship.ACCEPTED, named
        over = application.ends < today
        if revoked:
            exemption.revoked_at, exemption.revoke_reason = _moment(today), "The safeguards were not kept."
            exemption.outcome, exemption.next_report_due = Outcome.REVOKED, None
        elif over:
            exemption.evaluation, exemption.result, exemption.lessons = (
                "It went as planned.",
                "As hoped.",
                "Start small.",
            )
            exemption.evaluated_at = _moment(application.ends + timedelta(days=30))
            exemption.outcome = Outcome.RULE_CHANGED if rng.random() < 0.2 else Outcome.EXPIRED
            exemption.outcome_note = "Recorded by the ministry."
            exemption.outcome_at = exemption.evaluated_at
            exemption.next_report_due = None
        exemptions.append(exemption)
    exemptions = Exemption.objects.bulk_create(exemptions)
    reports = []
    for exemption in exemptions:
        if exemption.next_report_due is None and exemption.outcome == Outcome.REVOKED:
            continue
        # The reports due so far were sent, but for one running exemption in twenty: overdue.
        due_dates = [day for day in exemption.report_due_dates() if day < today]
        if exemption.outcome == "" and due_dates and rng.random() < 0.05:
            due_dates = due_dates[:-1]
        for day in due_dates:
            reports.append(
                ProgressReport(
                    exemption=exemption,
                    due_on=day,
                    progress="On track.",
                    measure="Better than the baseline.",
                    submitted_by_id=exemption.application.created_by_id,
                )
            )
        if exemption.outcome == "":
            last = due_dates[-1] if due_dates else None
            exemption.next_report_due = exemption.first_due_after(last)
    ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
    Exemption.objects.bulk_update([e for e in exemptions if e.outcome == ""], ["next_report_due"], batch_size=BATCH)


def _waiting(size, rng, call, bodies, ministries, today) -> None:
    """Applications sent and still talked over, and a few rejected."""
    statuses = (
        ApplicationStatus.PRELIMINARY,
        ApplicationStatus.CHANGES_ASKED,
        ApplicationStatus.FINAL,
        ApplicationStatus.REJECTED,
    )
    waiting = Application.objects.bulk_create(
        _application(
            # Numbered after every exemption a run could grant.
            10_000_000 + number,
            rng,
            call,
            bodies,
            ministries,
            rng.choice(statuses),
            today + timedelta(days=120),
            today + timedelta(days=850),
            False,
        )
        for number in range(size)
    )
    Rule.objects.bulk_create(
        Rule(application=application, legal_reference=rng.choice(ACTS), article="Article 1", wording="A rule.")
        for application in waiting
    )
