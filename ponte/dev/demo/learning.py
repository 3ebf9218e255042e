"""The demo's learning (data/learning.yaml): courses added by the programme manager, sessions
scheduled with the demo's trainer, enrolments and requests made by the people themselves,
attendance recorded by the trainer (which issues the certificates), and a certificate published
as an Open Badge by its holder — each through the learning services. A past session is
scheduled in the future, takes its enrolments, then has its dates moved back."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from ponte.accounts.models import User
from ponte.learning.models import QUESTIONS, Certificate, Course, LearningPath, SelfAssessment, Session
from ponte.learning.services import catalogue, certificates, enrolments, paths, sessions, skills

from .data import load

STARTS = time(9, 30)


def build(stdout=None) -> None:
    data = load("learning")
    manager = User.objects.get(email=data["added_by"])
    trainer = User.objects.get(email=data["trainer"])
    people = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    added = 0
    for spec in data["courses"]:
        # A course already there is left as it is, with its sessions.
        if Course.objects.filter(title=spec["title"]).exists():
            continue
        course = catalogue.course_add(
            actor=manager,
            **{name: spec[name] for name in ("title", "summary", "kind", "track", "hours", "language", "skills")},
            description=" ".join(spec["description"].split()),
        )
        for session in spec.get("sessions", []):
            _session(session, course, manager, trainer, people)
        added += 1
    paths_added = _paths(data.get("paths", []), manager)
    assessed = _self_assessments(data.get("self_assessments", []), people)
    if stdout is not None and (added or assessed or paths_added):
        stdout.write(f"Learning: {added} courses, {paths_added} paths and {assessed} self-assessments added.")


def _paths(specs: list[dict], manager: User) -> int:
    """Each path through the service, its courses found by title. A path already there is left."""
    added = 0
    for spec in specs:
        if LearningPath.objects.filter(title=spec["title"]).exists():
            continue
        courses = [Course.objects.get(title=title).pk for title in spec["courses"]]
        paths.path_add(
            actor=manager,
            title=spec["title"],
            summary=spec["summary"],
            description=" ".join(spec["description"].split()),
            track=spec["track"],
            courses=courses,
        )
        added += 1
    return added


def _self_assessments(rounds: list[dict], people: dict) -> int:
    """Each answered through the service, then dated back to when it was taken. A person who
    already assessed their skills is left as they are."""
    if SelfAssessment.objects.filter(person__email__in=[email for r in rounds for email in r["answers"]]).exists():
        return 0
    added = 0
    for round_ in rounds:
        taken_at = timezone.now() + timedelta(days=round_["days"])
        for email, text in round_["answers"].items():
            digits = [int(digit) for digit in text.replace(" ", "")]
            answers = {key: digits[index] for index, (key, _skill, _text) in enumerate(QUESTIONS)}
            assessment = skills.self_assessment_take(actor=people[email], answers=answers)
            SelfAssessment.objects.filter(pk=assessment.pk).update(taken_at=taken_at)
            added += 1
    return added


def _session(spec: dict, course: Course, manager: User, trainer: User, people: dict) -> None:
    days = spec["days"]
    # A past session is scheduled for tomorrow, takes its people, then moves back.
    shift = max(0, 1 - days)
    starts = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days + shift), STARTS))
    session = sessions.session_schedule(
        actor=manager,
        course=course,
        starts_at=starts,
        ends_at=starts + timedelta(hours=spec["hours"]),
        place=spec.get("place", ""),
        online_link=spec.get("online_link", ""),
        capacity=spec["capacity"],
        trainer=trainer,
        needs_approval=spec.get("needs_approval", False),
    )
    for email in spec.get("enrolled", []) + spec.get("requested", []):
        person = people[email]
        organisation = person.memberships.select_related("organisation").first()
        enrolments.enrol(
            actor=person, session=session, organisation=organisation.organisation if organisation else None
        )
    if spec.get("cancelled"):
        sessions.session_cancel(actor=manager, session=session, reason=spec["cancelled"])
    if shift:
        moved = timedelta(days=shift)
        Session.objects.filter(pk=session.pk).update(starts_at=starts - moved, ends_at=session.ends_at - moved)
        session.refresh_from_db()
        present = {enrolment.pk for enrolment in session.enrolments.filter(person__email__in=spec.get("attended", []))}
        sessions.attendance_record(actor=trainer, session=session, present=present)
        for certificate in Certificate.objects.filter(
            enrolment__session=session, person__email__in=spec.get("badges", [])
        ):
            certificates.badge_consent_set(actor=certificate.person, certificate=certificate, consent=True)
