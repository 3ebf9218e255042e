"""Learning's figures on the leadership dashboard (core.indicators): certificates issued (the
courses completed), and the mean of the core skills people assessed, read only from groups of
at least five people, as every skills aggregate is."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ponte.core.indicators import MEAN, Indicator

from ..models import CORE_SKILLS, MIN_GROUP, Certificate, SkillScore

SECTION = _("Learning")


def completions() -> QuerySet[Certificate]:
    return Certificate.objects.filter(revoked_at__isnull=True)


def core_skill_scores() -> QuerySet[SkillScore]:
    return SkillScore.objects.filter(skill__in=CORE_SKILLS)


INDICATORS = [
    Indicator(
        key="learning.completions",
        section=SECTION,
        label=_("Courses completed (certificates issued)"),
        rows=completions,
        dated_by="issued_at",
        organisation="person__memberships__organisation",
    ),
    Indicator(
        key="learning.core_skills",
        section=SECTION,
        label=_("Mean of the six core skills people assessed (1 to 5)"),
        rows=core_skill_scores,
        dated_by="assessment__taken_at",
        organisation="assessment__person__memberships__organisation",
        measure=MEAN,
        measured="score",
        min_people=("assessment__person", MIN_GROUP),
        public=False,
        decimals=1,
    ),
]
