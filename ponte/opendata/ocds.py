"""Challenges as Open Contracting Data Standard (OCDS 1.1) releases and records.

Sealed means sealed: every release starts from `challenges.queries.public.public_challenges()`
(a challenge that was published) and carries only what its public page shows. Drafts,
challenges never published, proposals, unanswered questions and evaluations never reach
this module.

Releases of a challenge, in date order:

- a `tender` release when it is published (dated `published_at`, its first publication: a
  revision republished keeps it, so the tender period starts where companies first read it);
- a `tenderAmendment` release for each amendment of a published challenge (dated when it was
  made): a later deadline, a clarified text, an added document, or a revision of its budget,
  instrument or criteria. Its `tender.amendments` lists every amendment so far, each with its
  date, rationale, description and the releases before and after it (`amendsReleaseID`,
  `releaseID`). Each release keeps what it published: an earlier release is rebuilt with the
  values the amendments after it replaced (each amendment records them), and without the
  documents they added;
- a `tenderCancellation` release when a published challenge is cancelled;
- an `award` release when it is awarded (dated `awarded_at`): the awards, each with its
  value and supplier, and `tender.status` `complete`;
- a `tenderUpdate` release when it is closed without award (dated `closed_at`), with
  `tender.status` `unsuccessful` and the public body's reason;
- a `contract` release for each contract signed after an award, dated when the public body
  recorded it on Ponte (`recorded_at`; the date it was signed is `dateSigned`). A release is
  dated when its information was first published: a contract recorded a week after its
  signature is new to the feed, so a reader who pages with `since` still finds it.

`tender.status` (closed tenderStatus codelist of OCDS 1.1) is `active` from publication on,
including after the deadline while the proposals are evaluated, for the tender process is
still taking place. It becomes `complete` with the award, `unsuccessful` when closed without
award, and `cancelled` with a cancellation. `procurementMethod` is `open`: every challenge, whatever
its instrument (even a low-value contract), is published to all companies and any company
may submit a proposal; the instrument is named in `procurementMethodDetails`.

Who bid is sealed until the outcome is decided: only then do the award and tenderUpdate
releases name the tenderers (the companies whose proposal still stood at the deadline;
withdrawn ones never count) as parties with role `tenderer` and give `numberOfTenderers`.
Suppliers are parties with role `supplier`; companies carry their size (`party()`).
Nothing of a proposal but its company is ever read here: not its content, not its price
(an award's value is public, a losing price is not), not its scores or evaluators.

Releases are immutable, as OCDS asks: each is kept (`PublishedRelease`) as it was first
served and served as it is from then on, whatever changed since (a body renamed, a contact
changed); the record compiles the latest. Its addresses name the site at `PONTE_BASE_URL`.

A challenge in several phases (solution design → prototype → test, as in pre-commercial
procurement) is one contracting process per phase, each with its own ocid, tender, awards
and contracts. Every release of a later phase links the phase before in `relatedProcesses`
(relationship `prior`, scheme `ocid`, with the address of its record package), as OCDS links a
process to the one it follows from. The phases of a series share the problem's title, so the
phase's name leads `tender.title` ("Prototype — <title>"), and a related process's `title`
is that of the phase before, as the standard asks.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import ocdsmerge
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import IntegerField, Prefetch, QuerySet, Value, prefetch_related_objects
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation

from ponte.challenges.models import Amendment, Challenge, Contract, Instrument, Status
from ponte.challenges.queries.award import awards_prefetch, public_contracts
from ponte.challenges.queries.proposals import bids_prefetch
from ponte.challenges.queries.public import public_challenges
from ponte.core.models import Attachment
from ponte.reference.models import Country

from .models import PublishedRelease

VERSION = "1.1"
CURRENCY = "EUR"
LANGUAGE = "en"  # the language of the texts; labels are rendered in it whatever the reader's
PAGE_SIZE = 100
RELEASE_SCHEMA = Path(__file__).resolve().parent / "schema" / "release-schema.json"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
MAX_PK = 2**63 - 1

# The kinds of release, each named by its tag (UNSUCCESSFUL's tag is `tenderUpdate`), in
# the order the releases of one challenge at one moment are listed.
TENDER = "tender"
AMENDMENT = "tenderAmendment"
CANCELLATION = "tenderCancellation"
AWARD = "award"
UNSUCCESSFUL = "unsuccessful"
CONTRACT = "contract"
_KIND_ORDER = {TENDER: 0, AMENDMENT: 1, CANCELLATION: 2, AWARD: 3, UNSUCCESSFUL: 3, CONTRACT: 4}
_TAG = {UNSUCCESSFUL: "tenderUpdate"}


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


def _value(amount: Decimal) -> dict[str, Any]:
    return {"amount": _amount(amount), "currency": CURRENCY}


def _day(day: date, at: time) -> str:
    """A calendar date (a contract's) as a date-time in the platform's time zone, with its
    offset, so that the day reads as it was given."""
    return timezone.make_aware(datetime.combine(day, at)).isoformat()


# Queries ---------------------------------------------------------------------------------


def _published() -> QuerySet[Challenge]:
    """Public challenges with what every release of theirs reads. Their relations are read
    into lists (`cpv_list`, `criteria_list`, `amendment_list`): a page of releases reads them
    for a hundred challenges, and a list costs nothing per challenge where a related manager
    costs a query set each."""
    return (
        public_challenges()
        .select_related("owner", "previous_phase")
        .prefetch_related(
            Prefetch("cpv_codes", to_attr="cpv_list"),
            Prefetch("criteria", to_attr="criteria_list"),
            Prefetch("amendments", to_attr="amendment_list"),
        )
    )


def _outcome() -> tuple[Prefetch, ...]:
    """What the releases of an outcome (award, tenderUpdate, contract) read besides: the
    awards, in `award_list`, and who bid, once decided, in `public_bids`."""
    return awards_prefetch("award_list"), bids_prefetch()


def _complete() -> QuerySet[Challenge]:
    """Public challenges with all their releases' data."""
    return _published().prefetch_related(*_outcome())


def public_challenge(pk: int) -> Challenge | None:
    return _complete().filter(pk=pk).first()


@dataclass(frozen=True)
class Entry:
    """One release of the feed, before it is built: what, of which challenge (and, for a
    contract release, of which contract), when."""

    date: datetime
    kind: str
    challenge: Challenge
    contract: Contract | None = None
    amendment: Amendment | None = None

    @property
    def key(self) -> tuple:
        detail = self.contract.pk if self.contract else self.amendment.number if self.amendment else 0
        return (self.date, self.challenge.pk, _KIND_ORDER[self.kind], detail)


@dataclass(frozen=True)
class _Source:
    """Where the feed finds one kind of release: its rows, the field that dates each, the
    path to its challenge and what tells apart several of one challenge."""

    kind: str
    rows: Callable[[], QuerySet]
    moment: str
    challenge: str = "pk"
    detail: str | None = None

    def keys(self, *, since: datetime | None, at: datetime | None, size: int | None) -> QuerySet:
        """(moment, challenge id, detail, kind) of its releases after `since` or at `at`,
        oldest first, at most `size`."""
        rows = self.rows()
        if since is not None:
            rows = rows.filter(**{f"{self.moment}__gt": since})
        if at is not None:
            rows = rows.filter(**{self.moment: at})
        keys = rows.order_by(self.moment, "pk").values_list(
            self.moment,
            self.challenge,
            self.detail or Value(0, output_field=IntegerField()),
            Value(_KINDS.index(self.kind), output_field=IntegerField()),
        )
        return keys if size is None else keys[:size]


def _decided(status: str, moment: str) -> Callable[[], QuerySet]:
    return lambda: public_challenges().filter(status=status, **{f"{moment}__isnull": False})


_SOURCES = (
    _Source(TENDER, public_challenges, "published_at"),
    _Source(
        AMENDMENT,
        lambda: Amendment.objects.filter(challenge__in=public_challenges()),
        "amended_at",
        challenge="challenge_id",
        detail="number",
    ),
    _Source(CANCELLATION, _decided(Status.CANCELLED, "cancelled_at"), "cancelled_at"),
    _Source(AWARD, _decided(Status.AWARDED, "awarded_at"), "awarded_at"),
    _Source(UNSUCCESSFUL, _decided(Status.NOT_AWARDED, "closed_at"), "closed_at"),
    _Source(CONTRACT, public_contracts, "recorded_at", challenge="award__challenge_id", detail="pk"),
)
_KINDS = [source.kind for source in _SOURCES]


def _keys(*, since: datetime | None = None, at: datetime | None = None, size: int | None = None) -> list[tuple]:
    """The keys of the releases of every kind, in one query: each kind's oldest `size` after
    `since` (or all at `at`), read through its own index, and put one after the other (UNION
    ALL of the kinds' own queries, which the ORM writes but cannot join when each has its own
    order and limit)."""
    parts, params = [], []
    for number, source in enumerate(_SOURCES):
        sql, own = source.keys(since=since, at=at, size=size).query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS kind{number}")
        params += own
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return [(_aware(moment), challenge, detail, _KINDS[kind]) for moment, challenge, detail, kind in cursor]


def _aware(moment: datetime | str) -> datetime:
    # Read without the ORM's converters: SQLite gives its text, in UTC.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def _entries(keys: list[tuple]) -> list[Entry]:
    """The releases of these keys, with their challenges and all they need, read at once: a
    constant number of queries, whatever the kinds on the page."""
    challenges = {c.pk: c for c in _published().filter(pk__in={key[1] for key in keys})}
    _with_documents(list(challenges.values()))
    # Most releases on a page are tenders and amendments, which never read the outcome: the
    # awards and bids are read only for the challenges whose outcome is on the page.
    decided = {key[1] for key in keys if key[3] in (AWARD, UNSUCCESSFUL, CONTRACT)}
    prefetch_related_objects([challenges[pk] for pk in decided], *_outcome())
    entries = []
    for moment, challenge_id, detail, kind in keys:
        challenge = challenges[challenge_id]
        if kind == AMENDMENT:
            [amendment] = [a for a in challenge.amendment_list if a.number == detail]
            entries.append(Entry(moment, kind, challenge, amendment=amendment))
        elif kind == CONTRACT:
            [contract] = [
                a.contract for a in challenge.award_list if getattr(a, "contract", None) and a.contract.pk == detail
            ]
            entries.append(Entry(moment, kind, challenge, contract=contract))
        else:
            entries.append(Entry(moment, kind, challenge))
    return sorted(entries, key=lambda e: e.key)


def release_page(*, since: datetime | None, size: int | None = None) -> tuple[list[tuple], datetime | None]:
    """The keys of the releases dated after `since` (all when None), oldest first, at most
    `size` of them unless more share one moment, and the moment to ask the next page from
    (None on the last page). A page never splits the releases of one moment, so `since` is a
    sound cursor. One query, whatever the number of challenges: the keys of each kind of
    release are read at most `size + 1` at a time, and the earliest of them make the page."""
    size = size or PAGE_SIZE
    keys = sorted(_keys(since=since, size=size + 1), key=_key_order)
    if len(keys) <= size:
        return keys, None
    page, following = keys[:size], keys[size]
    if page[-1][0] == following[0]:
        page = [key for key in page if key[0] != following[0]]
        if not page:  # every release of this page is of one moment: serve them all at once
            page = sorted(_keys(at=following[0]), key=_key_order)
    return page, max(key[0] for key in page)


def _key_order(key: tuple) -> tuple:
    moment, challenge, detail, kind = key
    return (moment, challenge, _KIND_ORDER[kind], detail)


def record_page(*, after: int | None, size: int | None = None) -> tuple[list[Challenge], int | None]:
    """The public challenges after the id `after`, by id, and the id to ask the next page from."""
    size = size or PAGE_SIZE
    challenges = _complete().order_by("pk")
    if after is not None:
        challenges = challenges.filter(pk__gt=after)
    page = list(challenges[: size + 1])
    if len(page) <= size:
        return page, None
    page = page[:size]
    return page, page[-1].pk


# Releases --------------------------------------------------------------------------------


# A package of a hundred releases names thousands of addresses (every party's page, every
# document): each is its route's path, reversed once per process, with the object's value
# put in the place of a stand-in of the same shape.
_STAND_IN = {
    "organisations:detail": ("ponte-stand-in",),
    "opendata:ocds_record": ("ponte-stand-in",),
    "attachment_download": (UUID(int=0),),
    "challenges:detail": (999_999_999_999, "ponte-stand-in"),
}


@functools.cache
def _route(name: str, prefix: str) -> str:
    return reverse(name, args=_STAND_IN[name])


def _path(name: str, *values) -> str:
    """reverse(name, args=values), for the routes of _STAND_IN."""
    path = _route(name, get_script_prefix())
    for stand_in, value in zip(_STAND_IN[name], values, strict=True):
        path = path.replace(str(stand_in), str(value), 1)
    return path


def _challenge_path(challenge: Challenge) -> str:
    return _path("challenges:detail", challenge.pk, challenge.slug)


def site_absolute(path: str) -> str:
    """The absolute address of a path of this site (already URI-encoded), at the site's own
    address: a release is kept as it was published, so it names the site as it is known, not
    the host a reader happened to ask."""
    return settings.PONTE_BASE_URL.rstrip("/") + path


def party(organisation, roles: list[str]) -> dict[str, Any]:
    """An organisation as an OCDS party. Companies (tenderers and suppliers) carry their size
    in `details.scale` (partyScale codelist)."""
    identifier = {
        "legalName": organisation.name,
        "uri": site_absolute(_path("organisations:detail", organisation.slug)),
    }
    if organisation.registration_number:
        identifier["id"] = organisation.registration_number
    entry: dict[str, Any] = {
        "id": f"ponte-org-{organisation.pk}",
        "name": organisation.name,
        "identifier": identifier,
        "address": {"countryName": str(Country(organisation.country).label)},
        "roles": roles,
    }
    if organisation.city:
        entry["address"]["locality"] = organisation.city
    # The contact the organisation chose to publish on its profile, if any.
    contact = {
        key: value for key, value in (("email", organisation.contact_email), ("url", organisation.website)) if value
    }
    if contact:
        entry["contactPoint"] = contact
    if organisation.is_company:
        entry["details"] = {"scale": "sme" if organisation.is_sme else "large"}
    return entry


def _release_id(challenge: Challenge, kind: str, moment: datetime) -> str:
    return _id_of(challenge.pk, kind, moment)


def _id_of(challenge_id: int, kind: str, moment: datetime) -> str:
    return f"{prefix()}-{challenge_id}-{kind}-{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _key_release_id(key: tuple) -> str:
    """The id of the release of a key of `_keys`, as its builder names it."""
    moment, challenge_id, detail, kind = key
    return _id_of(challenge_id, f"{kind}-{detail}" if kind in (AMENDMENT, CONTRACT) else kind, moment)


def tender_title(challenge: Challenge) -> str:
    """The title of a challenge's tender: a phase of a series is named first, so that the phases,
    which share the problem's title, read apart."""
    return f"{challenge.phase_name} — {challenge.title}" if challenge.phase_name else challenge.title


def related_processes(challenge: Challenge) -> list[dict[str, Any]]:
    """A later phase's link to the phase before (`relatedProcesses`); none for a first phase or
    a challenge in one phase. The phase before was awarded, so it is public."""
    previous = challenge.previous_phase if challenge.previous_phase_id else None
    if previous is None or previous.published_at is None:
        return []
    ocid = ocid_for(previous)
    return [
        {
            "id": "1",
            "relationship": ["prior"],
            "title": tender_title(previous),
            "scheme": "ocid",
            "identifier": ocid,
            "uri": site_absolute(_path("opendata:ocds_record", ocid)),
        }
    ]


def _linked(release: dict[str, Any], challenge: Challenge) -> dict[str, Any]:
    """The release, with the phase before linked when the challenge is a later phase."""
    related = related_processes(challenge)
    if related:
        release["relatedProcesses"] = related
    return release


def _with_documents(challenges: list[Challenge]) -> None:
    """Read the documents of many challenges in one query (a package stays at a constant
    number of queries); `_documents` reads them one challenge at a time otherwise."""
    by_challenge: dict[str, list[Attachment]] = {str(c.pk): [] for c in challenges}
    if not by_challenge:
        return
    for attachment in Attachment.objects.filter(
        target_type=ContentType.objects.get_for_model(Challenge), target_id__in=list(by_challenge)
    ):
        by_challenge[attachment.target_id].append(attachment)
    for challenge in challenges:
        challenge.ocds_documents = by_challenge[str(challenge.pk)]


def _documents(challenge: Challenge) -> list[dict[str, Any]]:
    """The files published with the challenge, as bidding documents."""
    if not hasattr(challenge, "ocds_documents"):
        _with_documents([challenge])
    # A document added by amendment was published with it.
    added = {
        document["id"]: amendment.amended_at
        for amendment in challenge.amendment_list
        for change in amendment.changes
        if change["field"] == "documents"
        for document in change.get("after") or []
    }
    return [
        {
            "id": f"document-{attachment.pk.hex}",
            "documentType": "biddingDocuments",
            "title": attachment.original_name,
            "url": site_absolute(_path("attachment_download", attachment.pk)),
            "format": attachment.content_type,
            "datePublished": iso(added.get(attachment.pk.hex, challenge.published_at)),
        }
        for attachment in challenge.ocds_documents
    ]


def _order(amendment: Amendment) -> tuple:
    return (amendment.amended_at, amendment.number)


def as_published(challenge: Challenge, until: tuple | None) -> Challenge:
    """The challenge as its releases told it once the amendments up to `until` (an amendment's
    `_order`; None for none) were made: the amendments after it are undone from the values each
    recorded before it, and the documents they added are left out. The challenge itself is
    left as it is."""
    if not hasattr(challenge, "ocds_documents"):
        _with_documents([challenge])
    later = [a for a in challenge.amendment_list if until is None or _order(a) > until]
    if not later:
        return challenge
    past = copy.copy(challenge)
    added: set[str] = set()
    # The latest first, so that the value before the earliest of them is the one that stays.
    for amendment in sorted(later, key=_order, reverse=True):
        for change in amendment.changes:
            field, before = change["field"], change.get("before")
            if field == "documents":
                added |= {document["id"] for document in change.get("after") or []}
            elif field == "criteria":
                past.ocds_criteria = [SimpleNamespace(name=c["name"], weight=c["weight"]) for c in before or []]
            elif field == "deadline":
                past.deadline = datetime.fromisoformat(before) if before else None
            elif field == "budget_ceiling":
                past.budget_ceiling = Decimal(before) if before is not None else None
            else:
                setattr(past, field, before if before is not None else "")
    past.ocds_documents = [d for d in challenge.ocds_documents if d.pk.hex not in added]
    return past


def _tender(challenge: Challenge, status: str) -> dict[str, Any]:
    buyer = {"id": f"ponte-org-{challenge.owner_id}", "name": challenge.owner.name}
    tender: dict[str, Any] = {
        "id": f"{ocid_for(challenge)}-tender",
        "title": tender_title(challenge),
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
                "title": tender_title(challenge),
                "url": site_absolute(_challenge_path(challenge)),
                "format": "text/html",
                "language": LANGUAGE,
            },
            *_documents(challenge),
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
        for code in challenge.cpv_list
    ]
    if items:
        tender["items"] = items
    criteria = getattr(challenge, "ocds_criteria", None)
    if criteria is None:
        criteria = challenge.criteria_list
    if criteria:
        # OCDS 1.1 has no structured weights: the weighted criteria are written out.
        tender["awardCriteriaDetails"] = "; ".join(f"{c.name}: {c.weight}%" for c in criteria)
    return tender


