"""The synthetic data at scale (`python -m ponte generate`): evaluated, awarded and unawarded
challenges that hold together, later phases, the busiest evaluation board, and the same data
every time."""

from ponte.challenges.models import Award, Challenge, Contract, Evaluation, Proposal, Score, Status
from ponte.challenges.queries.evaluation import award_gate


class _NoBar:
    def update(self, count):
        pass

    def close(self):
        pass


def _generate():
    from ponte.dev.generate import challenges as challenges_generate
    from ponte.dev.generate import organisations as organisations_generate

    def progress(total, desc):
        return _NoBar()

    organisations_generate.build("S", progress)
    challenges_generate.build("S", progress)


def _signature():
    """What the generator made, without the database's ids."""
    generated = Challenge.objects.filter(title__startswith="[gen]")
    return (
        sorted(generated.values_list("title", "status", "budget_ceiling")),
        sorted(
            Proposal.objects.filter(challenge__in=generated).values_list("challenge__title", "company__slug", "price")
        ),
        sorted(Evaluation.objects.values_list("proposal__challenge__title", "evaluator__email", "status")),
        sorted(Score.objects.values_list("evaluation__evaluator__email", "criterion__name", "score")),
        sorted(Award.objects.values_list("challenge__title", "supplier__slug", "value")),
        Contract.objects.count(),
        sorted(
            generated.exclude(phase_name="").values_list(
                "title", "phase_name", "status", "previous_phase__phase_name", "budget_ceiling"
            )
        ),
    )


def test_the_generator_adds_evaluated_awarded_and_unawarded_challenges_that_hold_together(db):
    from django.utils import timezone

    _generate()
    generated = Challenge.objects.filter(title__startswith="[gen]")
    statuses = set(generated.values_list("status", flat=True))
    assert {Status.AWARDED, Status.NOT_AWARDED, Status.PUBLISHED} <= statuses
    assert Evaluation.objects.filter(status="completed").exists() and Score.objects.exists()
    # Challenges still in evaluation have work in every state.
    in_evaluation = Evaluation.objects.filter(proposal__challenge__status=Status.PUBLISHED)
    assert set(in_evaluation.values_list("status", flat=True)) == {"assigned", "cleared", "recused", "completed"}
    assert not Evaluation.objects.filter(proposal__challenge__deadline__gt=timezone.now()).exists()

    for challenge in generated.filter(status__in=[Status.AWARDED, Status.NOT_AWARDED]).prefetch_related("criteria"):
        assert challenge.deadline < timezone.now() and challenge.outcome_justification
        assert award_gate(challenge) == [], challenge.title
        criteria = {c.pk for c in challenge.criteria.all()}
        for evaluation in Evaluation.objects.filter(proposal__challenge=challenge).prefetch_related("scores"):
            assert {s.criterion_id for s in evaluation.scores.all()} == criteria
            assert all(0 <= s.score <= 5 for s in evaluation.scores.all())
        awards = list(Award.objects.filter(challenge=challenge).select_related("proposal"))
        if challenge.status == Status.AWARDED:
            [award] = awards
            assert award.proposal.challenge_id == challenge.pk and award.supplier_id == award.proposal.company_id
            assert award.value == award.proposal.price <= challenge.budget_ceiling
            assert award.awarded_at == challenge.awarded_at < timezone.now()
        else:
            assert awards == [] and challenge.closed_at is not None
    contracts = list(Contract.objects.select_related("award"))
    assert contracts and Contract.objects.count() < Award.objects.count()
    for contract in contracts:
        assert contract.award.awarded_at.date() <= contract.date_signed <= timezone.localdate()
        assert contract.date_signed <= contract.period_start < contract.period_end


def test_the_generator_takes_some_awarded_challenges_to_a_next_phase_that_only_the_invited_answer(db):
    from django.utils import timezone

    from ponte.challenges.queries import phases as phases_queries

    _generate()
    later = list(
        Challenge.objects.filter(title__startswith="[gen]", previous_phase__isnull=False)
        .select_related("previous_phase")
        .prefetch_related("criteria", "sectors", "cpv_codes", "proposals")
    )
    assert later
    assert {phase.is_open for phase in later} == {True, False}  # open ones and closed ones
    for phase in later:
        first = phase.previous_phase
        assert (phase.first_phase_id, phase.phase_name, first.phase_name) == (first.pk, "Prototype", "Solution design")
        assert first.status == Status.AWARDED and first.first_phase_id is None
        assert phase.status == Status.PUBLISHED and first.awarded_at < phase.published_at < timezone.now()
        assert phase.published_at < phase.deadline
        assert phase.title == first.title and phase.problem == first.problem
        assert set(phase.sectors.all()) == set(first.sectors.all()) and phase.sectors.exists()
        assert set(phase.cpv_codes.all()) == set(first.cpv_codes.all()) and phase.cpv_codes.exists()
        assert [(c.name, c.weight) for c in phase.criteria.all()] == [(c.name, c.weight) for c in first.criteria.all()]
        assert phases_queries.phases_of(phase) == [first, phase]
        # Only the supplier awarded in the first phase answered, once the phase closed.
        invited = phases_queries.invited_companies(phase)
        bidders = {p.company_id for p in phase.proposals.all()}
        assert bidders <= invited and len(invited) == 1
        assert bool(bidders) == phase.is_closed
        for proposal in phase.proposals.all():
            assert phase.published_at < proposal.submitted_at < phase.deadline
            assert proposal.price <= phase.budget_ceiling
            assert len(proposal.criteria_responses) == len(phase.criteria.all())
        if phase.instrument == "low_value":
            assert phase.budget_ceiling <= 30000
    # The first phases of a series are among the awarded challenges, one next phase each.
    firsts = Challenge.objects.filter(title__startswith="[gen]", phase_name="Solution design")
    assert firsts.count() == len(later) < Challenge.objects.filter(status=Status.AWARDED).count()


def test_the_generator_makes_the_same_data_every_time(db):
    from django.db import transaction

    signatures = []
    for _run in range(2):
        with transaction.atomic():
            _generate()
            signatures.append(_signature())
            transaction.set_rollback(True)
    assert signatures[0] == signatures[1]
    assert signatures[0][4]  # awards were made
    assert signatures[0][6]  # and next phases


def test_the_generator_adds_one_call_with_hundreds_of_proposals_in_evaluation(db):
    """The largest evaluation board a benchmark reads: every verified company has answered it,
    up to 200; most proposals have their two evaluators, some still wait for them."""
    from ponte.dev.generate.challenges import BUSIEST_BIDDERS, BUSIEST_TITLE
    from ponte.organisations.models import Organisation

    _generate()
    busiest = Challenge.objects.get(title=BUSIEST_TITLE)
    assert busiest.is_closed
    companies = Organisation.objects.filter(kind="company", status="verified", memberships__isnull=False).distinct()
    bids = busiest.proposals.filter(status="submitted")
    assert bids.count() == min(BUSIEST_BIDDERS, companies.count()) > 50
    from django.db.models import Count

    evaluators = list(bids.annotate(n=Count("evaluations")).values_list("n", flat=True))
    assert set(evaluators) == {0, 2} and evaluators.count(2) > len(evaluators) / 2
