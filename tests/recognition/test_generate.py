"""Recognition at scale (`python -m ponte generate`): programmes, nominations, scores, winners
and kudos that hold together as the services would have left them."""

from django.db.models import Count

from ponte.dev.generate import organisations as organisations_generate
from ponte.dev.generate import recognition as recognition_generate
from ponte.recognition.models import AwardProgramme, JuryReview, Kudos, Nomination, ProgrammePhase
from tests.factories import UserFactory


class _NoBar:
    def update(self, count):
        pass

    def close(self):
        pass


def _progress(total, desc):
    return _NoBar()


def test_the_generator_leaves_programmes_as_the_services_would(db):
    UserFactory(is_programme_manager=True)
    organisations_generate.build("S", _progress)
    recognition_generate.build("S", _progress)

    programmes, nominations_each, _kudos = recognition_generate.SIZES["S"]
    assert AwardProgramme.objects.count() == programmes
    phases = [programme.phase for programme in AwardProgramme.objects.all()]
    assert phases.count(ProgrammePhase.NOMINATING) == 1
    assert phases.count(ProgrammePhase.JUDGING) == 1
    assert phases.count(ProgrammePhase.ANNOUNCED) == programmes - 2
    assert Nomination.objects.count() == programmes * nominations_each
    # Scores only from jury members of the programme who declared no conflict.
    assert not JuryReview.objects.filter(status="recused", score__isnull=False).exists()
    for review in JuryReview.objects.select_related("nomination__category__programme"):
        assert review.nomination.category.programme.jury.filter(pk=review.juror_id).exists()
    # Winners only in announced programmes, one per category, never in the open one.
    winners = Nomination.objects.filter(won_at__isnull=False)
    assert not winners.filter(category__programme__announced_at__isnull=True).exists()
    assert not winners.values("category").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert winners.count() > 0
    # Lesson categories hold only projects and exemptions.
    assert not Nomination.objects.filter(category__for_lessons=True, kind__in=["person", "team"]).exists()
    assert Kudos.objects.count() > 0
    assert (
        not Kudos.objects.values("target_model", "target_id", "author").annotate(n=Count("pk")).filter(n__gt=1).exists()
    )
