"""The staff exchange at scale (`python -m ponte generate`): rounds finished and taking
applications, and applications that hold together as the services would have left them."""

from itertools import pairwise

from ponte.dev.generate import exchange as exchange_generate
from ponte.dev.generate import organisations as organisations_generate
from ponte.exchange.models import Application, MatchRun, PairStatus, Round, RoundPhase, Side, Unmatched
from ponte.organisations.models import Membership
from tests.factories import UserFactory


class _NoBar:
    def update(self, count):
        pass

    def close(self):
        pass


def _progress(total, desc):
    return _NoBar()


def test_the_generator_adds_rounds_and_applications_that_hold_together(db):
    UserFactory(is_programme_manager=True)
    organisations_generate.build("S", _progress)
    exchange_generate.build("S", _progress)

    phases = sorted(str(round.phase) for round in Round.objects.all())
    assert phases == [RoundPhase.APPLICATIONS_OPEN, RoundPhase.FINISHED, RoundPhase.FINISHED, RoundPhase.MATCHING]
    [current] = Round.objects.in_phase(RoundPhase.APPLICATIONS_OPEN)
    applications = list(current.applications.select_related("organisation").prefetch_related("availability"))
    per_side = exchange_generate.SIZES["S"]
    assert [a.side for a in applications].count(Side.PUBLIC) == per_side
    assert [a.side for a in applications].count(Side.COMPANY) == per_side
    assert {a.status for a in applications} == {"approved", "waiting", "declined"}
    for application in applications:
        kind = "public_body" if application.side == Side.PUBLIC else "company"
        assert application.organisation.kind == kind
        assert Membership.objects.filter(user=application.applicant_id, organisation=application.organisation).exists()
        assert application.skills and application.interests and application.languages
        ranges = sorted((window.starts, window.ends) for window in application.availability.all())
        assert ranges
        assert all(current.exchange_starts <= starts <= ends <= current.exchange_ends for starts, ends in ranges)
        assert all(first[1] < second[0] for first, second in pairwise(ranges))
    assert Application.objects.filter(round=current).values("applicant").distinct().count() == 2 * per_side
    assert current.hostings.count() == len({a.organisation_id for a in applications})


def test_the_generator_matches_a_round_as_its_programme_manager_would(db):
    UserFactory(is_programme_manager=True)
    organisations_generate.build("S", _progress)
    exchange_generate.build("S", _progress)

    [matched] = Round.objects.in_phase(RoundPhase.MATCHING)
    run = MatchRun.objects.get(round=matched)
    pairs = list(matched.pairs.select_related("public", "company"))
    assert len(pairs) == run.pairs > 0
    assert run.public_applicants == matched.applications.filter(side=Side.PUBLIC, status="approved").count()
    assert all(pair.sent_at is not None and pair.status == PairStatus.PROPOSED for pair in pairs)
    assert sum(pair.locked for pair in pairs) == min(10, len(pairs))
    for pair in pairs:
        assert (pair.public.side, pair.company.side) == (Side.PUBLIC, Side.COMPANY)
        assert matched.exchange_starts <= pair.slot_starts <= pair.slot_ends <= matched.exchange_ends
    paired = {pair.public_id for pair in pairs} | {pair.company_id for pair in pairs}
    unmatched = set(Unmatched.objects.filter(run=run).values_list("application_id", flat=True))
    approved = set(matched.applications.filter(status="approved").values_list("pk", flat=True))
    assert paired | unmatched == approved and not paired & unmatched
