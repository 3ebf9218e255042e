"""The lab's project pages: the portfolio each person may read, its filters, counts and stuck
projects; who reaches a project and its actions (404 for a project one may not see, 403 for an
action one may not take, sign-in for a visitor); bad input that keeps what was typed; a
sponsor acting on what was already decided; the suggestions of people; and query counts that
do not grow with the projects or the gates."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.lab.models import (
    PROJECT_NEEDED,
    Facet,
    GateDecision,
    GateRequest,
    ProblemStatus,
    Project,
    ProjectStatus,
    Sponsorship,
)
from ponte.lab.services import problems as problem_services
from ponte.lab.services import projects as services
from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.reading import Page

from .conftest import PROJECT_ANSWERS, advance, ask, decide, start, submit

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"
DECLINE_NOTE = "Say why you decline: the lab team reads it."
NOTHING_TO_DECIDE = "No request waits for your decision on this project."


def shown(response) -> str:
    """Everything a page says, as read (its messages included)."""
    page = Page(response)
    return page.text(page.doc)


def needed(name) -> str:
    return str(PROJECT_NEEDED[name])


def new_project(manager, body, *, title, sponsor, facet="enhancement", team=None):
    """A project of `body` started by the lab team from an accepted problem of the body."""
    author = team[0] if team else MembershipFactory(organisation=body).user
    problem = submit(author, body, title=f"The problem behind {title}")
    problem_services.problem_accept(actor=manager, problem=problem)
    return start(manager, problem, title=title, facet=facet, sponsor=sponsor, team=team or [author])


def listed(client, query=""):
    response = client.get(f"/lab/projects/{query}")
    assert response.status_code == 200
    return {p.title for p in response.context["page"].object_list}


# The portfolio --------------------------------------------------------------------------------------


@pytest.fixture
def portfolio(organisation, member, programme_manager, sponsor):
    """Two projects of the organisation (one the member is on, one a colleague is on) and one
    of another public body, with another sponsor."""
    elsewhere = OrganisationFactory(name="Regional Schools Office")
    colleague = MembershipFactory(organisation=organisation).user
    return {
        "ours": new_project(programme_manager, organisation, title="Ours", sponsor=sponsor, team=[member]),
        "colleagues": new_project(
            programme_manager, organisation, title="Colleague's", sponsor=sponsor, team=[colleague]
        ),
        "theirs": new_project(
            programme_manager, elsewhere, title="Theirs", sponsor=UserFactory(is_sponsor=True), facet="adaptive"
        ),
        "elsewhere": elsewhere,
    }


def test_the_portfolio_lists_what_each_person_may_see(
    login, portfolio, member, org_admin, programme_manager, platform_admin, sponsor, person_in_role
):
    everything = {"Ours", "Colleague's", "Theirs"}
    # The lab team, the platform admins and every sponsor read the whole portfolio.
    assert listed(login(programme_manager)) == everything
    assert listed(login(platform_admin)) == everything
    assert listed(login(sponsor)) == everything
    assert listed(login(UserFactory(is_sponsor=True))) == everything
    # A public servant reads their body's projects, whichever they are on.
    assert listed(login(member)) == {"Ours", "Colleague's"}
    assert listed(login(org_admin)) == {"Ours", "Colleague's"}
    assert listed(login(MembershipFactory(organisation=portfolio["elsewhere"]).user)) == {"Theirs"}
    # Anyone else reads none.
    for role in ("company_member", "citizen", "evaluator", "moderator"):
        assert listed(login(person_in_role(role))) == set(), role
    assert listed(login(person_in_role("public_servant"))) == set()


def test_the_portfolio_is_for_people_signed_in(client, portfolio):
    response = client.get("/lab/projects/")
    assert response.status_code == 302 and response.url == f"{SIGN_IN}?next=/lab/projects/"


def test_the_portfolio_filters_by_stage_facet_and_status_and_ignores_unknown_values(
    login, portfolio, member, sponsor, programme_manager
):
    ours = portfolio["ours"]
    services.sponsorship_answer(actor=sponsor, project=ours, accept=True)
    advance(ours, member, sponsor)  # to co_create
    ask(member, ours, stop=True, lessons="Parents prefer the phone.")
    decide(sponsor, ours, "go")  # stopped at co_create
    client = login(programme_manager)

    assert listed(client, "?stage=co_create") == {"Ours"}
    assert listed(client, "?stage=investigate") == {"Colleague's", "Theirs"}
    assert listed(client, "?facet=adaptive") == {"Theirs"}
    assert listed(client, "?facet=enhancement") == {"Ours", "Colleague's"}
    assert listed(client, "?status=stopped") == {"Ours"}
    assert listed(client, "?status=active") == {"Colleague's", "Theirs"}
    assert listed(client, "?stage=investigate&facet=enhancement&status=active") == {"Colleague's"}
    assert listed(client, "?stage=evaluate") == set()
    # An unknown value is no filter at all, and the form shows none chosen.
    everything = {"Ours", "Colleague's", "Theirs"}
    assert listed(client, "?stage=nonsense") == everything
    assert listed(client, "?facet=disruptive&status=paused") == everything
    response = client.get("/lab/projects/?stage=nonsense&facet=adaptive&status=paused")
    assert response.context["filters"] == {"stage": "", "facet": "adaptive", "status": ""}
    assert {p.title for p in response.context["page"].object_list} == {"Theirs"}
    # A stage the deployment does not use is unknown too.
    assert listed(client, "?stage=scale%20up") == everything


def test_the_portfolio_counts_active_projects_by_stage_and_facet_over_what_the_viewer_sees(
    login, organisation, member, programme_manager, sponsor
):
    elsewhere = OrganisationFactory()
    made = {
        ("investigate", Facet.ENHANCEMENT, organisation, ProjectStatus.ACTIVE, ""),
        ("co_create", Facet.MISSION, organisation, ProjectStatus.ACTIVE, ""),
        ("co_create", Facet.MISSION, elsewhere, ProjectStatus.ACTIVE, ""),
        ("scale", Facet.ANTICIPATORY, elsewhere, ProjectStatus.ACTIVE, ""),
        ("experiment", Facet.ADAPTIVE, organisation, ProjectStatus.STOPPED, "Parents prefer the phone."),
        ("evaluate", Facet.ADAPTIVE, organisation, ProjectStatus.STOPPED, ""),
        ("evaluate", Facet.ENHANCEMENT, elsewhere, ProjectStatus.STOPPED, "Measure first."),
    }
    for k, (stage, facet, body, status, lessons) in enumerate(sorted(made, key=str)):
        project = new_project(programme_manager, body, title=f"Project {k}", sponsor=sponsor, facet=facet)
        Project.objects.filter(pk=project.pk).update(stage=stage, status=status, lessons=lessons)

    response = login(programme_manager).get("/lab/projects/")
    assert response.context["by_stage"] == [
        ("Investigate", 1),
        ("Co-create", 2),
        ("Experiment", 0),
        ("Evaluate", 0),
        ("Scale", 1),
    ]
    assert response.context["by_facet"] == [
        ("Enhancement-oriented", 1),
        ("Mission-oriented", 2),
        ("Adaptive", 0),
        ("Anticipatory", 1),
    ]
    assert (response.context["counts"]["stopped"], response.context["counts"]["with_lessons"]) == (3, 2)
    assert "3 projects stopped, 2 of them with lessons learned." in shown(response)

    response = login(member).get("/lab/projects/")
    assert response.context["by_stage"] == [
        ("Investigate", 1),
        ("Co-create", 1),
        ("Experiment", 0),
        ("Evaluate", 0),
        ("Scale", 0),
    ]
    assert dict(response.context["by_facet"]) == {
        "Enhancement-oriented": 1,
        "Mission-oriented": 1,
        "Adaptive": 0,
        "Anticipatory": 0,
    }
    assert "2 projects stopped, 1 of them with lessons learned." in shown(response)


def test_the_portfolio_counts_the_stages_the_deployment_chose(
    settings, login, organisation, programme_manager, sponsor
):
    settings.PONTE_LAB_STAGES = ["investigate", "experiment", "scale"]
    new_project(programme_manager, organisation, title="Only one", sponsor=sponsor)
    response = login(programme_manager).get("/lab/projects/")
    assert response.context["by_stage"] == [("Investigate", 1), ("Experiment", 0), ("Scale", 0)]
    assert [name for _value, name in response.context["stages"]] == ["Investigate", "Experiment", "Scale"]


def entered_days_ago(days: int):
    """Days in a stage are calendar days where the deployment is: noon that many days ago, so
    that a change of summer time between then and now moves no date."""
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days), time(12)))


def test_a_project_in_its_stage_for_too_long_is_flagged_stuck(login, organisation, programme_manager, sponsor):
    for title, days, status in [
        ("Stuck one", 91, ProjectStatus.ACTIVE),
        ("Almost stuck", 89, ProjectStatus.ACTIVE),
        ("Stopped long ago", 400, ProjectStatus.STOPPED),
    ]:
        project = new_project(programme_manager, organisation, title=title, sponsor=sponsor)
        Project.objects.filter(pk=project.pk).update(stage_entered_at=entered_days_ago(days), status=status)
    client = login(programme_manager)
    page = Page(client.get("/lab/projects/"))
    assert "91 days Stuck: over 90 days" in page.row_text("Stuck one")
    assert "89 days" in page.row_text("Almost stuck") and "Stuck" not in page.row_text("Almost stuck")
    assert "Stuck" not in page.row_text("Stopped long ago")

    stuck = Project.objects.get(title="Stuck one")
    assert "In this stage for longer than the lab expects" in Page(client.get(stuck.get_absolute_url())).text()
    almost = Project.objects.get(title="Almost stuck")
    assert "In this stage for longer than the lab expects" not in Page(client.get(almost.get_absolute_url())).text()


def test_how_long_is_too_long_is_the_deployments_choice(settings, login, organisation, programme_manager, sponsor):
    settings.PONTE_LAB_STUCK_DAYS = 30
    project = new_project(programme_manager, organisation, title="A month in", sponsor=sponsor)
    Project.objects.filter(pk=project.pk).update(stage_entered_at=entered_days_ago(31))
    page = Page(login(programme_manager).get("/lab/projects/"))
    assert "Stuck: over 30 days" in page.row_text("A month in")


def test_a_stage_move_clears_the_stuck_flag(login, sponsored, member, sponsor, programme_manager):
    Project.objects.filter(pk=sponsored.pk).update(stage_entered_at=timezone.now() - timedelta(days=120))
    client = login(programme_manager)
    assert "Stuck" in Page(client.get("/lab/projects/")).row_text(sponsored.title)
    sponsored.refresh_from_db()
    advance(sponsored, member, sponsor)
    assert "Stuck" not in Page(client.get("/lab/projects/")).row_text(sponsored.title)


def test_the_portfolio_shows_which_projects_wait_for_a_gate_decision(login, sponsored, member, programme_manager):
    client = login(programme_manager)
    assert "Gate decision waiting" not in Page(client.get("/lab/projects/")).row_text(sponsored.title)
    ask(member, sponsored)
    assert "Gate decision waiting" in Page(client.get("/lab/projects/")).row_text(sponsored.title)


# Who reaches a project and its actions ----------------------------------------------------------------

ACTIONS = [
    ("get", "/lab/projects/{pk}/sponsorship/"),
    ("post", "/lab/projects/{pk}/sponsorship/"),
    ("get", "/lab/projects/{pk}/sponsor/"),
    ("post", "/lab/projects/{pk}/sponsor/"),
    ("get", "/lab/projects/{pk}/gate/"),
    ("post", "/lab/projects/{pk}/gate/"),
    ("get", "/lab/projects/{pk}/decision/"),
    ("post", "/lab/projects/{pk}/decision/"),
]
ANYTHING = {
    "answer": "accept",
    "note": "Anything.",
    "sponsor": "sofia.sponsor@example.com",
    "move": "next",
    "evidence": "Anything.",
    "decision": "go",
    "rationale": "Anything.",
    "lessons": "Anything.",
}
OUTSIDERS = ["company_member", "citizen", "evaluator", "moderator", "servant_of_another_body"]


@pytest.fixture
def outsider(person_in_role):
    def make(who):
        if who == "servant_of_another_body":
            return person_in_role("public_servant")  # of a body of its own
        return person_in_role(who)

    return make


@pytest.fixture
def waiting(sponsored, member):
    """The sponsored project, a request of its team waiting for the sponsor."""
    ask(member, sponsored)
    return sponsored


def _unchanged(project, sponsor):
    project.refresh_from_db()
    assert (project.sponsor, project.sponsorship, project.stage, project.status) == (
        sponsor,
        Sponsorship.ACCEPTED,
        "investigate",
        ProjectStatus.ACTIVE,
    )
    assert GateRequest.objects.get(project=project).decision == GateDecision.PENDING


@pytest.mark.parametrize("url", ["/lab/projects/{pk}/", *dict.fromkeys(url for _method, url in ACTIONS)])
def test_a_visitor_is_sent_to_sign_in(client, waiting, sponsor, url):
    url = url.format(pk=waiting.pk)
    for response in (client.get(url), client.post(url, ANYTHING)):
        assert response.status_code == 302 and response.url == f"{SIGN_IN}?next={url}"
    _unchanged(waiting, sponsor)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_person_who_may_not_see_a_project_gets_404_on_its_page_and_every_action(
    login, waiting, sponsor, outsider, who
):
    client = login(outsider(who))
    response = client.get(f"/lab/projects/{waiting.pk}/")
    assert response.status_code == 404
    assert waiting.title not in response.text
    answered = {
        f"{method} {url}": getattr(client, method)(url.format(pk=waiting.pk), ANYTHING).status_code
        for method, url in ACTIONS
    }
    assert answered == dict.fromkeys(answered, 404)
    _unchanged(waiting, sponsor)


@pytest.mark.parametrize(("method", "url"), [*ACTIONS, ("get", "/lab/projects/{pk}/")])
def test_a_project_that_does_not_exist_is_404_to_the_lab_team(login, programme_manager, method, url):
    assert getattr(login(programme_manager), method)(url.format(pk=999999), ANYTHING).status_code == 404


@pytest.mark.parametrize(
    "who", ["member", "colleague", "org_admin", "programme_manager", "platform_admin", "sponsor", "another sponsor"]
)
def test_the_team_the_body_the_staff_and_sponsors_read_the_project(request, login, waiting, organisation, who):
    person = {
        "colleague": lambda: MembershipFactory(organisation=organisation).user,
        "another sponsor": lambda: UserFactory(is_sponsor=True),
    }.get(who, lambda: request.getfixturevalue(who))()
    page = Page(login(person).get(f"/lab/projects/{waiting.pk}/"))
    assert page.response.status_code == 200
    assert page.headings(page.main)[0] == PROJECT_ANSWERS["title"]
    assert PROJECT_ANSWERS["targets"] in page.text() and PROJECT_ANSWERS["summary"] in page.text()
    assert "Waiting for the sponsor's decision" in page.headings(page.main)
    # Only the project's own sponsor is offered the decision.
    assert bool(page.links("Decide at the gate", within=page.main)) is (who == "sponsor")


def _declined(project, sponsor):
    services.sponsorship_answer(actor=sponsor, project=project, accept=False, note="Not in my portfolio.")


def _sponsored(project, sponsor):
    services.sponsorship_answer(actor=sponsor, project=project, accept=True)


def _waiting(project, sponsor):
    _sponsored(project, sponsor)
    ask(project.team.get(), project)


# For each action: the state in which someone may take it, who may, and who sees the project
# but may not.
MAY_NOT = {
    "/lab/projects/{pk}/sponsorship/": (
        None,
        "sponsor",
        ["member", "org_admin", "programme_manager", "platform_admin", "another sponsor"],
    ),
    "/lab/projects/{pk}/sponsor/": (
        _declined,
        "programme_manager",
        ["member", "org_admin", "platform_admin", "another sponsor"],
    ),
    "/lab/projects/{pk}/gate/": (
        _sponsored,
        "member",
        ["colleague", "org_admin", "sponsor", "programme_manager", "platform_admin"],
    ),
    "/lab/projects/{pk}/decision/": (
        _waiting,
        "sponsor",
        ["member", "org_admin", "programme_manager", "platform_admin", "another sponsor"],
    ),
}


@pytest.mark.parametrize("url", list(MAY_NOT))
def test_who_sees_the_project_but_may_not_take_an_action_gets_403(request, login, project, organisation, sponsor, url):
    state, allowed, refused = MAY_NOT[url]
    if state:
        state(project, sponsor)
    url = url.format(pk=project.pk)
    project.refresh_from_db()
    before = (project.sponsor_id, project.sponsorship, project.stage, project.status, GateRequest.objects.count())

    def person(who):
        if who == "colleague":
            return MembershipFactory(organisation=organisation).user
        if who == "another sponsor":
            return UserFactory(is_sponsor=True)
        return request.getfixturevalue(who)

    assert login(person(allowed)).get(url).status_code == 200
    answered = {}
    for who in refused:
        client = login(person(who))
        answered[who] = (client.get(url).status_code, client.post(url, ANYTHING).status_code)
    assert answered == dict.fromkeys(refused, (403, 403))
    project.refresh_from_db()
    assert (project.sponsor_id, project.sponsorship, project.stage, project.status, GateRequest.objects.count()) == (
        before
    )


def test_each_person_is_offered_what_they_may_do_on_the_project_page(
    login, project, member, sponsor, programme_manager, organisation
):
    url = project.get_absolute_url()

    def offered(user):
        page = Page(login(user).get(url))
        return {
            name
            for name in (
                "Answer: sponsor this project?",
                "Ask another sponsor",
                "Ask the sponsor to decide",
                "Decide at the gate",
            )
            if page.links(name, within=page.main)
        }

    assert offered(sponsor) == {"Answer: sponsor this project?"}
    assert offered(member) == offered(programme_manager) == set()
    _declined(project, sponsor)
    assert offered(programme_manager) == {"Ask another sponsor"}
    assert offered(sponsor) == offered(member) == set()
    services.sponsor_ask_again(actor=programme_manager, project=project, sponsor=sponsor)
    _sponsored(project, sponsor)
    assert offered(member) == {"Ask the sponsor to decide"}
    assert offered(MembershipFactory(organisation=organisation).user) == set()  # not on the team
    assert offered(sponsor) == offered(programme_manager) == set()
    ask(member, project)
    assert offered(sponsor) == {"Decide at the gate"}
    assert offered(member) == set()


# Starting a project through the page ---------------------------------------------------------------------


def start_form(member, **changes):
    return {
        **PROJECT_ANSWERS,
        "budget": "15000",
        "sponsor": "sofia.sponsor@example.com",
        "team": member.email,
        **changes,
    }


def test_the_lab_team_starts_a_project_from_the_accepted_problems_page(
    login, accepted, organisation, member, programme_manager, sponsor
):
    colleague = MembershipFactory(organisation=organisation, user__email="carl.colleague@example.com").user
    client = login(programme_manager)
    page = Page(client.get(accepted.get_absolute_url()))
    assert page.link("Start a project", within=page.main) == f"/lab/problems/{accepted.pk}/start-project/"

    response = client.get(f"/lab/problems/{accepted.pk}/start-project/")
    assert response.status_code == 200
    form = response.context["form"]
    # What the problem says is where the project starts from.
    assert form["title"].value() == accepted.title and form["summary"].value() == accepted.description
    assert form["team"].value() == member.email

    response = client.post(
        f"/lab/problems/{accepted.pk}/start-project/",
        start_form(member, sponsor=" SOFIA.Sponsor@Example.com ", team=f"{member.email.upper()}, {colleague.email}"),
    )
    project = Project.objects.get()
    assert response.status_code == 302 and response.url == f"/lab/projects/{project.pk}/"
    assert (project.problem, project.organisation, project.sponsor) == (accepted, organisation, sponsor)
    assert set(project.team.all()) == {member, colleague}
    assert str(project.budget) == "15000.00" and project.facet == "enhancement"
    page = client.get(response.url)
    assert "The project is started. Its sponsor is asked to accept it." in shown(page)
    assert "Sofia Sponsor is asked to sponsor the project." in shown(page)
    # The problem's page leads to it, and offers no second project.
    page = Page(client.get(accepted.get_absolute_url()))
    assert page.link(project.title, within=page.main) == project.get_absolute_url()
    assert page.links("Start a project", within=page.main) == []


@pytest.mark.parametrize("who", ["citizen", "company_member", "evaluator", "sponsor", "servant_of_another_body"])
def test_who_may_not_see_the_problem_gets_404_on_starting_a_project(
    request, login, accepted, member, outsider, sponsor, who
):
    person = sponsor if who == "sponsor" else outsider(who)
    client = login(person)
    url = f"/lab/problems/{accepted.pk}/start-project/"
    assert client.get(url).status_code == 404
    assert client.post(url, start_form(member)).status_code == 404
    assert not Project.objects.exists()


@pytest.mark.parametrize("who", ["member", "org_admin", "platform_admin"])
def test_who_sees_the_problem_but_does_not_run_the_lab_gets_403_on_starting_a_project(request, login, accepted, who):
    member = request.getfixturevalue("member")
    client = login(request.getfixturevalue(who))
    url = f"/lab/problems/{accepted.pk}/start-project/"
    assert client.get(url).status_code == 403
    assert client.post(url, start_form(member)).status_code == 403
    assert not Project.objects.exists()


@pytest.mark.parametrize("status", [ProblemStatus.SUBMITTED, ProblemStatus.DECLINED, "with a project"])
def test_the_lab_team_starts_no_project_from_a_problem_not_accepted_or_with_one(
    login, problem, put_in, programme_manager, member, sponsor, status
):
    if status == "with a project":
        put_in(problem, ProblemStatus.ACCEPTED)
        start(programme_manager, problem, sponsor=sponsor, team=[member])
    elif status != ProblemStatus.SUBMITTED:
        put_in(problem, status)
    client = login(programme_manager)
    url = f"/lab/problems/{problem.pk}/start-project/"
    assert client.get(url).status_code == 403
    assert client.post(url, start_form(member, title="Another try")).status_code == 403
    assert Project.objects.count() == (1 if status == "with a project" else 0)
    page = Page(client.get(problem.get_absolute_url()))
    assert page.links("Start a project", within=page.main) == []


def _citizen_address(organisation):
    return UserFactory(email="carla@example.com").email


def _outsider_address(organisation):
    return MembershipFactory(organisation=CompanyFactory(), user__email="ceo@startup.example").user.email


@pytest.mark.parametrize(
    ("name", "typed", "message"),
    [
        ("title", "", needed("title")),
        ("summary", "", needed("summary")),
        ("targets", "", needed("targets")),
        ("facet", "", needed("facet")),
        ("facet", "disruptive", needed("facet")),
        ("budget", "", needed("budget")),
        ("budget", "-5", needed("budget")),
        ("budget", "lots", needed("budget")),
        ("sponsor", "", needed("sponsor")),
        ("sponsor", "nobody@example.com", "Nobody on Ponte has this address: name a person with the sponsor role."),
        ("sponsor", _citizen_address, needed("sponsor")),
        ("team", "", "Name at least one person of the public body on the team."),
        ("team", "ghost@example.com", "Nobody on Ponte has these addresses: ghost@example.com."),
        ("team", _outsider_address, "ceo@startup.example do not belong to Agency for Modernisation"),
    ],
    ids=lambda value: getattr(value, "__name__", None) or repr(value)[:40],
)
def test_bad_input_when_starting_a_project_is_named_beside_its_field_and_nothing_typed_is_lost(
    login, accepted, organisation, member, programme_manager, sponsor, name, typed, message
):
    if callable(typed):
        typed = typed(organisation)
    data = start_form(member, **{name: typed})
    if name == "team" and typed:
        data["team"] = f"{member.email}, {typed}"
    response = login(programme_manager).post(f"/lab/problems/{accepted.pk}/start-project/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [name]
    assert message in errors[name][0]
    assert message in shown(response)
    for field, value in data.items():
        if field not in (name, "facet", "budget") and value:
            assert value in response.context["form"][field].value(), field
            assert value in response.text, field
    if typed and name != "facet":
        assert typed in response.text
    assert not Project.objects.exists()


# The sponsor's answer through the page -----------------------------------------------------------------


def test_the_sponsor_accepts_through_the_page(login, project, sponsor):
    client = login(sponsor)
    assert client.get(f"/lab/projects/{project.pk}/sponsorship/").status_code == 200
    response = client.post(f"/lab/projects/{project.pk}/sponsorship/", {"answer": "accept", "note": ""})
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    project.refresh_from_db()
    assert project.sponsorship == Sponsorship.ACCEPTED
    assert "You sponsor the project. Its team can now ask you at each gate." in shown(client.get(response.url))


def test_declining_needs_a_note_and_keeps_what_was_typed(login, project, sponsor):
    client = login(sponsor)
    response = client.post(f"/lab/projects/{project.pk}/sponsorship/", {"answer": "decline", "note": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors == {"note": [DECLINE_NOTE]}
    assert DECLINE_NOTE in shown(response)
    too_long = "Not now. " * 500  # 4,500 characters
    response = client.post(f"/lab/projects/{project.pk}/sponsorship/", {"answer": "decline", "note": too_long})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["note"]
    assert too_long.strip() in response.text
    project.refresh_from_db()
    assert project.sponsorship == Sponsorship.ASKED

    response = client.post(
        f"/lab/projects/{project.pk}/sponsorship/", {"answer": "decline", "note": "Not in my portfolio."}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.sponsorship, project.sponsorship_note) == (Sponsorship.DECLINED, "Not in my portfolio.")
    assert "You declined to sponsor the project. The lab team is told why." in shown(client.get(response.url))


@pytest.mark.parametrize("first", ["accept", "decline"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_sponsor_answering_again_is_led_back_to_the_project_with_a_message(login, project, sponsor, first, method):
    client = login(sponsor)
    client.post(f"/lab/projects/{project.pk}/sponsorship/", {"answer": first, "note": "Thought it over."})
    project.refresh_from_db()
    answered = project.sponsorship
    other = "decline" if first == "accept" else "accept"
    response = getattr(client, method)(f"/lab/projects/{project.pk}/sponsorship/", {"answer": other, "note": "Again."})
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    state = Sponsorship(answered).label.lower()
    assert f"You already answered: the project is {state}." in shown(client.get(response.url))
    project.refresh_from_db()
    assert (project.sponsorship, project.sponsorship_note) == (answered, "Thought it over.")


def test_the_lab_team_asks_another_sponsor_through_the_page(login, project, sponsor, programme_manager):
    _declined(project, sponsor)
    other = UserFactory(name="Otto Othersponsor", email="otto@ministry.example", is_sponsor=True)
    client = login(programme_manager)
    page = Page(client.get(project.get_absolute_url()))
    assert "Not in my portfolio." in page.text()
    page = Page(client.get(page.link("Ask another sponsor", within=page.main)))
    assert "Not in my portfolio." in page.text()
    assert page.labels() == ["Sponsor"]

    response = client.post(f"/lab/projects/{project.pk}/sponsor/", {"sponsor": "otto@ministry.example"})
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    project.refresh_from_db()
    assert (project.sponsor, project.sponsorship) == (other, Sponsorship.ASKED)
    assert "The sponsor is asked to accept the project." in shown(client.get(response.url))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", needed("sponsor")),
        ("nobody@example.com", "Nobody on Ponte has this address: name a person with the sponsor role."),
        ("carla@example.com", needed("sponsor")),
    ],
)
def test_asking_another_sponsor_says_what_is_wrong_and_keeps_what_was_typed(
    login, project, sponsor, programme_manager, typed, message
):
    UserFactory(email="carla@example.com")  # no sponsor role
    _declined(project, sponsor)
    response = login(programme_manager).post(f"/lab/projects/{project.pk}/sponsor/", {"sponsor": typed})
    assert response.status_code == 200
    assert response.context["form"].errors == {"sponsor": [message]}
    assert message in shown(response)
    if typed:
        assert f'value="{typed}"' in response.text
    project.refresh_from_db()
    assert (project.sponsor, project.sponsorship) == (sponsor, Sponsorship.DECLINED)


# Gates through the pages -------------------------------------------------------------------------------


def test_a_project_goes_from_gate_to_gate_and_stops_through_the_pages(login, sponsored, member, sponsor):
    team = login(member)
    url = sponsored.get_absolute_url()
    page = Page(team.get(url))
    assert page.link("Ask the sponsor to decide", within=page.main) == f"/lab/projects/{sponsored.pk}/gate/"
    form_page = Page(team.get(f"/lab/projects/{sponsored.pk}/gate/"))
    assert "Move on to the next stage: Co-create" in form_page.text()

    response = team.post(f"/lab/projects/{sponsored.pk}/gate/", {"move": "next", "evidence": "Queues halved."})
    assert response.status_code == 302 and response.url == url
    assert "Your request is sent to the sponsor, who decides." in shown(team.get(url))

    board = login(sponsor)
    page = Page(board.get(f"/lab/projects/{sponsored.pk}/decision/"))
    assert "To move on to the next stage: Co-create." in page.text() and "Queues halved." in page.text()
    response = board.post(
        f"/lab/projects/{sponsored.pk}/decision/", {"decision": "go", "rationale": "Convincing.", "lessons": ""}
    )
    assert response.status_code == 302 and response.url == url
    assert "Your decision is recorded: go. The team is told." in shown(board.get(url))
    sponsored.refresh_from_db()
    assert sponsored.stage == "co_create"

    team = login(member)
    response = team.post(
        f"/lab/projects/{sponsored.pk}/gate/",
        {"move": "stop", "evidence": "Parents do not use it.", "lessons": "Parents prefer the phone."},
    )
    assert response.status_code == 302
    board = login(sponsor)
    response = board.post(f"/lab/projects/{sponsored.pk}/decision/", {"decision": "go", "rationale": "Agreed."})
    # A go on a request to stop stops the project, and the sponsor is told so.
    assert "Your decision is recorded: the project stops. The team is told." in shown(board.get(url))
    sponsored.refresh_from_db()
    assert (sponsored.status, sponsored.lessons) == (ProjectStatus.STOPPED, "Parents prefer the phone.")

    page = Page(login(member).get(url))
    assert "Parents prefer the phone." in page.text(page.part("Lessons learned"))
    assert "Stopped at: Co-create" in page.text()
    assert "Gates" in page.headings(page.main)
    gates = page.items(page.main.xpath(".//ol[contains(@class, 'results')]")[0])
    assert len(gates) == 2
    assert gates[0].startswith("Co-create → Stop") and "Decision: Go, by Sofia Sponsor" in gates[0]
    assert gates[1].startswith("Investigate → Co-create") and "Convincing." in gates[1]
    assert page.links("Ask the sponsor to decide", within=page.main) == []


@pytest.mark.parametrize(("decision", "said"), [("stop", "the project stops"), ("revise", "the team revises")])
def test_the_sponsor_stops_or_sends_back_through_the_page(login, waiting, sponsor, decision, said):
    client = login(sponsor)
    response = client.post(
        f"/lab/projects/{waiting.pk}/decision/",
        {"decision": decision, "rationale": "Not yet.", "lessons": "Start smaller."},
    )
    assert response.status_code == 302
    assert said in shown(client.get(response.url))
    waiting.refresh_from_db()
    assert waiting.status == (ProjectStatus.STOPPED if decision == "stop" else ProjectStatus.ACTIVE)


@pytest.mark.parametrize(
    ("data", "field", "message", "kept"),
    [
        ({"move": "next", "evidence": ""}, "evidence", needed("evidence"), None),
        ({"move": "", "evidence": "Queues halved at two schools."}, "move", needed("move"), "Queues halved"),
        ({"move": "later", "evidence": "Queues halved at two schools."}, "move", needed("move"), "Queues halved"),
        (
            {"move": "stop", "evidence": "Parents do not use it.", "lessons": " "},
            "lessons",
            needed("lessons"),
            "Parents do not use it.",
        ),
    ],
)
def test_bad_input_at_the_gate_is_named_and_nothing_typed_is_lost(
    login, sponsored, member, sponsor, data, field, message, kept
):
    response = login(member).post(f"/lab/projects/{sponsored.pk}/gate/", data)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert message in shown(response)
    if kept:
        assert kept in response.text
    assert not GateRequest.objects.exists()


def test_at_the_last_stage_the_gate_form_offers_only_to_stop(login, sponsored, member, sponsor):
    advance(sponsored, member, sponsor, times=4)
    client = login(member)
    response = client.get(f"/lab/projects/{sponsored.pk}/gate/")
    assert [value for value, _label in response.context["form"].fields["move"].choices] == ["stop"]
    response = client.post(f"/lab/projects/{sponsored.pk}/gate/", {"move": "next", "evidence": "Everywhere now."})
    assert response.status_code == 200
    assert response.context["form"].errors == {"move": [needed("move")]}
    assert "Everywhere now." in response.text
    assert not GateRequest.objects.filter(decision=GateDecision.PENDING).exists()


@pytest.mark.parametrize(
    ("data", "field", "message", "kept"),
    [
        ({"decision": "go", "rationale": ""}, "rationale", needed("rationale"), None),
        ({"decision": "", "rationale": "The pilot convinced me."}, "decision", needed("decision"), "pilot convinced"),
        (
            {"decision": "perhaps", "rationale": "The pilot convinced me."},
            "decision",
            needed("decision"),
            "pilot convinced",
        ),
        ({"decision": "stop", "rationale": "The budget is gone."}, "lessons", needed("lessons"), "budget is gone"),
    ],
)
def test_bad_input_in_a_decision_is_named_and_nothing_typed_is_lost(
    login, waiting, sponsor, data, field, message, kept
):
    response = login(sponsor).post(f"/lab/projects/{waiting.pk}/decision/", data)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert message in shown(response)
    if kept:
        assert kept in response.text
    _unchanged(waiting, sponsor)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("first", ["go", "revise", "stop"])
def test_the_sponsor_deciding_what_was_already_decided_is_led_back_with_a_message(
    login, waiting, sponsor, first, method
):
    client = login(sponsor)
    url = f"/lab/projects/{waiting.pk}/decision/"
    client.post(url, {"decision": first, "rationale": "First thoughts.", "lessons": "Start smaller."})
    gate = GateRequest.objects.get()
    assert gate.decision == first
    waiting.refresh_from_db()
    before = (waiting.stage, waiting.status, waiting.stage_entered_at)

    response = getattr(client, method)(url, {"decision": "go", "rationale": "Second thoughts."})
    assert response.status_code == 302 and response.url == waiting.get_absolute_url()
    assert NOTHING_TO_DECIDE in shown(client.get(response.url))
    gate.refresh_from_db()
    assert (gate.decision, gate.rationale) == (first, "First thoughts.")
    waiting.refresh_from_db()
    assert (waiting.stage, waiting.status, waiting.stage_entered_at) == before


def test_a_team_member_whose_colleague_asked_first_is_led_back_with_a_message(login, sponsored, member, organisation):
    colleague = MembershipFactory(organisation=organisation).user
    sponsored.team.add(colleague)
    client = login(member)
    assert client.get(f"/lab/projects/{sponsored.pk}/gate/").status_code == 200
    ask(colleague, sponsored)  # meanwhile
    response = client.post(f"/lab/projects/{sponsored.pk}/gate/", {"move": "next", "evidence": "Mine too."})
    assert response.status_code == 302 and response.url == sponsored.get_absolute_url()
    assert GateRequest.objects.get().requested_by == colleague


def test_a_programme_manager_whose_colleague_asked_another_sponsor_first_is_led_back_with_a_message(
    login, project, sponsor, programme_manager
):
    _declined(project, sponsor)
    client = login(programme_manager)
    assert client.get(f"/lab/projects/{project.pk}/sponsor/").status_code == 200
    chosen = UserFactory(is_sponsor=True)
    services.sponsor_ask_again(actor=UserFactory(is_programme_manager=True), project=project, sponsor=chosen)
    response = client.post(f"/lab/projects/{project.pk}/sponsor/", {"sponsor": sponsor.email})
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    project.refresh_from_db()
    assert project.sponsor == chosen


def test_every_link_the_project_page_shows_its_sponsor_opens(login, waiting, sponsor):
    """A sponsor reads the project, not the problem it started from: the page names the
    problem only to those who may open it."""
    client = login(sponsor)
    page = Page(client.get(waiting.get_absolute_url()))
    hrefs = [a.get("href") for a in page.main.xpath(".//a")]
    assert hrefs
    assert all(client.get(href).status_code == 200 for href in hrefs)
    assert waiting.problem.title not in page.text()
    team_member = login(waiting.team.first())
    assert (
        Page(team_member.get(waiting.get_absolute_url())).link(
            f"{waiting.problem.reference} {waiting.problem.title}", within=None
        )
        == waiting.problem.get_absolute_url()
    )


# Suggestions of people ----------------------------------------------------------------------------------


def suggested(client, url, text):
    response = client.get(url, {"q": text})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


def test_sponsor_suggestions_list_only_active_people_with_the_sponsor_role(login, programme_manager, sponsor):
    UserFactory(name="Sofia Citizen", email="sofia.citizen@example.com")
    UserFactory(name="Sofia Gone", email="sofia.gone@example.com", is_sponsor=True, is_active=False)
    UserFactory(name="Sofia Manager", email="sofia.manager@example.com", is_programme_manager=True)
    UserFactory(name="Sam Second", email="sam@ministry.example", is_sponsor=True)
    client = login(programme_manager)

    assert suggested(client, "/lab/sponsors/", "SOFIA") == [
        {"name": "Sofia Sponsor (sofia.sponsor@example.com)", "value": "sofia.sponsor@example.com"}
    ]
    assert [p["value"] for p in suggested(client, "/lab/sponsors/", "ministry")] == ["sam@ministry.example"]
    assert suggested(client, "/lab/sponsors/", "citizen") == []
    assert suggested(client, "/lab/sponsors/", "s") == []
    assert suggested(client, "/lab/sponsors/", "  ") == []


@pytest.mark.parametrize("who", ["member", "org_admin", "sponsor", "platform_admin", "citizen", "evaluator"])
def test_sponsor_suggestions_are_for_the_lab_team_only(request, login, person_in_role, sponsor, who):
    person = person_in_role(who) if who == "evaluator" else request.getfixturevalue(who)
    response = login(person).get("/lab/sponsors/", {"q": "sofia"})
    assert response.status_code == 403
    assert b"sofia.sponsor" not in response.content


def test_a_visitor_asking_for_suggestions_is_sent_to_sign_in(client, accepted, sponsor):
    for url in ("/lab/sponsors/", f"/lab/problems/{accepted.pk}/team-members/"):
        response = client.get(url, {"q": "sofia"})
        assert response.status_code == 302 and response.url.startswith(f"{SIGN_IN}?next=")


def test_team_suggestions_list_only_active_members_of_the_problems_body(
    login, accepted, organisation, member, org_admin, programme_manager
):
    MembershipFactory(organisation=organisation, user__name="Manuel Gone", user__is_active=False)
    MembershipFactory(organisation=OrganisationFactory(), user__name="Manuel Elsewhere")
    MembershipFactory(organisation=CompanyFactory(), user__name="Manuel Company")
    UserFactory(name="Manuel Sponsor", is_sponsor=True)
    UserFactory(name="Manuel Citizen")
    client = login(programme_manager)
    url = f"/lab/problems/{accepted.pk}/team-members/"

    assert suggested(client, url, "manuel") == [{"name": f"Manuel Member ({member.email})", "value": member.email}]
    assert [p["value"] for p in suggested(client, url, "olga")] == [org_admin.email]
    assert [p["value"] for p in suggested(client, url, member.email.upper())] == [member.email]
    assert suggested(client, url, "m") == []


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 403),
        ("org_admin", 403),
        ("platform_admin", 403),
        ("citizen", 404),
        ("sponsor", 404),
        ("company_member", 404),
        ("servant_of_another_body", 404),
    ],
)
def test_team_suggestions_are_for_the_lab_team_only(request, login, accepted, outsider, sponsor, who, status):
    """Those who see the problem are refused; for anyone else it does not exist."""
    person = outsider(who) if who in ("company_member", "servant_of_another_body") else request.getfixturevalue(who)
    response = login(person).get(f"/lab/problems/{accepted.pk}/team-members/", {"q": "manuel"})
    assert response.status_code == status
    assert b"Manuel" not in response.content


def test_team_suggestions_for_a_problem_that_does_not_exist_are_404(login, programme_manager):
    assert login(programme_manager).get("/lab/problems/999999/team-members/", {"q": "manuel"}).status_code == 404


# Query counts -------------------------------------------------------------------------------------------


def _queries(client, url):
    client.get(url)  # warm the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


def _add_projects(manager, bodies, n, start_at):
    """n projects spread over the bodies, each with its own sponsor, team member and problem;
    every other one sponsored with a request waiting, and one in three stuck."""
    for k in range(start_at, start_at + n):
        body = bodies[k % len(bodies)]
        sponsor = UserFactory(is_sponsor=True)
        project = new_project(manager, body, title=f"Project {k}", sponsor=sponsor, facet=Facet.values[k % 4])
        if k % 2:
            services.sponsorship_answer(actor=sponsor, project=project, accept=True)
            ask(project.team.get(), project)
        if k % 3 == 0:
            Project.objects.filter(pk=project.pk).update(stage_entered_at=timezone.now() - timedelta(days=100))


@pytest.mark.parametrize("who", ["member", "programme_manager", "sponsor"])
def test_the_portfolio_makes_as_many_queries_with_10_projects_as_with_2(
    request, login, organisation, programme_manager, who
):
    viewer = request.getfixturevalue(who)
    bodies = [organisation] if who == "member" else [organisation, OrganisationFactory()]
    client = login(viewer)
    _add_projects(programme_manager, bodies, 2, 0)
    response, few = _queries(client, "/lab/projects/")
    assert len(response.context["page"].object_list) == 2
    _add_projects(programme_manager, bodies, 8, 2)
    response, many = _queries(client, "/lab/projects/")
    assert len(response.context["page"].object_list) == 10
    assert len(few) == len(many), "\n".join(["with 2:", *few, "", "with 10:", *many])


def _add_gates(project, sponsor, organisation, n):
    """n requests, each by another team member, sent back by the sponsor."""
    for _ in range(n):
        colleague = MembershipFactory(organisation=organisation).user
        project.team.add(colleague)
        ask(colleague, project)
        decide(sponsor, project, "revise")


@pytest.mark.parametrize("who", ["member", "programme_manager", "sponsor"])
def test_a_project_page_makes_as_many_queries_with_10_gates_as_with_2(
    request, login, sponsored, organisation, sponsor, who
):
    client = login(request.getfixturevalue(who))
    url = sponsored.get_absolute_url()
    _add_gates(sponsored, sponsor, organisation, 1)
    ask(sponsored.team.first(), sponsored)  # one waiting: two in all
    response, few = _queries(client, url)
    assert len(response.context["gates"]) == 2
    decide(sponsor, sponsored, "revise")
    _add_gates(sponsored, sponsor, organisation, 7)
    ask(sponsored.team.first(), sponsored)
    response, many = _queries(client, url)
    assert len(response.context["gates"]) == 10
    assert len(few) == len(many), "\n".join(["with 2:", *few, "", "with 10:", *many])
