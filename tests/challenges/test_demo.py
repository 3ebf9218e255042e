"""The demo challenges: one at every stage of the lifecycle, reached through the services,
and a second run adds nothing."""

import pytest

from ponte.accounts import demo as accounts_demo
from ponte.challenges import demo
from ponte.challenges.models import Challenge, Criterion, Interest, Status, Subscription
from ponte.core.models import AuditEvent
from ponte.organisations import demo as organisations_demo


@pytest.mark.django_db
def test_the_demo_has_a_challenge_at_every_stage_and_a_second_run_adds_nothing():
    accounts_demo.build_demo()
    organisations_demo.build_demo()
    demo.build_demo()
    counts = (
        Challenge.objects.count(),
        Interest.objects.count(),
        AuditEvent.objects.count(),
        Criterion.objects.count(),
    )
    demo.build_demo()
    assert (
        Challenge.objects.count(),
        Interest.objects.count(),
        AuditEvent.objects.count(),
        Criterion.objects.count(),
    ) == counts

    challenges = list(Challenge.objects.all())
    assert {c.status for c in challenges} == set(Status.values)
    assert sum(c.is_open for c in challenges) == 2
    assert sum(c.is_closed for c in challenges) == 1
    cancelled = Challenge.objects.get(status=Status.CANCELLED)
    assert cancelled.published_at is not None and cancelled.cancellation_reason
    assert Challenge.objects.get(status=Status.CHANGES_REQUESTED).changes_requested_reason
    for challenge in challenges:
        assert sum(challenge.criteria.values_list("weight", flat=True)) == 100
        assert challenge.sectors.exists() and challenge.cpv_codes.exists()
        if challenge.instrument == "low_value":
            assert challenge.budget_ceiling <= 30000
    assert Interest.objects.filter(challenge__status=Status.PUBLISHED).exists()
    assert Subscription.objects.filter(user__email="company@example.org").exists()
