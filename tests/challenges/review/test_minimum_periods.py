"""Minimum periods: a challenge is published at least PONTE_MIN_TENDER_DAYS (10) days before its
deadline, and questions close PONTE_QUESTIONS_CLOSE_HOURS (72) hours before it, each configurable
per instrument; a deadline too soon is refused, on the server, naming the earliest allowed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from ponte.challenges.models import Challenge, Status, questions_close_at
from ponte.challenges.services import amendments as amendments_services
from ponte.challenges.services import content as content_services
from ponte.challenges.services import review as review_services
from ponte.reference.models import SectorTag
from tests.conftest import give_two_factor
from tests.factories import ChallengeFactory, OrganisationFactory, PublishedChallengeFactory

BRUSSELS = ZoneInfo("Europe/Brussels")
TODAY = datetime(2026, 12, 3, 10, 0, tzinfo=BRUSSELS)


@pytest.fixture
def now():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def body(db):
    return OrganisationFactory(name="Federal Public Service", country="BE")


def challenge_in(state, body, *, days, instrument="low_value", **fields):
    challenge = ChallengeFactory(
        owner=body, status=state, deadline=TODAY + timedelta(days=days), instrument=instrument, **fields
    )
    challenge.sectors.add(SectorTag.objects.get_or_create(code="digital")[0])
    return challenge


def test_publishing_with_a_deadline_too_soon_is_refused_naming_the_earliest(now, body, programme_manager):
    challenge = challenge_in(Status.APPROVED, body, days=2)
    with pytest.raises(ValidationError) as error:
        review_services.challenge_publish(actor=programme_manager, challenge=challenge)
    message = " ".join(error.value.message_dict["deadline"])
    assert "at least 10 days after publication" in message
    assert "questions close 72 hours before it" in message
    assert "the earliest deadline allowed is 13 December 2026, 10:00 (Brussels time)" in message
    assert Challenge.objects.get(pk=challenge.pk).status == Status.APPROVED


def test_a_deadline_ten_days_away_is_published(now, body, programme_manager):
    challenge = challenge_in(Status.APPROVED, body, days=10)
    review_services.challenge_publish(actor=programme_manager, challenge=challenge)
    assert Challenge.objects.get(pk=challenge.pk).status == Status.PUBLISHED


def test_each_instrument_may_have_its_own_minimum(now, body, programme_manager, settings):
    settings.PONTE_INSTRUMENT_PERIODS = {"pre_commercial": {"tender_days": 30}}
    pre_commercial = challenge_in(Status.APPROVED, body, days=20, instrument="pre_commercial", budget_ceiling=None)
    with pytest.raises(ValidationError, match="at least 30 days"):
        review_services.challenge_publish(actor=programme_manager, challenge=pre_commercial)
    low_value = challenge_in(Status.APPROVED, body, days=20)
    review_services.challenge_publish(actor=programme_manager, challenge=low_value)
    assert Challenge.objects.get(pk=low_value.pk).status == Status.PUBLISHED


def test_the_general_minimum_is_a_setting(now, body, programme_manager, settings):
    settings.PONTE_MIN_TENDER_DAYS = 3
    challenge = challenge_in(Status.APPROVED, body, days=4)
    review_services.challenge_publish(actor=programme_manager, challenge=challenge)
    assert Challenge.objects.get(pk=challenge.pk).status == Status.PUBLISHED


def test_submission_and_approval_refuse_a_deadline_too_soon(now, body, programme_manager):
    draft = challenge_in(Status.DRAFT, body, days=5)
    missing = dict(content_services.missing_for_submission(draft))
    assert "the earliest deadline allowed is 13 December 2026, 10:00 (Brussels time)" in missing["deadline"]
    with pytest.raises(ValidationError) as error:
        review_services.challenge_submit(actor=draft.author, challenge=draft)
    assert "deadline" in error.value.message_dict
    in_review = challenge_in(Status.AWAITING_REVIEW, body, days=5)
    with pytest.raises(ValidationError) as error:
        review_services.challenge_approve(actor=programme_manager, challenge=in_review)
    assert "deadline" in error.value.message_dict
    assert Challenge.objects.get(pk=in_review.pk).status == Status.AWAITING_REVIEW


def test_questions_close_per_instrument(now, body, settings):
    settings.PONTE_INSTRUMENT_PERIODS = {"prize": {"questions_close_hours": 120}}
    prize = challenge_in(Status.PUBLISHED, body, days=20, instrument="prize")
    low_value = challenge_in(Status.PUBLISHED, body, days=20)
    assert questions_close_at(prize) == prize.deadline - timedelta(hours=120)
    assert questions_close_at(low_value) == low_value.deadline - timedelta(hours=72)


def test_a_deadline_amendment_still_leaves_the_minimum_from_publication(now, body):
    # Published before minimum periods were enforced, with a deadline three days after.
    challenge = PublishedChallengeFactory(
        owner=body, published_at=TODAY - timedelta(days=1), deadline=TODAY + timedelta(days=2)
    )
    with pytest.raises(ValidationError) as error:
        amendments_services.challenge_amend(
            actor=challenge.author, challenge=challenge, deadline=TODAY + timedelta(days=4), rationale="More time."
        )
    assert "the earliest deadline allowed is 12 December 2026, 10:00 (Brussels time)" in " ".join(
        error.value.message_dict["deadline"]
    )
    amendments_services.challenge_amend(
        actor=challenge.author, challenge=challenge, deadline=TODAY + timedelta(days=9), rationale="More time."
    )
    assert Challenge.objects.get(pk=challenge.pk).deadline == TODAY + timedelta(days=9)


def test_the_programme_manager_is_told_the_earliest_deadline_on_the_page(client, now, body, programme_manager):
    challenge = challenge_in(Status.APPROVED, body, days=2)
    give_two_factor(programme_manager)
    client.force_login(programme_manager)
    response = client.post(f"/challenges/{challenge.pk}/publish/", follow=True)
    page = response.content.decode()
    assert "the earliest deadline allowed is 13 December 2026, 10:00 (Brussels time)" in page
    assert Challenge.objects.get(pk=challenge.pk).status == Status.APPROVED


def test_the_deadline_step_says_the_minimum_periods(client, now, body):
    draft = challenge_in(Status.DRAFT, body, days=30)
    client.force_login(draft.author)
    page = client.get(f"/challenges/{draft.pk}/edit/budget/").content.decode()
    assert "At least 10 days after publication; questions close 72 hours before the deadline." in page
