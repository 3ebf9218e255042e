"""Matchmaking: the solutions and companies recommended for a challenge, and the open
challenges recommended to a company. Only published solutions and open challenges are ever
recommended, each with its reasons; the pages are for the people the rules name and make as
many queries with thirty items as with one; the labelled set has what the benchmark needs."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from bench.matching_set import build_labelled_set
from ponte.challenges.models import Challenge
from ponte.matchmaking import ranking
from ponte.reference.models import CpvCode, SectorTag
from tests.conftest import give_two_factor
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    MembershipFactory,
    OrganisationFactory,
    PublishedChallengeFactory,
    SolutionFactory,
    UserFactory,
)

APPOINTMENTS = {
    "title": "Older people cannot book an appointment at the citizen shop",
    "summary": "People over 70 wait for hours because booking an appointment has moved online.",
    "problem": "Older people queue at the front desk without an appointment; the waiting list grows.",
    "affected": "People over 70 and front-desk staff.",
    "desired_outcomes": "Anyone can book an appointment, and queues at the front desk shrink.",
}
BOOKING = {
    "title": "Appointment booking for public counters",
    "summary": "Visitors book an appointment online, by phone or at a kiosk.",
    "description": "Booking of appointments with reminders, so queues at the front desk and the waiting list shrink.",
}
UNRELATED = {
    "title": "Payroll for local government",
    "summary": "Payroll, leave and timesheets in one system.",
    "description": "Managers approve leave requests on their phone; payslips are produced every month.",
}


def sectors(*codes):
    return list(SectorTag.objects.filter(code__in=codes))


def cpv(*codes):
    return list(CpvCode.objects.filter(code__in=codes))


def published_solution(company=None, sector_codes=(), cpv_codes=(), **fields):
    solution = SolutionFactory(
        status="published",
        published_at=timezone.now() - timedelta(days=1),
        **({"company": company} if company else {}),
        **fields,
    )
    solution.sectors.set(sectors(*sector_codes))
    solution.cpv_codes.set(cpv(*cpv_codes))
    return solution


def open_challenge(owner=None, sector_codes=(), cpv_codes=(), **fields):
    challenge = PublishedChallengeFactory(**({"owner": owner} if owner else {}), **fields)
    challenge.sectors.set(sectors(*sector_codes))
    challenge.cpv_codes.set(cpv(*cpv_codes))
    return challenge


def fresh(challenge):
    """The challenge as the page reads it, its sectors and codes prefetched."""
    return Challenge.objects.prefetch_related("sectors", "cpv_codes").get(pk=challenge.pk)


def titles(matches):
    return [m.obj.title for m in matches]


# The words, codes and scores, without a database --------------------------------------------


def test_forms_of_a_word_share_a_stem_and_stop_words_are_dropped():
    assert {ranking.stem(w) for w in ["appointment", "appointments", "appointing"]} == {"appoint"}
    assert ranking.stem("queues") == ranking.stem("queue") == ranking.stem("queuing")
    assert ranking.stem("process") == ranking.stem("processes") == "process"
    assert ranking.words("The people and THEIR appointments, 2024") == ["people", "appointments"]
    # Every stem is a prefix of its word, so the search index finds the word from the stem.
    for word in ["appointments", "policies", "managing", "energies", "booked"]:
        assert word.startswith(ranking.stem(word))


def test_a_shared_cpv_division_counts_less_than_a_group_and_the_same_code_most():
    same, same_level = ranking.cpv_similarity("72212000", "72212000")
    category, _ = ranking.cpv_similarity("72212000", "72212100")
    group, level = ranking.cpv_similarity("72212000", "72222000")
    division, division_level = ranking.cpv_similarity("72212000", "72316000")
    unrelated, _ = ranking.cpv_similarity("72212000", "48000000")
    assert same == category == 1.0 > group > division > unrelated == 0.0
    assert (same_level, level, division_level) == (8, 3, 2)


def test_the_same_division_wide_code_says_no_more_than_a_shared_division():
    software, level = ranking.cpv_similarity("48000000", "48000000")
    assert level == 8  # the reason still says it is the same code
    assert (
        software
        == ranking.cpv_similarity("48000000", "48190000")[0]
        < ranking.cpv_similarity("48190000", "48190000")[0]
    )


def test_a_rare_shared_word_outweighs_a_common_one():
    query = ranking.profile(1, [("Citizens wait for an appointment at the town hall", 1.0)])
    common = [ranking.profile(k, [("Citizens use our digital platform for data", 1.0)]) for k in range(10, 20)]
    rare = ranking.profile(2, [("Appointment reminders by text message", 1.0)])
    ranked = ranking.rank([query], [*common, rare])
    assert ranked[0].key == 2
    assert str(ranked[0].reasons[0]) == "Shared words: appointment"


def test_reasons_name_the_shared_sector_the_closest_code_and_the_words():
    query = ranking.profile(
        1, [("Hospital beds are blocked by late discharges", 1.0)], sectors={"health"}, cpv={"85110000": "Hospital"}
    )
    document = ranking.profile(
        2,
        [("Discharge planning for hospital wards", 1.0)],
        sectors={"health", "digital"},
        cpv={"85111000": "Hospital services"},
    )
    with translation.override("en"):
        reasons = [str(r) for r in ranking.rank([query], [document])[0].reasons]
    assert "Same sector: Health" in reasons
    assert "Related CPV code: 85111000 Hospital services (same class as 85110000)" in reasons
    assert any(r.startswith("Shared words: ") and "hospital" in r for r in reasons)


def test_nothing_shared_is_not_recommended():
    query = ranking.profile(1, [("Potholes in the roads", 1.0)], sectors={"mobility"})
    document = ranking.profile(2, [("Payroll and timesheets", 1.0)], sectors={"digital"})
    assert ranking.rank([query], [document]) == []


def test_the_keyword_baseline_counts_distinct_unstemmed_words():
    assert ranking.keyword_overlap("appointments at the desk", "an appointment desk, desk") == 1


# Solutions and companies for a challenge ------------------------------------------------------


@pytest.mark.django_db
def test_a_relevant_solution_ranks_above_an_unrelated_one_and_reasons_say_why():
    challenge = open_challenge(sector_codes=["social"], cpv_codes=["72212000-4"], **APPOINTMENTS)
    relevant = published_solution(sector_codes=["social"], cpv_codes=["72212000-4"], **BOOKING)
    published_solution(sector_codes=["social"], **UNRELATED)
    found = ranking.recommend_for_challenge(fresh(challenge))
    assert found.solutions[0].obj == relevant
    assert found.solutions[0].score > found.solutions[-1].score
    with translation.override("en"):
        reasons = [str(r) for r in found.solutions[0].reasons]
    assert "Same sector: Social services" in reasons
    assert "Same CPV code: 72212000 Programming services of application software" in reasons
    # The shared words as the challenge writes them ("book", where the solution says "booking").
    words = next(r for r in reasons if r.startswith("Shared words: "))
    assert "appointment" in words and "book," in words


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_an_unpublished_solution_is_never_recommended(status):
    challenge = open_challenge(sector_codes=["social"], **APPOINTMENTS)
    hidden = SolutionFactory(status=status, **BOOKING)
    hidden.sectors.set(sectors("social"))
    shown = published_solution(sector_codes=["social"], **UNRELATED)
    found = ranking.recommend_for_challenge(fresh(challenge))
    assert [m.obj for m in found.solutions] == [shown]
    assert [c.company for c in found.companies] == [shown.company]


@pytest.mark.django_db
def test_a_solution_of_a_suspended_company_is_never_recommended():
    challenge = open_challenge(**APPOINTMENTS)
    published_solution(company=CompanyFactory(status="suspended"), **BOOKING)
    assert ranking.recommend_for_challenge(fresh(challenge)).solutions == []


@pytest.mark.django_db
def test_a_company_ranks_by_its_best_solution_and_says_how_many_match():
    challenge = open_challenge(sector_codes=["social"], **APPOINTMENTS)
    strong, weak = CompanyFactory(name="Queue Systems"), CompanyFactory(name="Payroll Ltd")
    strong.sectors.set(sectors("social"))
    published_solution(company=strong, **BOOKING)
    published_solution(company=strong, title="Waiting list manager", summary="Shorter waiting lists.", description="")
    published_solution(company=weak, sector_codes=["social"], **UNRELATED)
    found = ranking.recommend_for_challenge(fresh(challenge))
    assert [c.company for c in found.companies] == [strong, weak]
    assert found.companies[0].solutions == 2
    with translation.override("en"):
        reasons = [str(r) for r in found.companies[0].reasons]
    assert reasons == [
        "2 matching solutions; the best: “Appointment booking for public counters”",
        "The company works in the same sector: Social services",
    ]


@pytest.mark.django_db
def test_a_solution_found_by_its_words_alone_is_recommended_through_the_search_index():
    """No sector or code in common, and more recent unrelated solutions than the background
    read holds: only the search index brings the relevant one into the pool."""
    challenge = open_challenge(**APPOINTMENTS)
    relevant = published_solution(**BOOKING)
    for n in range(ranking.BACKGROUND + 5):
        published_solution(title=f"Payroll suite {n}", summary="Payroll.", description="Timesheets and leave.")
    assert titles(ranking.recommend_for_challenge(fresh(challenge)).solutions) == [relevant.title]


# Open challenges for a company -------------------------------------------------------------


@pytest.fixture
def company(db):
    company = CompanyFactory(name="Queue Systems")
    company.sectors.set(sectors("social"))
    published_solution(company=company, sector_codes=["social"], **BOOKING)
    return company


@pytest.mark.django_db
def test_an_open_challenge_that_matches_the_solutions_is_recommended_with_reasons(company):
    relevant = open_challenge(sector_codes=["social"], **APPOINTMENTS)
    other = open_challenge(
        sector_codes=["energy"], title="Energy bills of schools", summary="Heating costs.", problem="Meters."
    )
    [section] = ranking.recommend_for_companies([company])
    found = [m.obj for m in section.challenges]
    assert found[0] == relevant
    # The other shares a word with the solution ("front", in the factory's text): it may
    # come, but after, for that reason only.
    assert found[1:] in ([], [other])
    if found[1:]:
        assert section.challenges[1].score < section.challenges[0].score
        with translation.override("en"):
            assert [str(r) for r in section.challenges[1].reasons][1:] == ["Shared words: front"]
    with translation.override("en"):
        reasons = [str(r) for r in section.challenges[0].reasons]
    assert reasons[0] == "Matches your solution “Appointment booking for public counters”"
    assert "Your company works in the same sector: Social services" in reasons


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state",
    ["closed", "cancelled", "draft", "awaiting_review", "approved", "awarded", "not_awarded"],
)
def test_a_challenge_that_is_not_open_is_never_recommended_to_a_company(company, state):
    past = timezone.now() - timedelta(days=1)
    fields = {
        "closed": {"status": "published", "deadline": past},
        "cancelled": {"status": "cancelled", "cancelled_at": past},
        "awarded": {"status": "awarded", "deadline": past},
        "not_awarded": {"status": "not_awarded", "deadline": past},
    }.get(state, {"status": state, "published_at": None})
    if state in ("awarded", "not_awarded") and state not in dict(Challenge._meta.get_field("status").choices):
        pytest.skip("the outcome of challenges is not in this version")
    hidden = open_challenge(sector_codes=["social"], **APPOINTMENTS, **fields)
    shown = open_challenge(sector_codes=["social"], title="Forms nobody understands", summary="", problem="")
    [section] = ranking.recommend_for_companies([company])
    assert hidden not in [m.obj for m in section.challenges]
    assert [m.obj for m in section.challenges] == [shown]


@pytest.mark.django_db
def test_a_company_without_published_solutions_gets_challenges_of_its_sectors():
    company = CompanyFactory()
    company.sectors.set(sectors("health"))
    SolutionFactory(company=company, status="draft", **BOOKING)
    health = open_challenge(sector_codes=["health"], title="Beds", summary="", problem="")
    open_challenge(sector_codes=["social"], **APPOINTMENTS)
    [section] = ranking.recommend_for_companies([company])
    assert not section.has_solutions
    assert [m.obj for m in section.challenges] == [health]
    with translation.override("en"):
        assert [str(r) for r in section.challenges[0].reasons] == ["Your company works in the same sector: Health"]


@pytest.mark.django_db
def test_matching_never_reads_proposals(company):
    challenge = open_challenge(sector_codes=["social"], **APPOINTMENTS)
    published_solution(**BOOKING)
    with CaptureQueriesContext(connection) as captured:
        ranking.recommend_for_challenge(fresh(challenge))
        ranking.recommend_for_companies([company])
    assert captured.captured_queries
    assert not [q["sql"] for q in captured.captured_queries if "proposal" in q["sql"].lower()]


# The pages: who may see them ------------------------------------------------------------------

ROLES = [
    "visitor",
    "citizen",
    "company_member",
    "other_body_member",
    "owner_member",
    "owner_admin",
    "programme_manager",
]


@pytest.fixture
def person(db, client):
    """Sign in someone in a role with regard to a challenge's public body."""

    def sign_in(role, owner):
        if role == "visitor":
            return None
        if role == "citizen":
            user = UserFactory()
        elif role == "company_member":
            user = MembershipFactory(organisation=CompanyFactory()).user
        elif role == "other_body_member":
            user = MembershipFactory(organisation=OrganisationFactory()).user
        elif role in ("owner_member", "owner_admin"):
            user = MembershipFactory(organisation=owner, role="admin" if role == "owner_admin" else "member").user
        else:
            user = UserFactory(is_programme_manager=True)
            give_two_factor(user)
        client.force_login(user)
        return user

    return sign_in


