"""Recognition's pages, for each person: anyone reads the hall of fame (announced winners and
their citations, never a statement) and the programmes; a signed-in person nominates while
nominations are open, and a page sent after they closed keeps what was typed and says when;
a nomination is read by its nominator, the programme managers and the jury members who declared
no conflict — anyone else gets a 404; a jury member declares, then scores, and a refusal reaches
them on their list; programme managers set programmes up, name the jury, choose winners and
announce, and others are refused. No garbage sent to any page makes a 500."""

import csv
import io

import pytest
from django.urls import get_resolver
from django.utils import timezone
from django.utils.formats import date_format

from ponte.recognition.models import AwardProgramme, Category, JuryReview, Nomination
from ponte.recognition.services import jury as jury_services
from ponte.recognition.services import programmes as programme_services
from tests.factories import UserFactory
from tests.reading import Page

from .conftest import STATEMENT, fresh, put_in, winners_of

pytestmark = pytest.mark.django_db

CONFLICT = "You declared a conflict of interest with this nomination: you may not score it."
RUI_STATEMENT = "He answered every question about the new appointment reminders."
LESSON_STATEMENT = "The pilot stopped after the interviews: the market had the answer."


def local(moment, fmt="DATETIME_FORMAT") -> str:
    return date_format(timezone.localtime(moment), fmt)


@pytest.fixture
def hall(make_programme, nominate, programme_manager, citizen, member, lab_project):
    """Last year's programme, announced: Joana Ferreira won "A service that changed lives" over
    Rui Almeida, the member's lab project won the lesson category, nobody won "Team of the
    year". This year's programme is being judged, a winner chosen but not announced."""
    last = make_programme(
        "nominating",
        title="Public Innovation Awards 2025",
        year=2025,
        categories=("A service that changed lives", "Team of the year"),
        lessons="The most useful lesson",
    )
    service, _team, lesson = last.categories.all()
    joana = nominate(citizen, service)
    nominate(member, service, nominee="Rui Almeida", statement=RUI_STATEMENT)
    project = nominate(member, lesson, kind="project", linked_id=lab_project.pk, statement=LESSON_STATEMENT)
    last = put_in(last, "judging")
    programme_services.winner_choose(
        actor=programme_manager, nomination=fresh(joana), citation="For forms people read."
    )
    programme_services.winner_choose(
        actor=programme_manager, nomination=fresh(project), citation="For stopping early and saying why."
    )
    programme_services.announce(actor=programme_manager, programme=last)

    this = make_programme("nominating", title="Public Innovation Awards 2026", year=2026)
    secret = nominate(citizen, this.categories.get(), nominee="Secret Candidate", statement="Not for the public.")
    put_in(this, "judging")
    programme_services.winner_choose(actor=programme_manager, nomination=fresh(secret), citation="Not public yet.")
    return {"last": fresh(last), "this": fresh(this), "joana": fresh(joana), "project": fresh(project)}


# The hall of fame --------------------------------------------------------------------------------


def test_anyone_reads_the_announced_winners_with_their_citations_and_nothing_else(client, hall):
    page = Page(client.get("/recognition/"))
    fame = page.text(page.part("Hall of fame"))
    for shown in (
        "Public Innovation Awards 2025",
        "A service that changed lives",
        "Joana Ferreira, AMA (A person)",
        "For forms people read.",
        "The most useful lesson Lesson from an experiment",
        "Enrolment slots booked online",
        "For stopping early and saying why.",
        "Team of the year Not awarded",
    ):
        assert shown in fame, shown
    # A nominee who did not win, the statements, and what is not announced are never shown.
    whole = page.text()
    for hidden in ("Rui Almeida", STATEMENT, RUI_STATEMENT, LESSON_STATEMENT, "Secret Candidate", "Not public yet."):
        assert hidden not in whole, hidden
    # This year's programme is under way.
    assert page.links("Public Innovation Awards 2026", within=page.part("Programmes under way")) == [
        hall["this"].get_absolute_url()
    ]
    assert page.links("Set up an award programme") == []


def test_a_winning_project_links_to_its_page_for_who_may_see_it_only(client, login, hall, member, lab_project):
    assert Page(client.get("/recognition/")).links("Enrolment slots booked online") == []
    page = Page(login(member).get("/recognition/"))
    assert page.links("Enrolment slots booked online") == [lab_project.get_absolute_url()]


