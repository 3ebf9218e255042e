"""Every change to a challenge: one function per action, transactional, permission-checked,
audited and notifying. Views and the API call these; nothing else sets a status."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ponte.core import audit
from ponte.core.notifications import notify

from .models import LIFECYCLE, SUBSTANCE, Challenge, Criterion, Instrument, InstrumentRule, Interest, Status
from .queries import invited_companies

TOTAL_WEIGHT = 100
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _require(actor, perm: str, obj=None) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(perm)


def _locked(challenge: Challenge) -> Challenge:
    return Challenge.objects.select_for_update().get(pk=challenge.pk)


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
    return None


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


def _clean_fields(fields: dict) -> dict:
    languages = fields.get("languages")
    if languages is not None and not set(languages) <= LANGUAGE_CODES:
        raise ValidationError({"languages": [_("Choose languages from the list.")]})
    if "deadline" in fields and fields["deadline"] is not None and fields["deadline"] <= timezone.now():
        raise ValidationError({"deadline": [_("The deadline must be in the future.")]})
    return fields


EDITABLE_FIELDS = (*SUBSTANCE, "languages", "phase_name")


# Drafting ------------------------------------------------------------------------------


@transaction.atomic
def challenge_create(*, actor, owner, title: str, **fields) -> Challenge:
    _require(actor, "challenges.add_challenge")
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


@transaction.atomic
def challenge_update(
    *, actor, challenge: Challenge, sectors=None, cpv_codes=None, criteria=None, **fields
) -> Challenge:
    """Save a draft (anything may still be missing), or revise a published challenge: a change
    of substance then sends it back to review and tells the companies that follow it."""
    challenge = _locked(challenge)
    _require(actor, "challenges.change_challenge", challenge)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    fields = _clean_fields(fields)
    check_budget(fields.get("instrument", challenge.instrument), fields.get("budget_ceiling", challenge.budget_ceiling))
    if criteria is not None:
        check_criteria(criteria)
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
    if changed:
        audit.record(
            actor=actor,
            verb="update",
            target=challenge,
            before=before,
            after={name: str(getattr(challenge, name, "")) for name in changed},
        )
    substance = [name for name in changed if name in SUBSTANCE or name == "criteria"]
    if challenge.status == Status.PUBLISHED and substance:
        LIFECYCLE.apply(challenge, "revise", actor=actor, reason=", ".join(substance))
        _notify_followers(challenge, "challenges.revised")
        _notify_programme_managers(challenge)
    return challenge


# Review --------------------------------------------------------------------------------


@transaction.atomic
def challenge_submit(*, actor, challenge: Challenge) -> Challenge:
    challenge = _locked(challenge)
    _require(actor, "challenges.submit_challenge", challenge)
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
    challenge = _locked(challenge)
    _require(actor, "challenges.approve_for_organisation", challenge)
    LIFECYCLE.apply(challenge, "approve_for_organisation", actor=actor)
    _notify_programme_managers(challenge)
    return challenge


@transaction.atomic
def challenge_return_to_author(*, actor, challenge: Challenge, reason: str) -> Challenge:
    challenge = _locked(challenge)
    _require(actor, "challenges.return_to_author", challenge)
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
    challenge = _locked(challenge)
    _require(actor, "challenges.approve_challenge", challenge)
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
    challenge = _locked(challenge)
    _require(actor, "challenges.publish_challenge", challenge)
    if challenge.deadline is None or challenge.deadline <= timezone.now():
        raise ValidationError({"deadline": [_("The deadline has passed: set a new one before publishing.")]})
    first_time = challenge.published_at is None
    LIFECYCLE.apply(challenge, "publish", actor=actor)
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
    challenge = _locked(challenge)
    _require(actor, "challenges.cancel_challenge", challenge)
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
    challenge = _locked(challenge)
    _require(actor, "challenges.add_next_phase", challenge)
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
    _require(actor, "challenges.express_interest", challenge)
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


def _notify_followers(challenge: Challenge, kind: str) -> None:
    from ponte.accounts.models import User

    # Those who follow it, and the members of every company with a standing proposal.
    bidders = challenge.proposals.filter(status="submitted").values("company_id")
    followers = User.objects.filter(
        Q(pk__in=challenge.interests.values("user_id")) | Q(memberships__organisation_id__in=bidders)
    ).distinct()
    notify(
        followers,
        kind,
        params={"challenge": challenge.title, "reason": challenge.cancellation_reason},
        url=challenge.get_absolute_url(),
    )


def _notify_programme_managers(challenge: Challenge) -> None:
    from ponte.accounts.models import User

    notify(
        User.objects.filter(is_programme_manager=True, is_active=True),
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
