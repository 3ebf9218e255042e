"""Reads of co-creation: sessions and prototypes as their readers may see them, a session's
counts, a prototype's feedback summed up per version, a panel member's invitations."""

from __future__ import annotations

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet

from ..models import (
    FeedbackAnswer,
    FeedbackResponse,
    Invitation,
    InvitationStatus,
    PanelMember,
    Project,
    Prototype,
    QuestionKind,
    Session,
)
from .projects import of_visible_projects

TEXT_ANSWERS_SHOWN = 50  # a prototype's free answers shown per question, the newest first
ATTENDANCE_SHOWN = 500  # the signed-up people an attendance form lists


def panel_member(user) -> PanelMember | None:
    if not user.is_authenticated:
        return None
    return PanelMember.objects.filter(person=user).prefetch_related("topics").first()


def _counted(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.annotate(
        invited=Count("invitations"),
        signed_up=Count("invitations", filter=Q(invitations__status=InvitationStatus.SIGNED_UP)),
        came=Count("invitations", filter=Q(invitations__attended=True)),
    )


def session_for(user, pk) -> Session | None:
    """A session with its counts, for who sees its project or was invited to it."""
    if not user.is_authenticated:
        return None
    invited = Invitation.objects.filter(session=OuterRef("pk"), member__person=user)
    return (
        _counted(Session.objects.filter(of_visible_projects(user) | Exists(invited)))
        .select_related("project", "project__organisation")
        .prefetch_related("project__team")
        .filter(pk=pk)
        .first()
    )


def sessions_of(project: Project) -> QuerySet[Session]:
    return _counted(project.sessions.all()).order_by("starts_at", "pk")


def signed_up(session: Session) -> QuerySet[Invitation]:
    """Those signed up to a session, for its team's attendance form: members still on the
    panel by name, those who withdrew as anonymous rows."""
    return (
        session.invitations.filter(status=InvitationStatus.SIGNED_UP)
        .select_related("member__person")
        .order_by("pk")[:ATTENDANCE_SHOWN]
    )


def invitations_of(user) -> QuerySet[Invitation]:
    """A panel member's invitations, the soonest session first."""
    return (
        Invitation.objects.filter(member__person=user)
        .select_related("session", "session__project")
        .order_by("session__starts_at", "pk")
    )


def upcoming_invitations(user) -> QuerySet[Invitation]:
    from django.utils import timezone

    return Invitation.objects.filter(
        member__person=user, status=InvitationStatus.INVITED, session__starts_at__gt=timezone.now()
    )


def prototype_for(user, pk) -> Prototype | None:
    if not user.is_authenticated:
        return None
    took_part = Invitation.objects.filter(session__project=OuterRef("project"), member__person=user)
    return (
        Prototype.objects.filter(of_visible_projects(user) | Exists(took_part))
        .select_related("project", "project__organisation")
        .prefetch_related("questions", "project__team")
        .filter(pk=pk)
        .first()
    )


def prototypes_of(project: Project) -> QuerySet[Prototype]:
    return project.prototypes.annotate(responses_count=Count("responses")).order_by("name", "created_at", "pk")


def feedback_summary(prototype: Prototype) -> list[dict]:
    """Per question: a rating's number of answers, mean and count of each score; a free
    question's newest answers. Anonymous: no answer says whose it is. Three queries."""
    questions = list(prototype.questions.all())
    ratings = (
        FeedbackAnswer.objects.filter(response__prototype=prototype, rating__isnull=False)
        .values_list("question_id", "rating")
        .annotate(n=Count("*"))
        .order_by()
    )
    by_question: dict[int, dict[int, int]] = {}
    for question_id, rating, n in ratings:
        by_question.setdefault(question_id, {})[rating] = n
    means = dict(
        FeedbackAnswer.objects.filter(response__prototype=prototype, rating__isnull=False)
        .values_list("question_id")
        .annotate(mean=Avg("rating"))
        .order_by()
    )
    texts: dict[int, list[str]] = {}
    free = [q.pk for q in questions if q.kind == QuestionKind.TEXT]
    if free:
        answers = (
            FeedbackAnswer.objects.filter(question_id__in=free)
            .exclude(text="")
            .order_by("-response__submitted_at", "-pk")
            .values_list("question_id", "text")
        )
        for question_id, text in answers[: TEXT_ANSWERS_SHOWN * len(free)]:
            if len(texts.setdefault(question_id, [])) < TEXT_ANSWERS_SHOWN:
                texts[question_id].append(text)
    summary = []
    for question in questions:
        counts = by_question.get(question.pk, {})
        summary.append(
            {
                "question": question,
                "answers": sum(counts.values()),
                "mean": means.get(question.pk),
                "distribution": [(score, counts.get(score, 0)) for score in range(1, 6)],
                "texts": texts.get(question.pk, []),
            }
        )
    return summary


def responses_count(prototype: Prototype) -> int:
    return FeedbackResponse.objects.filter(prototype=prototype).count()