def test_the_hall_of_fame_is_filtered_by_year(client, hall, make_programme):
    page = Page(client.get("/recognition/", {"year": "2025"}))
    assert "Public Innovation Awards 2025" in page.text(page.part("Hall of fame"))
    assert [option.get("value") for option in page.doc.xpath("//select[@name='year']/option")] == ["", "2025"]
    page = Page(client.get("/recognition/", {"year": "2024"}))
    assert "No winners were announced for 2024." in page.text()
    assert "For forms people read." not in page.text()


@pytest.mark.parametrize("year", ["abc", "2026x", "20255", "-2025", "²⁰²⁵", "٢٠٢٥x"])
def test_a_year_that_is_not_one_is_said_and_every_year_shown(client, hall, year):
    response = client.get("/recognition/", {"year": year})
    assert response.status_code == 200
    page = Page(response)
    assert f"“{year}” is not a year: every year is shown." in page.text()
    assert "For forms people read." in page.text()


def test_a_year_with_a_nul_character_is_not_one(client, hall):
    response = client.get("/recognition/", {"year": "2025\x00"})
    assert response.status_code == 200
    assert "is not a year: every year is shown." in Page(response).text()


def test_the_hall_of_fame_is_open_data_without_statements(client, hall):
    response = client.get("/recognition/hall-of-fame.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "programme",
        "year",
        "category",
        "lesson_category",
        "kind",
        "winner",
        "organisation",
        "citation",
        "url",
    ]
    assert [row[2:6] + row[7:8] for row in rows[1:]] == [
        ["A service that changed lives", "no", "person", "Joana Ferreira", "For forms people read."],
        [
            "The most useful lesson",
            "yes",
            "project",
            "Enrolment slots booked online",
            "For stopping early and saying why.",
        ],
    ]
    assert rows[1][8] == f"http://testserver{hall['last'].get_absolute_url()}"
    for hidden in ("Rui Almeida", "Secret Candidate", STATEMENT, LESSON_STATEMENT):
        assert hidden not in body


def test_an_announced_programme_s_page_shows_its_winners(client, hall):
    page = Page(client.get(hall["last"].get_absolute_url()))
    winners = page.text(page.part("Winners"))
    assert "Joana Ferreira" in winners and "For forms people read." in winners and "Not awarded" in winners
    assert "Rui Almeida" not in page.text() and STATEMENT not in page.text()
    # Not announced: the chosen winner is not shown.
    page = Page(client.get(hall["this"].get_absolute_url()))
    assert "Secret Candidate" not in page.text() and "Not public yet." not in page.text()


# A programme's page and nominating ----------------------------------------------------------------


def test_the_programme_page_offers_to_nominate_while_open_and_to_the_signed_in(client, login, make_programme, citizen):
    programme = make_programme("nominating")
    page = Page(client.get(programme.get_absolute_url()))
    assert page.links("Nominate") == [] and "Nominations open" in page.text()
    page = Page(login(citizen).get(programme.get_absolute_url()))
    category = programme.categories.get()
    assert page.link("Nominate") == f"/recognition/programmes/{programme.pk}/nominate/"
    assert page.link("Nominate in “A service that changed lives”") == (
        f"/recognition/programmes/{programme.pk}/nominate/?category={category.pk}"
    )
    assert page.links("Edit the programme") == [] and page.links("Nominations and scores") == []
    # A visitor who follows the link is asked to sign in.
    assert client.get(f"/recognition/programmes/{programme.pk}/nominate/").status_code == 200
    client.logout()
    assert client.get(f"/recognition/programmes/{programme.pk}/nominate/").url.startswith("/accounts/login/")


def _nomination_form(category, **changes) -> dict:
    return {
        "category": str(category.pk),
        "kind": "person",
        "nominee": "Joana Ferreira",
        "organisation": "AMA",
        "statement": STATEMENT,
        **changes,
    }


def test_a_person_nominates_from_the_programme_page(login, make_programme, citizen):
    programme = make_programme("nominating")
    category = programme.categories.get()
    client = login(citizen)
    form = client.get(f"/recognition/programmes/{programme.pk}/nominate/?category={category.pk}").context["form"]
    assert form["category"].value() == str(category.pk)
    response = client.post(f"/recognition/programmes/{programme.pk}/nominate/", _nomination_form(category), follow=True)
    nomination = Nomination.objects.get()
    assert response.redirect_chain[-1][0] == nomination.get_absolute_url()
    page = Page(response)
    assert "Your nomination is in. The jury reads it once nominations close." in page.text()
    assert STATEMENT in page.text() and page.links("Withdraw the nomination") == []
    assert page.doc.xpath("//form[@action=$url]", url=f"/recognition/nominations/{nomination.pk}/withdraw/")
    # It is on the person's list.
    mine = Page(client.get("/recognition/nominations/mine/"))
    assert mine.links("Joana Ferreira") == [nomination.get_absolute_url()]


