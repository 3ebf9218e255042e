"""The skills self-assessment: a person answers eighteen statements, three for each of the OECD's
core skills, on a scale from 1 to 5; a skill's score is the mean of its three answers, rounded half
up. Anything but an answer on the scale is refused beside its statement, the other answers kept,
nothing saved. The person reads their profile in words, as a chart and as a table, with the change
since their previous assessment and the courses for their weakest skills; no one else's. An
organisation admin reads the profile of their organisations, a programme manager of any, never of
a group of fewer than five people, whatever the filter, page or export."""

import csv
import io
import json
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.core.models import AuditEvent
from ponte.learning.models import CORE_SKILLS, MIN_GROUP, QUESTIONS, SelfAssessment, SkillScore
from ponte.learning.queries import skills as queries
from ponte.learning.services import catalogue as catalogue_services
from ponte.learning.services import sessions as session_services
from ponte.learning.services import skills as services
from ponte.organisations.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.reading import Page

from .conftest import course_answers, session_answers

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "Choose one of the answers, from 1 to 5."
MISSING = "Choose how well this describes you."
HIDDEN = "the profile is hidden to protect them"
NOT_YOURS = "No organisation you may read has this short name: choose one from the suggestions."
KEYS = [key for key, _skill, _text in QUESTIONS]
STATEMENT = {key: str(text) for key, _skill, text in QUESTIONS}


def answers(**by_skill) -> dict[str, int]:
    """Every statement answered 3, but for the skills given their three answers."""
    found = {}
    for key, skill, _text in QUESTIONS:
        number = int(key.rsplit("_", 1)[1])
        found[key] = by_skill.get(str(skill), (3, 3, 3))[number - 1]
    return found


def take(person, **by_skill) -> SelfAssessment:
    return services.self_assessment_take(actor=person, answers=answers(**by_skill))


def taken_on(assessment, moment) -> None:
    SelfAssessment.objects.filter(pk=assessment.pk).update(taken_at=moment)


def assessed(organisation, count: int, **by_skill) -> list:
    """`count` new members of the organisation, each having assessed their skills."""
    people = [MembershipFactory(organisation=organisation).user for _ in range(count)]
    for person in people:
        take(person, **by_skill)
    return people


def scores_of(assessment) -> dict[str, Decimal]:
    return dict(SkillScore.objects.filter(assessment=assessment).values_list("skill", "score"))


def nothing_saved() -> bool:
    return (
        not SelfAssessment.objects.exists()
        and not SkillScore.objects.exists()
        and not AuditEvent.objects.filter(verb="assess_skills").exists()
    )


def typed(values: dict) -> dict[str, str]:
    return {key: str(value) for key, value in values.items()}


def field_of(page, key):
    """The field group of a statement: its legend is the statement."""
    found = [
        div
        for div in page.main.xpath(".//div[contains(concat(' ', @class, ' '), ' field ')]")
        if div.xpath(".//legend") and " ".join(div.xpath(".//legend")[0].text_content().split()) == STATEMENT[key]
    ]
    assert len(found) == 1, f"{len(found)} fields for {key}"
    return found[0]


def checked(page, key) -> list[str]:
    return [radio.get("value") for radio in page.main.xpath(".//input[@name=$name][@checked]", name=key)]


def table(page, caption: str) -> dict[str, list[str]]:
    """A table's rows, by their header: {row header: [its cells, as read]}."""
    for found in page.main.xpath(".//table"):
        if " ".join(found.xpath("./caption")[0].text_content().split()) == caption:
            return {
                " ".join(row.xpath("./th")[0].text_content().split()): [
                    " ".join(cell.text_content().split()) for cell in row.xpath("./td")
                ]
                for row in found.xpath("./tbody/tr")
            }
    raise AssertionError(f"no table {caption!r}")


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def slugs_in(response) -> list[str]:
    header, *rows = rows_of(response)
    assert header == ["organisation", "people", *CORE_SKILLS]
    return [row[0] for row in rows]


def group_page(client, organisation, **extra):
    return client.get("/learning/skills/groups/", {"organisation": organisation.slug, **extra})


def people_of(organisation):
    return Membership.objects.filter(organisation=organisation).values("user_id")


# Taking the assessment ------------------------------------------------------------------------


