"""Learning at national scale: a catalogue of courses over the OECD's six core skills and the
managers' track (2,000 at L) with paths through it (200), each course with past sessions that
people attended (or missed) and upcoming ones, some full with a waiting list; and a fifth of
the people's skills
self-assessments, over up to two years. Written in bulk from a random generator seeded by
the scale, as the services would have left it: never more enrolled than a session's places,
attendance only once a session has begun."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from ponte.accounts.models import User
from ponte.learning.models import (
    CORE_SKILLS,
    MANAGER_SKILLS,
    QUESTIONS,
    Certificate,
    Course,
    CourseKind,
    CourseSkill,
    Enrolment,
    EnrolmentStatus,
    LearningPath,
    PathStep,
    SelfAssessment,
    Session,
    SkillScore,
    Track,
)
from ponte.learning.services.skills import scores_of

SIZES = {"S": 40, "M": 400, "L": 2_000}  # courses
PAST, UPCOMING = 4, 2  # sessions of each course
BATCH = 2_000
TOPICS = [
    "Test small, learn fast",
    "Data for decisions",
    "Designing with the people a service is for",
    "Asking better questions",
    "Telling the story of a change",
    "Changing the rules from inside",
    "Leading teams that experiment",
    "Open by default",
]
PLACES = ["Lisbon", "Brussels", "Ljubljana", "Porto", "Ghent", "Maribor"]
LANGUAGES = ["en", "pt-pt", "fr", "nl", "sl"]


def build(scale: str, progress) -> None:
    total = SIZES[scale]
    rng = random.Random(f"ponte-learning-{scale}")
    manager = User.objects.filter(is_programme_manager=True, is_active=True).order_by("pk").first()
    names = dict(User.objects.filter(email__startswith="gen-").order_by("pk").values_list("pk", "name")[:50_000])
    people = list(names)
    if manager is None or not people:
        return
    run = Course.objects.filter(title__startswith="[gen]").count()
    bar = progress(total=total, desc="courses")
    now = timezone.now()
    for start in range(0, total, BATCH // 10):
        count = min(BATCH // 10, total - start)
        courses = Course.objects.bulk_create(_course(rng, run + start + number, manager) for number in range(count))
        CourseSkill.objects.bulk_create(
            CourseSkill(course=course, skill=skill) for course in courses for skill in _skills(rng, course)
        )
        sessions = Session.objects.bulk_create(
            _session(rng, course, index, manager, now) for course in courses for index in range(PAST + UPCOMING)
        )
        enrolments = Enrolment.objects.bulk_create(
            (enrolment for session in sessions for enrolment in _enrolments(rng, session, people, now)),
            batch_size=BATCH,
        )
        # Each who came holds a certificate, as attendance_record would have issued it.
        Certificate.objects.bulk_create(
            (
                Certificate(
                    enrolment=enrolment,
                    person_id=enrolment.person_id,
                    name=names[enrolment.person_id],
                    course_title=enrolment.session.course.title,
                    hours=enrolment.session.course.hours,
                    completed_on=timezone.localdate(enrolment.session.ends_at),
                    issued_at=enrolment.attendance_recorded_at,
                )
                for enrolment in enrolments
                if enrolment.attended
            ),
            batch_size=BATCH,
        )
        bar.update(count)
    bar.close()
    _paths(rng, total, run, manager)
    _self_assessments(rng, people, now, progress)


def _paths(rng: random.Random, total: int, run: int, manager: User) -> None:
    """A path for every tenth course, each of two to five courses of the catalogue in order."""
    courses = list(Course.objects.in_catalogue().filter(title__startswith="[gen]").values_list("pk", "track"))
    made = LearningPath.objects.bulk_create(
        LearningPath(
            title=f"[gen] Path {run // 10 + number + 1}",
            summary="A generated learning path.",
            description="A generated path, for measuring the catalogue at national scale.",
            track=Track.MANAGERS if number % 5 == 0 else Track.EVERYONE,
            created_by=manager,
        )
        for number in range(total // 10)
    )
    PathStep.objects.bulk_create(
        (
            PathStep(path=path, course_id=course, position=position)
            for path in made
            for position, (course, _track) in enumerate(rng.sample(courses, rng.randint(2, 5)), start=1)
        ),
        batch_size=BATCH,
    )


def _self_assessments(rng: random.Random, people: list[int], now: datetime, progress) -> None:
    """A fifth of the people assess their skills, once or twice a year apart, scores rising."""
    assessed = people[: len(people) // 5]
    bar = progress(total=len(assessed), desc="self-assessments")
    for start in range(0, len(assessed), BATCH):
        batch = assessed[start : start + BATCH]
        assessments = []
        for person in batch:
            for year_back in range(rng.choice([1, 2])):
                taken = now - timedelta(days=365 * year_back + rng.randint(1, 300))
                base = rng.randint(1, 4)
                answers = {
                    key: min(5, max(1, base + rng.randint(-1, 1) + (1 - year_back))) for key, _s, _t in QUESTIONS
                }
                assessments.append(SelfAssessment(person_id=person, taken_at=taken, answers=answers))
        made = SelfAssessment.objects.bulk_create(assessments)
        SkillScore.objects.bulk_create(
            (
                SkillScore(assessment=assessment, skill=skill, score=score)
                for assessment in made
                for skill, score in scores_of(assessment.answers).items()
            ),
            batch_size=BATCH,
        )
        bar.update(len(batch))
    bar.close()


def _course(rng: random.Random, number: int, manager: User) -> Course:
    managers = rng.random() < 0.2
    return Course(
        title=f"[gen] {rng.choice(TOPICS)} {number + 1}",
        summary="A generated course of the catalogue.",
        description="A generated course, for measuring the catalogue at national scale.",
        kind=rng.choice(CourseKind.values),
        track=Track.MANAGERS if managers else Track.EVERYONE,
        hours=rng.choice([3, 4, 6, 8, 12, 14]),
        language=rng.choice(LANGUAGES),
        created_by=manager,
    )


def _skills(rng: random.Random, course: Course) -> list[str]:
    pool = MANAGER_SKILLS if course.track == Track.MANAGERS else CORE_SKILLS
    return rng.sample(pool, rng.randint(1, 2))


def _session(rng: random.Random, course: Course, index: int, manager: User, now: datetime) -> Session:
    # Past sessions a few months apart, then the upcoming ones.
    offset = (
        (index - PAST) * 45 + rng.randint(-10, 10) if index < PAST else (index - PAST + 1) * 20 + rng.randint(0, 15)
    )
    day = (now + timedelta(days=offset)).date()
    starts = timezone.make_aware(datetime.combine(day, time(9, 30)))
    online = rng.random() < 0.3
    return Session(
        course=course,
        starts_at=starts,
        ends_at=starts + timedelta(hours=min(course.hours, 7)),
        place="" if online else rng.choice(PLACES),
        online_link="https://meet.example.org/ponte" if online else "",
        capacity=rng.choice([10, 12, 16, 20, 25, 30]),
        trainer=manager,
        needs_approval=rng.random() < 0.25,
        created_by=manager,
    )


def _enrolments(rng: random.Random, session: Session, people: list[int], now: datetime):
    past = session.starts_at <= now
    full = rng.random() < 0.3
    taken = session.capacity if (past or full) else rng.randint(0, session.capacity)
    waiting = rng.randint(1, 5) if full and not past else 0
    chosen = rng.sample(people, min(len(people), taken + waiting))
    for position, person in enumerate(chosen):
        joined = session.starts_at - timedelta(days=30 - position / 10)
        enrolled = position < taken
        yield Enrolment(
            session=session,
            person_id=person,
            status=EnrolmentStatus.ENROLLED if enrolled else EnrolmentStatus.WAITING,
            requested_at=joined,
            queued_at=joined,
            enrolled_at=joined if enrolled else None,
            attended=(rng.random() < 0.85) if past and enrolled else None,
            attendance_recorded_at=session.ends_at if past and enrolled else None,
        )