def test_a_nomination_sent_after_nominations_closed_keeps_what_was_typed_and_says_when(login, make_programme, citizen):
    programme = make_programme("nominating")
    category = programme.categories.get()
    client = login(citizen)
    assert client.get(f"/recognition/programmes/{programme.pk}/nominate/").status_code == 200
    programme = put_in(programme, "judging")  # the window closed while the page was open
    typed = _nomination_form(category, statement="Typed with care, for ten minutes.")
    response = client.post(f"/recognition/programmes/{programme.pk}/nominate/", typed)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["statement"].value() == "Typed with care, for ten minutes."
    assert form["nominee"].value() == "Joana Ferreira"
    closed = f"Nominations for this programme closed on {local(programme.nominations_close_at)}."
    assert form.non_field_errors() == [closed]
    assert closed in Page(response).text()
    assert not Nomination.objects.exists()


def test_a_nomination_sent_before_nominations_open_says_when_they_open(login, make_programme, citizen):
    programme = make_programme("upcoming")
    response = login(citizen).post(
        f"/recognition/programmes/{programme.pk}/nominate/", _nomination_form(programme.categories.get())
    )
    assert response.status_code == 200
    opens = f"Nominations for this programme open on {local(programme.nominations_open_at)}."
    assert response.context["form"].non_field_errors() == [opens]
    assert not Nomination.objects.exists()


def test_a_project_is_nominated_from_the_suggestions_and_refused_twice_beside_its_field(
    login, make_programme, member, lab_project
):
    programme = make_programme("nominating", categories=(), lessons="The most useful lesson")
    category = programme.categories.get()
    client = login(member)
    found = client.get("/recognition/nominees/project/", {"q": "enrolment"}).json()["results"]
    assert found == [
        {
            "value": f"#{lab_project.pk} Enrolment slots booked online",
            "name": f"Enrolment slots booked online (#{lab_project.pk})",
        }
    ]
    typed = _nomination_form(category, kind="project", nominee="", project=found[0]["value"])
    assert client.post(f"/recognition/programmes/{programme.pk}/nominate/", typed).status_code == 302
    response = client.post(f"/recognition/programmes/{programme.pk}/nominate/", typed)
    assert response.status_code == 200
    assert response.context["form"].errors["project"] == ["You have already nominated them in this category."]
    assert Nomination.objects.get().nominee == "Enrolment slots booked online"


def test_a_project_the_person_cannot_see_is_neither_suggested_nor_nominated(
    login, make_programme, citizen, lab_project
):
    programme = make_programme("nominating", categories=(), lessons="The most useful lesson")
    client = login(citizen)
    assert client.get("/recognition/nominees/project/", {"q": "enrolment"}).json() == {"results": []}
    typed = _nomination_form(
        programme.categories.get(), kind="project", project=f"#{lab_project.pk} Enrolment slots booked online"
    )
    response = client.post(f"/recognition/programmes/{programme.pk}/nominate/", typed)
    assert response.context["form"].errors["project"] == ["Choose a lab project you can see, from the suggestions."]
    # A person in the lesson category is refused beside "who or what".
    response = client.post(
        f"/recognition/programmes/{programme.pk}/nominate/", _nomination_form(programme.categories.get())
    )
    assert response.context["form"].errors["kind"] == [
        "A lesson from an experiment is nominated as a lab project or an exemption."
    ]
    assert not Nomination.objects.exists()


def test_a_nominator_withdraws_while_open_and_is_told_once_closed(login, make_programme, nominate, citizen):
    programme = make_programme("nominating")
    nomination = nominate(citizen, programme.categories.get())
    second = nominate(citizen, programme.categories.get(), nominee="Rui Almeida")
    client = login(citizen)
    response = client.post(f"/recognition/nominations/{nomination.pk}/withdraw/", follow=True)
    page = Page(response)
    assert "Your nomination is withdrawn." in page.text() and "This nomination was withdrawn." in page.text()
    assert fresh(nomination).status == "withdrawn"
    put_in(programme, "judging")
    response = client.post(f"/recognition/nominations/{second.pk}/withdraw/", follow=True)
    assert "Nominations are closed: the nomination can no longer be withdrawn." in Page(response).text()
    assert fresh(second).status == "submitted"