def test_each_skills_score_is_the_mean_of_its_answers_rounded_half_up(citizen):
    assessment = take(citizen, iteration=(1, 2, 2), data_literacy=(3, 3, 4), curiosity=(5, 5, 5), insurgency=(1, 1, 2))
    assert scores_of(assessment) == {
        "iteration": Decimal("1.67"),
        "data_literacy": Decimal("3.33"),
        "user_centricity": Decimal("3.00"),
        "curiosity": Decimal("5.00"),
        "storytelling": Decimal("3.00"),
        "insurgency": Decimal("1.33"),
    }
    assert SkillScore.objects.filter(assessment=assessment).count() == len(CORE_SKILLS) == 6
    assert assessment.person == citizen and assessment.answers == answers(
        iteration=(1, 2, 2), data_literacy=(3, 3, 4), curiosity=(5, 5, 5), insurgency=(1, 1, 2)
    )


def test_the_audit_trail_says_an_assessment_was_taken_without_its_answers(citizen):
    assessment = take(citizen, iteration=(1, 2, 5), storytelling=(4, 4, 4))
    [event] = AuditEvent.objects.filter(verb="assess_skills")
    assert event.actor == citizen and event.target_id == str(assessment.pk)
    written = json.dumps([event.before, event.after, event.reason, event.target_label])
    assert not any(key in written for key in KEYS)
    assert "1.67" not in written and "4.00" not in written


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("iteration_2", None, MISSING),
        ("data_literacy_1", "", MISSING),
        ("user_centricity_3", 0, OUT_OF_RANGE),
        ("curiosity_1", 6, OUT_OF_RANGE),
        ("storytelling_2", "3", OUT_OF_RANGE),
        ("insurgency_3", True, OUT_OF_RANGE),
        ("iteration_1", 2.0, OUT_OF_RANGE),
        ("iteration_3", -1, OUT_OF_RANGE),
    ],
)
def test_an_answer_off_the_scale_is_refused_by_its_question_and_nothing_is_saved(citizen, key, value, message):
    given = answers()
    if value is None:
        del given[key]
    else:
        given[key] = value
    with pytest.raises(ValidationError) as refused:
        services.self_assessment_take(actor=citizen, answers=given)
    assert refused.value.message_dict == {key: [message]}
    assert nothing_saved()


def test_a_question_not_in_the_assessment_is_refused_and_nothing_is_saved(citizen):
    with pytest.raises(ValueError, match="openness_1"):
        services.self_assessment_take(actor=citizen, answers={**answers(), "openness_1": 3})
    assert nothing_saved()


# Through the page ---------------------------------------------------------------------------------


def test_a_person_takes_the_assessment_and_reads_their_profile(login, citizen):
    client = login(citizen)
    page = Page(client.get("/learning/skills/"))
    assert "You have not assessed your skills yet." in page.text()
    form = Page(client.get(page.link("Assess your skills")))
    assert form.labels()[:3] == [STATEMENT["iteration_1"], STATEMENT["iteration_2"], STATEMENT["iteration_3"]]
    assert len(form.labels()) == 18
    response = client.post("/learning/skills/assess/", typed(answers(iteration=(1, 2, 2))), follow=True)
    assert response.redirect_chain[-1][0] == "/learning/skills/"
    page = Page(response)
    assert "Your answers are saved: here is your profile." in page.text()
    assert scores_of(SelfAssessment.objects.get(person=citizen))["iteration"] == Decimal("1.67")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [("curiosity_2", "6", OUT_OF_RANGE), ("data_literacy_3", None, MISSING), ("insurgency_1", "0", OUT_OF_RANGE)],
)
def test_a_wrong_answer_is_told_beside_its_statement_keeping_the_others(login, citizen, key, value, message):
    given = typed(answers(iteration=(1, 2, 4), storytelling=(5, 4, 5)))
    if value is None:
        del given[key]
    else:
        given[key] = value
    response = login(citizen).post("/learning/skills/assess/", given)
    assert response.status_code == 200
    assert response.context["form"].errors == {key: [message]}
    page = Page(response)
    assert message in page.text(field_of(page, key).xpath(".//*[contains(@class, 'error-message')]")[0])
    assert checked(page, key) == []
    for other in KEYS:
        if other != key:
            assert checked(page, other) == [given[other]], other
            assert not field_of(page, other).xpath(".//*[contains(@class, 'error-message')]")
    assert nothing_saved()


