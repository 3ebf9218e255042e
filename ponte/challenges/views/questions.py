"""Clarification questions on the challenge page: companies ask, the owner answers or
declines, and the owners' list of questions waiting for an answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ponte.core.forms import add_service_errors

from .. import rules as challenge_rules
from ..forms.questions import AnswerForm, DeclineForm, QuestionForm
from ..models import Question, QuestionStatus, Status, questions_close_at
from ..queries import proposals as proposals_queries
from ..queries import public as public_queries
from ..queries import questions as questions_queries
from ..services import questions as questions_services


def _refusal(user, challenge) -> str:
    """Why someone may not ask, in words."""
    if not challenge_rules.is_company_member(user):
        return _("Only members of a verified company can ask questions on a challenge.")
    if not challenge_rules.is_invited(user, challenge):
        return questions_queries.not_invited_message()
    if challenge.status == Status.PUBLISHED:
        return questions_queries.closing_message(challenge)
    return _("This challenge does not take questions: it is not open.")


@login_required
def question_ask(request, pk):
    challenge = public_queries.challenge_or_404(request.user, pk)
    companies = proposals_queries.companies_of(request.user, challenge)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    status = 200
    refusal = "" if request.user.has_perm("challenges.ask_question", challenge) else _refusal(request.user, challenge)
    if request.method == "POST":
        chosen = request.POST.get("company", "")
        company = next((c for c in companies if str(c.pk) == chosen), None)
        if company is None and len(companies) == 1:
            company = companies[0]
        if refusal:
            form.is_valid()  # show what was typed, with the reason it cannot be sent
            form.add_error(None, refusal)
            status = 403 if not challenge_rules.is_company_member(request.user) else 400
        elif company is None:
            form.is_valid()
            form.add_error(None, _("Choose the company on whose behalf you ask."))
            status = 400
        elif form.is_valid():
            try:
                questions_services.question_ask(
                    actor=request.user, challenge=challenge, company=company, text=form.cleaned_data["text"]
                )
            except PermissionDenied:
                form.add_error(None, _refusal(request.user, challenge))
                status = 403
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                messages.success(
                    request,
                    _(
                        "Your question is sent. When the owner answers, the answer is published to everyone, "
                        "without your name or your company's, and you are told."
                    ),
                )
                return redirect(challenge.get_absolute_url() + "#questions")
        else:
            status = 400
    context = {"challenge": challenge, "form": form, "companies": companies, "refusal": refusal}
    context["closes_at"] = questions_close_at(challenge)
    return render(request, "challenges/questions/ask.html", context, status=status)


@login_required
def questions_waiting(request):
    """The questions waiting for the person's answer: on one challenge, its page, where they are
    answered; on several, a list of them by challenge, each with a link to answer it."""
    waiting = list(questions_queries.waiting_for_answer(request.user))
    challenges = {question.challenge_id: question.challenge for question in waiting}
    if len(challenges) == 1:
        challenge = next(iter(challenges.values()))
        return redirect(challenge.get_absolute_url() + "#questions-waiting")
    return render(request, "challenges/questions/waiting.html", {"waiting": waiting})


def _question(challenge, question_pk) -> Question:
    """One question of the challenge; only those who may answer reach here."""
    question = Question.objects.filter(challenge=challenge, pk=question_pk).first()
    if question is None:
        raise Http404
    return question


def _answer_page(request, challenge, question, answer_form, decline_form, status=200):
    return render(
        request,
        "challenges/questions/answer.html",
        {"challenge": challenge, "question": question, "answer_form": answer_form, "decline_form": decline_form},
        status=status,
    )


def _already_decided(request, challenge, error: ValidationError):
    messages.error(request, " ".join(error.messages))
    return redirect(challenge.get_absolute_url() + "#questions")


@login_required
def question_answer(request, pk, question_pk):
    challenge = public_queries.challenge_or_404(request.user, pk)
    if not request.user.has_perm("challenges.answer_question", challenge):
        raise PermissionDenied
    question = _question(challenge, question_pk)
    answer_form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not answer_form.is_valid():
            return _answer_page(request, challenge, question, answer_form, DeclineForm(), status=400)
        try:
            questions_services.question_answer(
                actor=request.user, question=question, answer=answer_form.cleaned_data["answer"]
            )
        except PermissionDenied:
            messages.error(request, _("This question can no longer be answered."))
            return redirect(challenge)
        except ValidationError as error:
            if "answer" in getattr(error, "error_dict", {}):
                add_service_errors(answer_form, error)
                return _answer_page(request, challenge, question, answer_form, DeclineForm(), status=400)
            return _already_decided(request, challenge, error)
        messages.success(request, _("Your answer is published. The companies that follow the challenge are told."))
        return redirect(challenge.get_absolute_url() + "#questions")
    if question.status != QuestionStatus.PENDING:
        messages.info(request, _("This question is already answered or declined."))
        return redirect(challenge.get_absolute_url() + "#questions")
    return _answer_page(request, challenge, question, answer_form, DeclineForm())


@login_required
def question_decline(request, pk, question_pk):
    challenge = public_queries.challenge_or_404(request.user, pk)
    if not request.user.has_perm("challenges.answer_question", challenge):
        raise PermissionDenied
    question = _question(challenge, question_pk)
    if request.method != "POST":
        return redirect("challenges:question_answer", pk=challenge.pk, question_pk=question.pk)
    decline_form = DeclineForm(request.POST)
    if not decline_form.is_valid():
        return _answer_page(request, challenge, question, AnswerForm(), decline_form, status=400)
    try:
        questions_services.question_decline(
            actor=request.user, question=question, reason=decline_form.cleaned_data["reason"]
        )
    except PermissionDenied:
        messages.error(request, _("This question can no longer be declined."))
        return redirect(challenge)
    except ValidationError as error:
        if "reason" in getattr(error, "error_dict", {}):
            add_service_errors(decline_form, error)
            return _answer_page(request, challenge, question, AnswerForm(), decline_form, status=400)
        return _already_decided(request, challenge, error)
    messages.success(request, _("The question is declined; the company that asked is told why."))
    return redirect(challenge.get_absolute_url() + "#questions")
