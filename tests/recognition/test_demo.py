"""The demo's awards (ponte/dev/data/recognition.yaml), built through the services: last year's
programme announced, its winners in the hall of fame — the lesson from a stopped experiment
among them; this year's programme with the jury scoring, one jury member recused; next year's
open for nominations; and kudos on projects and a team. A second run adds nothing."""

import pytest

from ponte.core.models import AuditEvent, Notification
from ponte.dev.demo import lab, organisations, people, recognition, sandbox
from ponte.recognition.models import AwardProgramme, JuryReview, Kudos, Nomination
from tests.reading import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    people.build()
    organisations.build()
    lab.build()
    sandbox.build()
    recognition.build()


def test_the_hall_of_fame_shows_last_year_s_winners_with_the_lesson_category(client, demo):
    page = Page(client.get("/recognition/"))
    fame = page.text()
    assert "Public Innovation Awards 2025" in fame
    for winner in (
        "Once-only certificates",
        "The citizen shops' appointment team",
        "Electronic invoices for the smallest suppliers",
        "For stopping early and saying why: ask the market before building.",
    ):
        assert winner in fame, winner
    assert "The most useful lesson from a stopped experiment Lesson from an experiment" in fame
    # Nominees who did not win, and this year's nominations, are not shown.
    assert "Joana Ferreira" not in fame and "Rui Almeida" not in fame
    assert page.links("Public Innovation Awards 2026") == [AwardProgramme.objects.get(year=2026).get_absolute_url()]
    last = AwardProgramme.objects.get(year=2025)
    assert last.phase == "announced"
    assert dict(
        Nomination.objects.filter(category__programme=last, won_at__isnull=False).values_list(
            "category__title", "category__for_lessons"
        )
    ) == {
        "A service that changed lives": False,
        "Team of the year": False,
        "The most useful lesson from a stopped experiment": True,
    }


def test_this_year_s_programme_is_being_judged_with_a_recused_jury_member(demo):
    this = AwardProgramme.objects.get(year=2026)
    assert this.phase == "judging"
    (recused,) = JuryReview.objects.filter(nomination__category__programme=this, status="recused")
    assert recused.juror.email == "evaluator2@example.org" and recused.nomination.nominee == "Rui Almeida"
    assert recused.juror.has_perm("recognition.view_nomination", recused.nomination) is False
    # The lesson is an exemption of the sandbox, linked to it; mid-scoring, some scores are missing.
    lesson = Nomination.objects.get(category__programme=this, category__for_lessons=True)
    assert lesson.kind == "exemption" and lesson.linked_id is not None
    assert JuryReview.objects.filter(nomination__category__programme=this, status="cleared", score=None).exists()
    assert AwardProgramme.objects.get(year=2027).phase == "nominating"


def test_the_demo_has_kudos_and_its_story_in_the_audit_trail(demo):
    assert Kudos.objects.filter(target_model="lab.project").count() == 3
    assert Kudos.objects.filter(target_model="organisations.organisation").count() == 1
    assert AuditEvent.objects.filter(verb="give_kudos").count() == 4
    assert AuditEvent.objects.filter(verb="nominate").count() == Nomination.objects.count() == 8
    assert Notification.objects.filter(kind="recognition.winners_announced").exists()
    recognition.build()
    assert AwardProgramme.objects.count() == 3 and Kudos.objects.count() == 4