def tender_release(challenge: Challenge, *, kind: str = TENDER) -> dict[str, Any]:
    """The release of a published challenge (`kind` TENDER, dated its publication) or of its
    cancellation (CANCELLATION, dated the cancellation, with its public reason)."""
    with translation.override(LANGUAGE):
        moment = challenge.published_at if kind == TENDER else challenge.cancelled_at
        if kind == TENDER:
            challenge = as_published(challenge, None)
        tender = _tender(challenge, "active" if kind == TENDER else "cancelled")
        if kind == CANCELLATION and challenge.cancellation_reason:
            tender["documents"].append(
                {
                    "id": "cancellation",
                    "documentType": "cancellationDetails",
                    "title": "Cancellation",
                    "description": challenge.cancellation_reason,
                    "url": site_absolute(_challenge_path(challenge)),
                    "format": "text/html",
                    "datePublished": iso(moment),
                    "language": LANGUAGE,
                }
            )
        release = {
            "ocid": ocid_for(challenge),
            "id": _release_id(challenge, kind, moment),
            "date": iso(moment),
            "tag": [kind],
            "initiationType": "tender",
            "language": LANGUAGE,
            "parties": [party(challenge.owner, ["buyer"])],
            "buyer": {"id": f"ponte-org-{challenge.owner_id}", "name": challenge.owner.name},
            "tender": tender,
        }
        return _linked(release, challenge)


