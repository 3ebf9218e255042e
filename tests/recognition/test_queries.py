"""The hall of fame and the ranking read a fixed number of queries whatever the number of winners
and nominations: the same with 2 as with 12."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.recognition.models import Category, JuryReview, Nomination

from .conftest import put_in

pytestmark = pytest.mark.django_db


def queries_of(client, url) -> int:
    client.get(url)  # warm: the first request of a client may read more (its session, its person)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _winners(programme, lab_project, nominator, count):
    """`count` more categories in the programme, each with a winner: every other one the lab
    project (a link for who may see it), the others a person."""
    start = programme.categories.count()
    for position in range(start, start + count):
        category = Category.objects.create(
            programme=programme, title=f"Category {position}", description="What it recognises.", position=position
        )
        project = position % 2 == 0
        Nomination.objects.create(
            category=category,
            kind="project" if project else "person",
            nominee="Enrolment slots booked online" if project else f"Person {position}",
            linked_id=lab_project.pk if project else None,
            statement="Why.",
            nominated_by=nominator,
            won_at=timezone.now(),
            citation=f"Citation {position}",
        )


@pytest.mark.parametrize("viewer", ["visitor", "member"])
def test_the_hall_of_fame_reads_as_many_queries_for_2_winners_as_for_12(
    login, make_programme, lab_project, member, citizen, viewer
):
    announced = [make_programme("announced", title=f"Awards {year}", year=year, categories=()) for year in (2024, 2025)]
    make_programme("nominating", title="Awards under way")
    client = login(member if viewer == "member" else None)
    for programme in announced:
        _winners(programme, lab_project, citizen, 1)
    few = queries_of(client, "/recognition/")
    for programme in announced:
        _winners(programme, lab_project, citizen, 5)
        make_programme("judging", title=f"Also under way {programme.year}")
    many_page = client.get("/recognition/")
    assert many_page.content.decode().count("Citation ") == 12
    assert queries_of(client, "/recognition/") == few


def test_the_ranking_reads_as_many_queries_for_2_nominations_as_for_12(
    login, make_programme, programme_manager, citizen, juror, second_juror
):
    programme = make_programme("judging", categories=("Service", "Team"), jury=[juror, second_juror])
    categories = list(programme.categories.all())

    def nominate(count):
        for number in range(count):
            nomination = Nomination.objects.create(
                category=categories[number % 2],
                kind="person",
                nominee=f"Nominee {Nomination.objects.count()}",
                statement="Why.",
                nominated_by=citizen,
            )
            JuryReview.objects.create(nomination=nomination, juror=juror, status="cleared", score=number % 10 + 1)
            JuryReview.objects.create(nomination=nomination, juror=second_juror, status="recused")

    client = login(programme_manager)
    url = f"/recognition/programmes/{programme.pk}/ranking/"
    nominate(2)
    few = queries_of(client, url)
    nominate(10)
    assert client.get(url).content.decode().count("Nominee ") >= 12
    assert queries_of(client, url) == few


def test_the_jury_s_list_reads_as_many_queries_for_2_nominations_as_for_12(
    login, make_programme, nominate, citizen, juror
):
    programme = make_programme("nominating", jury=[juror])
    category = programme.categories.get()
    client = login(juror)
    url = f"/recognition/programmes/{programme.pk}/judging/"
    for number in range(2):
        nominate(citizen, category, nominee=f"Nominee {number}")
    put_in(programme, "judging")
    few = queries_of(client, url)
    put_in(programme, "nominating")
    for number in range(2, 12):
        nominate(citizen, category, nominee=f"Nominee {number}")
    put_in(programme, "judging")
    assert queries_of(client, url) == few
