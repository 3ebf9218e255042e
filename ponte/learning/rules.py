"""Who may do what in learning: a role predicate AND a state predicate. Programme managers keep
the catalogue and schedule sessions; any signed-in person enrols while a session is upcoming;
an admin of the person's organisation approves the enrolment when the session asks for it; the
session's trainer (or a programme manager) reads who takes part and records attendance."""

import rules
from django.utils import timezone

from ponte.core.roles import is_authenticated, is_programme_manager
from ponte.organisations.queries import roles_of
from ponte.organisations.rules import is_org_admin

from .models import ACTIVE_STATUSES, ENROLMENT_LIFECYCLE, SessionPhase


@rules.predicate
def is_in_catalogue(user, course) -> bool:
    return course is not None and course.withdrawn_at is None


@rules.predicate
def is_upcoming(user, session) -> bool:
    return session is not None and session.phase == SessionPhase.UPCOMING


@rules.predicate
def has_begun(user, session) -> bool:
    """Under way or over, and not cancelled: attendance can be recorded."""
    return session is not None and session.phase in (SessionPhase.RUNNING, SessionPhase.OVER)


@rules.predicate
def trains_it(user, session) -> bool:
    return session is not None and user.is_authenticated and session.trainer_id == user.pk


@rules.predicate
def is_own(user, enrolment) -> bool:
    return enrolment is not None and user.is_authenticated and enrolment.person_id == user.pk


@rules.predicate
def is_active(user, enrolment) -> bool:
    return enrolment is not None and enrolment.status in ACTIVE_STATUSES


@rules.predicate
def before_its_session(user, enrolment) -> bool:
    return enrolment is not None and enrolment.session.starts_at > timezone.now() and not enrolment.session.cancelled_at


@rules.predicate
def manages_the_person(user, enrolment) -> bool:
    """An admin of the organisation the person named for their manager's approval."""
    return (
        enrolment is not None
        and enrolment.organisation_id is not None
        and roles_of(user).get(enrolment.organisation_id) == "admin"
    )


@rules.predicate
def trains_its_session(user, enrolment) -> bool:
    return enrolment is not None and trains_it(user, enrolment.session)


@rules.predicate
def is_given(user, obj) -> bool:
    """A missing session or enrolment is refused, even to a programme manager."""
    return obj is not None


rules.add_perm("learning.add_course", is_programme_manager)
rules.add_perm("learning.change_course", is_programme_manager & is_in_catalogue)
rules.add_perm("learning.withdraw_course", is_programme_manager & is_in_catalogue)
rules.add_perm("learning.schedule_session", is_programme_manager & is_in_catalogue)
rules.add_perm("learning.change_session", is_programme_manager & is_upcoming)
rules.add_perm("learning.cancel_session", is_programme_manager & is_upcoming)
rules.add_perm("learning.enrol", is_authenticated & is_upcoming)
rules.add_perm("learning.view_participants", is_given & (is_programme_manager | trains_it))
rules.add_perm("learning.record_attendance", (is_programme_manager | trains_it) & has_begun)
rules.add_perm(
    "learning.view_enrolment", is_given & (is_own | manages_the_person | is_programme_manager | trains_its_session)
)
rules.add_perm("learning.cancel_enrolment", is_own & is_active & before_its_session)
rules.add_perm(
    "learning.decide_enrolment", manages_the_person & ENROLMENT_LIFECYCLE.allows("approve") & before_its_session
)
# A group's skills profile (never of fewer than MIN_GROUP people, which the query enforces).
rules.add_perm("learning.view_group_skills", is_given & (is_programme_manager | is_org_admin))


@rules.predicate
def path_in_catalogue(user, path) -> bool:
    return path is not None and path.withdrawn_at is None


rules.add_perm("learning.add_path", is_programme_manager)
rules.add_perm("learning.change_path", is_programme_manager & path_in_catalogue)
rules.add_perm("learning.withdraw_path", is_programme_manager & path_in_catalogue)