def _amendment_release_id(challenge: Challenge, amendment: Amendment) -> str:
    return _release_id(challenge, f"{AMENDMENT}-{amendment.number}", amendment.amended_at)


def amendment_release(amendment: Amendment) -> dict[str, Any]:
    """The release of an amendment (tag `tenderAmendment`, dated when it was made): the tender
    as the amendment left it, its period still starting at the publication, and every
    amendment so far in `tender.amendments`, each naming the release it amends and its own."""
    challenge = amendment.challenge
    with translation.override(LANGUAGE):
        so_far = sorted((a for a in challenge.amendment_list if _order(a) <= _order(amendment)), key=_order)
        tender = _tender(as_published(challenge, _order(amendment)), "active")
        entries, before = [], _release_id(challenge, TENDER, challenge.published_at)
        for made in so_far:
            made.challenge = challenge
            own = _amendment_release_id(challenge, made)
            entry = {"id": str(made.number), "date": iso(made.amended_at)}
            if made.rationale:
                entry["rationale"] = made.rationale
            entry.update(description=made.description, amendsReleaseID=before, releaseID=own)
            entries.append(entry)
            before = own
        tender["amendments"] = entries
        release = {
            "ocid": ocid_for(challenge),
            "id": _amendment_release_id(challenge, amendment),
            "date": iso(amendment.amended_at),
            "tag": [AMENDMENT],
            "initiationType": "tender",
            "language": LANGUAGE,
            "parties": [party(challenge.owner, ["buyer"])],
            "buyer": _reference(challenge.owner),
            "tender": tender,
        }
        return _linked(release, challenge)


