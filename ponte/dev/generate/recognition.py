"""Recognition at national scale: award programmes year after year (40 at L, each with four
categories, one for a lesson from a stopped experiment), their nominations (150 a programme at
L), a jury of five that declared and scored each (a conflict now and then), a winner per
category with its citation for every programme announced, and kudos on teams and lab projects
(50,000 at L). Written in bulk from a random generator seeded by the scale, as the services
would have left it: scores only from jury members who declared no conflict, one winner per
category, winners only in announced programmes."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from ponte.accounts.models import User
from ponte.lab.models import Project
from ponte.organisations.models import Organisation
from ponte.recognition.models import (
    AwardProgramme,
    Category,
    JuryReview,
    Kudos,
    Nomination,
    NomineeKind,
    ReviewStatus,
)

SIZES = {"S": (4, 20, 500), "M": (12, 60, 5_000), "L": (40, 150, 50_000)}  # programmes, nominations each, kudos
JURY = 5
BATCH = 2_000
CATEGORIES = [
    ("A service that changed lives", False),
    ("Team of the year", False),
    ("Working across organisations", False),
    ("The most useful lesson from a stopped experiment", True),
]
THANKS = [
    "Thank you for the result: it saved us weeks.",
    "Your pilot made our own plan possible.",
    "The new service is simpler for everyone we serve.",
]


def build(scale: str, progress) -> None:
    programmes_total, nominations_each, kudos_total = SIZES[scale]
    rng = random.Random(f"ponte-recognition-{scale}")
    manager = User.objects.filter(is_programme_manager=True, is_active=True).order_by("pk").first()
    people = list(User.objects.filter(email__startswith="gen-").order_by("pk").values_list("pk", flat=True)[:50_000])
    if manager is None or len(people) < JURY * 2:
        return
    run = AwardProgramme.objects.filter(title__startswith="[gen]").count()
    now = timezone.now()
    bar = progress(total=programmes_total, desc="award programmes")
    for index in range(programmes_total):
        _programme(rng, run + index, index, programmes_total, nominations_each, manager, people, now)
        bar.update(1)
    bar.close()
    _kudos(rng, kudos_total, people, now, progress)


def _programme(rng, number, index, total, nominations_each, manager, people, now) -> None:
    # The last is open for nominations, the one before it being judged; the rest are announced.
    years_back = total - 1 - index
    opens = now - timedelta(days=365 * years_back + 30)
    closes = opens + timedelta(days=60 if years_back == 0 else 45)
    announced = years_back >= 2
    programme = AwardProgramme.objects.create(
        title=f"[gen] Innovation awards {number + 1}",
        description="Generated award programme, for measuring the hall of fame at national scale.",
        year=(now - timedelta(days=365 * years_back)).year,
        nominations_open_at=opens,
        nominations_close_at=closes,
        announced_at=closes + timedelta(days=30) if announced else None,
        announced_by=manager if announced else None,
        created_by=manager,
    )
    jury = rng.sample(people, JURY)
    programme.jury.set(jury)
    categories = Category.objects.bulk_create(
        Category(programme=programme, title=title, description="Generated.", for_lessons=lessons, position=position)
        for position, (title, lessons) in enumerate(CATEGORIES)
    )
    nominations = Nomination.objects.bulk_create(
        _nomination(rng, rng.choice(categories), people, opens) for _ in range(nominations_each)
    )
    if years_back == 0:
        return
    reviews = []
    for nomination in nominations:
        for juror in jury:
            conflict = rng.random() < 0.05
            reviews.append(
                JuryReview(
                    nomination=nomination,
                    juror_id=juror,
                    status=ReviewStatus.RECUSED if conflict else ReviewStatus.CLEARED,
                    conflict_note="Generated conflict." if conflict else "",
                    score=None if conflict else rng.randint(3, 10),
                    comment="" if conflict else "Generated score.",
                    scored_at=None if conflict else closes + timedelta(days=3),
                )
            )
    JuryReview.objects.bulk_create(reviews, batch_size=BATCH)
    if announced:
        for category in categories:
            winner = next((n for n in nominations if n.category_id == category.pk), None)
            if winner is not None:
                winner.won_at = programme.announced_at
                winner.citation = "For a generated result that changed a public service."
                winner.save(update_fields=["won_at", "citation"])


def _nomination(rng, category, people, opens) -> Nomination:
    kind = rng.choice([NomineeKind.PROJECT, NomineeKind.EXEMPTION] if category.for_lessons else list(NomineeKind))
    return Nomination(
        category=category,
        kind=kind,
        nominee=f"[gen] Nominee {rng.randint(1, 10**6)}",
        organisation="Generated organisation" if kind in (NomineeKind.PERSON, NomineeKind.TEAM) else "",
        statement="A generated statement of what they did and what it changed.",
        nominated_by_id=rng.choice(people),
        created_at=opens + timedelta(days=rng.randint(0, 40)),
    )


def _kudos(rng, total, people, now, progress) -> None:
    """Kudos on public bodies (teams) and lab projects, never twice by one person to one target."""
    teams = list(Organisation.objects.filter(kind="public_body").order_by("pk").values_list("pk", flat=True)[:2_000])
    projects = list(Project.objects.order_by("pk").values_list("pk", flat=True)[:5_000])
    targets = [("organisations.organisation", pk) for pk in teams] + [("lab.project", pk) for pk in projects]
    if not targets:
        return
    bar = progress(total=total, desc="kudos")
    given = set(
        Kudos.objects.filter(author_id__in=people).values_list("target_model", "target_id", "author_id").iterator()
    )
    batch = []
    for _ in range(total):
        model, pk = rng.choice(targets)
        author = rng.choice(people)
        if (model, pk, author) in given:
            continue
        given.add((model, pk, author))
        batch.append(
            Kudos(
                target_model=model,
                target_id=pk,
                author_id=author,
                message=rng.choice(THANKS),
                created_at=now - timedelta(days=rng.randint(0, 700)),
            )
        )
        if len(batch) == BATCH:
            Kudos.objects.bulk_create(batch)
            bar.update(len(batch))
            batch = []
    Kudos.objects.bulk_create(batch)
    bar.update(len(batch))
    bar.close()
