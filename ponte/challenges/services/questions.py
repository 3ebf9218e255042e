"""Clarification questions: companies ask, the owner answers in public to everyone.

Who asked is never shown to anyone but the asking company: not on the public page, not in
the API, not in the notifications others receive (the audit trail, a record of decisions,
keeps it). Services are transactional, permission-checked, audited and notifying; the
reads below are filtered to what the viewer may see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ponte.core import audit
from ponte.core.notifications import notify
from ponte.core.services import clean_text, require

from .. import rules as challenge_rules
from ..models import (
    QUESTION_LIFECYCLE,
    QUESTION_MAX_LENGTH,
    Challenge,
    Question,
    QuestionStatus,
    Status,
    questions_are_open,
)
from ..queries import audiences
from ..queries.phases import invited_companies
from ..queries.questions import closing_message, not_invited_message

if TYPE_CHECKING:
    from ponte.accounts.models import User

MAX_REASON_LENGTH = 2000
MAX_ANSWER_LENGTH = 10000


@transaction.atomic
def question_ask(*, actor: User, challenge: Challenge, company, text: str) -> Question:
    """A member of a verified company asks, on its behalf, while the challenge takes questions."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not challenge_rules.is_company_member(actor):
        raise PermissionDenied("challenges.ask_question")
    if challenge.status == Status.PUBLISHED and not questions_are_open(challenge):
        raise ValidationError({"text": [closing_message(challenge)]})
    require("challenges.ask_question", challenge, actor=actor)
    if (
        company is None
        or company.kind != "company"
        or company.status != "verified"
        or not company.memberships.filter(user=actor).exists()
    ):
        raise PermissionDenied("not a member of this company")
    invited = invited_companies(challenge)
    if invited is not None and company.pk not in invited:
        raise ValidationError({"text": [not_invited_message()]}, code="not_invited")
    text = clean_text(text, limit=QUESTION_MAX_LENGTH, field="text", required=_("Write your question."))
    question = Question.objects.create(challenge=challenge, company=company, asker=actor, text=text)
    audit.record(actor=actor, verb="ask_question", target=question, after={"challenge": challenge.pk})
    notify(
        audiences.owners(challenge),
        "challenges.question_asked",
        params={"challenge": challenge.title},
        url=challenge.get_absolute_url() + "#questions-waiting",
    )
    return question


def _locked_question(question: Question) -> Question:
    return Question.objects.select_for_update().select_related("challenge", "asker").get(pk=question.pk)


def _check_pending(question: Question) -> None:
    if question.status == QuestionStatus.ANSWERED:
        raise ValidationError(_("This question is already answered."))
    if question.status == QuestionStatus.DECLINED:
        raise ValidationError(_("This question was declined: it can no longer be answered."))


@transaction.atomic
def question_answer(*, actor: User, question: Question, answer: str) -> Question:
    """The owner answers: the question and its answer become public, without who asked, and
    the asker and every company following the challenge hear of it."""
    question = _locked_question(question)
    challenge = question.challenge
    require("challenges.answer_question", challenge, actor=actor)
    _check_pending(question)
    question.answer = clean_text(answer, limit=MAX_ANSWER_LENGTH, field="answer", required=_("Write the answer."))
    question.answered_by = actor
    QUESTION_LIFECYCLE.apply(question, "answer", actor=actor, update_fields=["answer", "answered_by"])
    url = challenge.get_absolute_url() + "#questions"
    notify([question.asker], "challenges.your_question_answered", params={"challenge": challenge.title}, url=url)
    from ponte.accounts.models import User

    followers = User.objects.filter(pk__in=challenge.interests.values("user_id")).exclude(pk=question.asker_id)
    notify(followers, "challenges.question_answered", params={"challenge": challenge.title}, url=url)
    return question


@transaction.atomic
def question_decline(*, actor: User, question: Question, reason: str) -> Question:
    """The owner declines a question (a duplicate, off topic) with a reason the asker is told."""
    question = _locked_question(question)
    challenge = question.challenge
    require("challenges.answer_question", challenge, actor=actor)
    _check_pending(question)
    question.decline_reason = clean_text(
        reason, limit=MAX_REASON_LENGTH, field="reason", required=_("Say why you decline the question.")
    )
    QUESTION_LIFECYCLE.apply(
        question, "decline", actor=actor, reason=question.decline_reason, update_fields=["decline_reason"]
    )
    notify(
        [question.asker],
        "challenges.question_declined",
        params={"challenge": challenge.title, "reason": question.decline_reason},
        url=challenge.get_absolute_url() + "#questions",
    )
    return question


def _owners(challenge: Challenge):
    """Who answers: the author while still in the public body, and the body's admins."""
    from ponte.organisations.queries import admins_of

    people = list(admins_of(challenge.owner))
    if challenge.owner.memberships.filter(user_id=challenge.author_id).exists():
        people.append(challenge.author)
    return people
