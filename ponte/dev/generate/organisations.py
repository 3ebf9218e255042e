"""Synthetic organisations and people at scale, for benchmarks and query-count tests."""

import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from ponte.accounts.models import User
from ponte.organisations.models import Kind, LevelOfGovernment, Membership, Organisation, Tier
from ponte.reference.models import Country, Sector, SectorTag

# organisations and people at each scale
SIZES = {"S": (200, 1_000), "M": (2_000, 20_000), "L": (20_000, 200_000)}
BATCH = 2_000


def build(scale: str, progress) -> None:
    organisations, people = SIZES[scale]
    rng = random.Random(f"ponte-{scale}")
    now = timezone.now()
    run = Organisation.objects.filter(slug__startswith="gen-").count()
    countries = list(Country.values)
    sectors = {code: SectorTag.objects.get_or_create(code=code)[0] for code in Sector.values}

    created: list[Organisation] = []
    bar = progress(total=organisations, desc="organisations")
    for start in range(0, organisations, BATCH):
        batch = []
        for i in range(start, min(start + BATCH, organisations)):
            n = run + i
            public = i % 3 != 0
            batch.append(
                Organisation(
                    slug=f"gen-{n}",
                    name=f"{'Agency' if public else 'Company'} {n}",
                    country=rng.choice(countries),
                    kind=Kind.PUBLIC_BODY if public else Kind.COMPANY,
                    tier=Tier.AGENCY if public else "",
                    level_of_government=rng.choice(LevelOfGovernment.values) if public else "",
                    registration_number="" if public else f"GEN{n:08d}",
                    is_sme=not public and rng.random() < 0.8,
                    status="verified",
                    verified_at=now,
                    description=f"Synthetic organisation number {n}.",
                )
            )
        created.extend(Organisation.objects.bulk_create(batch))
        bar.update(len(batch))
    bar.close()

    through = Organisation.sectors.through
    links = [through(organisation_id=o.pk, sectortag_id=rng.choice(list(sectors))) for o in created]
    through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)

    password = make_password(None)
    bar = progress(total=people, desc="people")
    first_user = User.objects.filter(email__startswith="gen-").count()
    for start in range(0, people, BATCH):
        users = User.objects.bulk_create(
            [
                User(email=f"gen-{first_user + i}@example.net", name=f"Person {first_user + i}", password=password)
                for i in range(start, min(start + BATCH, people))
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user=user,
                    organisation=created[(start + j) % len(created)],
                    role="admin" if (start + j) < len(created) else "member",
                )
                for j, user in enumerate(users)
            ],
            ignore_conflicts=True,
        )
        bar.update(len(users))
    bar.close()