CHALLENGE_PAGE = {
    # A published challenge: anyone sees it, but only its body and programme managers its matches.
    "published": {
        "visitor": 302,
        "citizen": 403,
        "company_member": 403,
        "other_body_member": 403,
        "owner_member": 200,
        "owner_admin": 200,
        "programme_manager": 200,
    },
    # A draft stays inside the body: to everyone else it does not exist.
    "draft": {
        "visitor": 302,
        "citizen": 404,
        "company_member": 404,
        "other_body_member": 404,
        "owner_member": 200,
        "owner_admin": 200,
        "programme_manager": 404,
    },
    # Sent for review: programme managers see it, and its matches.
    "awaiting_review": {
        "visitor": 302,
        "citizen": 404,
        "company_member": 404,
        "other_body_member": 404,
        "owner_member": 200,
        "owner_admin": 200,
        "programme_manager": 200,
    },
}


@pytest.mark.parametrize("state", list(CHALLENGE_PAGE))
@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_recommendations_for_a_challenge(client, person, role, state):
    owner = OrganisationFactory()
    if state == "published":
        challenge = open_challenge(owner=owner, sector_codes=["social"], **APPOINTMENTS)
    else:
        challenge = ChallengeFactory(owner=owner, status=state, **APPOINTMENTS)
        challenge.sectors.set(sectors("social"))
    published_solution(sector_codes=["social"], **BOOKING)
    person(role, owner)
    response = client.get(f"/challenges/{challenge.pk}/matches/")
    assert response.status_code == CHALLENGE_PAGE[state][role]
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
    if response.status_code == 200:
        page = response.content.decode()
        assert "Appointment booking for public counters" in page
        assert "Same sector: Social services" in page
    # The challenge's page links to the recommendations for exactly the same people.
    detail = client.get(challenge.get_absolute_url())
    if detail.status_code == 200:
        assert (f"/challenges/{challenge.pk}/matches/" in detail.content.decode()) == (response.status_code == 200)