def _reference(organisation) -> dict[str, str]:
    return {"id": f"ponte-org-{organisation.pk}", "name": organisation.name}


def _award_id(challenge: Challenge, award) -> str:
    return f"{ocid_for(challenge)}-award-{award.pk}"


def outcome_release(challenge: Challenge) -> dict[str, Any]:
    """The release of a decided challenge: for an awarded one (tag `award`, dated
    `awarded_at`) its awards and suppliers; for one closed without award (tag
    `tenderUpdate`, dated `closed_at`) the tender `unsuccessful` with the reason. Both name
    the tenderers, public from the outcome on. `challenge` comes with its outcome (`_outcome()`)."""
    awarded = challenge.status == Status.AWARDED
    kind, moment = (AWARD, challenge.awarded_at) if awarded else (UNSUCCESSFUL, challenge.closed_at)
    with translation.override(LANGUAGE):
        awards = list(challenge.award_list) if awarded else []
        suppliers = {award.supplier_id for award in awards}
        # The buyer, then each company that bid, then any supplier that did not (none, as an
        # award goes to a standing proposal: a safeguard so that every reference resolves).
        tenderers = [bid.company for bid in challenge.public_bids]
        companies = {company.pk: company for company in tenderers}
        for award in awards:
            companies.setdefault(award.supplier_id, award.supplier)
        parties = [party(challenge.owner, ["buyer"])]
        for company in companies.values():
            roles = (["tenderer"] if company in tenderers else []) + (["supplier"] if company.pk in suppliers else [])
            parties.append(party(company, roles))
        tender = _tender(challenge, "complete" if awarded else "unsuccessful")
        tender["numberOfTenderers"] = len(tenderers)
        if tenderers:
            tender["tenderers"] = [_reference(company) for company in tenderers]
        release = {
            "ocid": ocid_for(challenge),
            "id": _release_id(challenge, kind, moment),
            "date": iso(moment),
            "tag": [_TAG.get(kind, kind)],
            "initiationType": "tender",
            "language": LANGUAGE,
            "parties": parties,
            "buyer": _reference(challenge.owner),
            "tender": tender,
        }
        if awarded:
            release["awards"] = [
                {
                    "id": _award_id(challenge, award),
                    "title": f"{challenge.title} — {award.supplier.name}",
                    **({"description": challenge.outcome_justification} if challenge.outcome_justification else {}),
                    "status": "active",
                    "date": iso(award.awarded_at),
                    "value": _value(award.value),
                    "suppliers": [_reference(award.supplier)],
                }
                for award in awards
            ]
        elif challenge.outcome_justification:
            tender["documents"].append(
                {
                    "id": "unsuccessful",
                    "documentType": "unsuccessfulDetails",
                    "title": "Closed without award",
                    "description": challenge.outcome_justification,
                    "url": site_absolute(_challenge_path(challenge)),
                    "format": "text/html",
                    "datePublished": iso(moment),
                    "language": LANGUAGE,
                }
            )
        return _linked(release, challenge)


