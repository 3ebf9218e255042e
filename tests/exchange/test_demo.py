"""The demo staff exchange: a finished round, a round being matched (applications waiting,
approved and declined; a matching run with confirmed, locked, sent and draft pairs, and people
it could not pair, with why) and a round taking applications — and a second run adds nothing."""

import pytest
from django.core.management import call_command

from ponte.core.models import AuditEvent, Notification
from ponte.exchange.models import (
    Application,
    Availability,
    ChangeUpdate,
    Hosting,
    MatchRun,
    Pair,
    PairStatus,
    Round,
    RoundPhase,
    TeamMember,
    Unmatched,
    UnmatchedReason,
)
from ponte.organisations.models import Membership

MATCHED = "Partnership for change 2026"
FINISHED = "Partnership for change 2025"


def counts():
    models = (
        Round,
        Application,
        Availability,
        Hosting,
        MatchRun,
        Pair,
        Unmatched,
        TeamMember,
        ChangeUpdate,
        Membership,
        AuditEvent,
        Notification,
    )
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_the_demo_exchange_has_a_finished_a_matched_and_an_open_round_and_a_second_run_adds_nothing():
    call_command("seed_demo", quiet=True)
    rounds = {r.title: r for r in Round.objects.with_phase().prefetch_related("challenges")}
    assert {title: r.phase for title, r in rounds.items()} == {
        "Partnership for change 2025": RoundPhase.FINISHED,
        MATCHED: RoundPhase.MATCHING,
        "Partnership for change 2027": RoundPhase.APPLICATIONS_OPEN,
    }
    assert [c.title for c in rounds[MATCHED].challenges.all()] == [
        "Once-only certificates",
        "Faster business permits",
    ]
    # Opened through the service: each round's opening is in the audit trail.
    assert AuditEvent.objects.filter(verb="open", target_type__app_label="exchange").count() == 3
    before = counts()
    call_command("seed_demo", quiet=True)
    assert counts() == before


@pytest.mark.django_db
def test_the_demo_round_being_matched_has_pairs_in_every_state_and_people_it_could_not_pair(django_user_model):
    call_command("seed_demo", quiet=True)
    round = Round.objects.get(title=MATCHED)
    applications = {a.applicant.email: a for a in Application.objects.filter(round=round).select_related("applicant")}
    # Applications on both sides, submitted and decided while the round took them; most approved.
    assert Application.objects.exclude(round=round).exclude(round__title=FINISHED).count() == 0
    assert {side: sum(a.side == side for a in applications.values()) for side in ("public", "company")} == {
        "public": 10,
        "company": 9,
    }
    assert {email for email, a in applications.items() if a.status == "waiting"} == {
        "tiago@example.org",
        "lotte@example.org",
    }
    declined = [a for a in applications.values() if a.status == "declined"]
    assert [a.applicant.email for a in declined] == ["wout@example.org"] and declined[0].decline_reason
    for application in applications.values():
        assert round.applications_open_at <= application.submitted_at < round.applications_close_at
        for free in application.availability.all():
            assert round.exchange_starts <= free.starts <= free.ends <= round.exchange_ends
    assert applications["company@example.org"].accessibility_needs
    assert sorted(Hosting.objects.filter(round=round).values_list("organisation__slug", "guests")) == [
        ("ama", 2),
        ("civic-data-labs", 3),
    ]
    assert AuditEvent.objects.filter(verb="apply").count() == len(applications) + 8  # and 8 to the 2025 round

    # Run, a pair locked, the proposals sent and some answered; a late approval, run again.
    runs = list(MatchRun.objects.filter(round=round).order_by("pk"))
    assert [(run.run_by.email, run.pairs, run.kept_pairs) for run in runs] == [
        ("manager@example.org", 5, 0),
        ("manager@example.org", 6, 5),
    ]
    pairs = {
        (p.public.applicant.email, p.company.applicant.email): p
        for p in Pair.objects.filter(round=round).select_related("public__applicant", "company__applicant")
    }
    assert len(pairs) == 6
    confirmed = pairs["sponsor@example.org", "luka@example.org"]
    assert (
        confirmed.status == PairStatus.CONFIRMED and confirmed.public_answer == confirmed.company_answer == "accepted"
    )
    locked = pairs["hanne@example.org", "company@example.org"]
    assert locked.status == PairStatus.PROPOSED and locked.locked and locked.sent_at
    waiting_for_joana = pairs["servant@example.org", "rita@example.org"]
    assert waiting_for_joana.status == PairStatus.PROPOSED and waiting_for_joana.sent_at
    assert (waiting_for_joana.public_answer, waiting_for_joana.company_answer) == ("", "accepted")
    draft = pairs["bram@example.org", "jeroen@example.org"]
    assert draft.status == PairStatus.PROPOSED and draft.sent_at is None and draft.run_id == runs[-1].pk
    assert sum(p.status == PairStatus.PROPOSED and p.sent_at is not None for p in pairs.values()) == 4
    unmatched = {u.application.applicant.email: u.reason for u in Unmatched.objects.filter(run=runs[-1])}
    assert unmatched == {
        "sara@example.org": UnmatchedReason.ORGANISATION_FULL,
        "nina@example.org": UnmatchedReason.NO_FEASIBLE_PARTNER,
        "beatriz@example.org": UnmatchedReason.PARTNERS_TAKEN,
        "eva@example.org": UnmatchedReason.NO_COMMON_WEEK,
    }

    # What a demo visitor can do next, by the rules on the clock.
    people = {u.email: u for u in django_user_model.objects.filter(email__endswith="@example.org")}
    assert people["servant@example.org"].has_perm("exchange.answer_pair", waiting_for_joana)
    assert people["company@example.org"].has_perm("exchange.answer_pair", locked)
    assert not people["sponsor@example.org"].has_perm("exchange.answer_pair", confirmed)
    assert people["manager@example.org"].has_perm("exchange.run_matching", round)
    assert people["manager@example.org"].has_perm("exchange.send_proposals", round)
    assert people["orgadmin@example.org"].has_perm("exchange.decide_application", applications["tiago@example.org"])
    open_round = Round.objects.get(title="Partnership for change 2027")
    assert people["servant@example.org"].has_perm("exchange.apply", open_round)
    assert people["company@example.org"].has_perm("exchange.apply", open_round)