def test_another_person_cannot_withdraw_or_read_a_nomination(login, make_programme, nominate, citizen, member):
    programme = make_programme("nominating")
    nomination = nominate(citizen, programme.categories.get())
    client = login(member)
    assert client.post(f"/recognition/nominations/{nomination.pk}/withdraw/").status_code == 404
    assert client.get(nomination.get_absolute_url()).status_code == 404
    assert fresh(nomination).status == "submitted"


# Reading a nomination, declaring and scoring -----------------------------------------------------


def test_a_nomination_is_read_by_its_nominator_the_managers_and_a_cleared_jury_member_only(
    client, login, judged, citizen, member, programme_manager, juror, second_juror
):
    url = judged.get_absolute_url()
    assert client.get(url).url.startswith("/accounts/login/")
    for outsider in (member, UserFactory(), UserFactory(is_moderator=True)):
        assert login(outsider).get(url).status_code == 404
    for reader in (citizen, programme_manager):
        page = Page(login(reader).get(url))
        assert STATEMENT in page.text()
    assert Page(login(programme_manager).get(url)).link("Choose as the category's winner") == (
        f"/recognition/nominations/{judged.pk}/win/"
    )
    # A jury member who has not declared is sent to declare: who is nominated, not why.
    client = login(juror)
    response = client.get(url)
    assert response.status_code == 302 and response.url == f"/recognition/nominations/{judged.pk}/declare/"
    declare = Page(client.get(response.url))
    assert "Joana Ferreira" in declare.text() and "A service that changed lives" in declare.text()
    assert STATEMENT not in declare.text()
    # Once cleared, they read it and score it.
    jury_services.declare(actor=juror, nomination=judged, has_conflict=False)
    page = Page(client.get(url))
    assert STATEMENT in page.text() and "Your score" in page.headings()
    # A recused jury member never reads it, nor its declaration page again.
    jury_services.declare(actor=second_juror, nomination=fresh(judged), has_conflict=True, note="Same unit.")
    client = login(second_juror)
    assert client.get(url).status_code == 404
    assert client.get(f"/recognition/nominations/{judged.pk}/declare/").status_code == 404