def contract_release(contract: Contract, challenge: Challenge) -> dict[str, Any]:
    """The release of a signed contract, dated when it was recorded (see the module's note)."""
    release = {
        "ocid": ocid_for(challenge),
        "id": _release_id(challenge, f"{CONTRACT}-{contract.pk}", contract.recorded_at),
        "date": iso(contract.recorded_at),
        "tag": [CONTRACT],
        "initiationType": "tender",
        "language": LANGUAGE,
        "contracts": [
            {
                "id": f"{ocid_for(challenge)}-contract-{contract.pk}",
                "awardID": _award_id(challenge, contract.award),
                "title": contract.title,
                "status": "active",
                "value": _value(contract.value),
                "dateSigned": _day(contract.date_signed, time.min),
                "period": {
                    "startDate": _day(contract.period_start, time.min),
                    "endDate": _day(contract.period_end, time(23, 59, 59)),
                },
            }
        ],
    }
    return _linked(release, challenge)


def build(entry: Entry) -> dict[str, Any]:
    if entry.kind in (AWARD, UNSUCCESSFUL):
        return outcome_release(entry.challenge)
    if entry.kind == CONTRACT:
        return contract_release(entry.contract, entry.challenge)
    if entry.kind == AMENDMENT:
        return amendment_release(entry.amendment)
    return tender_release(entry.challenge, kind=entry.kind)


