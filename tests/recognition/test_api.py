"""The recognition API: award programmes with their categories, dates and phase, filtered by
phase (a phase that is none is a 422, never a 500); the hall of fame lists the announced
winners with their citations — never a nomination that did not win, a statement, a score or a
winner not announced yet."""

import pytest

from ponte.recognition.services import jury as jury_services
from ponte.recognition.services import programmes as programme_services

from .conftest import STATEMENT, fresh, put_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def programmes(make_programme, nominate, programme_manager, citizen, member, juror):
    """One programme in each phase; the announced one won by Joana Ferreira (scored 9), over
    Rui Almeida; the one being judged has a winner chosen, not announced."""
    made = {
        phase: make_programme(phase, title=f"Awards {phase}", year=2026 if phase != "announced" else 2025)
        for phase in ("upcoming", "nominating", "judging")
    }
    announced = make_programme("nominating", title="Awards announced", year=2025, lessons="Lesson", jury=[juror])
    service, _lesson = announced.categories.all()
    joana = nominate(citizen, service)
    nominate(member, service, nominee="Rui Almeida", statement="Rui's statement, never published.")
    put_in(announced, "judging")
    jury_services.declare(actor=juror, nomination=fresh(joana), has_conflict=False)
    jury_services.score(actor=juror, nomination=fresh(joana), score=9, comment="A juror's comment, never published.")
    programme_services.winner_choose(
        actor=programme_manager, nomination=fresh(joana), citation="For forms people read."
    )
    programme_services.announce(actor=programme_manager, programme=fresh(announced))
    made["announced"] = fresh(announced)

    judging = make_programme("nominating", title="Awards with a secret", year=2026)
    secret = nominate(citizen, judging.categories.get(), nominee="Secret Candidate")
    put_in(judging, "judging")
    programme_services.winner_choose(actor=programme_manager, nomination=fresh(secret), citation="Not public yet.")
    return made


def test_every_programme_is_listed_with_its_phase_and_categories(client, programmes):
    found = client.get("/api/recognition/programmes").json()
    assert found["count"] == 5
    by_title = {item["title"]: item for item in found["items"]}
    assert {title: item["phase"] for title, item in by_title.items()} == {
        "Awards upcoming": "upcoming",
        "Awards nominating": "nominating",
        "Awards judging": "judging",
        "Awards with a secret": "judging",
        "Awards announced": "announced",
    }
    announced = by_title["Awards announced"]
    assert [(c["title"], c["for_lessons"]) for c in announced["categories"]] == [
        ("A service that changed lives", False),
        ("Lesson", True),
    ]
    assert announced["announced_at"] is not None and by_title["Awards judging"]["announced_at"] is None
    assert announced["url"] == f"http://testserver{programmes['announced'].get_absolute_url()}"


@pytest.mark.parametrize(
    ("phase", "titles"),
    [
        ("upcoming", {"Awards upcoming"}),
        ("nominating", {"Awards nominating"}),
        ("judging", {"Awards judging", "Awards with a secret"}),
        ("announced", {"Awards announced"}),
    ],
)
def test_programmes_are_filtered_by_phase_as_the_pages_say_it(client, programmes, phase, titles):
    found = client.get("/api/recognition/programmes", {"phase": phase}).json()
    assert {item["title"] for item in found["items"]} == titles
    assert all(item["phase"] == phase for item in found["items"])


@pytest.mark.parametrize("phase", ["over", "ANNOUNCED", "\x00", "1"])
def test_a_phase_that_is_none_is_a_422(client, programmes, phase):
    answer = client.get("/api/recognition/programmes", {"phase": phase})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["location"] == "query.phase"


def test_one_programme_or_a_404(client, programmes):
    programme = programmes["upcoming"]
    found = client.get(f"/api/recognition/programmes/{programme.pk}").json()
    assert (found["id"], found["title"], found["phase"], found["year"]) == (
        programme.pk,
        "Awards upcoming",
        "upcoming",
        2026,
    )
    assert client.get("/api/recognition/programmes/999999").status_code == 404
    for bad in ("0", "-1", "abc", str(10**25)):
        assert client.get(f"/api/recognition/programmes/{bad}").status_code == 422, bad


def test_the_winners_are_the_announced_ones_only_without_statements_or_scores(client, programmes):
    answer = client.get("/api/recognition/winners")
    found = answer.json()
    assert found["count"] == 1
    (winner,) = found["items"]
    assert winner == {
        "programme": programmes["announced"].pk,
        "year": 2025,
        "category": "A service that changed lives",
        "for_lessons": False,
        "kind": "person",
        "winner": "Joana Ferreira",
        "organisation": "AMA",
        "citation": "For forms people read.",
    }
    body = answer.content.decode()
    for hidden in (
        STATEMENT,
        "Rui",
        "never published",
        "Secret Candidate",
        "Not public yet.",
        "score",
        "statement",
    ):
        assert hidden not in body, hidden


def test_no_statement_or_score_is_in_the_programmes_either(client, programmes):
    body = client.get("/api/recognition/programmes").content.decode()
    for hidden in (STATEMENT, "never published", "Secret Candidate", "Not public yet.", "Joana"):
        assert hidden not in body, hidden