@pytest.mark.parametrize("garbage", ["3" * 10_000, "3\x00", "\x00", "<script>alert(1)</script>", "3.0", " 3"])
def test_garbage_in_the_questionnaire_is_refused_never_a_server_error(login, citizen, garbage):
    given = {**typed(answers()), "iteration_1": garbage}
    response = login(citizen).post("/learning/skills/assess/", given)
    assert response.status_code == 200
    assert response.context["form"].errors == {"iteration_1": [OUT_OF_RANGE]}
    assert nothing_saved()


def test_garbage_anywhere_in_the_requests_never_makes_a_server_error(login, citizen, org_admin, organisation):
    client = login(citizen)
    junk = {"iteration_1": "\x00" * 3, "unknown": "x" * 10_000, "csrfmiddlewaretoken": "\x00"}
    assert client.post("/learning/skills/assess/", junk).status_code == 200
    assert nothing_saved()
    client = login(org_admin)
    for query in [{"organisation": "\x00", "year": "\x00"}, {"organisation": "a" * 10_000, "year": "9" * 10_000}]:
        assert client.get("/learning/skills/groups/", query).status_code == 200
        # A year that is not one: the export answers with the page that says why.
        exported = client.get("/learning/skills/groups.csv", query)
        assert exported.status_code == 200 and exported.context["form"].errors["year"]
        assert client.get("/learning/skills/organisations/", {"q": query["organisation"]}).status_code == 200


def test_a_visitor_is_sent_to_sign_in(client):
    for address in [
        "/learning/skills/",
        "/learning/skills/assess/",
        "/learning/skills/groups/",
        "/learning/skills/groups.csv",
        "/learning/skills/organisations/?q=agen",
    ]:
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), address
    response = client.post("/learning/skills/assess/", typed(answers()))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert nothing_saved()


# The profile ------------------------------------------------------------------------------------------


@pytest.fixture
def two_assessments(citizen):
    """An assessment all 3s a month ago, and today's: iteration strongest (4.33), data literacy
    weakest (1.67), user centricity next (2.33)."""
    previous = take(citizen)
    taken_on(previous, timezone.now() - timedelta(days=30))
    latest = take(citizen, iteration=(4, 4, 5), data_literacy=(1, 2, 2), user_centricity=(2, 2, 3))
    return previous, latest


def test_the_summary_names_the_strongest_and_weakest_skills_with_their_scores(login, citizen, two_assessments):
    page = Page(login(citizen).get("/learning/skills/"))
    # 4.33 and 1.67 to one decimal, rounded half up as in the chart and the table.
    summary = "Your strongest skill is Iteration (4.3 of 5); your weakest is Data literacy (1.7 of 5)."
    assert summary in page.text()


def test_the_table_shows_the_change_since_the_previous_assessment(login, citizen, two_assessments):
    page = Page(login(citizen).get("/learning/skills/"))
    rows = table(page, "Your score on each skill, from 1 (not yet) to 5 (you help others do it)")
    assert rows == {
        "Iteration": ["4.3", "3.0", "+1.3"],
        "Data literacy": ["1.7", "3.0", "-1.3"],
        "User centricity": ["2.3", "3.0", "-0.7"],
        "Curiosity": ["3.0", "3.0", "0.0"],
        "Storytelling": ["3.0", "3.0", "0.0"],
        "Insurgency": ["3.0", "3.0", "0.0"],
    }
    history = page.main.xpath(".//table[caption[normalize-space()='Your assessments over time']]/tbody/tr")
    assert len(history) == 2


def test_a_first_assessment_has_no_change_to_show(login, citizen):
    take(citizen, curiosity=(5, 5, 4))
    page = Page(login(citizen).get("/learning/skills/"))
    rows = table(page, "Your score on each skill, from 1 (not yet) to 5 (you help others do it)")
    assert rows["Curiosity"] == ["4.7"] and rows["Iteration"] == ["3.0"]
    assert "Your assessments over time" not in page.headings()


SVG_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
GEOMETRY = ("x", "y", "x1", "y1", "x2", "y2", "width", "height", "cx", "cy", "r")