def award_releases(challenge: Challenge) -> list[dict[str, Any]]:
    """The releases of a challenge's outcome: its award release and one per signed contract,
    or its tenderUpdate release when it was closed without award; none before the outcome.
    `challenge` comes with its outcome (`_outcome()`)."""
    if challenge.status == Status.AWARDED and challenge.awarded_at is not None:
        releases = [outcome_release(challenge)]
        for award in challenge.award_list:
            contract = getattr(award, "contract", None)
            if contract is not None:
                releases.append(contract_release(contract, challenge))
        return releases
    if challenge.status == Status.NOT_AWARDED and challenge.closed_at is not None:
        return [outcome_release(challenge)]
    return []


def releases_of(challenge: Challenge) -> list[dict[str, Any]]:
    """Every release of a public challenge, oldest first."""
    releases = [tender_release(challenge)]
    for amendment in challenge.amendment_list:
        amendment.challenge = challenge
        releases.append(amendment_release(amendment))
    if challenge.status == Status.CANCELLED and challenge.cancelled_at is not None:
        releases.append(tender_release(challenge, kind=CANCELLATION))
    releases += award_releases(challenge)
    return sorted(releases, key=lambda r: r["date"])


def records(challenges: list[Challenge]) -> list[dict[str, Any]]:
    """The record of each challenge: its releases as they were published, embedded, and the
    release compiled from them with ocdsmerge, whose merge rules come from the release schema
    shipped with this app. The releases never served before are kept as built now."""
    built = {challenge.pk: releases_of(challenge) for challenge in challenges}
    texts = _kept([release["id"] for releases in built.values() for release in releases])
    _keep([(pk, release) for pk, releases in built.items() for release in releases if release["id"] not in texts])
    merger = ocdsmerge.Merger(schema=str(RELEASE_SCHEMA))  # merge rules are cached per path
    result = []
    for challenge in challenges:
        releases = [json.loads(texts[r["id"]]) if r["id"] in texts else r for r in built[challenge.pk]]
        result.append(
            {
                "ocid": ocid_for(challenge),
                "releases": releases,
                "compiledRelease": merger.create_compiled_release(releases),
            }
        )
    return result


