"""Challenges as Open Contracting Data Standard (OCDS 1.1) releases and records.

Sealed means sealed: every release starts from `challenges.queries.public_challenges()`
(a challenge that was published) and carries only what its public page shows. Drafts,
challenges never published, proposals, unanswered questions and evaluations never reach
this module.

Releases of a challenge, in date order:

- a `tender` release when it is published (dated `published_at`; a republication after a
  revision re-stamps `published_at`, so the release and its id follow the latest one);
- a `tenderCancellation` release when a published challenge is cancelled.

`tender.status` is `active` from publication on, including after the deadline: in the
closed tenderStatus codelist `complete` means awarded, and awards are not published yet.
It becomes `cancelled` with the cancellation. `procurementMethod` is `open`: every
challenge, whatever its instrument (even a low-value contract), is published to all
companies and any company may submit a proposal; the instrument is named in
`procurementMethodDetails`.

Award and contract releases will come with the award step: `award_releases()` is the
hook that will return them (tag `award`, the supplier as a party with role `supplier`
and `details.scale` from `party()`), and `releases_of()` already merges them in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import ocdsmerge
from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation

from ponte.challenges.models import Challenge, Instrument, Status
from ponte.challenges.queries import public_challenges
from ponte.organisations.models import Country

VERSION = "1.1"
CURRENCY = "EUR"
LANGUAGE = "en"  # the language of the texts; labels are rendered in it whatever the reader's
PAGE_SIZE = 100
RELEASE_SCHEMA = Path(__file__).resolve().parent / "schema" / "release-schema.json"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
MAX_PK = 2**63 - 1

TENDER = "tender"
CANCELLATION = "tenderCancellation"
_KIND_ORDER = {TENDER: 0, CANCELLATION: 1}

# Makes an absolute address of a path (request.build_absolute_uri in the views).
Absolute = Callable[[str], str]


def prefix() -> str:
    return settings.PONTE_OCDS_PREFIX


def ocid_for(challenge: Challenge) -> str:
    return f"{prefix()}-{challenge.pk}"


def pk_from_ocid(ocid: str) -> int | None:
    """The challenge's id in an ocid of this publisher, or None for any other string."""
    head = f"{prefix()}-"
    if not ocid.startswith(head):
        return None
    digits = ocid[len(head) :]
    if not (digits.isascii() and digits.isdigit()) or digits.startswith("0") or len(digits) > 19:
        return None
    pk = int(digits)
    return pk if pk <= MAX_PK else None


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _amount(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# Queries ---------------------------------------------------------------------------------


def _public() -> QuerySet[Challenge]:
    return public_challenges().select_related("owner").prefetch_related("cpv_codes", "criteria")


def _cancelled() -> QuerySet[Challenge]:
    return _public().filter(status=Status.CANCELLED, cancelled_at__isnull=False)


def public_challenge(pk: int) -> Challenge | None:
    return _public().filter(pk=pk).first()


@dataclass(frozen=True)
class Entry:
    """One release of the feed, before it is built: what, of which challenge, when."""

    date: datetime
    kind: str
    challenge: Challenge

    @property
    def key(self) -> tuple:
        return (self.date, self.challenge.pk, _KIND_ORDER[self.kind])


def release_page(*, since: datetime | None, size: int | None = None) -> tuple[list[Entry], datetime | None]:
    """The releases dated after `since` (all when None), oldest first, at most `size` of
    them unless more share one moment, and the moment to ask the next page from (None on the
    last page). A page never splits the releases of one moment, so `since` is a sound
    cursor. A constant number of queries, whatever the number of challenges."""
    size = size or PAGE_SIZE
    tenders, cancellations = _public(), _cancelled()
    if since is not None:
        tenders = tenders.filter(published_at__gt=since)
        cancellations = cancellations.filter(cancelled_at__gt=since)
    entries = [Entry(c.published_at, TENDER, c) for c in tenders.order_by("published_at", "pk")[: size + 1]]
    entries += [
        Entry(c.cancelled_at, CANCELLATION, c) for c in cancellations.order_by("cancelled_at", "pk")[: size + 1]
    ]
    entries.sort(key=lambda e: e.key)
    if len(entries) <= size:
        return entries, None
    page, following = entries[:size], entries[size]
    if page[-1].date == following.date:
        page = [e for e in page if e.date != following.date]
        if not page:  # every release of this page is of one moment: serve them all at once
            moment = following.date
            page = [Entry(moment, TENDER, c) for c in _public().filter(published_at=moment)]
            page += [Entry(moment, CANCELLATION, c) for c in _cancelled().filter(cancelled_at=moment)]
            page.sort(key=lambda e: e.key)
    return page, page[-1].date


def record_page(*, after: int | None, size: int | None = None) -> tuple[list[Challenge], int | None]:
    """The public challenges after the id `after`, by id, and the id to ask the next page from."""
    size = size or PAGE_SIZE
    challenges = _public().order_by("pk")
    if after is not None:
        challenges = challenges.filter(pk__gt=after)
    page = list(challenges[: size + 1])
    if len(page) <= size:
        return page, None
    page = page[:size]
    return page, page[-1].pk


# Releases --------------------------------------------------------------------------------


def party(organisation, roles: list[str], absolute: Absolute) -> dict[str, Any]:
    """An organisation as an OCDS party. Companies (tenderers and suppliers, with the award
    step) carry their size in `details.scale` (partyScale codelist)."""
    identifier = {"legalName": organisation.name, "uri": absolute(organisation.get_absolute_url())}
    if organisation.registration_number:
        identifier["id"] = organisation.registration_number
    entry: dict[str, Any] = {
        "id": f"ponte-org-{organisation.pk}",
        "name": organisation.name,
        "identifier": identifier,
        "address": {"countryName": str(Country(organisation.country).label)},
        "roles": roles,
    }
    if organisation.is_company:
        entry["details"] = {"scale": "sme" if organisation.is_sme else "large"}
    return entry


def _release_id(challenge: Challenge, kind: str, moment: datetime) -> str:
    return f"{ocid_for(challenge)}-{kind}-{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _tender(challenge: Challenge, status: str, absolute: Absolute) -> dict[str, Any]:
    buyer = {"id": f"ponte-org-{challenge.owner_id}", "name": challenge.owner.name}
    tender: dict[str, Any] = {
        "id": f"{ocid_for(challenge)}-tender",
        "title": challenge.title,
        "status": status,
        "procuringEntity": buyer,
        "procurementMethod": "open",
        "procurementMethodDetails": str(Instrument(challenge.instrument).label),
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": iso(challenge.published_at)},
        "documents": [
            {
                "id": "notice",
                "documentType": "tenderNotice",
                "title": challenge.title,
                "url": absolute(challenge.get_absolute_url()),
                "format": "text/html",
                "language": LANGUAGE,
            }
        ],
    }
    description = "\n\n".join(filter(None, [challenge.summary.strip(), challenge.problem.strip()]))
    if description:
        tender["description"] = description
    if challenge.budget_ceiling is not None:
        tender["value"] = {"amount": _amount(challenge.budget_ceiling), "currency": CURRENCY}
    if challenge.deadline is not None:
        tender["tenderPeriod"]["endDate"] = iso(challenge.deadline)
    items = [
        {
            "id": code.digits,
            "description": code.label,
            "classification": {"scheme": "CPV", "id": code.digits, "description": code.label},
        }
        for code in challenge.cpv_codes.all()
    ]
    if items:
        tender["items"] = items
    criteria = list(challenge.criteria.all())
    if criteria:
        # OCDS 1.1 has no structured weights: the weighted criteria are written out.
        tender["awardCriteriaDetails"] = "; ".join(f"{c.name}: {c.weight}%" for c in criteria)
    return tender


def tender_release(challenge: Challenge, absolute: Absolute, *, kind: str = TENDER) -> dict[str, Any]:
    """The release of a published challenge (`kind` TENDER, dated its publication) or of its
    cancellation (CANCELLATION, dated the cancellation, with its public reason)."""
    with translation.override(LANGUAGE):
        moment = challenge.published_at if kind == TENDER else challenge.cancelled_at
        tender = _tender(challenge, "active" if kind == TENDER else "cancelled", absolute)
        if kind == CANCELLATION and challenge.cancellation_reason:
            tender["documents"].append(
                {
                    "id": "cancellation",
                    "documentType": "cancellationDetails",
                    "title": "Cancellation",
                    "description": challenge.cancellation_reason,
                    "url": absolute(challenge.get_absolute_url()),
                    "format": "text/html",
                    "datePublished": iso(moment),
                    "language": LANGUAGE,
                }
            )
        return {
            "ocid": ocid_for(challenge),
            "id": _release_id(challenge, kind, moment),
            "date": iso(moment),
            "tag": [kind],
            "initiationType": "tender",
            "language": LANGUAGE,
            "parties": [party(challenge.owner, ["buyer"], absolute)],
            "buyer": {"id": f"ponte-org-{challenge.owner_id}", "name": challenge.owner.name},
            "tender": tender,
        }


def build(entry: Entry, absolute: Absolute) -> dict[str, Any]:
    return tender_release(entry.challenge, absolute, kind=entry.kind)


def award_releases(challenge: Challenge, absolute: Absolute) -> list[dict[str, Any]]:
    """Hook for the award step: the award and contract releases of a challenge. None yet."""
    return []


def releases_of(challenge: Challenge, absolute: Absolute) -> list[dict[str, Any]]:
    """Every release of a public challenge, oldest first."""
    releases = [tender_release(challenge, absolute)]
    if challenge.status == Status.CANCELLED and challenge.cancelled_at is not None:
        releases.append(tender_release(challenge, absolute, kind=CANCELLATION))
    releases += award_releases(challenge, absolute)
    return sorted(releases, key=lambda r: r["date"])


def record(challenge: Challenge, absolute: Absolute) -> dict[str, Any]:
    """The record of a challenge: its releases, embedded, and the release compiled from them
    with ocdsmerge, whose merge rules come from the release schema shipped with this app."""
    releases = releases_of(challenge, absolute)
    merger = ocdsmerge.Merger(schema=str(RELEASE_SCHEMA))  # merge rules are cached per path
    return {
        "ocid": ocid_for(challenge),
        "releases": releases,
        "compiledRelease": merger.create_compiled_release(releases),
    }


# Packages --------------------------------------------------------------------------------


def _package_metadata(uri: str, absolute: Absolute) -> dict[str, Any]:
    with translation.override(LANGUAGE):
        name = str(settings.PONTE_SITE_NAME)
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": iso(datetime.now(UTC)),
        "publisher": {"name": name, "uri": settings.PONTE_BASE_URL},
        "license": getattr(settings, "PONTE_OCDS_LICENSE", DEFAULT_LICENSE),
        "publicationPolicy": absolute(reverse("open_data")),
    }


def release_package(entries: list[Entry], *, uri: str, absolute: Absolute, next_url: str = "") -> dict[str, Any]:
    package = _package_metadata(uri, absolute)
    package["releases"] = [build(entry, absolute) for entry in entries]
    if next_url:
        package["links"] = {"next": next_url}
    return package


def record_package(challenges: list[Challenge], *, uri: str, absolute: Absolute, next_url: str = "") -> dict[str, Any]:
    package = _package_metadata(uri, absolute)
    package["records"] = [record(challenge, absolute) for challenge in challenges]
    if next_url:
        package["links"] = {"next": next_url}
    return package