@pytest.mark.parametrize(("language", "shown"), [("en", "4.3"), ("pt-pt", "4,3"), ("fr", "4,3")])
def test_the_chart_is_described_and_its_coordinates_are_plain_numbers_in_every_language(
    login, citizen, two_assessments, language, shown
):
    citizen.language = language
    citizen.save(update_fields=["language"])
    response = login(citizen).get("/learning/skills/")
    page = Page(response)
    [svg] = page.main.xpath(".//*[local-name()='svg']")
    assert svg.get("role") == "img"
    title = svg.xpath("./*[local-name()='title']")
    desc = svg.xpath("./*[local-name()='desc']")
    assert title and title[0].text_content().strip() and desc and desc[0].text_content().strip()
    assert svg.get("aria-labelledby") == f"{title[0].get('id')} {desc[0].get('id')}"
    for name in GEOMETRY:
        for element in svg.xpath(f".//*[@{name}]"):
            assert SVG_NUMBER.match(element.get(name)), f'{element.tag} {name}="{element.get(name)}" in {language}'
    # lxml reads HTML attribute names in lower case.
    assert all(SVG_NUMBER.match(number) for number in svg.get("viewbox").split())
    drawn = svg.xpath("./*[local-name()='rect']")  # the legend's swatches (at the top), then the bars
    assert len([rect for rect in drawn if rect.get("y") != "4"]) == 12  # six skills, two assessments
    assert shown in [text.text_content() for text in svg.xpath(".//*[local-name()='text']")]


def test_courses_for_the_weakest_skill_with_a_session_to_come_come_first(
    login, citizen, programme_manager, trainer, two_assessments
):
    def add(title, skills):
        return catalogue_services.course_add(actor=programme_manager, **course_answers(title=title, skills=skills))

    add("Asking data the right questions", ["data_literacy"])
    scheduled = add("Zero to dashboards", ["data_literacy", "iteration"])
    session_services.session_schedule(actor=programme_manager, course=scheduled, **session_answers(trainer))
    withdrawn = add("Data for beginners", ["data_literacy"])
    catalogue_services.course_withdraw(actor=programme_manager, course=withdrawn)
    add("Being curious", ["curiosity"])
    add("Meeting users", ["user_centricity"])

    page = Page(login(citizen).get("/learning/skills/"))
    courses = page.main.xpath(".//h3[normalize-space()='Data literacy']/following-sibling::*[1]")[0]
    items = page.items(courses)
    assert [item.split(" — ")[0] for item in items] == ["Zero to dashboards", "Asking data the right questions"]
    assert items[0].startswith("Zero to dashboards — next session:") and items[1].endswith("no session scheduled yet")
    second = page.main.xpath(".//h3[normalize-space()='User centricity']/following-sibling::*[1]")[0]
    assert [item.split(" — ")[0] for item in page.items(second)] == ["Meeting users"]
    assert "Being curious" not in page.text() and "Data for beginners" not in page.text()


def test_another_persons_assessments_never_appear(login, citizen, two_assessments):
    other = UserFactory(name="Otto Other")
    take(other, iteration=(5, 5, 5), data_literacy=(5, 5, 5), curiosity=(1, 1, 1))
    take(other, insurgency=(1, 1, 1))
    page = Page(login(citizen).get("/learning/skills/"))
    assert "Your strongest skill is Iteration (4.3 of 5)" in page.text()
    history = page.main.xpath(".//table[caption[normalize-space()='Your assessments over time']]/tbody/tr")
    assert len(history) == 2
    assert [a.pk for a in queries.history_of(citizen)] == [two_assessments[1].pk, two_assessments[0].pk]
    # And someone who never took it sees none of anyone's.
    page = Page(login(UserFactory()).get("/learning/skills/"))
    assert "You have not assessed your skills yet." in page.text()
    assert not page.main.xpath(".//table") and not page.main.xpath(".//*[local-name()='svg']")


def test_the_profile_page_reads_as_many_times_for_one_assessment_as_for_six(login, citizen, programme_manager):
    catalogue_services.course_add(actor=programme_manager, **course_answers(skills=["iteration"]))
    client = login(citizen)

    def queries_for_page():
        with CaptureQueriesContext(connection) as counted:
            assert client.get("/learning/skills/").status_code == 200
        return len(counted)

    take(citizen, iteration=(1, 1, 1))
    one = queries_for_page()
    for days in range(5):
        taken_on(take(citizen, iteration=(2, 1, 1)), timezone.now() - timedelta(days=days + 1))
    assert SelfAssessment.objects.filter(person=citizen).count() == 6
    assert queries_for_page() == one


