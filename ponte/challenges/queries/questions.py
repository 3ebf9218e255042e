"""Reads of clarification questions, filtered to what the viewer may see (services/questions.py
says who sees who asked), and the questions waiting for an owner's answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ponte.organisations.queries import verified_companies_of

from .. import rules as challenge_rules
from ..models import (
    Challenge,
    Question,
    QuestionStatus,
    Status,
    questions_are_open,
    questions_close_at,
)


def closing_message(challenge: Challenge) -> str:
    closes = questions_close_at(challenge)
    when = formats.date_format(timezone.localtime(closes), "DATETIME_FORMAT") if closes else ""
    return _("Questions closed on %(when)s.") % {"when": when}


# Services ------------------------------------------------------------------------------


def not_invited_message() -> str:
    return _("Only the suppliers invited after the previous phase may ask questions on this phase.")


# Reads ---------------------------------------------------------------------------------


def published_questions(challenge: Challenge) -> QuerySet[Question]:
    """The answered questions, newest answer first: what everyone sees."""
    return Question.objects.filter(challenge=challenge, status=QuestionStatus.ANSWERED).order_by("-answered_at", "-pk")


def _company_ids(user) -> list[int]:
    if not user.is_authenticated:
        return []
    from ponte.organisations.models import Organisation

    return list(Organisation.objects.filter(memberships__user=user, kind="company").values_list("pk", flat=True))


def waiting_for(user, challenge: Challenge) -> QuerySet[Question]:
    """Questions waiting for an answer: all of them for the owner and programme managers, a
    company's own for its members, none for anyone else."""
    pending = Question.objects.filter(challenge=challenge, status=QuestionStatus.PENDING).order_by("created_at", "pk")
    if user.has_perm("challenges.view_pending_questions", challenge):
        return pending
    return pending.filter(company_id__in=_company_ids(user))


@dataclass
class QuestionsSection:
    """What the challenge page shows of questions, for one viewer."""

    published: list[Question]
    waiting: list[Question]
    declined: list[Question]
    own_company_ids: set[int] = field(default_factory=set)
    can_ask: bool = False
    can_answer: bool = False
    open: bool = False
    closes_at: object = None
    closed_message: str = ""
    show_ask_panel: bool = False
    sees_all_waiting: bool = False
    companies: list = field(default_factory=list)


def section_for(user, challenge: Challenge) -> QuestionsSection:
    company_ids = set(_company_ids(user))
    published = list(published_questions(challenge))
    sees_all_waiting = user.has_perm("challenges.view_pending_questions", challenge)
    waiting = list(waiting_for(user, challenge))
    declined = (
        list(Question.objects.filter(challenge=challenge, status=QuestionStatus.DECLINED, company_id__in=company_ids))
        if company_ids
        else []
    )
    is_open = questions_are_open(challenge)
    is_company = bool(company_ids) and challenge_rules.is_company_member(user)
    return QuestionsSection(
        published=published,
        waiting=waiting,
        declined=declined,
        own_company_ids=company_ids,
        can_ask=user.has_perm("challenges.ask_question", challenge),
        can_answer=user.has_perm("challenges.answer_question", challenge),
        open=is_open,
        closes_at=questions_close_at(challenge),
        closed_message=closing_message(challenge) if challenge.status == Status.PUBLISHED and not is_open else "",
        show_ask_panel=is_company and challenge.status == Status.PUBLISHED,
        sees_all_waiting=sees_all_waiting,
        companies=list(verified_companies_of(user)) if is_company else [],
    )


def waiting_for_answer(user) -> QuerySet[Question]:
    """Questions waiting for an answer on the published challenges a person answers for (as
    their author, while in the public body, or as an admin of the body), with their challenge,
    the challenge whose questions close first coming first."""
    from django.db.models import Q

    from ponte.organisations.queries import roles_of

    roles = roles_of(user)
    if not roles:
        return Question.objects.none()
    admin_of = [org for org, role in roles.items() if role == "admin"]
    return (
        Question.objects.filter(
            Q(challenge__owner_id__in=admin_of) | Q(challenge__author=user, challenge__owner_id__in=list(roles)),
            status=QuestionStatus.PENDING,
            challenge__status=Status.PUBLISHED,
        )
        .select_related("challenge")
        .order_by("challenge__deadline", "challenge_id", "created_at", "pk")
    )
