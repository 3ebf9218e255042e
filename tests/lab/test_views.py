"""The lab's pages: who reaches which, what a refusal looks like (404 for a problem one may not
see, 403 for a page one may not use, sign-in for a visitor), bad input that keeps what was
typed, a decision a colleague took first, the merge suggestions, and query counts that do
not grow with the problems."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.challenges.models import Challenge
from ponte.lab.models import NEEDED_ANSWERS, Problem, ProblemStatus
from ponte.lab.services import problems as services
from ponte.organisations.models import Membership
from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.reading import Page

from .conftest import ANSWERS, submit

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"


def shown(response) -> str:
    """Everything a page says, as read (its messages included)."""
    page = Page(response)
    return page.text(page.doc)


def form_data(organisation, **changes):
    return {"organisation": organisation.pk, **ANSWERS, "possible_solution": "", **changes}


# Who reaches which page ---------------------------------------------------------------------------


def test_the_lab_home_page_shows_each_person_where_they_start(client, login, member, programme_manager, citizen):
    page = Page(client.get("/lab/"))
    assert page.response.status_code == 200
    assert page.links("sign in") == [f"{SIGN_IN}?next=/lab/"]
    assert page.links("Bring a problem to the lab", within=page.main) == []

    page = Page(login(member).get("/lab/"))
    assert page.link("Bring a problem to the lab", within=page.main) == "/lab/problems/new/"
    assert page.links("Problems waiting for triage", within=page.main) == []

    page = Page(login(programme_manager).get("/lab/"))
    assert page.link("Problems waiting for triage", within=page.main) == "/lab/problems/triage/"
    assert page.links("Bring a problem to the lab", within=page.main) == []

    page = Page(login(citizen).get("/lab/"))
    assert page.links("Bring a problem to the lab", within=page.main) == []


@pytest.mark.parametrize(
    "url", ["/lab/problems/", "/lab/problems/new/", "/lab/problems/triage/", "/lab/problems/{pk}/"]
)
def test_a_visitor_is_sent_to_sign_in(client, problem, url):
    url = url.format(pk=problem.pk)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?next={url}"


@pytest.mark.parametrize(
    "url",
    [
        "/lab/problems/{pk}/accept/",
        "/lab/problems/{pk}/decline/",
        "/lab/problems/{pk}/merge/",
        "/lab/problems/{pk}/send-to-marketplace/",
        "/lab/problems/{pk}/merge/candidates/?q=queue",
    ],
)
def test_a_visitor_acting_on_a_problem_is_sent_to_sign_in_and_nothing_changes(client, problem, url):
    url = url.format(pk=problem.pk)
    response = client.post(url, {"reason": "No.", "into": f"P-{problem.pk}"})
    assert response.status_code == 302 and response.url.startswith(f"{SIGN_IN}?next=")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SUBMITTED


def test_the_problem_list_shows_a_person_their_bodies_problems_and_the_lab_team_all(
    login, organisation, member, programme_manager, citizen
):
    mine = submit(member, organisation, title="Queues at the town hall")
    colleague = MembershipFactory(organisation=organisation).user
    theirs = submit(colleague, organisation, title="Potholes reported twice")
    elsewhere = OrganisationFactory()
    other = submit(MembershipFactory(organisation=elsewhere).user, elsewhere, title="Archive boxes in the rain")

    def listed(user, query=""):
        response = login(user).get(f"/lab/problems/{query}")
        assert response.status_code == 200
        return {p.pk for p in response.context["page"].object_list}

    assert listed(member) == {mine.pk, theirs.pk}
    assert listed(programme_manager) == {mine.pk, theirs.pk, other.pk}
    assert listed(citizen) == set()
    assert listed(MembershipFactory(organisation=CompanyFactory()).user) == set()

    services.problem_accept(actor=programme_manager, problem=theirs)
    assert listed(member, "?status=accepted") == {theirs.pk}
    assert listed(member, "?status=submitted") == {mine.pk}
    assert listed(member, "?status=nonsense") == {mine.pk, theirs.pk}  # an unknown status is ignored


# Bringing a problem -------------------------------------------------------------------------------------


def test_the_form_offers_only_the_verified_public_bodies_one_belongs_to(login, organisation, member):
    MembershipFactory(organisation=OrganisationFactory(status="suspended", name="Suspended Office"), user=member)
    MembershipFactory(organisation=CompanyFactory(name="Side Company"), user=member)
    OrganisationFactory(name="Somebody Else's Agency")
    response = login(member).get("/lab/problems/new/")
    assert response.status_code == 200
    assert list(response.context["form"].fields["organisation"].queryset) == [organisation]
    assert Page(response).labels()[:3] == ["On behalf of", "Title", "The problem"]


def test_a_public_servant_brings_a_problem_through_the_form(login, organisation, member, programme_manager):
    client = login(member)
    response = client.post("/lab/problems/new/", form_data(organisation, possible_solution="Online slots"))
    problem = Problem.objects.get()
    assert response.status_code == 302 and response.url == f"/lab/problems/{problem.pk}/"
    assert (problem.organisation, problem.submitted_by, problem.title) == (organisation, member, ANSWERS["title"])
    assert problem.possible_solution == "Online slots"
    response = client.get(response.url)
    assert "The problem is sent to the lab team. You will be told what they decide." in shown(response)
    assert ANSWERS["evidence"] in Page(response).text()


@pytest.mark.parametrize("user", ["citizen", "company member", "member of a pending body", "programme_manager"])
def test_who_may_not_bring_a_problem_is_refused_the_form(request, login, organisation, user):
    person = {
        "citizen": lambda: UserFactory(),
        "company member": lambda: MembershipFactory(organisation=CompanyFactory()).user,
        "member of a pending body": lambda: (
            MembershipFactory(organisation=OrganisationFactory(status="pending", verified_at=None)).user
        ),
        "programme_manager": lambda: request.getfixturevalue("programme_manager"),
    }[user]()
    client = login(person)
    assert client.get("/lab/problems/new/").status_code == 403
    assert client.post("/lab/problems/new/", form_data(organisation)).status_code == 403
    assert not Problem.objects.exists()


@pytest.mark.parametrize("name", [name for name in NEEDED_ANSWERS if name != "title"])
def test_a_missing_answer_is_named_beside_its_field_and_nothing_typed_is_lost(login, organisation, member, name):
    response = login(member).post("/lab/problems/new/", form_data(organisation, **{name: ""}))
    assert response.status_code == 200
    assert response.context["form"].errors == {name: [str(NEEDED_ANSWERS[name])]}
    assert str(NEEDED_ANSWERS[name]) in response.text
    for typed in ANSWERS:
        if typed != name:
            assert ANSWERS[typed] in response.text, typed
    assert not Problem.objects.exists()


def test_a_missing_title_is_named_and_the_description_typed_is_kept(login, organisation, member):
    response = login(member).post("/lab/problems/new/", form_data(organisation, title=""))
    assert response.status_code == 200
    assert response.context["form"].errors == {"title": [str(NEEDED_ANSWERS["title"])]}
    assert ANSWERS["description"] in response.text
    assert not Problem.objects.exists()


def test_a_too_long_title_is_refused_and_what_was_typed_is_kept(login, organisation, member):
    title = "Queues " * 30  # 210 characters
    response = login(member).post("/lab/problems/new/", form_data(organisation, title=title))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["title"]
    assert title.strip() in response.text and ANSWERS["description"] in response.text
    assert not Problem.objects.exists()


def test_a_body_one_does_not_belong_to_cannot_be_chosen(login, organisation, member):
    elsewhere = OrganisationFactory()
    response = login(member).post("/lab/problems/new/", form_data(elsewhere))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["organisation"]
    assert ANSWERS["title"] in response.text and ANSWERS["description"] in response.text
    assert not Problem.objects.exists()


# The problem page ---------------------------------------------------------------------------------------

OUTSIDERS = ["citizen", "company_member", "evaluator", "sponsor", "moderator", "servant_of_another_body"]


@pytest.fixture
def outsider(person_in_role):
    def make(who):
        if who == "servant_of_another_body":
            return person_in_role("public_servant")  # of a body of its own
        return person_in_role(who)

    return make


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_person_who_may_not_see_a_problem_gets_404_on_its_page(login, problem, outsider, who):
    response = login(outsider(who)).get(f"/lab/problems/{problem.pk}/")
    assert response.status_code == 404
    assert problem.title not in response.text


ACTIONS = [
    ("post", "/lab/problems/{pk}/accept/"),
    ("post", "/lab/problems/{pk}/send-to-marketplace/"),
    ("get", "/lab/problems/{pk}/decline/"),
    ("post", "/lab/problems/{pk}/decline/"),
    ("get", "/lab/problems/{pk}/merge/"),
    ("post", "/lab/problems/{pk}/merge/"),
]


@pytest.mark.parametrize(("method", "url"), ACTIONS)
def test_a_person_who_may_not_see_a_problem_gets_404_on_every_action(login, problem, outsider, method, url):
    answered = {}
    for who in OUTSIDERS:
        client = login(outsider(who))
        answered[who] = getattr(client, method)(url.format(pk=problem.pk), {"reason": "No."}).status_code
    assert answered == dict.fromkeys(OUTSIDERS, 404)


@pytest.mark.parametrize(("method", "url"), ACTIONS)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_person_who_may_not_see_a_problem_changes_nothing_through_an_action(
    login, problem, outsider, who, method, url
):
    """The refusal (404, as the test above asserts) changes nothing."""
    client = login(outsider(who))
    response = getattr(client, method)(url.format(pk=problem.pk), {"reason": "No.", "into": "P-1"})
    assert response.status_code in (403, 404)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SUBMITTED


@pytest.mark.parametrize(("method", "url"), [*ACTIONS, ("get", "/lab/problems/{pk}/")])
def test_a_problem_that_does_not_exist_is_404_to_the_lab_team(login, programme_manager, method, url):
    response = getattr(login(programme_manager), method)(url.format(pk=999999), {"reason": "No."})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["member", "colleague", "org_admin", "programme_manager", "platform_admin"])
def test_the_submitter_the_body_and_the_staff_read_the_problem(request, login, problem, organisation, who):
    person = MembershipFactory(organisation=organisation).user if who == "colleague" else request.getfixturevalue(who)
    page = Page(login(person).get(f"/lab/problems/{problem.pk}/"))
    assert page.response.status_code == 200
    assert page.headings(page.main)[0] == ANSWERS["title"]
    for answer in ("description", "affected", "evidence", "tried"):
        assert ANSWERS[answer] in page.text()
    # Only the lab team is offered the triage.
    offered = "Triage" in page.headings(page.main)
    assert offered is (who == "programme_manager")


@pytest.mark.parametrize(("method", "url"), ACTIONS)
@pytest.mark.parametrize("who", ["member", "org_admin", "platform_admin"])
def test_who_sees_the_problem_but_does_not_triage_gets_403_on_the_actions(request, login, problem, who, method, url):
    response = getattr(login(request.getfixturevalue(who)), method)(url.format(pk=problem.pk), {"reason": "No."})
    assert response.status_code == 403
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SUBMITTED


def test_a_declined_problem_shows_its_submitter_why(login, problem, member, programme_manager):
    login(programme_manager).post(f"/lab/problems/{problem.pk}/decline/", {"reason": "The region handles it."})
    page = Page(login(member).get(f"/lab/problems/{problem.pk}/"))
    assert "The region handles it." in page.text(page.part("Why the lab declined it"))
    assert "Triage" not in page.headings(page.main)


# The triage queue ---------------------------------------------------------------------------------------


def test_the_triage_queue_lists_what_waits_oldest_first_to_programme_managers_only(
    login, organisation, member, programme_manager, put_in
):
    first = submit(member, organisation, title="First brought")
    second = submit(member, organisation, title="Second brought")
    put_in(submit(member, organisation, title="Already accepted"), ProblemStatus.ACCEPTED)
    response = login(programme_manager).get("/lab/problems/triage/")
    assert response.status_code == 200
    assert [p.pk for p in response.context["page"].object_list] == [first.pk, second.pk]
    assert "Already accepted" not in response.text
    assert login(member).get("/lab/problems/triage/").status_code == 403


@pytest.mark.parametrize("who", ["member", "org_admin", "citizen", "platform_admin"])
def test_the_triage_queue_is_403_to_anyone_but_the_lab_team(request, login, who):
    assert login(request.getfixturevalue(who)).get("/lab/problems/triage/").status_code == 403


# Triage through the pages -------------------------------------------------------------------------------


def test_accepting_through_the_page(login, problem, programme_manager):
    client = login(programme_manager)
    page = Page(client.get(f"/lab/problems/{problem.pk}/"))
    assert page.response.status_code == 200
    response = client.post(f"/lab/problems/{problem.pk}/accept/")
    assert response.status_code == 302 and response.url == f"/lab/problems/{problem.pk}/"
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.ACCEPTED
    assert "The problem is accepted into the lab's portfolio. Its submitter is told." in shown(client.get(response.url))


def test_the_decisions_taken_by_a_post_refuse_a_get(login, problem, programme_manager):
    client = login(programme_manager)
    assert client.get(f"/lab/problems/{problem.pk}/accept/").status_code == 405
    assert client.get(f"/lab/problems/{problem.pk}/send-to-marketplace/").status_code == 405
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SUBMITTED


def test_declining_through_the_page_asks_for_a_reason_first(login, problem, programme_manager):
    client = login(programme_manager)
    assert client.get(f"/lab/problems/{problem.pk}/decline/").status_code == 200
    response = client.post(f"/lab/problems/{problem.pk}/decline/", {"reason": "   "})
    assert response.status_code == 200
    assert "Say why the problem is declined: its submitter reads it." in response.text
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SUBMITTED

    response = client.post(f"/lab/problems/{problem.pk}/decline/", {"reason": "Out of scope."})
    assert response.status_code == 302 and response.url == "/lab/problems/triage/"
    problem.refresh_from_db()
    assert (problem.status, problem.triage_reason) == (ProblemStatus.DECLINED, "Out of scope.")


@pytest.mark.parametrize("named", ["reference", "title"])
def test_merging_through_the_page_by_reference_or_title(login, problem, organisation, member, programme_manager, named):
    into = submit(member, organisation, title="School enrolment queues")
    client = login(programme_manager)
    assert client.get(f"/lab/problems/{problem.pk}/merge/").status_code == 200
    typed = f"P-{into.pk} School enrolment queues" if named == "reference" else "school enrolment QUEUES"
    response = client.post(f"/lab/problems/{problem.pk}/merge/", {"into": typed, "reason": "Same queue."})
    assert response.status_code == 302 and response.url == f"/lab/problems/{into.pk}/"
    problem.refresh_from_db()
    assert (problem.status, problem.merged_into) == (ProblemStatus.MERGED, into)
    # The problem merged into lists it, for the lab team.
    page = Page(client.get(response.url))
    assert f"P-{problem.pk} {problem.title}" in page.items(page.part("Problems merged with this one"))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("P-999999", "Choose the problem to merge it with"),
        ("A title nobody gave", "Choose the problem to merge it with"),
        ("", "Choose the problem to merge it with"),
        ("self", "A problem cannot be merged with itself"),
        ("declined", "merge into a problem waiting for triage or accepted"),
    ],
)
def test_a_merge_that_cannot_be_done_says_why_and_keeps_what_was_typed(
    login, problem, organisation, member, programme_manager, put_in, typed, message
):
    if typed == "self":
        typed = f"P-{problem.pk}"
    elif typed == "declined":
        typed = f"P-{put_in(submit(member, organisation, title='Declined queue'), ProblemStatus.DECLINED).pk}"
    response = login(programme_manager).post(
        f"/lab/problems/{problem.pk}/merge/", {"into": typed, "reason": "Both are about the enrolment queue."}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["into"]
    assert message in response.context["form"].errors["into"][0]
    assert "Both are about the enrolment queue." in response.text
    if typed:
        assert f'value="{typed}"' in response.text
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SUBMITTED


def test_sending_through_the_page_starts_a_draft_challenge(login, problem, programme_manager):
    client = login(programme_manager)
    response = client.post(f"/lab/problems/{problem.pk}/send-to-marketplace/")
    assert response.status_code == 302 and response.url == f"/lab/problems/{problem.pk}/"
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SENT_TO_MARKETPLACE
    assert Challenge.objects.get().status == "draft"
    assert "A draft challenge is started from the problem" in shown(client.get(response.url))


def test_sending_is_refused_with_a_message_when_the_submitter_left_the_body(
    login, problem, organisation, member, programme_manager
):
    Membership.objects.filter(user=member, organisation=organisation).delete()
    client = login(programme_manager)
    response = client.post(f"/lab/problems/{problem.pk}/send-to-marketplace/")
    assert response.status_code == 302 and response.url == f"/lab/problems/{problem.pk}/"
    assert f"is no longer a member of {organisation.name}" in shown(client.get(response.url))
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.SUBMITTED
    assert not Challenge.objects.exists()


TRIAGE_POSTS = {
    "accept": ("/lab/problems/{pk}/accept/", {}),
    "decline": ("/lab/problems/{pk}/decline/", {"reason": "Out of scope."}),
    "merge": ("/lab/problems/{pk}/merge/", {"into": "P-{into}"}),
    "send": ("/lab/problems/{pk}/send-to-marketplace/", {}),
}


@pytest.mark.parametrize("action", list(TRIAGE_POSTS))
@pytest.mark.parametrize("taken", [ProblemStatus.ACCEPTED, ProblemStatus.DECLINED])
def test_a_problem_a_colleague_triaged_first_leads_back_to_it_with_a_message(
    login, problem, organisation, member, programme_manager, put_in, taken, action
):
    put_in(problem, taken)  # by a colleague, a moment earlier
    into = submit(member, organisation, title="School enrolment queues")
    colleague = UserFactory(is_programme_manager=True)
    url, data = TRIAGE_POSTS[action]
    data = {key: value.format(into=into.pk) for key, value in data.items()}
    client = login(colleague)
    response = client.post(url.format(pk=problem.pk), data)
    assert response.status_code == 302 and response.url == f"/lab/problems/{problem.pk}/"
    page = client.get(response.url)
    label = ProblemStatus(taken).label
    assert f"This problem was already triaged: it is now “{label}”." in shown(page)
    problem.refresh_from_db()
    assert problem.status == taken and problem.triaged_by != colleague
    assert not Challenge.objects.exists()


# Merge suggestions ---------------------------------------------------------------------------------------


def suggestions(client, problem, text):
    response = client.get(f"/lab/problems/{problem.pk}/merge/candidates/", {"q": text})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [item["value"] for item in response.json()["results"]]


def test_merge_suggestions_by_reference_and_by_part_of_a_title(
    login, problem, organisation, member, programme_manager, put_in
):
    twin = submit(member, organisation, title="Enrolment queue at schools")
    accepted = put_in(submit(member, organisation, title="Queue for parking permits"), ProblemStatus.ACCEPTED)
    put_in(submit(member, organisation, title="Queue that was declined"), ProblemStatus.DECLINED)
    put_in(submit(member, organisation, title="Queue that was merged"), ProblemStatus.MERGED)
    put_in(submit(member, organisation, title="Queue sent to the marketplace"), ProblemStatus.SENT_TO_MARKETPLACE)
    client = login(programme_manager)

    assert suggestions(client, problem, f"P-{twin.pk}") == [f"P-{twin.pk} Enrolment queue at schools"]
    assert suggestions(client, problem, f"p-{accepted.pk}") == [f"P-{accepted.pk} Queue for parking permits"]
    found = suggestions(client, problem, "QUEUE")
    assert f"P-{twin.pk} Enrolment queue at schools" in found
    assert f"P-{accepted.pk} Queue for parking permits" in found
    # Never the problem itself, nor one the lab no longer works on.
    assert not any(value.startswith(f"P-{problem.pk} ") for value in found)
    assert not any("declined" in value or "merged" in value or "marketplace" in value for value in found)
    assert suggestions(client, problem, f"P-{problem.pk}") == []
    assert suggestions(client, problem, "declined") == []
    # The merge target's (the one found by the merge form) "(body)" is in the name shown.
    response = client.get(f"/lab/problems/{problem.pk}/merge/candidates/", {"q": f"P-{twin.pk}"})
    assert response.json()["results"][0]["name"] == f"P-{twin.pk} Enrolment queue at schools ({organisation.name})"


def test_merge_suggestions_need_two_letters(login, problem, organisation, member, programme_manager):
    submit(member, organisation, title="Q")
    assert suggestions(login(programme_manager), problem, "q") == []


@pytest.mark.parametrize(
    ("who", "status"), [("member", 403), ("org_admin", 403), ("platform_admin", 403), ("citizen", 404)]
)
def test_merge_suggestions_are_for_the_lab_team_only(request, login, problem, organisation, member, who, status):
    """Those who see the problem are refused; for anyone else it does not exist."""
    submit(member, organisation, title="Enrolment queue at schools")
    response = login(request.getfixturevalue(who)).get(f"/lab/problems/{problem.pk}/merge/candidates/", {"q": "queue"})
    assert response.status_code == status
    assert b"Enrolment queue" not in response.content


# Query counts -------------------------------------------------------------------------------------------


def _add_problems(organisation, n):
    """n problems of the body, each brought by a different colleague."""
    for k in range(n):
        colleague = MembershipFactory(organisation=organisation).user
        submit(colleague, organisation, title=f"Problem {k} of {organisation.name}")


def _queries(client, url, expected_rows):
    client.get(url)  # warm the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == expected_rows
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("member", "/lab/problems/"),
        ("programme_manager", "/lab/problems/"),
        ("programme_manager", "/lab/problems/triage/"),
    ],
)
def test_the_lists_make_as_many_queries_with_12_problems_as_with_2(request, login, organisation, who, url):
    client = login(request.getfixturevalue(who))
    bodies = [organisation, OrganisationFactory()] if who == "programme_manager" else [organisation]
    per_body = {1: 2, 2: 1}[len(bodies)]
    for body in bodies:
        _add_problems(body, per_body)
    few = _queries(client, url, 2)
    for body in bodies:
        _add_problems(body, 10 // len(bodies))
    many = _queries(client, url, 12)
    assert len(few) == len(many), "\n".join(["with 2:", *few, "", "with 12:", *many])


# A problem merged into another body's problem ---------------------------------------------------------


def test_the_submitter_follows_the_problem_theirs_was_merged_into_in_their_body(
    login, problem, organisation, member, programme_manager
):
    into = submit(MembershipFactory(organisation=organisation).user, organisation, title="School enrolment queues")
    services.problem_merge(actor=programme_manager, problem=problem, into=into)
    client = login(member)
    page = Page(client.get(problem.get_absolute_url()))
    assert page.link(f"P-{into.pk} School enrolment queues") == into.get_absolute_url()
    assert client.get(into.get_absolute_url()).status_code == 200


def test_what_the_submitter_reads_of_a_problem_of_another_body_theirs_was_merged_into_they_may_open(
    login, problem, member, programme_manager
):
    elsewhere = OrganisationFactory(name="Regional Schools Office")
    into = submit(MembershipFactory(organisation=elsewhere).user, elsewhere, title="Regional enrolment audit")
    services.problem_merge(actor=programme_manager, problem=problem, into=into)
    client = login(member)
    response = client.get(problem.get_absolute_url())
    assert response.status_code == 200
    # The submitter follows the problem theirs was merged into, whichever body has it.
    assert "Regional enrolment audit" in response.text
    assert client.get(into.get_absolute_url()).status_code == 200