@pytest.mark.django_db
def test_the_demo_shows_a_team_a_planned_exchange_and_a_finished_round_with_its_network():
    """One seed for the three (the demo takes half a minute to load)."""
    from django.test import Client

    from ponte.exchange.models import Feedback, FollowUp

    call_command("seed_demo", quiet=True)
    # A mixed team with its Change Meter.
    challenge = Round.objects.get(title=MATCHED).challenges.get(title="Once-only certificates")
    assert sorted(challenge.members.values_list("person__email", flat=True)) == [
        "luka@example.org",
        "rita@example.org",
        "servant@example.org",
        "sponsor@example.org",
    ]
    updates = list(challenge.updates.order_by("created_at").values_list("percent", "by__email"))
    assert updates == [(10, "sponsor@example.org"), (20, "servant@example.org")]
    # The confirmed exchange, planned by both hosts.
    pair = Pair.objects.select_related("public_mentor", "company_mentor").get(
        round__title=MATCHED, status=PairStatus.CONFIRMED
    )
    assert (pair.public_mentor.email, pair.company_mentor.email) == ("nina@example.org", "eva@example.org")
    assert "budget" in pair.public_programme and "mobility" in pair.company_programme
    # The finished round: its exchanges took place, with surveys, follow-ups and a network.
    round = Round.objects.get(title=FINISHED)
    pairs = Pair.objects.filter(round=round)
    assert pairs.count() == 4 and not pairs.exclude(status=PairStatus.CONFIRMED).exists()
    assert all(round.exchange_starts <= p.slot_starts <= p.slot_ends <= round.exchange_ends for p in pairs)
    assert Feedback.objects.filter(pair__round=round).count() == 6
    assert FollowUp.objects.filter(pair__round=round).count() == 2
    statistics = Client().get(f"/api/exchange/rounds/{round.pk}/statistics").json()
    assert (statistics["completed"], statistics["people_exchanged"], statistics["follow_ups"]) == (4, 8, 2)
    assert Client().get(f"/api/exchange/rounds/{round.pk}/network").json()["count"] == 4
