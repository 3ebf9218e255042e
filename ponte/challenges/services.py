"""Every change to a challenge: one function per action, transactional, permission-checked,
audited and notifying. Views and the API call these; nothing else sets a status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ponte.core import attachments, audit
from ponte.core.notifications import notify
from ponte.core.services import locked, require

from .models import (
    AMENDABLE,
    LIFECYCLE,
    SUBSTANCE,
    Amendment,
    AmendmentKind,
    Challenge,
    Criterion,
    Instrument,
    InstrumentRule,
    Interest,
    Status,
    earliest_deadline,
    minimum_periods,
)
from .queries import invited_companies

TOTAL_WEIGHT = 100
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


# Rules of content ----------------------------------------------------------------------


def check_budget(instrument: str, budget: Decimal | None) -> None:
    """A budget above the instrument's legal ceiling is refused, naming the rule."""
    if budget is None:
        return
    rule = InstrumentRule.objects.filter(instrument=instrument).first()
    if rule is not None and rule.ceiling is not None and budget > rule.ceiling:
        raise ValidationError(
            {
                "budget_ceiling": [
                    _("A %(instrument)s may not exceed EUR %(ceiling)s excluding VAT (%(basis)s).")
                    % {
                        "instrument": Instrument(instrument).label.lower(),
                        "ceiling": number_format(rule.ceiling, decimal_pos=0, force_grouping=True),
                        "basis": rule.legal_basis or _("the instrument's legal ceiling"),
                    }
                ]
            }
        )


def check_criteria(criteria: list[dict]) -> None:
    if not criteria:
        raise ValidationError({"criteria": [_("Add at least one evaluation criterion.")]})
    names = [c["name"].strip().lower() for c in criteria]
    if len(set(names)) != len(names):
        raise ValidationError({"criteria": [_("Give each criterion a different name.")]})
    total = sum(int(c["weight"]) for c in criteria)
    if total != TOTAL_WEIGHT:
        raise ValidationError(
            {"criteria": [_("The weights add up to %(total)s%%; they must add up to 100%%.") % {"total": total}]}
        )


def _given(field: str, message) -> Callable[[Challenge], str | None]:
    def check(challenge: Challenge) -> str | None:
        return None if (getattr(challenge, field) or "").strip() else str(message)

    return check


def _budget_missing(challenge: Challenge) -> str | None:
    if challenge.budget_ceiling is None:
        return _("Set a budget ceiling.")
    try:
        check_budget(challenge.instrument, challenge.budget_ceiling)
    except ValidationError as error:
        return " ".join(error.message_dict["budget_ceiling"])
    return None


def _deadline_missing(challenge: Challenge) -> str | None:
    if challenge.deadline is None:
        return _("Set a deadline for proposals.")
    if challenge.deadline <= timezone.now():
        return _("Set a deadline in the future.")
    return deadline_too_soon(challenge, challenge.deadline)


def _sectors_missing(challenge: Challenge) -> str | None:
    return None if challenge.sectors.exists() else _("Choose at least one sector.")


def _criteria_missing(challenge: Challenge) -> str | None:
    criteria = list(challenge.criteria.all())
    if not criteria:
        return _("Add evaluation criteria.")
    if sum(c.weight for c in criteria) != TOTAL_WEIGHT:
        return _("Make the criteria weights add up to 100%.")
    return None


# What sending a challenge for approval needs: one check per field, in the order its author
# meets them, each naming what is missing. It is the one rule: submitting and approving run it,
# and the drafting pages ask it which fields sending needs (so none of them is offered as
# "(optional)") and what is still missing.
SUBMISSION_CHECKS: list[tuple[str, Callable[[Challenge], str | None]]] = [
    ("title", _given("title", gettext_lazy("Give the challenge a title."))),
    ("summary", _given("summary", gettext_lazy("Write a short summary."))),
    ("problem", _given("problem", gettext_lazy("Describe the problem."))),
    ("affected", _given("affected", gettext_lazy("Say who is affected."))),
    ("desired_outcomes", _given("desired_outcomes", gettext_lazy("Describe the outcomes you want."))),
    ("budget_ceiling", _budget_missing),
    ("deadline", _deadline_missing),
    ("sectors", _sectors_missing),
    ("criteria", _criteria_missing),
]


