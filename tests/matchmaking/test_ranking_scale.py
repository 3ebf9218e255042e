"""Matchmaking at scale: the work of a request is bounded, whatever the size of the catalogue.
Word rarity is counted on the catalogue once and cached until the catalogue changes, so a
solution or a challenge just published (or withdrawn) counts at once; the candidates that
are read and re-ranked are capped."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ponte.challenges.models import Challenge
from ponte.challenges.services import review as review_services
from ponte.matchmaking import ranking
from ponte.solutions import services as solution_services
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    MembershipFactory,
    PublishedChallengeFactory,
    SolutionFactory,
    UserFactory,
)

AIRSHIPS = {
    "title": "Inspecting dykes after a storm takes weeks",
    "summary": "Inspectors walk the dykes after each storm.",
    "problem": "Damage to remote dykes is found late; a zeppelin survey could cover them in a day.",
}
ZEPPELIN = {
    "title": "Zeppelin survey of dykes",
    "summary": "A tethered zeppelin films the dykes after a storm.",
    "description": "The zeppelin's cameras find cracks and slips, mapped for the inspectors.",
}
PAYROLL = {"title": "Payroll suite", "summary": "Payroll.", "description": "Timesheets and leave."}


def fresh(challenge):
    return Challenge.objects.prefetch_related("sectors", "cpv_codes").get(pk=challenge.pk)


def recommended(challenge) -> list[str]:
    return [m.obj.title for m in ranking.recommend_for_challenge(fresh(challenge)).solutions]


def solution_statistics():
    return ranking.catalogue_corpus(ranking.recommendable_solutions(), ranking.SOLUTION_FIELDS)


@pytest.fixture
def manager(db):
    return UserFactory(is_programme_manager=True)


def submitted_solution(**fields):
    company = CompanyFactory()
    member = MembershipFactory(organisation=company).user
    solution = SolutionFactory(company=company, status="submitted", submitted_at=timezone.now(), **fields)
    return solution, member


@pytest.fixture
def counted(monkeypatch):
    """How many times the catalogue's word statistics are counted."""
    calls = []
    count = ranking._count_corpus

    def counting(queryset, spec):
        calls.append(queryset.model._meta.label_lower)
        return count(queryset, spec)

    monkeypatch.setattr(ranking, "_count_corpus", counting)
    return calls


@pytest.mark.django_db
def test_a_published_solution_is_counted_and_recommended_at_once_and_no_more_once_withdrawn(manager, counted):
    challenge = PublishedChallengeFactory(**AIRSHIPS)
    SolutionFactory(status="published", published_at=timezone.now() - timedelta(days=2), **PAYROLL)
    zeppelin = ranking.stem("zeppelin")
    before = solution_statistics()
    assert (before.size, before.frequency.get(zeppelin, 0)) == (1, 0)
    assert recommended(challenge) == []
    assert counted == ["solutions.solution"]  # counted once for both reads

    solution, member = submitted_solution(**ZEPPELIN)
    solution_services.solution_publish(actor=manager, solution=solution)
    published = solution_statistics()
    assert (published.size, published.frequency.get(zeppelin)) == (2, 1)
    assert recommended(challenge) == [ZEPPELIN["title"]]

    # A change to a published solution takes it back to screening: out of the catalogue.
    solution_services.solution_update(actor=member, solution=solution, description="Cameras on a kite.")
    withdrawn = solution_statistics()
    assert (withdrawn.size, withdrawn.frequency.get(zeppelin, 0)) == (1, 0)
    assert recommended(challenge) == []
    # The catalogue is again what it was at first: those statistics, still cached, hold.
    assert counted == ["solutions.solution"] * 2


@pytest.mark.django_db
def test_one_solution_published_as_another_is_withdrawn_changes_the_statistics(manager):
    """The same number of published solutions, but not the same ones."""
    kite, kite_member = submitted_solution(title="Kite survey", summary="A kite.", description="Kite cameras.")
    solution_services.solution_publish(actor=manager, solution=kite)
    assert solution_statistics().frequency.get(ranking.stem("kite"))
    zeppelin, _member = submitted_solution(**ZEPPELIN)
    solution_services.solution_update(actor=kite_member, solution=kite, summary="A kite, again.")
    solution_services.solution_publish(actor=manager, solution=zeppelin)
    statistics = solution_statistics()
    assert statistics.size == 1
    assert statistics.frequency.get(ranking.stem("zeppelin")) == 1
    assert ranking.stem("kite") not in statistics.frequency


@pytest.mark.django_db
def test_a_challenge_published_is_recommended_to_a_company_at_once(manager, counted):
    company = CompanyFactory()
    SolutionFactory(company=company, status="published", published_at=timezone.now(), **ZEPPELIN)
    PublishedChallengeFactory(title="Forms nobody understands", summary="", problem="")
    [section] = ranking.recommend_for_companies([company])
    assert [m.obj.title for m in section.challenges] == []

    challenge = ChallengeFactory(status="approved", **AIRSHIPS)
    review_services.challenge_publish(actor=manager, challenge=challenge)
    [section] = ranking.recommend_for_companies([company])
    assert [m.obj.title for m in section.challenges] == [AIRSHIPS["title"]]
    assert counted == ["challenges.challenge"] * 2


@pytest.mark.django_db
def test_the_candidates_reranked_are_capped_whatever_the_catalogue(monkeypatch):
    """Every solution shares words, a sector and a CPV code with the challenge: each read finds
    them all, and the pool is still cut to POOL."""
    monkeypatch.setattr(ranking, "POOL", 5)
    challenge = PublishedChallengeFactory(**AIRSHIPS)
    for n in range(12):
        SolutionFactory(
            status="published", published_at=timezone.now() - timedelta(hours=n), **{**ZEPPELIN, "title": f"Z {n}"}
        )
    reranked = []
    rank = ranking.rank

    def counting(queries, documents, **options):
        reranked.append(len(documents))
        return rank(queries, documents, **options)

    monkeypatch.setattr(ranking, "rank", counting)
    found = ranking.recommend_for_challenge(fresh(challenge))
    assert reranked == [5]
    assert len(found.solutions) == 5