# A group's profile, never of fewer than five ----------------------------------------------------------


def test_four_people_assessed_hide_the_profile_everywhere(login, organisation, org_admin, programme_manager):
    assert MIN_GROUP == 5
    assessed(organisation, 4, iteration=(5, 5, 5))
    for viewer in (org_admin, programme_manager):
        client = login(viewer)
        response = group_page(client, organisation)
        page = Page(response)
        assert HIDDEN in page.text()
        assert "Fewer than 5 people of this organisation have assessed their skills" in page.text()
        assert "5.0" not in page.text() and "people assessed their skills" not in page.text()
        assert not page.main.xpath(".//table") and not page.main.xpath(".//*[local-name()='svg']")
        assert response.context["group"].scores == {} and not response.context["group"].shown
        assert organisation.slug not in slugs_in(client.get("/learning/skills/groups.csv"))
    profile = queries.group_profile(people_of(organisation))
    assert profile.people == 4 and profile.scores == {} and not profile.shown
    assert queries.organisation_profiles(None) == [] and queries.organisation_profiles([organisation.pk]) == []


def test_five_people_assessed_show_the_profile(login, organisation, org_admin):
    assessed(organisation, 4, iteration=(5, 5, 5), curiosity=(1, 2, 2))
    assessed(organisation, 1, iteration=(4, 4, 4), curiosity=(2, 2, 2))
    client = login(org_admin)
    page = Page(group_page(client, organisation))
    assert HIDDEN not in page.text()
    assert "5 people assessed their skills." in page.text()
    rows = table(page, "Mean score on each skill, from 1 to 5")
    # Iteration: (5 × 4 + 4) / 5 = 4.8; curiosity: (1.67 × 4 + 2) / 5 = 1.736.
    assert rows["Iteration"] == ["4.8"] and rows["Curiosity"] == ["1.7"] and rows["Storytelling"] == ["3.0"]
    assert page.main.xpath(".//*[local-name()='svg'][@role='img']")
    profile = queries.group_profile(people_of(organisation))
    assert profile.people == 5 and profile.scores["iteration"] == Decimal("4.80")
    assert profile.scores["curiosity"] == Decimal("1.74")
    header, row = rows_of(client.get("/learning/skills/groups.csv"))
    assert row[:2] == [organisation.slug, "5"]
    assert dict(zip(header[2:], row[2:], strict=True))["iteration"] == "4.80"


def test_only_each_persons_latest_assessment_counts(login, organisation, org_admin):
    people = assessed(organisation, 4)
    for person in people:  # four people taking it twice are still four
        taken_on(take(person), timezone.now() - timedelta(days=40))
    page = Page(group_page(login(org_admin), organisation))
    assert HIDDEN in page.text()
    assert queries.group_profile(people_of(organisation)).people == 4


def test_a_year_that_leaves_four_people_hides_the_profile_again(login, organisation, org_admin):
    people = assessed(organisation, 5)
    year = timezone.localdate().year
    earlier = SelfAssessment.objects.get(person=people[0])
    taken_on(earlier, timezone.make_aware(datetime(2024, 6, 1, 12)))
    client = login(org_admin)

    assert "5 people assessed their skills." in Page(group_page(client, organisation)).text()
    response = group_page(client, organisation, year=year)
    assert HIDDEN in Page(response).text() and response.context["group"].scores == {}
    assert HIDDEN in Page(group_page(client, organisation, year=2024)).text()
    assert queries.group_profile(people_of(organisation), year=year).scores == {}

    assert slugs_in(client.get("/learning/skills/groups.csv")) == [organisation.slug]
    assert slugs_in(client.get("/learning/skills/groups.csv", {"year": year})) == []
    assert slugs_in(client.get("/learning/skills/groups.csv", {"year": 2024})) == []
    assert queries.organisation_profiles([organisation.pk], year=year) == []
    # The fifth person assessing again this year brings the group back to five.
    take(people[0])
    assert "5 people assessed their skills." in Page(group_page(client, organisation, year=year)).text()
    assert slugs_in(client.get("/learning/skills/groups.csv", {"year": year})) == [organisation.slug]


