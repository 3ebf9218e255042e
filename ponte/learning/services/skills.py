"""The skills self-assessment: a person answers every statement of the questionnaire on the
proficiency scale; each skill's score is the mean of its answers. What they answered is theirs:
the audit trail records that an assessment was taken, not its answers."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core import audit

from ..models import CORE_SKILLS, QUESTIONS, Proficiency, SelfAssessment, SkillScore

if TYPE_CHECKING:
    from ponte.accounts.models import User


def _checked(answers: dict) -> dict[str, int]:
    errors: dict[str, list[str]] = {}
    kept: dict[str, int] = {}
    for key, _skill, _text in QUESTIONS:
        value = answers.get(key)
        if value is None or value == "":
            errors[key] = [_("Choose how well this describes you.")]
        elif isinstance(value, bool) or not isinstance(value, int) or value not in Proficiency.values:
            errors[key] = [
                _("Choose one of the answers, from %(low)s to %(high)s.")
                % {"low": min(Proficiency.values), "high": max(Proficiency.values)}
            ]
        else:
            kept[key] = value
    unknown = set(answers) - {key for key, _skill, _text in QUESTIONS}
    if unknown:
        raise ValueError(f"Not a question of the self-assessment: {sorted(unknown)}")
    if errors:
        raise ValidationError(errors)
    return kept


def scores_of(answers: dict[str, int]) -> dict[str, Decimal]:
    """Each skill's score: the mean of its answers, to two decimals."""
    by_skill: dict[str, list[int]] = {}
    for key, skill, _text in QUESTIONS:
        by_skill.setdefault(skill, []).append(answers[key])
    return {
        skill: (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        for skill, values in by_skill.items()
    }


@transaction.atomic
def self_assessment_take(*, actor: User, answers: dict) -> SelfAssessment:
    if not actor.is_authenticated:
        raise PermissionDenied("learning.assess_skills")
    kept = _checked(answers)
    assessment = SelfAssessment.objects.create(person=actor, taken_at=timezone.now(), answers=kept)
    scores = scores_of(kept)
    SkillScore.objects.bulk_create(
        SkillScore(assessment=assessment, skill=skill, score=scores[skill]) for skill in CORE_SKILLS
    )
    audit.record(actor=actor, verb="assess_skills", target=assessment, after={"skills": len(scores)})
    return assessment