# Releases as published -------------------------------------------------------------------


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


def _kept(release_ids: list[str]) -> dict[str, str]:
    """The texts of the releases of these ids already published, by id."""
    return dict(PublishedRelease.objects.filter(release_id__in=release_ids).values_list("release_id", "text"))


def _keep(releases: list[tuple[int, dict[str, Any]]]) -> dict[str, str]:
    """Keep releases (each with its challenge's id) served for the first time; their texts by
    id. A reader who served one at the same moment kept the same text: the first one stays."""
    texts = {release["id"]: _dumps(release) for _challenge, release in releases}
    PublishedRelease.objects.bulk_create(
        [PublishedRelease(release_id=r["id"], challenge_id=pk, text=texts[r["id"]]) for pk, r in releases],
        ignore_conflicts=True,
    )
    return texts


def published_texts(keys: list[tuple]) -> list[str]:
    """The JSON text of each release of these keys (of `release_page`), as it was first
    published: kept ones as they are (one query), and only those never served before built,
    from their challenges read at once, and kept."""
    ids = [_key_release_id(key) for key in keys]
    texts = _kept(ids)
    missing = [key for key, release_id in zip(keys, ids, strict=True) if release_id not in texts]
    if missing:
        texts |= _keep([(entry.challenge.pk, build(entry)) for entry in _entries(missing)])
    return [texts[release_id] for release_id in ids]


