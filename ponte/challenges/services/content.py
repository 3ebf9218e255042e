"""The rules of a challenge's content, shared by drafting, amendments and review: the budget
ceiling of each instrument, the criteria's weights, the minimum periods before a deadline,
what sending for review needs, and the one audited write of a challenge's fields."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ponte.core.services import update

from ..models import (
    AMENDABLE,
    SUBSTANCE,
    Challenge,
    Criterion,
    Instrument,
    InstrumentRule,
    earliest_deadline,
    minimum_periods,
)

if TYPE_CHECKING:
    from ponte.accounts.models import User

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


def clean_fields(fields: dict) -> dict:
    languages = fields.get("languages")
    if languages is not None and not set(languages) <= LANGUAGE_CODES:
        raise ValidationError({"languages": [_("Choose languages from the list.")]})
    if "deadline" in fields and fields["deadline"] is not None and fields["deadline"] <= timezone.now():
        raise ValidationError({"deadline": [_("The deadline must be in the future.")]})
    return fields


EDITABLE_FIELDS = (*AMENDABLE, *SUBSTANCE, "languages")


def criteria_rows(criteria) -> list[dict]:
    """Criteria as compared and recorded: name, description and weight, in order."""
    return [
        {
            "name": (c["name"] if isinstance(c, dict) else c.name).strip(),
            "description": ((c.get("description") if isinstance(c, dict) else c.description) or "").strip(),
            "weight": int(c["weight"] if isinstance(c, dict) else c.weight),
        }
        for c in criteria
    ]


def recorded(name: str, value):
    """A field's value as an amendment records it (JSON): moments in UTC, amounts as text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value if isinstance(value, (str, int, list)) else str(value)


def save_changes(
    challenge: Challenge, fields: dict, *, actor: User, sectors=None, cpv_codes=None, criteria=None, audited=True
) -> Challenge:
    """Write fields, sectors, codes and criteria as they are, in one audit record with before
    and after (unless the caller records the change in its own words)."""
    written = {}
    if criteria is not None:
        before = [{"name": c["name"], "weight": c["weight"]} for c in criteria_rows(challenge.criteria.all())]
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
        written["criteria"] = (before, [{"name": c["name"], "weight": c["weight"]} for c in criteria_rows(criteria)])
    update(
        challenge,
        fields,
        actor=actor,
        relations={"sectors": sectors, "cpv_codes": cpv_codes},
        written=written,
        audited=audited,
    )
    return challenge