def needed_to_send() -> list[str]:
    """The fields that sending a challenge needs, whatever the draft holds now."""
    return [field for field, _check in SUBMISSION_CHECKS]


def missing_for_submission(challenge: Challenge) -> list[tuple[str, str]]:
    """What a draft still lacks before it can be sent for review: (field, message)."""
    missing = []
    for field, check in SUBMISSION_CHECKS:
        message = check(challenge)
        if message:
            missing.append((field, message))
    return missing


def deadline_too_soon(challenge: Challenge, deadline, *, start=None) -> str | None:
    """Why `deadline` leaves companies too little time, counted from `start` (its publication,
    now when it is not published yet), naming the earliest deadline allowed; None when it is
    late enough. The minimum periods are configured per instrument (models.minimum_periods)."""
    start = start or challenge.published_at or timezone.now()
    earliest = earliest_deadline(challenge.instrument, start)
    if deadline >= earliest:
        return None
    tender, questions = minimum_periods(challenge.instrument)
    return _(
        "The deadline must leave companies at least %(days)s after publication, and questions close "
        "%(hours)s before it: the earliest deadline allowed is %(earliest)s."
    ) % {
        "days": ngettext("%(count)s day", "%(count)s days", tender.days) % {"count": tender.days},
        "hours": ngettext("%(count)s hour", "%(count)s hours", int(questions.total_seconds() // 3600))
        % {"count": int(questions.total_seconds() // 3600)},
        "earliest": challenge.local_moment(earliest),
    }


def _clean_fields(fields: dict) -> dict:
    languages = fields.get("languages")
    if languages is not None and not set(languages) <= LANGUAGE_CODES:
        raise ValidationError({"languages": [_("Choose languages from the list.")]})
    if "deadline" in fields and fields["deadline"] is not None and fields["deadline"] <= timezone.now():
        raise ValidationError({"deadline": [_("The deadline must be in the future.")]})
    return fields


EDITABLE_FIELDS = (*AMENDABLE, *SUBSTANCE, "languages")


# Drafting ------------------------------------------------------------------------------


@transaction.atomic
def challenge_create(*, actor, owner, title: str, **fields) -> Challenge:
    require(actor, "challenges.add_challenge")
    if owner.kind != "public_body" or owner.status != "verified" or not owner.memberships.filter(user=actor).exists():
        raise PermissionDenied("not a member of this public body")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    fields = _clean_fields(fields)
    check_budget(fields.get("instrument", Instrument.LOW_VALUE), fields.get("budget_ceiling"))
    challenge = Challenge.objects.create(owner=owner, author=actor, title=title.strip(), **fields)
    audit.record(actor=actor, verb="create", target=challenge, after={"title": challenge.title})
    return challenge


def _criteria_rows(criteria) -> list[dict]:
    """Criteria as compared and recorded: name, description and weight, in order."""
    return [
        {
            "name": (c["name"] if isinstance(c, dict) else c.name).strip(),
            "description": ((c.get("description") if isinstance(c, dict) else c.description) or "").strip(),
            "weight": int(c["weight"] if isinstance(c, dict) else c.weight),
        }
        for c in criteria
    ]


def _recorded(name: str, value):
    """A field's value as an amendment records it (JSON): moments in UTC, amounts as text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value if isinstance(value, (str, int, list)) else str(value)


def _check_deadline_move(challenge: Challenge, deadline) -> None:
    """A published challenge's deadline only moves later (companies planned for the one
    published), and still leaves the minimum tender period from its publication."""
    if deadline is None:
        raise ValidationError({"deadline": [_("A published challenge keeps a deadline: choose a later one.")]})
    if deadline <= challenge.deadline:
        raise ValidationError(
            {
                "deadline": [
                    _("The deadline of a published challenge may only move later: choose a moment after %(deadline)s.")
                    % {"deadline": challenge.local_moment(challenge.deadline)}
                ]
            }
        )
    too_soon = deadline_too_soon(challenge, deadline)
    if too_soon is not None:
        raise ValidationError({"deadline": [too_soon]})


def _record_amendment(*, actor, challenge: Challenge, kind: str, changes: list[dict], rationale: str) -> Amendment:
    last = challenge.amendments.order_by("-number").values_list("number", flat=True).first() or 0
    amendment = Amendment.objects.create(
        challenge=challenge,
        number=last + 1,
        kind=kind,
        amended_by=actor,
        changes=changes,
        rationale=rationale,
    )
    if kind == AmendmentKind.AMENDMENT:
        # A revision is audited as the update and the "revise" move it makes.
        audit.record(
            actor=actor,
            verb="amend",
            target=challenge,
            before={change["field"]: change["before"] for change in changes},
            after={"amendment": amendment.number, **{change["field"]: change["after"] for change in changes}},
            reason=rationale,
        )
    return amendment


def _rationale(rationale: str) -> str:
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError(
            {"rationale": [_("Say why you amend the challenge: the reason is published with the amendment.")]}
        )
    if "\x00" in rationale:
        raise ValidationError({"rationale": [_("The text contains characters that are not allowed.")]})
    return rationale


@transaction.atomic
def challenge_update(
    *, actor, challenge: Challenge, rationale: str = "", sectors=None, cpv_codes=None, criteria=None, **fields
) -> Challenge:
    """Save a draft (anything may still be missing). On a published challenge, a later deadline
    or a clarified text is an amendment (challenge_amend): it stays published. A change of
    budget, instrument or criteria, which alters who may bid or what is bought, is a revision:
    it goes back to review, and the companies that follow it or bid are told (a proposal
    already submitted is kept)."""
    challenge = locked(challenge)
    require(actor, "challenges.change_challenge", challenge)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    fields = _clean_fields(fields)
    check_budget(fields.get("instrument", challenge.instrument), fields.get("budget_ceiling", challenge.budget_ceiling))
    if criteria is not None:
        check_criteria(criteria)
    changed = [name for name, value in fields.items() if getattr(challenge, name) != value]
    criteria_before = _criteria_rows(challenge.criteria.all())
    criteria_changed = criteria is not None and _criteria_rows(criteria) != criteria_before
    substance = [name for name in changed if name in SUBSTANCE] + (["criteria"] if criteria_changed else [])
    if challenge.status == Status.PUBLISHED and not substance:
        amended = {name: fields[name] for name in changed if name in AMENDABLE}
        if amended:
            challenge_amend(actor=actor, challenge=challenge, rationale=rationale, **amended)
            challenge.refresh_from_db()
        rest = {name: value for name, value in fields.items() if name not in AMENDABLE}
        return _save(actor, challenge, rest, sectors=sectors, cpv_codes=cpv_codes)
    if challenge.status == Status.PUBLISHED and "deadline" in changed:
        _check_deadline_move(challenge, fields["deadline"])
    changes = [
        {"field": name, "before": _recorded(name, getattr(challenge, name)), "after": _recorded(name, fields[name])}
        for name in changed
        if name in (*AMENDABLE, *SUBSTANCE)
    ]
    if criteria_changed:
        changes.append(
            {
                "field": "criteria",
                "before": [{"name": c["name"], "weight": c["weight"]} for c in criteria_before],
                "after": [{"name": c["name"], "weight": c["weight"]} for c in _criteria_rows(criteria)],
            }
        )
    _save(
        actor, challenge, fields, sectors=sectors, cpv_codes=cpv_codes, criteria=criteria if criteria_changed else None
    )
    if challenge.published_at is not None and changes:
        # The public reads a published challenge throughout its revision: the change is dated
        # and kept, so its open data keeps every release as it was published.
        _record_amendment(
            actor=actor, challenge=challenge, kind=AmendmentKind.REVISION, changes=changes, rationale=rationale.strip()
        )
    if challenge.status == Status.PUBLISHED and substance:
        LIFECYCLE.apply(challenge, "revise", actor=actor, reason=rationale.strip() or ", ".join(substance))
        bidders = _bidders(challenge)
        _notify_followers(challenge, "challenges.revised", exclude=bidders)
        notify(
            bidders,
            "challenges.revised_proposal_kept",
            params={"challenge": challenge.title},
            url=challenge.get_absolute_url(),
        )
        _notify_programme_managers(challenge)
    return challenge


def _save(
    actor, challenge: Challenge, fields: dict, *, sectors=None, cpv_codes=None, criteria=None, audited=True
) -> Challenge:
    """Write fields, sectors, codes and criteria as they are, audited with before and after
    (unless the caller audits the change itself)."""
    changed = [name for name, value in fields.items() if getattr(challenge, name) != value]
    before = {name: str(getattr(challenge, name)) for name in changed}
    for name in changed:
        setattr(challenge, name, fields[name])
    challenge.save()
    if sectors is not None:
        challenge.sectors.set(sectors)
    if cpv_codes is not None:
        challenge.cpv_codes.set(cpv_codes)
    if criteria is not None:
        challenge.criteria.all().delete()
        Criterion.objects.bulk_create(
            Criterion(
                challenge=challenge,
                name=c["name"].strip(),
                description=c.get("description", "").strip(),
                weight=int(c["weight"]),
                position=i,
            )
            for i, c in enumerate(criteria)
        )
        changed.append("criteria")
    if changed and audited:
        audit.record(
            actor=actor,
            verb="update",
            target=challenge,
            before=before,
            after={name: str(getattr(challenge, name, "")) for name in changed},
        )
    return challenge


# Amendments ----------------------------------------------------------------------------


@transaction.atomic
def challenge_amend(*, actor, challenge: Challenge, rationale: str, **fields) -> Amendment:
    """Amend a published, open challenge without changing who may bid or what is bought: a
    later deadline or clarified texts (AMENDABLE). It stays published, its publication date
    is kept, the amendment is recorded with the editor's reason and shown on its page, and the
    companies that follow it or submitted a proposal are told what changed."""
    challenge = locked(challenge)
    require(actor, "challenges.change_challenge", challenge)
    if challenge.status != Status.PUBLISHED:
        raise PermissionDenied("only a published challenge is amended; a draft is edited")
    not_amendable = set(fields) - set(AMENDABLE)
    if not_amendable:
        raise ValueError(f"Not amendable: {sorted(not_amendable)}")
    fields = _clean_fields(fields)
    changed = {name: value for name, value in fields.items() if getattr(challenge, name) != value}
    if not changed:
        raise ValidationError(_("Nothing has changed: there is nothing to amend."))
    rationale = _rationale(rationale)
    if "deadline" in changed:
        _check_deadline_move(challenge, changed["deadline"])
    if "title" in changed and not (changed["title"] or "").strip():
        raise ValidationError({"title": [_("Give the challenge a title.")]})
    changes = [
        {"field": name, "before": _recorded(name, getattr(challenge, name)), "after": _recorded(name, value)}
        for name, value in changed.items()
    ]
    _save(actor, challenge, changed, audited=False)
    amendment = _record_amendment(
        actor=actor, challenge=challenge, kind=AmendmentKind.AMENDMENT, changes=changes, rationale=rationale
    )
    _notify_amendment(amendment)
    return amendment


@transaction.atomic
def challenge_add_documents(*, actor, challenge: Challenge, files, rationale: str) -> Amendment:
    """Add documents to a published, open challenge, as an amendment with its reason (a draft's
    documents are added and removed in its documents step). Nothing is added unless all are."""
    challenge = locked(challenge)
    require(actor, "challenges.change_challenge", challenge)
    if challenge.status != Status.PUBLISHED:
        raise PermissionDenied("only a published challenge is amended; a draft is edited")
    rationale = _rationale(rationale)
    if not files:
        raise ValidationError({"files": [_("Choose at least one file to add.")]})
    added = [
        attachments.attach(uploaded, target=challenge, actor=actor, permission="challenges.change_challenge")
        for uploaded in files
    ]
    amendment = _record_amendment(
        actor=actor,
        challenge=challenge,
        kind=AmendmentKind.AMENDMENT,
        changes=[
            {"field": "documents", "before": [], "after": [{"id": a.pk.hex, "name": a.original_name} for a in added]}
        ],
        rationale=rationale,
    )
    _notify_amendment(amendment)
    return amendment


def _notify_amendment(amendment: Amendment) -> None:
    """Tell the followers and bidders what changed, each in their own language (the change is
    described when the notification is made, so it is written once per language)."""
    from itertools import groupby

    challenge = amendment.challenge
    recipients = sorted(_followers(challenge), key=lambda user: user.language or settings.LANGUAGE_CODE)
    for language, people in groupby(recipients, key=lambda user: user.language or settings.LANGUAGE_CODE):
        with translation.override(language):
            changes = amendment.description
        notify(
            list(people),
            "challenges.amended",
            params={"challenge": challenge.title, "changes": changes, "rationale": amendment.rationale},
            url=challenge.get_absolute_url() + "#amendments",
        )


# Review --------------------------------------------------------------------------------


@transaction.atomic
def challenge_submit(*, actor, challenge: Challenge) -> Challenge:
    challenge = locked(challenge)
    require(actor, "challenges.submit_challenge", challenge)
    missing = missing_for_submission(challenge)
    if missing:
        raise ValidationError({field: [message] for field, message in missing})
    LIFECYCLE.apply(challenge, "submit", actor=actor)
    from ponte.organisations.queries import admins_of

    notify(
        admins_of(challenge.owner),
        "challenges.to_approve",
        params={"challenge": challenge.title, "person": str(actor)},
        url=challenge.get_absolute_url(),
    )
    return challenge


@transaction.atomic
def challenge_approve_for_organisation(*, actor, challenge: Challenge) -> Challenge:
    challenge = locked(challenge)
    require(actor, "challenges.approve_for_organisation", challenge)
    LIFECYCLE.apply(challenge, "approve_for_organisation", actor=actor)
    _notify_programme_managers(challenge)
    return challenge


@transaction.atomic
def challenge_return_to_author(*, actor, challenge: Challenge, reason: str) -> Challenge:
    challenge = locked(challenge)
    require(actor, "challenges.return_to_author", challenge)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say what needs to change.")]})
    challenge.changes_requested_reason = reason.strip()
    LIFECYCLE.apply(
        challenge, "return_to_author", actor=actor, reason=reason.strip(), update_fields=["changes_requested_reason"]
    )
    notify(
        [challenge.author],
        "challenges.changes_requested",
        params={"challenge": challenge.title, "reason": challenge.changes_requested_reason},
        url=challenge.get_absolute_url(),
    )
    return challenge


@transaction.atomic
def challenge_approve(*, actor, challenge: Challenge, reason: str = "") -> Challenge:
    challenge = locked(challenge)
    require(actor, "challenges.approve_challenge", challenge)
    missing = missing_for_submission(challenge) if challenge.published_at is None else []
    if missing:
        raise ValidationError({field: [message] for field, message in missing})
    challenge.changes_requested_reason = ""
    LIFECYCLE.apply(challenge, "approve", actor=actor, reason=reason, update_fields=["changes_requested_reason"])
    notify(
        [challenge.author],
        "challenges.approved",
        params={"challenge": challenge.title},
        url=challenge.get_absolute_url(),
    )
    return challenge


@transaction.atomic
def challenge_publish(*, actor, challenge: Challenge) -> Challenge:
    challenge = locked(challenge)
    require(actor, "challenges.publish_challenge", challenge)
    if challenge.deadline is None or challenge.deadline <= timezone.now():
        raise ValidationError({"deadline": [_("The deadline has passed: set a new one before publishing.")]})
    first_published = challenge.published_at
    first_time = first_published is None
    # The tender period runs from the first publication: a revision republished keeps it.
    too_soon = deadline_too_soon(challenge, challenge.deadline, start=first_published or timezone.now())
    if too_soon is not None:
        raise ValidationError({"deadline": [too_soon]})
    LIFECYCLE.apply(challenge, "publish", actor=actor)
    if not first_time:
        # Its open data and its page date it from its first publication, as companies read it.
        challenge.published_at = first_published
        challenge.save(update_fields=["published_at"])
    invited = invited_companies(challenge)
    if first_time and invited is not None:
        # A later phase is for the suppliers invited to it: they hear of it, alerts do not.
        from ponte.accounts.models import User

        notify(
            User.objects.filter(memberships__organisation_id__in=invited, is_active=True).distinct(),
            "challenges.invited_to_phase",
            params={"challenge": challenge.title, "phase": challenge.phase_name},
            url=challenge.get_absolute_url(),
        )
    elif first_time:
        notify(
            _subscribers_matching(challenge),
            "challenges.new_match",
            params={"challenge": challenge.title},
            url=challenge.get_absolute_url(),
        )
    else:
        _notify_followers(challenge, "challenges.revised")
    notify(
        [challenge.author],
        "challenges.published",
        params={"challenge": challenge.title},
        url=challenge.get_absolute_url(),
    )
    return challenge


@transaction.atomic
def challenge_cancel(*, actor, challenge: Challenge, reason: str) -> Challenge:
    challenge = locked(challenge)
    require(actor, "challenges.cancel_challenge", challenge)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for cancelling.")]})
    challenge.cancellation_reason = reason.strip()
    LIFECYCLE.apply(challenge, "cancel", actor=actor, reason=reason.strip(), update_fields=["cancellation_reason"])
    _notify_followers(challenge, "challenges.cancelled")
    return challenge


# Phases --------------------------------------------------------------------------------

# What the next phase takes over from the one before; its budget, deadline and criteria are
# its own, set by its author in the drafting steps and reviewed as any challenge.
CARRIED_TO_THE_NEXT_PHASE = (
    "title",
    "summary",
    "context",
    "problem",
    "affected",
    "desired_outcomes",
    "constraints",
    "out_of_scope",
    "languages",
    "instrument",
)


@transaction.atomic
def phase_create_next(*, actor, challenge: Challenge, phase_name: str) -> Challenge:
    """Prepare the next phase of an awarded challenge, as a draft of the same public body. Its
    suppliers are the companies invited to it."""
    challenge = locked(challenge)
    require(actor, "challenges.add_next_phase", challenge)
    phase_name = phase_name.strip() if isinstance(phase_name, str) else ""
    if not phase_name:
        raise ValidationError({"phase_name": [_("Name the next phase, such as “Prototype”.")]})
    if "\x00" in phase_name:
        raise ValidationError({"phase_name": [_("The text contains characters that are not allowed.")]})
    if len(phase_name) > 100:
        raise ValidationError({"phase_name": [_("Write at most %(max)s characters.") % {"max": 100}]})
    if not challenge.phase_name:
        # The challenge becomes the first phase of a series: name it so the series reads well.
        challenge.phase_name = _("Phase 1")
        challenge.save(update_fields=["phase_name", "updated_at"])
    phase = Challenge.objects.create(
        owner=challenge.owner,
        author=actor,
        phase_name=phase_name,
        previous_phase=challenge,
        first_phase_id=challenge.first_phase_id or challenge.pk,
        **{name: getattr(challenge, name) for name in CARRIED_TO_THE_NEXT_PHASE},
    )
    phase.sectors.set(challenge.sectors.all())
    phase.cpv_codes.set(challenge.cpv_codes.all())
    Criterion.objects.bulk_create(
        Criterion(challenge=phase, name=c.name, description=c.description, weight=c.weight, position=c.position)
        for c in challenge.criteria.all()
    )
    audit.record(
        actor=actor,
        verb="create_next_phase",
        target=phase,
        after={"previous_phase": challenge.pk, "phase": phase_name},
    )
    return phase


# Companies -----------------------------------------------------------------------------


@transaction.atomic
def interest_express(*, actor, challenge: Challenge, company) -> Interest:
    require(actor, "challenges.express_interest", challenge)
    if company.kind != "company" or company.status != "verified" or not company.memberships.filter(user=actor).exists():
        raise PermissionDenied("not a member of this company")
    invited = invited_companies(challenge)
    if invited is not None and company.pk not in invited:
        raise PermissionDenied("this company is not invited to this phase")
    interest, created = Interest.objects.get_or_create(challenge=challenge, user=actor, defaults={"company": company})
    if created:
        audit.record(actor=actor, verb="express_interest", target=challenge, after={"company": company.name})
    return interest


@transaction.atomic
def interest_withdraw(*, actor, challenge: Challenge) -> None:
    Interest.objects.filter(challenge=challenge, user=actor).delete()


# Who hears about it --------------------------------------------------------------------


def _bidders(challenge: Challenge):
    """The members of every company with a standing proposal."""
    from ponte.accounts.models import User

    companies = challenge.proposals.filter(status="submitted").values("company_id")
    return User.objects.filter(memberships__organisation_id__in=companies, is_active=True).distinct()


def _followers(challenge: Challenge):
    """Those who follow it, and the members of every company with a standing proposal."""
    from ponte.accounts.models import User

    bidders = challenge.proposals.filter(status="submitted").values("company_id")
    return User.objects.filter(
        Q(pk__in=challenge.interests.values("user_id")) | Q(memberships__organisation_id__in=bidders)
    ).distinct()


def _notify_followers(challenge: Challenge, kind: str, *, exclude=None) -> None:
    followers = _followers(challenge)
    if exclude is not None:
        followers = followers.exclude(pk__in=exclude.values("pk"))
    notify(
        followers,
        kind,
        params={"challenge": challenge.title, "reason": challenge.cancellation_reason},
        url=challenge.get_absolute_url(),
    )


def _notify_programme_managers(challenge: Challenge) -> None:
    from ponte.accounts.queries import programme_managers

    notify(
        programme_managers(),
        "challenges.to_review",
        params={"challenge": challenge.title, "organisation": challenge.owner.name},
        url=reverse("challenges:review_queue"),
    )


def _subscribers_matching(challenge: Challenge):
    """People whose alerts match the challenge's sectors, CPV codes or words."""
    from .models import Subscription

    sectors = list(challenge.sectors.values_list("code", flat=True))
    cpv_digits = [code.split("-")[0] for code in challenge.cpv_codes.values_list("code", flat=True)]
    text = " ".join([challenge.title, challenge.summary, challenge.problem]).lower()
    matched = []
    for subscription in Subscription.objects.select_related("user").prefetch_related("sectors"):
        if (
            {s.code for s in subscription.sectors.all()} & set(sectors)
            or any(d.startswith(p.split("-")[0].rstrip("0")) for p in subscription.cpv_prefixes for d in cpv_digits)
            or any(k.lower() in text for k in subscription.keywords if k.strip())
        ):
            matched.append(subscription.user)
    return matched


# Alerts ---------------------------------------------------------------------------------


@transaction.atomic
def alerts_set(*, actor, sectors: list[str], cpv_prefixes: list[str], keywords: list[str]):
    """A signed-in person says which new challenges they want to hear of: by sector, CPV code
    or word. Audited with what they asked for before and after."""
    from ponte.reference.models import SectorTag

    from .models import Subscription

    if not actor.is_authenticated:
        raise PermissionDenied("challenges.alerts")
    subscription, _created = Subscription.objects.select_for_update().get_or_create(user=actor)
    before = {
        "sectors": sorted(subscription.sectors.values_list("code", flat=True)),
        "cpv_prefixes": subscription.cpv_prefixes,
        "keywords": subscription.keywords,
    }
    subscription.cpv_prefixes, subscription.keywords = cpv_prefixes, keywords
    subscription.save(update_fields=["cpv_prefixes", "keywords"])
    subscription.sectors.set(SectorTag.objects.filter(code__in=sectors))
    after = {"sectors": sorted(set(sectors)), "cpv_prefixes": cpv_prefixes, "keywords": keywords}
    audit.record(actor=actor, verb="set_alerts", target=subscription, before=before, after=after)
    return subscription
