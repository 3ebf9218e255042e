"""After an exchange: each guest answers the survey of their visit with a learning report, each
host the survey of the visit it hosted, once; the collaborations that follow are recorded; and
the round's statistics and network of organisations are public, on a page and in the API, in a
fixed number of queries. Bad input keeps what was typed beside a clear message."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.core.models import AuditEvent
from ponte.exchange.models import Feedback, FeedbackRole, FollowUp, Pair, PairStatus, RoundPhase, Side
from ponte.exchange.services import after as services
from ponte.exchange.services import matching as matching_services
from tests.factories import MembershipFactory
from tests.reading import Page

from .test_matching_views import applicant

pytestmark = pytest.mark.django_db


def exchanged(round, manager, count: int = 1) -> list[Pair]:
    """`count` confirmed exchanges of the round, their days moved into the past."""
    people = [(applicant(round, Side.PUBLIC), applicant(round, Side.COMPANY)) for _ in range(count)]
    matching_services.matching_run(actor=manager, round=round)
    matching_services.proposals_send(actor=manager, round=round)
    for public, company in people:
        pair = Pair.objects.get(public=public)
        assert pair.company_id == company.pk
        for person in (public.applicant, company.applicant):
            matching_services.pair_accept(actor=person, pair=pair)
    today = timezone.localdate()
    Pair.objects.filter(round=round).update(slot_starts=today - timedelta(days=9), slot_ends=today - timedelta(days=3))
    return list(Pair.objects.filter(round=round).select_related("public", "company").order_by("pk"))


@pytest.fixture
def round(round_in):
    return round_in(RoundPhase.MATCHING)


@pytest.fixture
def pair(round, programme_manager):
    return exchanged(round, programme_manager)[0]


def answer(pair, actor, role, side, **changes):
    values = {"satisfaction": 4, "went_well": "A warm welcome.", "to_improve": "", "learned": "", **changes}
    if role == FeedbackRole.GUEST and "learned" not in changes:
        values["learned"] = "How a product team ships every week."
    return services.feedback_give(actor=actor, pair=pair, role=role, side=side, **values)


def test_each_guest_and_each_host_answers_the_survey_of_a_visit_once(pair):
    public, company = pair.public.applicant, pair.company.applicant
    company_admin = MembershipFactory(organisation=pair.company.organisation, role="admin").user
    answer(pair, public, FeedbackRole.GUEST, "public", satisfaction=5)
    answer(pair, company, FeedbackRole.GUEST, "company", satisfaction=3)
    # The company hosted the public servant: its admin answers for that visit.
    answer(pair, company_admin, FeedbackRole.HOST, "public", satisfaction=4)
    assert sorted(Feedback.objects.values_list("side", "role", "satisfaction")) == [
        ("company", "guest", 3),
        ("public", "guest", 5),
        ("public", "host", 4),
    ]
    with pytest.raises(ValidationError, match="answered already"):
        answer(pair, public, FeedbackRole.GUEST, "public")
    assert AuditEvent.objects.filter(verb="give_feedback").count() == 3


def test_no_one_answers_for_a_visit_that_is_not_theirs(pair, member):
    public = pair.public.applicant
    company_admin = MembershipFactory(organisation=pair.company.organisation, role="admin").user
    for actor, role, side in (
        (public, FeedbackRole.GUEST, "company"),  # the other person's visit
        (public, FeedbackRole.HOST, "company"),  # a guest is not a host
        (company_admin, FeedbackRole.HOST, "company"),  # the company did not host the company's visit
        (member, FeedbackRole.GUEST, "public"),
        (public, "judge", "public"),
    ):
        with pytest.raises(PermissionDenied):
            answer(pair, actor, role, side)
    assert not Feedback.objects.exists()


def test_the_mentor_answers_for_the_visit_they_mentored(pair):
    mentor = MembershipFactory(organisation=pair.public.organisation, role="member").user
    Pair.objects.filter(pk=pair.pk).update(public_mentor=mentor)
    pair.refresh_from_db()
    answer(pair, mentor, FeedbackRole.HOST, "company")
    with pytest.raises(PermissionDenied):
        answer(pair, mentor, FeedbackRole.HOST, "public")


def test_no_survey_before_the_exchange_is_over(round, programme_manager, pair):
    Pair.objects.filter(pk=pair.pk).update(slot_ends=timezone.localdate())
    pair.refresh_from_db()
    with pytest.raises(PermissionDenied):
        answer(pair, pair.public.applicant, FeedbackRole.GUEST, "public")
    with pytest.raises(PermissionDenied):
        services.follow_up_record(actor=programme_manager, pair=pair, description="A pilot.")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"satisfaction": 0}, "satisfaction"),
        ({"satisfaction": 6}, "satisfaction"),
        ({"satisfaction": "5"}, "satisfaction"),
        ({"went_well": " "}, "went_well"),
        ({"learned": ""}, "learned"),
    ],
)
def test_bad_answers_are_refused_beside_their_field(pair, changes, field):
    with pytest.raises(ValidationError) as error:
        answer(pair, pair.public.applicant, FeedbackRole.GUEST, "public", **changes)
    assert field in error.value.message_dict
    assert not Feedback.objects.exists()


def test_follow_ups_are_recorded_by_those_concerned(pair, member, programme_manager):
    services.follow_up_record(actor=pair.company.applicant, pair=pair, description="A joint open-data pilot.")
    services.follow_up_record(actor=programme_manager, pair=pair, description="A second visit.")
    with pytest.raises(PermissionDenied):
        services.follow_up_record(actor=member, pair=pair, description="Nothing of mine.")
    with pytest.raises(ValidationError):
        services.follow_up_record(actor=programme_manager, pair=pair, description="")
    assert FollowUp.objects.filter(pair=pair).count() == 2


def test_the_round_statistics_and_network_are_public(round, programme_manager):
    pairs = exchanged(round, programme_manager, count=3)
    applicant(round, Side.PUBLIC)  # approved, not paired: takes part, not exchanged
    answer(pairs[0], pairs[0].public.applicant, FeedbackRole.GUEST, "public", satisfaction=5)
    answer(pairs[1], pairs[1].company.applicant, FeedbackRole.GUEST, "company", satisfaction=2)
    services.follow_up_record(actor=programme_manager, pair=pairs[0], description="A pilot.")
    Pair.objects.filter(pk=pairs[2].pk).update(status=PairStatus.CANCELLED)

    body = Client().get(f"/api/exchange/rounds/{round.pk}/statistics").json()
    assert {key: body[key] for key in ("public_people", "company_people", "public_bodies", "companies")} == {
        "public_people": 4,
        "company_people": 3,
        "public_bodies": 4,
        "companies": 3,
    }
    assert (body["completed"], body["cancelled"], body["people_exchanged"], body["people_exchanged_so_far"]) == (
        2,
        1,
        4,
        4,
    )
    assert (body["satisfaction"], body["answers"], body["follow_ups"]) == (3.5, 2, 1)
    network = Client().get(f"/api/exchange/rounds/{round.pk}/network").json()
    assert network["count"] == 2
    first = network["items"][0]
    assert first == {
        "public_body": pairs[0].public.organisation.slug,
        "company": pairs[0].company.organisation.slug,
        "exchanges": 1,
        "follow_ups": 1,
    }
    page = Page(Client().get(Page(Client().get(round.get_absolute_url())).link("Statistics and network of the round")))
    assert "3.5 out of 5, from 2 answers" in page.text()
    assert pairs[0].public.organisation.name in page.text()
    assert pairs[0].public.applicant.name not in page.text()  # organisations only
    assert Client().get("/api/exchange/rounds/999999/statistics").status_code == 404
    assert Client().get("/api/exchange/rounds/999999/network").status_code == 404


def test_people_exchanged_so_far_counts_the_rounds_before(round_in, programme_manager):
    earlier, later = round_in(RoundPhase.MATCHING), round_in(RoundPhase.MATCHING)
    for made in (earlier, later):
        exchanged(made, programme_manager)
    # The earlier round's exchanges began a year before (matched while it could be).
    type(earlier).objects.filter(pk=earlier.pk).update(exchange_starts=later.exchange_starts - timedelta(days=365))
    statistics = Client().get(f"/api/exchange/rounds/{later.pk}/statistics").json()
    assert (statistics["people_exchanged"], statistics["people_exchanged_so_far"]) == (2, 4)
    assert Client().get(f"/api/exchange/rounds/{earlier.pk}/statistics").json()["people_exchanged_so_far"] == 2


def test_a_guest_answers_from_the_exchange_page_and_a_bad_answer_keeps_what_was_typed(login, pair):
    client = login(pair.public.applicant)
    url = Page(client.get(pair.get_absolute_url())).link("Answer the survey of your visit, with your learning report")
    response = client.post(url, {"went_well": "The team's stand-ups.", "learned": ""})
    text = Page(response).text()
    assert "Say how satisfied you are" in text and "Write your learning report" in text
    assert "The team&#x27;s stand-ups." in response.content.decode()
    client.post(url, {"satisfaction": "5", "went_well": "Stand-ups.", "learned": "Ship small."})
    assert Feedback.objects.get().learned == "Ship small."
    page = Page(client.get(pair.get_absolute_url()))
    assert "Answer the survey of your visit" not in page.text()
    assert client.get(url, follow=True).redirect_chain[-1][0] == pair.get_absolute_url()
    # The other person's survey is not theirs: it does not exist for them.
    assert client.get(f"/exchange/pairs/{pair.pk}/feedback/guest/company/").status_code == 404


def test_the_statistics_page_reads_as_many_queries_whatever_the_exchanges(round_in, programme_manager):
    def queries_with(count: int) -> int:
        made = round_in(RoundPhase.MATCHING)
        exchanged(made, programme_manager, count)
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(f"/exchange/rounds/{made.pk}/statistics/").status_code == 200
        return len(captured)

    assert queries_with(1) == queries_with(4)