def test_a_person_in_two_organisations_counts_in_both(login, organisation, programme_manager):
    other = OrganisationFactory(name="Agency for Statistics", slug="agency-for-statistics")
    [shared, *_rest] = assessed(organisation, 5, storytelling=(5, 5, 5))
    assessed(other, 4, storytelling=(1, 1, 1))
    assert queries.group_profile(people_of(other)).scores == {}
    MembershipFactory(organisation=other, user=shared)

    client = login(programme_manager)
    page = Page(group_page(client, other))
    assert "5 people assessed their skills." in page.text()
    # (1 × 4 + 5) / 5
    assert table(page, "Mean score on each skill, from 1 to 5")["Storytelling"] == ["1.8"]
    rows = {row[0]: row for row in rows_of(client.get("/learning/skills/groups.csv"))[1:]}
    assert set(rows) == {organisation.slug, other.slug}
    assert rows[organisation.slug][1] == rows[other.slug][1] == "5"
    by_slug = {entry["slug"]: entry for entry in queries.organisation_profiles(None)}
    assert by_slug[organisation.slug]["scores"]["storytelling"] == Decimal("5.00")
    assert by_slug[other.slug]["scores"]["storytelling"] == Decimal("1.80")


def test_people_of_no_organisation_are_never_a_group(login, programme_manager, organisation):
    for _ in range(6):
        take(UserFactory(), insurgency=(5, 5, 5))
    assessed(organisation, 4)
    assert queries.organisation_profiles(None) == []
    response = login(programme_manager).get("/learning/skills/groups.csv")
    assert rows_of(response) == [["organisation", "people", *CORE_SKILLS]]


def test_the_csv_of_an_organisation_admin_holds_their_organisations_only(login, organisation, org_admin):
    theirs_too = OrganisationFactory(name="Agency for Roads", slug="agency-for-roads")
    MembershipFactory(organisation=theirs_too, user=org_admin, role="admin")
    not_theirs = OrganisationFactory(name="Agency for Statistics", slug="agency-for-statistics")
    shared = assessed(organisation, 5)
    assessed(theirs_too, 5)
    assessed(not_theirs, 3)
    for person in shared:  # their people being in another organisation do not open it to them
        MembershipFactory(organisation=not_theirs, user=person)
    response = login(org_admin).get("/learning/skills/groups.csv")
    assert response.status_code == 200
    assert sorted(slugs_in(response)) == ["agency-for-modernisation", "agency-for-roads"]
    assert [e["slug"] for e in queries.organisation_profiles([organisation.pk])] == [organisation.slug]
    assert {e["slug"] for e in queries.organisation_profiles(None)} == {
        organisation.slug,
        theirs_too.slug,
        not_theirs.slug,
    }


# Who reads a group's profile ----------------------------------------------------------------------------


def test_an_organisation_admin_cannot_read_another_organisations_profile(login, organisation, org_admin):
    other = OrganisationFactory(name="Agency for Statistics", slug="agency-for-statistics")
    assessed(other, 6, iteration=(5, 5, 5))
    response = group_page(login(org_admin), other)
    assert response.status_code == 200
    assert response.context["form"].errors == {"organisation": [NOT_YOURS]}
    assert "group" not in response.context and "organisation" not in response.context
    page = Page(response)
    assert NOT_YOURS in page.text()
    assert "people assessed their skills" not in page.text() and "5.0" not in page.text()
    assert not page.main.xpath(".//table") and not page.main.xpath(".//*[local-name()='svg']")


@pytest.mark.django_db(transaction=True)
def test_a_profile_kept_for_a_programme_manager_is_not_shown_to_another_organisations_admin(
    pages_kept, login, organisation, org_admin, programme_manager
):
    # The profile is kept for every reader of its address: only after the reader is allowed it.
    other = OrganisationFactory(name="Agency for Statistics", slug="agency-for-statistics")
    assessed(other, 6, iteration=(5, 5, 5))
    assert "6 people assessed their skills." in group_page(login(programme_manager), other).content.decode()

    page = Page(group_page(login(org_admin), other))

    assert NOT_YOURS in page.text() and "people assessed their skills" not in page.text()
    assert not page.main.xpath(".//table") and not page.main.xpath(".//*[local-name()='svg']")


