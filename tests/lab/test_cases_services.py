"""Case studies through the services: the team of a project that scaled or stopped, or the lab
team, starts one filled from what the lab knows of the project; it is saved as a draft with
answers missing but never with a bad one; it goes to a programme manager's review only whole,
comes back with a note or is published (into the search index, told to its writers); nothing
changes once it left its writers; every write is audited. Who may do what in which state is
the role matrix's (tests/test_roles_matrix.py)."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ponte.core import search
from ponte.core.models import AuditEvent, Notification
from ponte.core.versions import StaleEdit
from ponte.lab.models import (
    CASE_NEEDED,
    TAG_LIMIT,
    CaseStatus,
    CaseStudy,
    CaseTag,
    ProjectStatus,
    stages,
)
from ponte.lab.services import cases as services
from ponte.lab.services import problems as problem_services
from ponte.lab.services import projects as project_services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .conftest import advance, ask, decide, start, submit

pytestmark = pytest.mark.django_db

PROJECT_LESSONS = "Parents book when they are reminded; a slot nobody books goes to the waiting list."
RETURN_NOTE = "Say what the case needs before it is published."

# Every OPSI field answered, as a writer completes the draft (the tags as the form gives them:
# see services.tag_names).
COMPLETE = {
    "title": "Enrolment slots booked online",
    "organisation_name": "Agency for Modernisation",
    "country": "BE",
    "level": "local",
    "sector": "education",
    "launch_year": 2024,
    "development_time": "1_2",
    "stage": "diffusing",
    "innovation_type": "service",
    "tags": ["appointments", "school enrolment"],
    "objectives": "No queue longer than 15 minutes at the 2026 enrolment.",
    "problem": "Parents queued for hours at the town hall on the one morning enrolment opened.",
    "innovation": "Parents book a quarter-hour slot online; a kiosk books for those without a computer.",
    "results": "The longest wait fell from three hours to twelve minutes.",
    "lessons": "A reminder the day before matters more than the booking page itself.",
}


def audit_rows(obj, verb=None):
    rows = AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk))
    return rows.filter(verb=verb) if verb else rows


def told(kind):
    return {n.recipient for n in Notification.objects.filter(kind=kind)}


def needed(name) -> list[str]:
    return [str(CASE_NEEDED[name])]


def stop(project, member, sponsor, lessons=PROJECT_LESSONS):
    """The team asks to stop the sponsored project, with its lessons; the sponsor agrees."""
    ask(member, project, stop=True, lessons=lessons)
    decide(sponsor, project, "stop")
    assert project.status == ProjectStatus.STOPPED
    return project


def stopped_project(manager, body, *, title, sponsor):
    """Another project of `body`, sponsored and stopped, its team a new member of the body."""
    author = MembershipFactory(organisation=body).user
    problem = submit(author, body, title=f"The problem behind {title}")
    problem_services.problem_accept(actor=manager, problem=problem)
    project = start(manager, problem, title=title, sponsor=sponsor, team=[author])
    project_services.sponsorship_answer(actor=sponsor, project=project, accept=True)
    project.refresh_from_db()
    return stop(project, author, sponsor), author


def save(case, actor, **values):
    """Save the case as seen now, every field as in COMPLETE unless given; the case is read again."""
    case.refresh_from_db()
    changed = services.case_update(actor=actor, case=case, seen_version=case.version, **{**COMPLETE, **values})
    case.refresh_from_db()
    return changed


def searched(word, kind="case"):
    return [entry.key for entry in search.search(word, user=AnonymousUser(), kind=kind).entries]


def key(case):
    return f"lab.casestudy:{case.pk}"


@pytest.fixture
def stopped(sponsored, member, sponsor):
    """The member's project, stopped by its sponsor at the team's request, with its lessons."""
    return stop(sponsored, member, sponsor)


@pytest.fixture
def draft(stopped, member):
    return services.case_start(actor=member, project=stopped)


@pytest.fixture
def in_review(draft, member):
    save(draft, member)
    services.case_submit(actor=member, case=draft)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def published(in_review, programme_manager):
    services.case_publish(actor=programme_manager, case=in_review)
    in_review.refresh_from_db()
    return in_review


# Starting a case ----------------------------------------------------------------------------------


def test_the_team_of_a_stopped_project_starts_a_draft_filled_from_the_project(stopped, organisation, member):
    organisation.country, organisation.level_of_government = "PT", "regional"
    organisation.save()

    case = services.case_start(actor=member, project=stopped)

    case = CaseStudy.objects.get()
    assert case.project == stopped and case.status == CaseStatus.DRAFT
    assert case.title == stopped.title == "Enrolment slots booked online"
    assert (case.organisation_name, case.country, case.level) == ("Agency for Modernisation", "PT", "regional")
    assert case.problem == stopped.problem.description
    assert case.objectives == stopped.targets
    assert case.innovation == stopped.summary
    assert case.lessons == PROJECT_LESSONS
    assert case.launch_year == stopped.created_at.year
    # What only its writer can say is left for them to say.
    assert (case.sector, case.development_time, case.stage, case.innovation_type, case.results) == ("",) * 5
    assert not case.tags.exists()
    assert (case.written_by, case.version) == (member, 1)
    assert case.submitted_at is None and case.published_at is None

    [event] = audit_rows(case)
    assert (event.verb, event.actor) == ("create", member)
    assert event.after == {"title": case.title, "version": 1}
    assert not Notification.objects.filter(kind__startswith="lab.case_").exists()


def test_a_programme_manager_starts_a_case_of_a_project_that_scaled(sponsored, member, sponsor, programme_manager):
    scaled = advance(sponsored, member, sponsor, times=len(stages()) - 1)
    assert scaled.stage == stages()[-1] == "scale" and scaled.status == ProjectStatus.ACTIVE

    case = services.case_start(actor=programme_manager, project=scaled)

    assert case.written_by == programme_manager and case.project == scaled
    assert case.lessons == ""  # a project that scaled has not written its lessons yet


def test_the_last_stage_of_the_deployment_counts_as_scaled_whatever_it_is(settings, sponsored, member, sponsor):
    settings.PONTE_LAB_STAGES = ["investigate", "experiment"]
    advance(sponsored, member, sponsor)
    assert sponsored.stage == "experiment"

    assert services.case_start(actor=member, project=sponsored).project == sponsored


@pytest.mark.parametrize("moves", range(len(stages()) - 1))
def test_no_case_is_started_while_the_project_is_active_before_its_last_stage(
    sponsored, member, sponsor, programme_manager, moves
):
    advance(sponsored, member, sponsor, times=moves)
    for person in (member, programme_manager):
        with pytest.raises(PermissionDenied):
            services.case_start(actor=person, project=sponsored)
    assert not CaseStudy.objects.exists()


@pytest.mark.parametrize("who", ["org_admin", "sponsor", "citizen", "platform_admin", "another body's member"])
def test_only_the_team_or_a_programme_manager_starts_a_case(request, stopped, who):
    person = (
        MembershipFactory(organisation=OrganisationFactory()).user
        if who == "another body's member"
        else request.getfixturevalue(who)
    )
    with pytest.raises(PermissionDenied):
        services.case_start(actor=person, project=stopped)
    assert not CaseStudy.objects.exists()


def test_a_deactivated_team_member_starts_no_case(stopped, member):
    member.is_active = False
    member.save()
    with pytest.raises(PermissionDenied):
        services.case_start(actor=member, project=stopped)
    assert not CaseStudy.objects.exists()


def test_a_project_is_told_in_one_case_only(draft, stopped, member, programme_manager):
    for person in (member, programme_manager):
        with pytest.raises(PermissionDenied):
            services.case_start(actor=person, project=stopped)
    assert CaseStudy.objects.get() == draft
    assert audit_rows(draft).count() == 1


# Writing the draft ---------------------------------------------------------------------------------


def test_a_draft_is_saved_with_answers_still_missing(draft, member):
    changed = services.case_update(
        actor=member,
        case=draft,
        seen_version=1,
        title="  Enrolment by appointment  ",
        organisation_name="",
        country="",
        level="",
        sector="education",
        launch_year=None,
        development_time="",
        stage="",
        innovation_type="",
        tags=[],
        objectives="",
        problem="",
        innovation="",
        results="",
        lessons="",
    )

    draft.refresh_from_db()
    assert draft.title == "Enrolment by appointment"
    assert draft.sector == "education"
    assert (draft.organisation_name, draft.country, draft.level, draft.launch_year) == ("", "", "", None)
    assert (draft.problem, draft.innovation, draft.lessons) == ("", "", "")
    assert draft.status == CaseStatus.DRAFT and draft.version == 2
    assert {"title", "sector", "launch_year", "problem"} <= set(changed)

    [event] = audit_rows(draft, "update")
    assert event.actor == member
    assert event.before["title"] == "Enrolment slots booked online"
    assert event.after["title"] == "Enrolment by appointment"
    assert event.after["version"] == 2


def test_the_team_and_the_lab_team_complete_the_draft(draft, member, programme_manager):
    save(draft, member)
    assert draft.version == 2
    save(draft, programme_manager, results="Twelve minutes at most, against three hours.")

    assert draft.results == "Twelve minutes at most, against three hours."
    assert draft.version == 3
    assert [e.actor for e in audit_rows(draft, "update").order_by("pk")] == [member, programme_manager]


def test_saving_what_is_already_saved_changes_nothing(draft, member):
    save(draft, member)
    updates = audit_rows(draft, "update").count()

    assert save(draft, member) == []
    assert draft.version == 2
    assert audit_rows(draft, "update").count() == updates


def test_a_draft_needs_its_title(draft, member):
    with pytest.raises(ValidationError) as refused:
        save(draft, member, title="   ")
    assert refused.value.message_dict == {"title": needed("title")}


THIS_YEAR = date.today().year


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "XX", needed("country")),
        ("level", "federal", needed("level")),
        ("sector", "space_exploration", needed("sector")),
        ("development_time", "forever", needed("development_time")),
        ("stage", "dreaming", needed("stage")),
        ("innovation_type", "magic", needed("innovation_type")),
        ("launch_year", 1949, needed("launch_year")),
        ("launch_year", THIS_YEAR + 1, needed("launch_year")),
        ("launch_year", 0, needed("launch_year")),
        ("tags", [f"tag {n}" for n in range(TAG_LIMIT + 1)], [f"Give at most {TAG_LIMIT} tags."]),
        ("tags", ["x" * 61], ["A tag has at most 60 characters."]),
        ("tags", ["once\x00only"], ["A tag has at most 60 characters."]),
        ("problem", "Queues\x00at the town hall", ["The text contains characters that are not allowed."]),
        ("title", "x" * 201, ["Write at most 200 characters."]),
        ("innovation", "x" * 10001, ["Write at most 10,000 characters."]),
    ],
)
def test_a_bad_answer_is_refused_beside_its_field_and_nothing_is_saved(draft, member, field, value, message):
    before = {name: getattr(draft, name) for name in services.current(draft) if name != "tags"}

    with pytest.raises(ValidationError) as refused:
        save(draft, member, **{field: value})

    assert refused.value.message_dict == {field: message}
    draft.refresh_from_db()
    assert {name: getattr(draft, name) for name in before} == before
    assert draft.version == 1 and not draft.tags.exists()
    assert not audit_rows(draft, "update").exists()
    assert not CaseTag.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("launch_year", 1950),
        ("launch_year", THIS_YEAR),
        ("tags", [f"tag {n}" for n in range(TAG_LIMIT)]),
        ("tags", ["x" * 60]),
    ],
)
def test_the_limits_themselves_are_allowed(draft, member, field, value):
    save(draft, member, **{field: value})
    kept = sorted(tag.name for tag in draft.tags.all()) if field == "tags" else getattr(draft, field)
    assert kept == (sorted(value) if field == "tags" else value)


def test_tags_are_trimmed_put_in_lower_case_and_kept_once():
    assert services.tag_names(" Once Only,citizen   SHOPS ,, once only ,Appointments,  ") == [
        "once only",
        "citizen shops",
        "appointments",
    ]
    assert services.tag_names("") == [] and services.tag_names(" , ,") == []


def test_the_tags_written_are_kept_as_the_form_gives_them(draft, member):
    save(draft, member, tags=services.tag_names(" Once Only,citizen   SHOPS , once only"))

    assert sorted(tag.name for tag in draft.tags.all()) == ["citizen shops", "once only"]
    [event] = audit_rows(draft, "update")
    assert event.after["tags"] == ["citizen shops", "once only"]


def test_the_service_itself_trims_lowers_and_drops_repeated_tags(draft, member):
    save(draft, member, tags=[" Once Only ", "once only", "Citizen  Shops"])

    assert sorted(tag.name for tag in draft.tags.all()) == ["citizen shops", "once only"]


def test_cases_share_their_tags(draft, member, programme_manager, organisation, sponsor):
    other_project, author = stopped_project(programme_manager, organisation, title="Permits by post", sponsor=sponsor)
    other = services.case_start(actor=author, project=other_project)

    save(draft, member, tags=["once only", "appointments"])
    save(other, author, tags=["appointments", "permits"])

    assert sorted(CaseTag.objects.values_list("name", flat=True)) == ["appointments", "once only", "permits"]
    shared = CaseTag.objects.get(name="appointments")
    assert set(shared.cases.all()) == {draft, other}

    # Leaving a tag out takes it off the case, and leaves it to the other case.
    save(draft, member, tags=["once only"])
    assert list(shared.cases.all()) == [other]
    assert sorted(tag.name for tag in draft.tags.all()) == ["once only"]


def test_a_stale_save_is_refused_with_what_changed_and_saves_nothing(draft, member, programme_manager):
    opened = draft.version  # the member opens the edit form
    save(draft, programme_manager, innovation="A kiosk at the town hall books for those without a computer.")
    assert draft.version == opened + 1
    events = audit_rows(draft).count()

    with pytest.raises(StaleEdit) as stale:
        services.case_update(
            actor=member, case=draft, seen_version=opened, **{**COMPLETE, "innovation": "Online booking only."}
        )

    assert stale.value.current_version == opened + 1
    changed = {change.field: change for change in stale.value.changes}
    assert changed["innovation"].who == "Paula Manager"
    assert changed["innovation"].now == "A kiosk at the town hall books for those without a computer."
    draft.refresh_from_db()
    assert draft.innovation == "A kiosk at the town hall books for those without a computer."
    assert draft.version == opened + 1
    assert audit_rows(draft).count() == events

    # Knowing what changed, the member saves again from the version now shown.
    services.case_update(
        actor=member, case=draft, seen_version=stale.value.current_version, **{**COMPLETE, "innovation": "Both."}
    )
    draft.refresh_from_db()
    assert draft.innovation == "Both." and draft.version == opened + 2


def test_a_save_of_the_tags_alone_moves_the_version_on(draft, member, programme_manager):
    save(draft, member)
    opened = draft.version
    save(draft, programme_manager, tags=["appointments", "school enrolment", "kiosk"])
    assert draft.version == opened + 1

    with pytest.raises(StaleEdit):
        services.case_update(actor=member, case=draft, seen_version=opened, **{**COMPLETE, "tags": ["queues"]})


# Review ---------------------------------------------------------------------------------------------


def test_a_case_with_answers_missing_is_not_sent_for_review_and_each_is_named(draft, member, programme_manager):
    services.case_update(
        actor=member,
        case=draft,
        seen_version=1,
        title="Enrolment slots booked online",
        **{name: "" for name in CASE_NEEDED if name not in ("title", "launch_year", "tags")},
        launch_year=None,
        tags=[],
    )
    draft.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.case_submit(actor=member, case=draft)

    assert refused.value.message_dict == {name: needed(name) for name in CASE_NEEDED if name != "title"}
    draft.refresh_from_db()
    assert draft.status == CaseStatus.DRAFT and draft.submitted_at is None
    assert not audit_rows(draft, "submit_case").exists()
    assert not Notification.objects.filter(kind="lab.case_submitted").exists()


def test_the_draft_as_started_still_lacks_what_only_its_writer_knows(draft, member):
    with pytest.raises(ValidationError) as refused:
        services.case_submit(actor=member, case=draft)

    assert refused.value.message_dict == {
        name: needed(name) for name in ("sector", "development_time", "stage", "innovation_type", "tags", "results")
    }
    draft.refresh_from_db()
    assert draft.status == CaseStatus.DRAFT


def test_a_complete_case_goes_to_the_programme_managers_for_review(draft, member, programme_manager):
    other_manager = UserFactory(is_programme_manager=True)
    UserFactory(is_programme_manager=True, is_active=False)
    save(draft, member)
    before = timezone.now()

    services.case_submit(actor=member, case=draft)

    draft.refresh_from_db()
    assert draft.status == CaseStatus.IN_REVIEW
    assert before <= draft.submitted_at <= timezone.now()
    [event] = audit_rows(draft, "submit_case")
    assert (event.actor, event.before, event.after) == (member, {"status": "draft"}, {"status": "in_review"})
    assert told("lab.case_submitted") == {programme_manager, other_manager}
    notification = Notification.objects.get(kind="lab.case_submitted", recipient=programme_manager)
    assert notification.url == draft.get_absolute_url() == f"/cases/{draft.pk}/"
    assert "Enrolment slots booked online" in notification.message


def test_returning_a_case_needs_a_note(in_review, programme_manager):
    for note in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            services.case_return(actor=programme_manager, case=in_review, note=note)
        assert refused.value.message_dict == {"note": [RETURN_NOTE]}
    in_review.refresh_from_db()
    assert in_review.status == CaseStatus.IN_REVIEW and in_review.review_note == ""
    assert not audit_rows(in_review, "return_case").exists()
    assert not Notification.objects.filter(kind="lab.case_returned").exists()


def test_a_returned_case_is_a_draft_again_and_its_writer_is_told_why(in_review, member, programme_manager):
    services.case_return(actor=programme_manager, case=in_review, note="  Give the results in figures.  ")

    in_review.refresh_from_db()
    assert in_review.status == CaseStatus.DRAFT
    assert (in_review.review_note, in_review.reviewed_by) == ("Give the results in figures.", programme_manager)
    [event] = audit_rows(in_review, "return_case")
    assert (event.actor, event.reason, event.after) == (
        programme_manager,
        "Give the results in figures.",
        {"status": "draft"},
    )
    [notification] = Notification.objects.filter(kind="lab.case_returned")
    assert notification.recipient == member and notification.url == in_review.get_absolute_url()
    assert "Give the results in figures." in notification.message

    # Its writers take it up again, and sending it again clears the note.
    save(in_review, member, results="Twelve minutes at most, against three hours.")
    services.case_submit(actor=member, case=in_review)
    in_review.refresh_from_db()
    assert in_review.status == CaseStatus.IN_REVIEW and in_review.review_note == ""


def test_a_programme_manager_publishes_the_case_into_the_library_and_the_search(in_review, member, programme_manager):
    colleague = UserFactory()
    in_review.project.team.add(colleague)
    before = timezone.now()

    services.case_publish(actor=programme_manager, case=in_review)

    in_review.refresh_from_db()
    assert in_review.status == CaseStatus.PUBLISHED and in_review.reviewed_by == programme_manager
    assert before <= in_review.published_at <= timezone.now()
    [event] = audit_rows(in_review, "publish_case")
    assert (event.actor, event.after) == (programme_manager, {"status": "published"})
    assert told("lab.case_published") == {member, colleague}
    notification = Notification.objects.get(kind="lab.case_published", recipient=member)
    assert notification.url == in_review.get_absolute_url()
    assert "Enrolment slots booked online" in notification.message

    # Anyone finds it by a word of what the innovation was, and by a tag.
    assert searched("kiosk") == [key(in_review)]
    assert searched("enrolment") == [key(in_review)]
    assert searched("kiosk", kind="problem") == []


def test_a_case_not_published_is_never_found_by_the_search(published, programme_manager, organisation, sponsor, member):
    other_project, author = stopped_project(programme_manager, organisation, title="Permits by post", sponsor=sponsor)
    drafted = services.case_start(actor=author, project=other_project)
    save(drafted, author, title="Permits by post", innovation="Permits are renewed by a marmalade of letters.")
    assert searched("marmalade") == []

    services.case_submit(actor=author, case=drafted)
    assert searched("marmalade") == []
    staff = search.search("marmalade", user=programme_manager, kind="case")
    assert staff.entries == [] and staff.total == 0

    # The published one is found, and only it.
    assert searched("kiosk") == [key(published)]


def test_the_team_does_not_publish_or_return_its_own_case(in_review, member):
    with pytest.raises(PermissionDenied):
        services.case_publish(actor=member, case=in_review)
    with pytest.raises(PermissionDenied):
        services.case_return(actor=member, case=in_review, note="Not ready.")
    in_review.refresh_from_db()
    assert in_review.status == CaseStatus.IN_REVIEW
    assert searched("kiosk") == []


def test_a_draft_is_neither_published_nor_returned(draft, member, programme_manager):
    save(draft, member)
    with pytest.raises(PermissionDenied):
        services.case_publish(actor=programme_manager, case=draft)
    with pytest.raises(PermissionDenied):
        services.case_return(actor=programme_manager, case=draft, note="Not ready.")
    draft.refresh_from_db()
    assert draft.status == CaseStatus.DRAFT and draft.published_at is None


@pytest.mark.parametrize("state", ["in_review", "published"])
def test_nothing_is_changed_once_the_case_left_its_writers(request, state, member, programme_manager):
    case = request.getfixturevalue(state)
    version, events = case.version, audit_rows(case).count()

    for person in (member, programme_manager):
        with pytest.raises(PermissionDenied):
            save(case, person, innovation="Rewritten after the review.", tags=["rewritten"])
        with pytest.raises(PermissionDenied):
            services.case_submit(actor=person, case=case)

    case.refresh_from_db()
    assert case.status == state and case.version == version
    assert case.innovation == COMPLETE["innovation"]
    assert sorted(tag.name for tag in case.tags.all()) == COMPLETE["tags"]
    assert audit_rows(case).count() == events


def test_a_published_case_is_not_published_or_returned_again(published, programme_manager):
    with pytest.raises(PermissionDenied):
        services.case_publish(actor=programme_manager, case=published)
    with pytest.raises(PermissionDenied):
        services.case_return(actor=programme_manager, case=published, note="Take it back.")
    published.refresh_from_db()
    assert published.status == CaseStatus.PUBLISHED
    assert Notification.objects.filter(kind="lab.case_published").count() == 1


def test_every_write_on_a_case_leaves_an_audit_event(draft, member, programme_manager):
    save(draft, member)
    services.case_submit(actor=member, case=draft)
    services.case_return(actor=programme_manager, case=draft, note="Give the results in figures.")
    save(draft, member, results="Twelve minutes at most.")
    services.case_submit(actor=member, case=draft)
    services.case_publish(actor=programme_manager, case=draft)

    assert [(e.verb, e.actor) for e in audit_rows(draft).order_by("pk")] == [
        ("create", member),
        ("update", member),
        ("submit_case", member),
        ("return_case", programme_manager),
        ("update", member),
        ("submit_case", member),
        ("publish_case", programme_manager),
    ]