def test_a_jury_member_declares_a_conflict_and_is_sent_back_to_the_list(login, judged, second_juror):
    client = login(second_juror)
    declare = f"/recognition/nominations/{judged.pk}/declare/"
    response = client.post(declare, {"conflict": "yes", "note": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["note"] == ["Describe the conflict of interest."]
    response = client.post(declare, {"conflict": "yes", "note": "Joana works in my unit."}, follow=True)
    programme = judged.category.programme
    assert response.redirect_chain[-1][0] == f"/recognition/programmes/{programme.pk}/judging/"
    page = Page(response)
    assert "Your conflict of interest is recorded: you do not judge this nomination." in page.text()
    assert "Recused: conflict of interest" in page.text()
    assert page.links("Joana Ferreira") == []  # the nominee is named, not linked
    assert JuryReview.objects.get().conflict_note == "Joana works in my unit."


def test_a_jury_member_declares_no_conflict_and_scores(login, judged, juror):
    client = login(juror)
    response = client.post(f"/recognition/nominations/{judged.pk}/declare/", {"conflict": "no"})
    assert response.status_code == 302 and response.url == judged.get_absolute_url()
    score = f"/recognition/nominations/{judged.pk}/score/"
    response = client.post(score, {"score": "11", "comment": "Outstanding."})
    assert response.status_code == 400
    assert response.context["score_form"].errors["score"] == ["Give a whole score from 1 to 10."]
    assert response.context["score_form"]["comment"].value() == "Outstanding."
    response = client.post(score, {"score": "8", "comment": "Clear evidence of change."}, follow=True)
    programme = judged.category.programme
    assert response.redirect_chain[-1][0] == f"/recognition/programmes/{programme.pk}/judging/"
    page = Page(response)
    assert "Your score is saved. You may change it until the winners are announced." in page.text()
    assert "Scored 8 of 10" in page.row_text("Joana Ferreira")
    assert JuryReview.objects.get().score == 8


def test_scoring_after_declaring_a_conflict_is_refused_on_the_jury_s_list(login, judged, second_juror):
    jury_services.declare(actor=second_juror, nomination=judged, has_conflict=True, note="Same unit.")
    response = login(second_juror).post(
        f"/recognition/nominations/{judged.pk}/score/", {"score": "9", "comment": "Sneaky."}, follow=True
    )
    programme = judged.category.programme
    assert response.redirect_chain == [(f"/recognition/programmes/{programme.pk}/judging/", 302)]
    page = Page(response)
    assert CONFLICT in page.text()
    assert STATEMENT not in page.text()
    assert JuryReview.objects.get().score is None


def test_scoring_before_declaring_says_to_declare_first(login, judged, juror):
    response = login(juror).post(
        f"/recognition/nominations/{judged.pk}/score/", {"score": "9", "comment": "Quick."}, follow=True
    )
    assert "First declare whether you have a conflict of interest with this nomination." in Page(response).text()
    assert not JuryReview.objects.exists()


def test_the_jury_s_list_is_its_members_only(login, judged, juror, citizen, programme_manager):
    url = f"/recognition/programmes/{judged.category.programme_id}/judging/"
    page = Page(login(juror).get(url))
    assert "1 nomination waits for your declaration; 0 wait for your score." in page.text()
    assert page.link("Joana Ferreira") == judged.get_absolute_url()
    for other in (citizen, programme_manager):
        assert login(other).get(url).status_code == 404
        assert login(other).post(f"/recognition/nominations/{judged.pk}/score/", {"score": "5"}).status_code == 404


def test_a_jury_member_finds_each_jury_from_their_list_whatever_its_phase(login, make_programme, juror, judged):
    upcoming = make_programme("upcoming", title="Awards to come", jury=[juror])
    client = login(juror)
    page = Page(client.get("/recognition/nominations/mine/"))
    juries = page.part("Juries you sit on")
    for programme in (upcoming, judged.category.programme):
        assert client.get(page.link(programme.title, within=juries)).status_code == 200


# The programme managers' pages -------------------------------------------------------------------


def test_a_programme_manager_sets_up_a_programme_and_its_categories_and_jury(login, programme_manager, juror):
    client = login(programme_manager)
    add = Page(client.get("/recognition/")).link("Set up an award programme")
    opens = timezone.localtime() + timezone.timedelta(days=7)
    typed = {
        "title": "Public Innovation Awards 2027",
        "description": "People and teams who changed a service.",
        "year": "2027",
        "nominations_open_at": opens.strftime("%Y-%m-%dT%H:%M"),
        "nominations_close_at": (opens - timezone.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    response = client.post(add, typed)
    assert response.context["form"].errors["nominations_close_at"] == ["Nominations must close after they open."]
    assert response.context["form"]["title"].value() == "Public Innovation Awards 2027"
    typed["nominations_close_at"] = (opens + timezone.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(add, typed, follow=True)
    programme = AwardProgramme.objects.get()
    assert response.redirect_chain[-1][0] == programme.get_absolute_url()
    page = Page(response)
    assert "The programme is set up. Add its categories and name its jury." in page.text()
    # A category, refused twice.
    category = page.link("Add a category")
    answers = {"title": "Team of the year", "description": "Across organisations.", "for_lessons": "on"}
    assert client.post(category, answers).status_code == 302
    response = client.post(category, answers)
    assert response.context["form"].errors["title"] == ["The programme already has a category with this title."]
    assert list(Category.objects.values_list("title", "for_lessons")) == [("Team of the year", True)]
    # The jury, by address; once per person.
    jury = f"/recognition/programmes/{programme.pk}/jury/"
    assert client.get("/recognition/people/", {"q": "jules"}).json()["results"]
    response = client.post(jury, {"person": "JULES.JUROR@example.com"}, follow=True)
    assert "Jules Juror is on the jury." in Page(response).text()
    response = client.post(jury, {"person": "jules.juror@example.com"})
    assert response.context["form"].errors["person"] == ["Jules Juror is already on the jury."]
    response = client.post(jury, {"person": "nobody@example.com"})
    assert response.context["form"].errors["person"] == [
        "Nobody on Ponte has this address: choose a person from the suggestions."
    ]
    response = client.post(f"{jury}{juror.pk}/remove/", follow=True)
    assert "Jules Juror is no longer on the jury." in Page(response).text()
    assert not programme.jury.exists()
    assert client.post(f"{jury}{juror.pk}/remove/").status_code == 404


def test_a_programme_edit_saved_meanwhile_is_refused_showing_what_changed(login, programme_manager, make_programme):
    programme = make_programme("upcoming")
    client = login(programme_manager)
    edit = Page(client.get(programme.get_absolute_url())).link("Edit the programme")
    form = client.get(edit).context["form"]
    typed = {name: form[name].value() for name in form.fields}
    typed = {
        **typed,
        "nominations_open_at": local_input(programme.nominations_open_at),
        "nominations_close_at": local_input(programme.nominations_close_at),
    }
    assert typed["version"] in (1, "1")
    assert client.post(edit, {**typed, "title": "First save"}).status_code == 302
    response = client.post(edit, {**typed, "title": "Second save"})
    assert response.status_code == 200
    page = Page(response)
    assert "Someone saved this programme after you opened it" in page.text() and "First save" in page.text()
    assert fresh(programme).title == "First save"


def local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_programme_manager_chooses_winners_from_the_ranking_and_announces(
    login, programme_manager, make_programme, nominate, citizen, member, juror
):
    programme = make_programme("nominating", categories=("Service", "Team"), jury=[juror])
    service, _team = programme.categories.all()
    joana = nominate(citizen, service)
    rui = nominate(member, service, nominee="Rui Almeida")
    programme = put_in(programme, "judging")
    for nomination, value in ((joana, 5), (rui, 9)):
        jury_services.declare(actor=juror, nomination=fresh(nomination), has_conflict=False)
        jury_services.score(actor=juror, nomination=fresh(nomination), score=value, comment="Scored.")
    client = login(programme_manager)
    ranking = Page(client.get(programme.get_absolute_url())).link("Nominations and scores")
    page = Page(client.get(ranking))
    rows = [page.row_text(name) for name in ("Rui Almeida", "Joana Ferreira")]
    assert rows[0].startswith("Rui Almeida (A person) 9.0 1 0") and rows[1].startswith(
        "Joana Ferreira (A person) 5.0 1"
    )
    assert "No nomination in this category." in page.text()
    # Announcing with no winner is refused on the page.
    announce = page.link("Announce the winners")
    page = Page(client.post(announce))
    assert "Choose at least one winner before announcing." in page.text()
    assert fresh(programme).announced_at is None
    choose = Page(client.get(ranking)).link("Choose Rui Almeida")
    response = client.post(choose, {"citation": ""})
    assert response.context["form"].errors["citation"] == ["Write the citation the hall of fame shows."]
    response = client.post(choose, {"citation": "For plain answers within a day."}, follow=True)
    assert response.redirect_chain[-1][0] == ranking
    page = Page(response)
    assert "The winner of “Service” is chosen." in page.text()
    assert "Chosen" in page.row_text("Rui Almeida")
    assert winners_of(programme) == {"Service": "Rui Almeida"}
    # The announcement page lists each category's choice.
    page = Page(client.get(announce))
    assert "For plain answers within a day." in page.text()
    assert "No winner chosen: shown as not awarded." in page.text()
    response = client.post(announce, follow=True)
    assert response.redirect_chain[-1][0] == programme.get_absolute_url()
    assert "The winners are announced: they are in the hall of fame." in Page(response).text()
    assert fresh(programme).phase == "announced"
    assert "For plain answers within a day." in Page(client.get("/recognition/")).text()


MANAGERS_PAGES = [
    ("get", "/recognition/programmes/new/"),
    ("post", "/recognition/programmes/new/"),
    ("get", "/recognition/programmes/{programme}/edit/"),
    ("get", "/recognition/programmes/{programme}/categories/new/"),
    ("post", "/recognition/programmes/{programme}/categories/{category}/remove/"),
    ("get", "/recognition/programmes/{programme}/jury/"),
    ("post", "/recognition/programmes/{programme}/jury/"),
    ("post", "/recognition/programmes/{programme}/jury/{juror}/remove/"),
    ("get", "/recognition/programmes/{programme}/ranking/"),
    ("get", "/recognition/programmes/{programme}/announce/"),
    ("post", "/recognition/programmes/{programme}/announce/"),
    ("get", "/recognition/people/?q=jul"),
]


@pytest.mark.parametrize(("method", "address"), MANAGERS_PAGES)
@pytest.mark.parametrize("who", ["nominator", "juror", "public_servant", "moderator", "platform_admin"])
def test_the_managers_pages_are_refused_to_everyone_else(
    login, person_in_role, judged, citizen, juror, programme_manager, method, address, who
):
    programme = judged.category.programme
    programme_services.winner_choose(actor=programme_manager, nomination=judged, citation="For the forms.")
    person = {"nominator": citizen, "juror": juror}.get(who) or person_in_role(who)
    url = address.format(programme=programme.pk, category=judged.category_id, juror=juror.pk)
    client = login(person)
    response = getattr(client, method)(url, {"person": "jules.juror@example.com", "title": "Mine"})
    assert response.status_code == 403
    programme = fresh(programme)
    assert programme.announced_at is None and programme.jury.filter(pk=juror.pk).exists()
    assert programme.categories.count() == 1 and AwardProgramme.objects.count() == 1


def test_choosing_a_winner_is_refused_to_others(login, judged, citizen, member, juror, programme_manager):
    url = f"/recognition/nominations/{judged.pk}/win/"
    # Those who may not read the nomination learn nothing of it; its nominator may not choose.
    for other in (member, UserFactory(is_moderator=True)):
        assert login(other).post(url, {"citation": "Mine."}).status_code == 404
    assert login(citizen).post(url, {"citation": "Mine."}).status_code == 403
    jury_services.declare(actor=juror, nomination=judged, has_conflict=False)
    assert login(juror).post(url, {"citation": "Mine."}).status_code == 403
    assert fresh(judged).won_at is None
    assert login(programme_manager).get(url).status_code == 200


def test_a_visitor_is_asked_to_sign_in_for_the_managers_pages(client, judged):
    programme = judged.category.programme
    for url in (
        "/recognition/programmes/new/",
        f"/recognition/programmes/{programme.pk}/ranking/",
        f"/recognition/nominations/{judged.pk}/win/",
        "/recognition/nominations/mine/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


def test_a_programme_that_does_not_exist_is_404_for_a_programme_manager(login, programme_manager, make_programme):
    other = make_programme("upcoming")
    client = login(programme_manager)
    for url in (
        "/recognition/programmes/999999/",
        "/recognition/programmes/999999/edit/",
        "/recognition/programmes/999999/ranking/",
        "/recognition/programmes/999999/announce/",
        "/recognition/nominations/999999/win/",
    ):
        assert client.get(url).status_code == 404, url
    # A category of another programme is not removed through this one.
    mine = make_programme("upcoming", title="Mine")
    foreign = other.categories.get()
    assert client.post(f"/recognition/programmes/{mine.pk}/categories/{foreign.pk}/remove/").status_code == 404
    assert Category.objects.filter(pk=foreign.pk).exists()


def test_a_category_with_nominations_is_not_removed_from_the_page(
    login, programme_manager, make_programme, nominate, citizen
):
    programme = make_programme("nominating")
    category = programme.categories.get()
    nominate(citizen, category)
    programme = put_in(programme, "upcoming")  # its opening moved later, after a nomination came in
    client = login(programme_manager)
    page = Page(client.get(programme.get_absolute_url()))
    assert page.links("Add a category") == []
    assert not page.doc.xpath("//button[contains(., 'Remove the category')]")
    assert client.post(f"/recognition/programmes/{programme.pk}/categories/{category.pk}/remove/").status_code == 403
    assert Category.objects.filter(pk=category.pk).exists()


# A kept page is made again when a write's transaction commits: this test commits.
@pytest.mark.django_db(transaction=True)
def test_a_visitor_s_kept_hall_of_fame_shows_the_winners_once_announced(client, pages_kept, programme_manager, judged):
    assert "Joana Ferreira" not in Page(client.get("/recognition/")).text()
    programme_services.winner_choose(actor=programme_manager, nomination=judged, citation="For forms people read.")
    assert "For forms people read." not in Page(client.get("/recognition/")).text()
    programme_services.announce(actor=programme_manager, programme=judged.category.programme)
    assert "For forms people read." in Page(client.get("/recognition/")).text()


# A kept page is made again when a write's transaction commits: this test commits.
@pytest.mark.django_db(transaction=True)
def test_the_kept_ranking_follows_the_jury_and_the_winners_chosen(
    login, pages_kept, programme_manager, judged, citizen
):
    programme = judged.category.programme
    ranking = f"/recognition/programmes/{programme.pk}/ranking/"
    client = login(programme_manager)
    page = Page(client.get(ranking)).text()
    assert "jury's 2 members" in page and "Chosen" not in page
    programme_services.jury_add(actor=programme_manager, programme=programme, person=citizen)
    assert "jury's 3 members" in Page(client.get(ranking)).text()
    programme_services.winner_choose(actor=programme_manager, nomination=judged, citation="For forms people read.")
    assert "Chosen" in Page(client.get(ranking)).text()


def test_kept_pages_last_no_longer_than_the_next_opening_or_closing(make_programme):
    from ponte.recognition.contributions import _next_window_change

    now = timezone.now()
    assert _next_window_change(now) is None
    upcoming = make_programme("upcoming")
    nominating = make_programme("nominating")
    make_programme("announced")
    assert _next_window_change(now) == upcoming.nominations_open_at
    assert _next_window_change(upcoming.nominations_open_at) == nominating.nominations_close_at


# No garbage makes a 500 -----------------------------------------------------------------------------

# Every page of the module, by its name, with where its ids go.
PAGES = {
    "hall_of_fame": "/recognition/",
    "hall_of_fame_csv": "/recognition/hall-of-fame.csv",
    "programme_add": "/recognition/programmes/new/",
    "programme": "/recognition/programmes/{id}/",
    "programme_edit": "/recognition/programmes/{id}/edit/",
    "category_add": "/recognition/programmes/{id}/categories/new/",
    "category_remove": "/recognition/programmes/{id}/categories/{other}/remove/",
    "jury": "/recognition/programmes/{id}/jury/",
    "jury_remove": "/recognition/programmes/{id}/jury/{other}/remove/",
    "ranking": "/recognition/programmes/{id}/ranking/",
    "announce": "/recognition/programmes/{id}/announce/",
    "nominate": "/recognition/programmes/{id}/nominate/",
    "jury_work": "/recognition/programmes/{id}/judging/",
    "nomination": "/recognition/nominations/{id}/",
    "declare": "/recognition/nominations/{id}/declare/",
    "score": "/recognition/nominations/{id}/score/",
    "withdraw": "/recognition/nominations/{id}/withdraw/",
    "choose_winner": "/recognition/nominations/{id}/win/",
    "mine": "/recognition/nominations/mine/",
    "nominees": "/recognition/nominees/{kind}/",
    "people": "/recognition/people/",
    "kudos": "/recognition/kudos/",
    "kudos_withdraw": "/recognition/kudos/{id}/withdraw/",
}

GARBAGE = {
    "title": "\x00",
    "description": "x" * 6000,
    "year": "²⁰²⁶",
    "nominations_open_at": "yesterday",
    "nominations_close_at": "2026-02-30T25:61",
    "version": "-1",
    "for_lessons": "maybe",
    "person": "\x00@example.com",
    "category": "9999999999999999999999",
    "kind": "exemption",
    "nominee": "\x00",
    "project": "#99999999999 Nothing",
    "exemption": "E-0",
    "statement": "\x00",
    "conflict": "perhaps",
    "note": "x" * 4000,
    "score": "9" * 30,
    "comment": "\x00",
    "citation": "x" * 2000,
    "message": "\x00",
    "to": "lab.project:²",
}
QUERIES = {"year": "²⁰²⁶", "page": "-1", "category": "\x00", "q": "\x00" * 3, "to": "organisations.organisation:x"}


def test_the_garbage_test_knows_every_page_of_the_module():
    _prefix, resolver = get_resolver().namespace_dict["recognition"]
    assert {pattern.name for pattern in resolver.url_patterns} == set(PAGES)


@pytest.mark.parametrize("who", ["visitor", "citizen", "nominator", "juror", "programme_manager"])
def test_no_garbage_sent_to_any_page_makes_a_500(login, person_in_role, judged, citizen, juror, programme_manager, who):
    person = {"nominator": citizen, "juror": juror, "programme_manager": programme_manager}.get(who)
    client = login(person if person is not None else (None if who == "visitor" else person_in_role(who)))
    programme = judged.category.programme
    ids = [
        {"id": 0, "other": 0, "kind": "\x00"},
        {"id": 2**31, "other": 2**63, "kind": "person"},
        {"id": 10**25, "other": 10**25, "kind": "project"},
        {"id": programme.pk, "other": judged.category_id, "kind": "exemption"},
        {"id": judged.pk, "other": juror.pk, "kind": "project"},
    ]
    failed = []
    for name, address in PAGES.items():
        for values in ids:
            url = address.format(**values)
            for response in (client.get(url, QUERIES), client.post(url, GARBAGE)):
                if response.status_code >= 500:
                    failed.append((name, url, response.status_code))
    assert failed == []
    # Nothing was changed by it.
    assert fresh(judged).status == "submitted" and fresh(programme).announced_at is None
    assert not JuryReview.objects.exists()