def test_an_unknown_organisation_and_a_wrong_year_are_told_at_once(login, organisation, org_admin):
    client = login(org_admin)
    for year, message in [
        ("twenty", "Give the year as four digits, for example 2026."),
        ("1999", "Give a year from 2000 to 2100."),
        ("2101", "Give a year from 2000 to 2100."),
    ]:
        response = client.get("/learning/skills/groups/", {"organisation": "no-such-agency", "year": year})
        assert response.status_code == 200
        assert response.context["form"].errors == {"organisation": [NOT_YOURS], "year": [message]}
        text = Page(response).text()
        assert NOT_YOURS in text and message in text
    assessed(organisation, 5)
    response = group_page(client, organisation, year="twenty")
    assert response.context["form"].errors == {"year": ["Give the year as four digits, for example 2026."]}
    assert "group" not in response.context


def test_a_member_who_is_not_an_admin_is_refused(login, organisation, member):
    assessed(organisation, 5)
    client = login(member)
    assert group_page(client, organisation).status_code == 403
    assert client.get("/learning/skills/groups.csv").status_code == 403
    assert client.get("/learning/skills/organisations/", {"q": "agency"}).status_code == 403
    assert login(UserFactory()).get("/learning/skills/groups/").status_code == 403


def test_a_programme_manager_reads_any_organisation(login, organisation, programme_manager):
    other = OrganisationFactory(name="Agency for Statistics", slug="agency-for-statistics")
    assessed(organisation, 5)
    assessed(other, 5, data_literacy=(4, 4, 4))
    client = login(programme_manager)
    for chosen in (organisation, other):
        response = group_page(client, chosen)
        assert response.context["organisation"] == chosen and response.context["group"].shown
    assert table(Page(group_page(client, other)), "Mean score on each skill, from 1 to 5")["Data literacy"] == ["4.0"]
    assert sorted(slugs_in(client.get("/learning/skills/groups.csv"))) == [organisation.slug, other.slug]


def test_suggestions_are_the_organisations_the_viewer_may_read(login, organisation, org_admin, programme_manager):
    OrganisationFactory(name="Agency for Statistics", slug="agency-for-statistics")

    def suggested(client, q):
        response = client.get("/learning/skills/organisations/", {"q": q})
        assert response.status_code == 200
        return [found["value"] for found in response.json()["results"]]

    client = login(org_admin)
    assert suggested(client, "agency") == ["agency-for-modernisation"]
    assert suggested(client, "statistics") == []
    assert suggested(client, "a") == []
    client = login(programme_manager)
    assert suggested(client, "agency") == ["agency-for-modernisation", "agency-for-statistics"]
    assert suggested(client, "STATIS") == ["agency-for-statistics"]


# How many reads --------------------------------------------------------------------------------------------


def test_the_groups_page_reads_as_many_times_for_five_members_as_for_twenty(login, organisation, org_admin):
    client = login(org_admin)

    def queries_for_page():
        with CaptureQueriesContext(connection) as counted:
            response = group_page(client, organisation)
        assert response.context["group"].shown
        return len(counted)

    assessed(organisation, 5)
    five = queries_for_page()
    assessed(organisation, 15)
    assert queries.group_profile(people_of(organisation)).people == 20
    assert queries_for_page() == five


def test_the_profiles_of_every_organisation_are_one_query(organisation):
    others = [OrganisationFactory() for _ in range(3)]
    for each in [organisation, *others]:
        assessed(each, 5)
    for chosen in (None, [organisation.pk], [each.pk for each in others]):
        with CaptureQueriesContext(connection) as counted:
            found = queries.organisation_profiles(chosen)
        assert len(counted) == 1
        assert len(found) == (4 if chosen is None else len(chosen))


@pytest.mark.django_db(transaction=True)
def test_a_group_profile_kept_for_its_readers_follows_the_next_assessment(
    pages_kept, login, organisation, org_admin, programme_manager
):
    """Kept as a deployment keeps it (the same for every reader until the next write): a new
    assessment shows at once, to the admin and to a programme manager alike."""
    assessed(organisation, 5)
    admin = login(org_admin)
    assert "5 people assessed their skills." in group_page(admin, organisation).content.decode()
    newcomer = MembershipFactory(organisation=organisation).user
    take(newcomer)
    assert "6 people assessed their skills." in group_page(admin, organisation).content.decode()
    assert "6 people assessed their skills." in group_page(login(programme_manager), organisation).content.decode()