COMPANY_PAGE = {
    "visitor": 302,
    "citizen": 403,
    "company_member": 200,
    "other_body_member": 403,
    "owner_member": 403,
    "owner_admin": 403,
    "programme_manager": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_challenges_for_their_company(client, person, role):
    owner = OrganisationFactory()
    open_challenge(owner=owner, sector_codes=["social"], **APPOINTMENTS)
    user = person(role, owner)
    if role == "company_member":
        company = user.memberships.get().organisation
        published_solution(company=company, **BOOKING)
    response = client.get("/challenges/recommended/")
    assert response.status_code == COMPANY_PAGE[role]
    if response.status_code == 200:
        page = response.content.decode()
        assert APPOINTMENTS["title"] in page
        assert "Matches your solution “Appointment booking for public counters”" in page
    # The navigation offers the page to exactly the people who may open it.
    home = client.get("/")
    assert ('href="/challenges/recommended/"' in home.content.decode()) == (response.status_code == 200)


@pytest.mark.django_db
def test_a_member_of_a_suspended_company_gets_no_recommendations(client):
    user = MembershipFactory(organisation=CompanyFactory(status="suspended")).user
    client.force_login(user)
    assert client.get("/challenges/recommended/").status_code == 403


@pytest.mark.django_db
def test_a_person_in_two_companies_sees_a_section_for_each(client):
    user = UserFactory()
    first, second = CompanyFactory(name="Alpha Queues"), CompanyFactory(name="Beta Payroll")
    for company in (first, second):
        MembershipFactory(organisation=company, user=user)
    published_solution(company=first, **BOOKING)
    open_challenge(**APPOINTMENTS)
    client.force_login(user)
    response = client.get("/challenges/recommended/")
    sections = response.context["sections"]
    assert [s.company for s in sections] == [first, second]
    assert len(sections[0].challenges) == 1 and sections[1].challenges == []
    assert "Beta Payroll has no published solution yet" in response.content.decode()


# The pages: as many queries with thirty items as with one -----------------------------------

SMALL, LARGE = 1, 30


def queries_of(client, url):
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [query["sql"] for query in captured.captured_queries]


def assert_same_count(small, large):
    assert len(small) == len(large), "\n".join(["queries with 1:", *small, "", f"queries with {LARGE}:", *large])


def add_solutions(k, n_sectors):
    for i in range(k):
        published_solution(
            company=CompanyFactory(),
            sector_codes=["social", "health", "digital"][:n_sectors],
            cpv_codes=["72212000-4", "48000000-8", "79342300-6"][:n_sectors],
            title=f"Appointment booking {i}",
            summary="Book an appointment online.",
            description="Appointments and queues at the front desk.",
        ).company.sectors.set(sectors("social"))


@pytest.mark.django_db
def test_the_challenge_page_does_not_grow_with_the_solutions(client):
    owner = OrganisationFactory()
    challenge = open_challenge(owner=owner, sector_codes=["social"], cpv_codes=["72212000-4"], **APPOINTMENTS)
    client.force_login(MembershipFactory(organisation=owner).user)
    url = f"/challenges/{challenge.pk}/matches/"
    add_solutions(SMALL, 1)
    _response, small = queries_of(client, url)
    add_solutions(LARGE - SMALL, 3)
    response, large = queries_of(client, url)
    assert len(response.context["solutions"]) == ranking.SHOWN
    assert len(response.context["companies"]) == ranking.SHOWN
    assert_same_count(small, large)


@pytest.mark.django_db
def test_the_company_page_does_not_grow_with_the_challenges_or_the_solutions(client, company):
    client.force_login(MembershipFactory(organisation=company).user)
    owner = OrganisationFactory()

    def add(k, n):
        for i in range(k):
            open_challenge(
                owner=owner,
                sector_codes=["social", "health", "digital"][:n],
                cpv_codes=["72212000-4", "48000000-8", "79342300-6"][:n],
                **{**APPOINTMENTS, "title": f"{APPOINTMENTS['title']} {i}"},
            )
            published_solution(company=company, title=f"Queue display {i}", summary="Queues.", description="")

    add(SMALL, 1)
    _response, small = queries_of(client, "/challenges/recommended/")
    add(LARGE - SMALL, 3)
    response, large = queries_of(client, "/challenges/recommended/")
    assert len(response.context["sections"][0].challenges) == ranking.SHOWN
    assert_same_count(small, large)


# The labelled set ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_labelled_set_has_fifty_challenges_or_more_each_with_relevant_published_solutions():
    labelled = build_labelled_set()
    assert len(labelled.challenges) >= 50
    published = set(ranking.recommendable_solutions().values_list("pk", flat=True))
    assert all(relevant and relevant <= published for relevant in labelled.challenges.values())
    assert not set(labelled.unpublished_solutions) & published
    # Every labelled challenge is open; the closed and cancelled ones are not.
    open_keys = set(Challenge.objects.open().values_list("pk", flat=True))
    assert set(labelled.challenges) <= open_keys
    assert labelled.closed_challenges and not set(labelled.closed_challenges) & open_keys
    assert labelled.companies and all(labelled.companies.values())


@pytest.mark.django_db
def test_the_same_seed_builds_the_same_set_in_a_fresh_database():
    def build():
        with transaction.atomic():
            labelled = build_labelled_set(seed=7, index=False)
            made = sorted(Challenge.objects.filter(pk__in=labelled.challenges).values_list("title", flat=True))
            transaction.set_rollback(True)
        return made

    assert build() == build()


@pytest.mark.django_db
def test_on_the_labelled_set_the_ranker_beats_counting_shared_words():
    labelled = build_labelled_set()
    catalogue = list(ranking.recommendable_solutions())
    texts = {s.pk: " ".join([s.title, s.summary, s.description]) for s in catalogue}
    ranker = baseline = 0.0
    for challenge in Challenge.objects.filter(pk__in=labelled.challenges).prefetch_related("sectors", "cpv_codes"):
        relevant = labelled.challenges[challenge.pk]
        found = [m.key for m in ranking.recommend_for_challenge(challenge).solutions[:5]]
        ranker += len(set(found) & relevant) / len(relevant)
        statement = " ".join(getattr(challenge, f) for f, _w in ranking.CHALLENGE_FIELDS)
        counts = {pk: ranking.keyword_overlap(statement, text) for pk, text in texts.items()}
        top = sorted(counts, key=lambda pk: (-counts[pk], pk))[:5]
        baseline += len(set(top) & relevant) / len(relevant)
    assert ranker > baseline
