"""The forms of the evaluation pages. They parse what was typed and show it back; the rules
of content (the score scale, required comments and notes, who may be assigned) belong to
the evaluation services, whose refusals are put beside the field they concern."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ponte.core.forms import textarea

from ..models import SCORE_MAX, SCORE_MIN, SCORE_SCALE

NO_CONFLICT, CONFLICT = "no", "yes"


class TextCheckedByTheService(forms.CharField):
    """Text the service requires only in some cases (a comment on submitting, a note when
    declaring a conflict). It is shown without "(optional)", as people must usually fill
    it, and lets an empty value through: a draft may be partial, and the service says what
    is missing, all at once, in the words of the rule."""

    def validate(self, value):
        if value in self.empty_values:
            return
        super().validate(value)


class ScoreField(forms.ChoiceField):
    """One score on the scale, as radio buttons. Any value comes through to the service,
    which refuses what is not on the scale together with every other problem of the
    evaluation; the page then shows the radio buttons with none chosen."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        super().__init__(choices=[(str(value), label) for value, label in SCORE_SCALE], **kwargs)

    def validate(self, value):
        return None


# Assignment ----------------------------------------------------------------------------


class AssignmentForm(forms.Form):
    """A programme manager assigns the chosen evaluators to the chosen proposals at once."""

    proposals = forms.MultipleChoiceField(
        label=gettext_lazy("Proposals"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Every proposal is chosen: untick those these evaluators should not evaluate."),
        error_messages={
            "required": gettext_lazy("Choose at least one proposal."),
            "invalid_choice": gettext_lazy("Choose proposals from the list."),
        },
    )
    evaluators = forms.MultipleChoiceField(
        label=gettext_lazy("Evaluators"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Each evaluator you choose is assigned every proposal you choose. Assignments that "
            "already exist are kept, and nobody is assigned the proposal of a company they belong to."
        ),
        error_messages={
            "required": gettext_lazy("Choose at least one evaluator."),
            "invalid_choice": gettext_lazy("Choose evaluators from the list."),
        },
    )

    def __init__(self, *args, proposals, evaluators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(str(p.pk), p.company.name) for p in proposals]
        self.fields["proposals"].initial = [str(p.pk) for p in proposals]
        self.fields["evaluators"].choices = [
            (str(person.pk), f"{person.name} ({person.email})" if person.name else person.email)
            for person in evaluators
        ]


# Declaring conflicts of interest ---------------------------------------------------------


class DeclarationForm(forms.Form):
    """An evaluator's declarations for every company of one challenge still waiting for one:
    a conflict of interest or none with each, and for a conflict, what it is."""

    def __init__(self, *args, challenge, evaluations, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        self.evaluations = list(evaluations)
        for evaluation in self.evaluations:
            company = evaluation.proposal.company.name
            self.fields[self.conflict_name(evaluation)] = forms.ChoiceField(
                label=_("Conflict of interest with %(company)s") % {"company": company},
                widget=forms.RadioSelect,
                choices=[
                    (NO_CONFLICT, _("I have no conflict of interest with %(company)s") % {"company": company}),
                    (CONFLICT, _("I have a conflict of interest with %(company)s") % {"company": company}),
                ],
                error_messages={
                    "required": _("Say whether you have a conflict of interest with %(company)s.")
                    % {"company": company},
                    "invalid_choice": _("Say whether you have a conflict of interest with %(company)s.")
                    % {"company": company},
                },
            )
            self.fields[self.note_name(evaluation)] = TextCheckedByTheService(
                label=_("Describe the conflict"),
                widget=textarea(3),
                help_text=_(
                    "Only if you have a conflict of interest with %(company)s: say what links you to it, "
                    "for example a past contract, a shareholding or a relative who works there."
                )
                % {"company": company},
            )

    @staticmethod
    def conflict_name(evaluation) -> str:
        return f"conflict_{evaluation.pk}"

    @staticmethod
    def note_name(evaluation) -> str:
        return f"note_{evaluation.pk}"

    @property
    def companies(self):
        """(evaluation, its radio buttons, its note) in the order of the page."""
        return [
            (evaluation, self[self.conflict_name(evaluation)], self[self.note_name(evaluation)])
            for evaluation in self.evaluations
        ]

    def clean(self):
        cleaned = super().clean()
        for evaluation in self.evaluations:
            note = self.note_name(evaluation)
            # A note already refused (a NUL character) is not reported a second time as missing.
            if (
                cleaned.get(self.conflict_name(evaluation)) == CONFLICT
                and note in cleaned
                and not cleaned[note].strip()
            ):
                self.add_error(
                    note,
                    _("Say what links you to %(company)s.") % {"company": evaluation.proposal.company.name},
                )
        return cleaned

    def declarations(self):
        """(evaluation, has a conflict, note) for each company, once the form is valid."""
        return [
            (
                evaluation,
                self.cleaned_data[self.conflict_name(evaluation)] == CONFLICT,
                self.cleaned_data.get(self.note_name(evaluation), ""),
            )
            for evaluation in self.evaluations
        ]

    def add_service_error(self, evaluation, error: ValidationError) -> None:
        """Put a service's refusal beside the company it concerns."""
        names = {"note": self.note_name(evaluation), "conflict": self.conflict_name(evaluation)}
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(names.get(key, self.conflict_name(evaluation)), message)
        else:
            for message in error.messages:
                self.add_error(self.conflict_name(evaluation), message)


# Scoring -------------------------------------------------------------------------------


class ScoringForm(forms.Form):
    """A score on the scale and a comment for each criterion of the challenge. Field names
    are the services' keys (score_<criterion id>, comment_<criterion id>)."""

    # A draft may be saved with empty fields: the browser must not refuse it.
    use_required_attribute = False

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[self.score_name(criterion)] = ScoreField(
                label=_("Your score for “%(criterion)s”") % {"criterion": criterion.name},
                help_text=_("From %(min)s, not addressed, to %(max)s, excellent.")
                % {"min": SCORE_MIN, "max": SCORE_MAX},
            )
            self.fields[self.comment_name(criterion)] = TextCheckedByTheService(
                label=_("Your comment on “%(criterion)s”") % {"criterion": criterion.name},
                widget=textarea(5),
                help_text=_(
                    "Why this score. Once the outcome is decided the company reads your comment, without your name."
                ),
            )

    @staticmethod
    def score_name(criterion) -> str:
        return f"score_{criterion.pk}"

    @staticmethod
    def comment_name(criterion) -> str:
        return f"comment_{criterion.pk}"

    @staticmethod
    def initial_for(criteria, saved) -> dict:
        """What the evaluator saved before: {criterion id: Score}."""
        initial = {}
        for criterion in criteria:
            score = saved.get(criterion.pk)
            if score is not None:
                initial[ScoringForm.score_name(criterion)] = "" if score.score is None else str(score.score)
                initial[ScoringForm.comment_name(criterion)] = score.comment
        return initial

    def fields_of(self, criterion):
        return self[self.score_name(criterion)], self[self.comment_name(criterion)]

    def scores(self) -> dict:
        """{criterion id: (score as typed, comment)} for evaluation.evaluation_save."""
        return {
            criterion.pk: (
                self.cleaned_data.get(self.score_name(criterion)) or None,
                self.cleaned_data.get(self.comment_name(criterion), ""),
            )
            for criterion in self.criteria
        }


# Sending back --------------------------------------------------------------------------


class ReopenForm(forms.Form):
    reason = TextCheckedByTheService(
        label=gettext_lazy("What should the evaluator look at again?"),
        widget=textarea(5),
        help_text=gettext_lazy("The evaluator reads this in the notification that sends the evaluation back."),
    )