def publish_all() -> int:
    """Keep every public release not yet kept, as the feed would on first reading it: for a
    database filled without the feed being read (a data set loaded in bulk). The number of
    releases read."""
    since, count = None, 0
    while True:
        keys, since = release_page(since=since, size=500)
        published_texts(keys)
        count += len(keys)
        if since is None:
            return count


def _package_metadata(uri: str) -> dict[str, Any]:
    with translation.override(LANGUAGE):
        name = str(settings.PONTE_SITE_NAME)
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": iso(datetime.now(UTC)),
        "publisher": {"name": name, "uri": settings.PONTE_BASE_URL},
        "license": getattr(settings, "PONTE_OCDS_LICENSE", DEFAULT_LICENSE),
        "publicationPolicy": site_absolute(reverse("open_data")),
    }


def release_package(keys: list[tuple], *, uri: str, next_url: str = "") -> str:
    """The package of the releases of these keys (of `release_page`), as JSON text: each
    release's text as it was published is put in it as it is, never parsed and written again."""
    head = _dumps(_package_metadata(uri))[:-1]
    links = f', "links": {_dumps({"next": next_url})}' if next_url else ""
    return f'{head}, "releases": [{", ".join(published_texts(keys))}]{links}}}'


def record_package(challenges: list[Challenge], *, uri: str, next_url: str = "") -> dict[str, Any]:
    package = _package_metadata(uri)
    _with_documents(challenges)
    package["records"] = records(challenges)
    if next_url:
        package["links"] = {"next": next_url}
    return package
