"""Recognition's figures on the leadership dashboard (core.indicators): the awards announced, by
who or what won, and the kudos people gave. Winners are named as nominated, not by an
organisation of the platform: they are not counted by organisation."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ponte.core.indicators import Indicator

from ..models import Kudos, NomineeKind
from .programmes import winners

SECTION = _("Recognition")


def kudos() -> QuerySet[Kudos]:
    return Kudos.objects.all()


INDICATORS = [
    Indicator(
        key="recognition.awards",
        section=SECTION,
        label=_("Awards announced, by who or what won"),
        rows=winners,
        dated_by="category__programme__announced_at",
        split_by="kind",
        split_labels=lambda: dict(NomineeKind.choices),
        describe=lambda winner: (winner.nominee, winner.category.programme.get_absolute_url()),
    ),
    Indicator(
        key="recognition.kudos",
        section=SECTION,
        label=_("Thanks given to teams and projects"),
        rows=kudos,
        dated_by="created_at",
    ),
]
