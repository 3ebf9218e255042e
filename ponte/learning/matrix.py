"""The role matrix's courses, sessions and enrolments (docs/roles.md), and its trainer: one
builder per state, used by the matrix and by the tests, and what each learning permission means."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ponte.accounts.matrix import person
from ponte.core.rolematrix import Case, Role, Subject, World
from ponte.organisations import matrix as organisations_matrix

from .models import Course, CourseSkill, Enrolment, EnrolmentStatus, LearningPath, PathStep, Session, Skill

ROLE = Role("trainer", "trainer", "the trainer named for the session", 47, person("trainer", "trainer"))


def make_course(world: World, state: str = "in the catalogue") -> Course:
    course = Course.objects.create(
        title=f"Roles matrix course {state} {world.token}",
        summary="Roles matrix",
        description="Roles matrix course",
        hours=6,
        language="en",
        created_by=world.people["programme_manager"],
        withdrawn_at=timezone.now() if state == "withdrawn" else None,
    )
    CourseSkill.objects.create(course=course, skill=Skill.ITERATION)
    return course


COURSE_SUBJECT = Subject(
    key="course",
    label="course",
    states=tuple(
        (state, lambda world, state=state: make_course(world, state)) for state in ("in the catalogue", "withdrawn")
    ),
)


def make_path(world: World, state: str = "in the catalogue") -> LearningPath:
    """A path of two courses in the catalogue, withdrawn or not."""
    path = LearningPath.objects.create(
        title=f"Roles matrix path {state} {world.token}",
        summary="Roles matrix",
        description="Roles matrix path",
        created_by=world.people["programme_manager"],
        withdrawn_at=timezone.now() if state == "withdrawn" else None,
    )
    PathStep.objects.bulk_create(
        PathStep(path=path, course=make_course(world), position=position) for position in (1, 2)
    )
    return path


PATH_SUBJECT = Subject(
    key="learning_path",
    label="learning path",
    states=tuple(
        (state, lambda world, state=state: make_path(world, state)) for state in ("in the catalogue", "withdrawn")
    ),
)

# Each phase of a session: its start and end in hours from now, and whether it was cancelled.
SESSION_STATES = {
    "upcoming": (48, 54, False),
    "under way": (-2, 4, False),
    "over": (-50, -44, False),
    "cancelled": (48, 54, True),
}


def make_session(world: World, state: str = "upcoming", *, needs_approval: bool = False) -> Session:
    """A session of a course in the catalogue, in `state` (SESSION_STATES), trained by the World's
    trainer, with 10 places. Made directly: the services refuse dates in the past."""
    starts, ends, cancelled = SESSION_STATES[state]
    now = timezone.now()
    return Session.objects.create(
        course=make_course(world),
        starts_at=now + timedelta(hours=starts),
        ends_at=now + timedelta(hours=ends),
        place="Roles matrix room",
        capacity=10,
        trainer=world.people["trainer"],
        needs_approval=needs_approval,
        created_by=world.people["programme_manager"],
        cancelled_at=now if cancelled else None,
        cancel_reason="Roles matrix reason" if cancelled else "",
    )


SESSION_SUBJECT = Subject(
    key="learning_session",
    label="learning session (trained by the trainer)",
    states=tuple((state, lambda world, state=state: make_session(world, state)) for state in SESSION_STATES),
)

# Each state of the public servant's enrolment: its status, and the session's phase.
ENROLMENT_STATES = {
    "asked, waiting for approval": (EnrolmentStatus.REQUESTED, "upcoming"),
    "on the waiting list": (EnrolmentStatus.WAITING, "upcoming"),
    "enrolled": (EnrolmentStatus.ENROLLED, "upcoming"),
    "enrolled, session under way": (EnrolmentStatus.ENROLLED, "under way"),
    "refused": (EnrolmentStatus.REFUSED, "upcoming"),
    "cancelled": (EnrolmentStatus.CANCELLED, "upcoming"),
}


def make_enrolment(world: World, state: str = "enrolled") -> Enrolment:
    """The public servant's enrolment in a session that asks for a manager's approval, named for
    approval by the World's public body (whose admin is the organisation admin)."""
    status, phase = ENROLMENT_STATES[state]
    session = make_session(world, phase, needs_approval=True)
    now = timezone.now()
    return Enrolment.objects.create(
        session=session,
        person=world.people["public_servant"],
        organisation=organisations_matrix.public_body(world),
        status=status,
        queued_at=None if status == EnrolmentStatus.REQUESTED else now,
        enrolled_at=now if status == EnrolmentStatus.ENROLLED else None,
    )


ENROLMENT_SUBJECT = Subject(
    key="enrolment",
    label="enrolment (of the public servant, approved by the organisation admin)",
    states=tuple((state, lambda world, state=state: make_enrolment(world, state)) for state in ENROLMENT_STATES),
)

CASES = {
    "learning.add_course": Case("Add a course or workshop to the catalogue."),
    "learning.change_course": Case("Change a course in the catalogue.", "course"),
    "learning.add_path": Case("Add a learning path: courses of the catalogue in order."),
    "learning.change_path": Case(
        "Change a learning path in the catalogue (its courses and their order).", "learning_path"
    ),
    "learning.withdraw_path": Case("Withdraw a learning path from the catalogue.", "learning_path"),
    "learning.withdraw_course": Case("Withdraw a course from the catalogue (its sessions go on).", "course"),
    "learning.schedule_session": Case("Schedule a session of a course in the catalogue.", "course"),
    "learning.change_session": Case("Change a session before it starts (places, dates, trainer).", "learning_session"),
    "learning.cancel_session": Case("Cancel a session before it starts, with a reason.", "learning_session"),
    "learning.enrol": Case(
        "Enrol, join the waiting list, or ask one's manager, while the session is upcoming.", "learning_session"
    ),
    "learning.view_participants": Case(
        "Read who is enrolled, waiting and asking: the trainer and the programme managers.", "learning_session"
    ),
    "learning.record_attendance": Case(
        "Record who came, once the session has begun: the trainer and the programme managers.", "learning_session"
    ),
    "learning.view_enrolment": Case(
        "Read the enrolment: the person, the admins approving it, the session's trainer, the programme managers.",
        "enrolment",
    ),
    "learning.cancel_enrolment": Case(
        "Cancel one's own enrolment, waiting or request, until the session starts.", "enrolment"
    ),
    "learning.view_group_skills": Case(
        "Read the skills profile of the organisation's people (never of fewer than five): its admins and the "
        "programme managers.",
        "organisation",
    ),
    "learning.decide_enrolment": Case(
        "Approve or refuse the request, before the session starts: an admin of the organisation named.", "enrolment"
    ),
}
