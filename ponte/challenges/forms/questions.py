"""Forms of clarification questions: ask, answer, decline."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from ..models import QUESTION_MAX_LENGTH
from ..services import questions as questions_services


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your question"),
        max_length=QUESTION_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "At most 2,000 characters. The question and its answer are published to everyone, "
            "without your name or your company's."
        ),
        error_messages={"required": gettext_lazy("Write your question.")},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        max_length=questions_services.MAX_ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Published to everyone with the question; every company that follows is told."),
        error_messages={"required": gettext_lazy("Write the answer.")},
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you decline it?"),
        max_length=questions_services.MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For example: it repeats a question already answered. Only the company that asked sees it."
        ),
        error_messages={"required": gettext_lazy("Say why you decline the question.")},
    )
