"""The exchange's pages: the public reads the home page and every round; a programme manager
opens, edits and cancels rounds from them. Bad input keeps what was typed beside a clear
message; a stale save is refused; a round that does not exist answers 404; query counts do not
grow with the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.core.paging import PAGE_SIZE
from ponte.exchange.models import Round, RoundPhase, RoundStatus
from ponte.exchange.services import rounds as services
from tests.reading import Page

from .conftest import answers, open_round
from .test_rounds_services import OTHER_ROLES

pytestmark = pytest.mark.django_db


def form_data(**changes) -> dict:
    values = answers()
    data = {
        "title": values["title"],
        "description": values["description"],
        "applications_open_at": timezone.localtime(values["applications_open_at"]).strftime("%Y-%m-%dT%H:%M"),
        "applications_close_at": timezone.localtime(values["applications_close_at"]).strftime("%Y-%m-%dT%H:%M"),
        "exchange_starts": values["exchange_starts"].isoformat(),
        "exchange_ends": values["exchange_ends"].isoformat(),
        "exchange_days": "5",
        "capacity_per_organisation": "3",
        "challenges": "Once-only certificates\nStop asking for what is\nalready held.\n\n\nPlain-language letters\n",
    }
    data.update(changes)
    return data


def test_the_home_page_lists_rounds_for_everyone_with_their_phase(client, round_in):
    round_in(RoundPhase.FINISHED, title="The round of last year")
    round_in(RoundPhase.APPLICATIONS_OPEN, title="The round of this year")
    page = Page(client.get("/exchange/"))
    assert page.response.status_code == 200
    assert "Applications open" in page.row_text("The round of this year")
    assert "Finished" in page.row_text("The round of last year")
    assert not page.links("Open a round")


def test_the_menu_leads_to_the_exchange(client):
    page = Page(client.get("/"))
    assert page.link("Exchange", within=page.navigation("Main")) == "/exchange/"


def test_the_home_page_is_paginated(client, round_in):
    for n in range(PAGE_SIZE + 1):
        round_in(RoundPhase.UPCOMING, title=f"Round {n}")
    first = client.get("/exchange/")
    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert len(client.get("/exchange/?page=2").context["page"].object_list) == 1


def test_a_round_page_shows_its_dates_challenges_and_phase(client, opened):
    page = Page(client.get(opened.get_absolute_url()))
    text = page.text()
    assert opened.title in page.headings()
    assert "Upcoming" in text and "5 working days" in text
    assert [h for h in page.headings() if h in ("Once-only certificates", "Plain-language letters")] == [
        "Once-only certificates",
        "Plain-language letters",
    ]
    assert not page.links("Edit the round") and not page.links("Cancel the round")


def test_a_round_that_does_not_exist_answers_404(client, login, programme_manager):
    assert client.get("/exchange/rounds/999999/").status_code == 404
    client = login(programme_manager)
    for suffix in ("", "edit/", "cancel/"):
        assert client.get(f"/exchange/rounds/999999/{suffix}").status_code == 404


def test_a_cancelled_round_says_why_to_everyone(client, programme_manager, opened):
    services.round_cancel(actor=programme_manager, round=opened, reason="Too few organisations signed up.")
    text = Page(client.get(opened.get_absolute_url())).text()
    assert "Cancelled" in text and "Too few organisations signed up." in text


# Opening a round --------------------------------------------------------------------------


def test_a_programme_manager_opens_a_round_from_the_home_page(login, programme_manager):
    client = login(programme_manager)
    page = Page(client.get("/exchange/"))
    url = page.link("Open a round")
    form = Page(client.get(url))
    assert any(label.startswith("Challenges for mixed teams") for label in form.labels())
    response = client.post(url, form_data())
    round = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == round.get_absolute_url()
    assert [(c.title, c.description) for c in round.challenges.all()] == [
        ("Once-only certificates", "Stop asking for what is already held."),
        ("Plain-language letters", ""),
    ]
    page = Page(client.get(round.get_absolute_url()))
    assert "The round is open" in page.text()
    assert page.links("Edit the round") and page.links("Cancel the round")


@pytest.mark.parametrize("role", OTHER_ROLES[1:])
def test_no_one_else_may_open_a_round(login, person_in_role, role):
    client = login(person_in_role(role))
    assert client.get("/exchange/rounds/new/").status_code == 403
    assert client.post("/exchange/rounds/new/", form_data()).status_code == 403
    assert not Round.objects.exists()


def test_a_visitor_is_asked_to_sign_in(client):
    response = client.get("/exchange/rounds/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "Title", "Give the round a title."),
        ({"capacity_per_organisation": "0"}, "Guests an organisation may host, at most", "from 1 to 100"),
        ({"capacity_per_organisation": "many"}, "Guests an organisation may host, at most", "from 1 to 100"),
        ({"exchange_days": "25"}, "Length of an exchange (working days)", "from 1 to 20"),
        ({"exchange_starts": "not a date"}, "First day of the exchange window", "Give the first day"),
        ({"applications_open_at": "2027-13-45T10:00"}, "Applications open", "Give the date and time applications open"),
        ({"exchange_ends": "2020-01-01"}, "Last day of the exchange window", "on or after its first day"),
        ({"challenges": "Twice\n\ntwice"}, "Challenges for mixed teams", "is given twice"),
        ({"title": "Nul\x00"}, "Title", "Null characters are not allowed."),
    ],
)
def test_bad_input_keeps_what_was_typed_beside_a_clear_message(login, programme_manager, changes, field, message):
    client = login(programme_manager)
    data = form_data(description="Typed with care.", **changes)
    response = client.post("/exchange/rounds/new/", data)
    assert response.status_code == 200
    form = response.context["form"]
    errors = " ".join(str(e) for e in form.errors.get(form_field(form, field), []))
    assert message in errors, form.errors
    assert "Typed with care." in response.content.decode()
    assert not Round.objects.exists()


def form_field(form, label: str) -> str:
    return next(name for name, field in form.fields.items() if str(field.label) == label)


def test_a_date_rule_broken_in_the_service_is_shown_beside_its_field(login, programme_manager):
    client = login(programme_manager)
    data = form_data(exchange_starts=form_data()["applications_close_at"][:10])
    response = client.post("/exchange/rounds/new/", data)
    assert response.status_code == 200
    assert "must start after applications close" in " ".join(response.context["form"].errors["exchange_starts"])
    assert response.context["form"]["title"].value() == data["title"]


# Editing a round --------------------------------------------------------------------------


def test_a_programme_manager_edits_a_round(login, programme_manager, opened):
    client = login(programme_manager)
    url = Page(client.get(opened.get_absolute_url())).link("Edit the round")
    form = client.get(url).context["form"]
    assert form["challenges"].value().startswith("Once-only certificates\nStop asking")
    assert form["version"].value() == 1
    response = client.post(url, form_data(title="Spring round", version="1"))
    assert response.status_code == 302
    opened.refresh_from_db()
    assert opened.title == "Spring round" and opened.version == 2


def test_a_stale_save_is_refused_and_shows_what_changed(login, programme_manager, opened):
    services.round_update(actor=programme_manager, round=opened, seen_version=1, **answers(title="Changed meanwhile"))
    client = login(programme_manager)
    response = client.post(
        f"/exchange/rounds/{opened.pk}/edit/", form_data(title="My title", capacity_per_organisation="8", version="1")
    )
    assert response.status_code == 200
    page = Page(response)
    assert "Someone saved this round after you opened it" in page.text()
    assert "Changed meanwhile" in page.text(page.part("What changed since you opened the page"))
    assert response.context["form"]["title"].value() == "My title"
    opened.refresh_from_db()
    assert opened.title == "Changed meanwhile" and opened.capacity_per_organisation == 3
    # Saving again, knowingly, goes through.
    data = {**form_data(title="My title", capacity_per_organisation="8"), "version": "2"}
    assert client.post(f"/exchange/rounds/{opened.pk}/edit/", data).status_code == 302
    opened.refresh_from_db()
    assert opened.title == "My title"


@pytest.mark.parametrize("phase", [RoundPhase.FINISHED, RoundPhase.CANCELLED])
def test_a_finished_or_cancelled_round_offers_no_change(login, programme_manager, round_in, phase):
    round = round_in(phase)
    client = login(programme_manager)
    page = Page(client.get(round.get_absolute_url()))
    assert not page.links("Edit the round") and not page.links("Cancel the round")
    for suffix in ("edit/", "cancel/"):
        response = client.get(f"/exchange/rounds/{round.pk}/{suffix}", follow=True)
        assert response.redirect_chain[-1][0] == round.get_absolute_url()
        assert "can no longer be changed" in Page(response).text()


@pytest.mark.parametrize("role", OTHER_ROLES[1:])
def test_no_one_else_may_edit_or_cancel(login, person_in_role, opened, role):
    client = login(person_in_role(role))
    assert client.post(f"/exchange/rounds/{opened.pk}/edit/", form_data(title="Mine", version="1")).status_code == 403
    assert client.post(f"/exchange/rounds/{opened.pk}/cancel/", {"reason": "Mine"}).status_code == 403
    opened.refresh_from_db()
    assert opened.title != "Mine" and opened.status == RoundStatus.SCHEDULED


# Cancelling a round -----------------------------------------------------------------------


def test_a_programme_manager_cancels_a_round_with_a_reason(login, programme_manager, opened):
    client = login(programme_manager)
    url = Page(client.get(opened.get_absolute_url())).link("Cancel the round")
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Say why the round is cancelled" in Page(response).text()
    response = client.post(url, {"reason": "Too few organisations signed up."}, follow=True)
    assert "The round is cancelled" in Page(response).text()
    opened.refresh_from_db()
    assert opened.status == RoundStatus.CANCELLED


# Query counts -----------------------------------------------------------------------------


def _queries(client, url):
    client.get(url)  # warm the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("who", ["visitor", "programme_manager"])
def test_the_home_page_makes_as_many_queries_with_10_rounds_as_with_2(login, person_in_role, round_in, who):
    client = login(None if who == "visitor" else person_in_role(who))
    for n in range(2):
        round_in(RoundPhase.UPCOMING, title=f"Round {n}")
    _response, few = _queries(client, "/exchange/")
    for n in range(2, 10):
        round_in(list(RoundPhase)[n % 6], title=f"Round {n}")
    response, many = _queries(client, "/exchange/")
    assert len(response.context["page"].object_list) == 10
    assert len(few) == len(many), "\n".join(["with 2:", *few, "", "with 10:", *many])


@pytest.mark.parametrize("who", ["visitor", "programme_manager"])
def test_a_round_page_makes_as_many_queries_with_10_challenges_as_with_1(login, person_in_role, programme_manager, who):
    client = login(None if who == "visitor" else person_in_role(who))
    round = open_round(programme_manager, challenges=[{"title": "Only one"}])
    _response, few = _queries(client, round.get_absolute_url())
    services.round_update(
        actor=programme_manager,
        round=round,
        seen_version=1,
        **answers(challenges=[{"title": f"Challenge {n}", "description": "About it"} for n in range(10)]),
    )
    response, many = _queries(client, round.get_absolute_url())
    assert len(response.context["challenges"]) == 10
    assert len(few) == len(many), "\n".join(["with 1:", *few, "", "with 10:", *many])


def test_dates_in_the_past_are_shown_as_dates(client, round_in):
    round = round_in(RoundPhase.FINISHED)
    text = Page(client.get(round.get_absolute_url())).text()
    assert str((timezone.localdate() - timedelta(days=150)).year) in text
