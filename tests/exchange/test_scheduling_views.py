"""The pages of a confirmed exchange: each host organisation's admin plans their guest's visit
from the exchange's page (a mentor outside the organisation is refused, nothing typed is lost;
a stale save is refused with what changed); either person moves its days (a weekend day is
refused beside the field) or cancels it with a reason."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ponte.exchange.matching import working_day_after
from ponte.exchange.models import Pair, PairStatus, RoundPhase, Side
from ponte.exchange.services import matching as matching_services
from tests.factories import MembershipFactory
from tests.reading import Page

from .test_matching_views import applicant

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(programme_manager, round_in):
    round = round_in(RoundPhase.MATCHING)
    public = applicant(round, Side.PUBLIC)
    company = applicant(round, Side.COMPANY)
    matching_services.matching_run(actor=programme_manager, round=round)
    matching_services.proposals_send(actor=programme_manager, round=round)
    pair = Pair.objects.get(round=round)
    for person in (public.applicant, company.applicant):
        matching_services.pair_accept(actor=person, pair=pair)
    pair.refresh_from_db()
    assert pair.status == PairStatus.CONFIRMED
    return pair


def test_the_host_admin_plans_the_visit_of_their_guest(login, confirmed):
    admin = MembershipFactory(organisation=confirmed.company.organisation, role="admin").user
    mentor = MembershipFactory(organisation=confirmed.company.organisation, role="member").user
    outsider = MembershipFactory(role="member").user
    client = login(admin)
    page = Page(client.get(confirmed.get_absolute_url()))
    guest = confirmed.public.applicant.name
    plan_url = page.link(f"Plan the visit of {guest}")
    assert plan_url == f"/exchange/pairs/{confirmed.pk}/plan/company/"
    # The other side's visit is not theirs to plan.
    assert client.get(f"/exchange/pairs/{confirmed.pk}/plan/public/").status_code == 404

    data = {"version": confirmed.version, "company_mentor": outsider.email, "company_programme": "Monday: the team."}
    response = client.post(plan_url, data)
    assert "Choose as mentor a member of" in Page(response).text()
    assert "Monday: the team." in response.content.decode()

    client.post(plan_url, {**data, "company_mentor": mentor.email})
    confirmed.refresh_from_db()
    assert (confirmed.company_mentor, confirmed.company_programme) == (mentor, "Monday: the team.")
    # A page opened before that save is refused, with what changed.
    stale = client.post(plan_url, {**data, "company_mentor": mentor.email, "company_programme": "Tuesday."})
    assert "Someone saved a plan of this exchange after you opened it" in Page(stale).text()
    confirmed.refresh_from_db()
    assert confirmed.company_programme == "Monday: the team."
    text = Page(login(confirmed.public.applicant).get(confirmed.get_absolute_url())).text()
    assert "Monday: the team." in text and mentor.email in text


def test_a_person_moves_the_days_and_a_weekend_day_is_refused_beside_the_field(login, confirmed):
    client = login(confirmed.public.applicant)
    url = Page(client.get(confirmed.get_absolute_url())).link("Change the days")
    saturday = confirmed.slot_starts + timedelta(days=(5 - confirmed.slot_starts.weekday()) % 7 + 7)
    response = client.post(url, {"starts": saturday.isoformat()})
    assert "Start the exchange on a working day" in Page(response).text()
    monday = saturday + timedelta(days=2)
    client.post(url, {"starts": monday.isoformat()})
    confirmed.refresh_from_db()
    assert (confirmed.slot_starts, confirmed.slot_ends, confirmed.sequence) == (
        monday,
        working_day_after(monday, confirmed.round.exchange_days - 1),
        1,
    )


def test_a_person_cancels_with_a_reason_both_read(login, confirmed):
    client = login(confirmed.company.applicant)
    url = Page(client.get(confirmed.get_absolute_url())).link("Cancel the exchange")
    assert "Say why the exchange is cancelled" in Page(client.post(url, {"reason": ""})).text()
    client.post(url, {"reason": "A court case that week."})
    confirmed.refresh_from_db()
    assert confirmed.status == PairStatus.CANCELLED
    text = Page(login(confirmed.public.applicant).get(confirmed.get_absolute_url())).text()
    assert "This exchange is cancelled." in text and "A court case that week." in text


def test_the_days_cannot_move_once_they_began(login, confirmed):
    Pair.objects.filter(pk=confirmed.pk).update(slot_starts=timezone.localdate())
    client = login(confirmed.public.applicant)
    assert "Change the days" not in Page(client.get(confirmed.get_absolute_url())).text()
    response = client.post(f"/exchange/pairs/{confirmed.pk}/reschedule/", {"starts": "2099-01-05"}, follow=True)
    assert "This can no longer be done" in Page(response).text()
    confirmed.refresh_from_db()
    assert confirmed.slot_starts == timezone.localdate()


def test_a_mentor_finds_the_exchange_they_host_and_answers_its_survey_once_it_is_over(login, confirmed):
    admin = MembershipFactory(organisation=confirmed.company.organisation, role="admin").user
    mentor = MembershipFactory(organisation=confirmed.company.organisation, role="member").user
    colleague = MembershipFactory(organisation=confirmed.company.organisation, role="member").user
    login(admin).post(
        f"/exchange/pairs/{confirmed.pk}/plan/company/",
        {"version": confirmed.version, "company_mentor": mentor.email, "company_programme": "Monday: the team."},
    )
    client = login(mentor)
    guest = confirmed.public.applicant.name
    names = f"Exchange of {guest} and {confirmed.company.applicant.name}"

    listed = Page(client.get("/exchange/applications/"))
    assert listed.link(names) == confirmed.get_absolute_url()
    assert "you mentor its guest" in listed.text()
    assert "Monday: the team." in Page(client.get(confirmed.get_absolute_url())).text()

    today = timezone.localdate()
    Pair.objects.filter(pk=confirmed.pk).update(
        slot_starts=today - timedelta(days=9), slot_ends=today - timedelta(days=3)
    )
    survey = Page(client.get(confirmed.get_absolute_url())).link(f"Answer the survey of the visit of {guest}")
    client.post(survey, {"satisfaction": "5", "went_well": "A curious guest."})
    assert confirmed.feedback.get().satisfaction == 5
    # A colleague who mentors nobody does not see it.
    assert login(colleague).get(confirmed.get_absolute_url()).status_code == 404


def test_each_person_finds_their_exchange_once_they_answered_its_proposal(login, programme_manager, round_in):
    round = round_in(RoundPhase.MATCHING)
    public = applicant(round, Side.PUBLIC)
    company = applicant(round, Side.COMPANY)
    matching_services.matching_run(actor=programme_manager, round=round)
    matching_services.proposals_send(actor=programme_manager, round=round)
    pair = Pair.objects.get(round=round)
    names = f"Exchange of {public.applicant.name} and {company.applicant.name}"
    client = login(public.applicant)

    page = Page(client.get("/exchange/applications/"))
    assert page.links(names) == [pair.get_absolute_url()]  # waiting for their answer, listed once
    assert "Your exchanges" not in page.headings()
    matching_services.pair_accept(actor=public.applicant, pair=pair)
    page = Page(client.get("/exchange/applications/"))
    assert "Your exchanges" in page.headings() and page.links(names) == [pair.get_absolute_url()]
    assert "Proposed" in page.text()
    matching_services.pair_accept(actor=company.applicant, pair=pair)
    assert "Confirmed" in Page(client.get("/exchange/applications/")).text()
