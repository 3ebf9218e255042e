"""The forms of the evaluation pages. They parse what was typed and show it back; the rules
of content (the score scale, required comments and notes, who may be assigned) belong to
the evaluation services, whose refusals are put beside the field they concern."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ponte.core.forms import textarea

from ..models import SCORE_MAX, SCORE_MIN, SCORE_SCALE
from ..queries import evaluation as evaluation_queries

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


ADDRESS_SEPARATORS = re.compile(r"[\s,;]+")
MAX_EVALUATORS = 50


class AssignmentForm(forms.Form):
    """A programme manager assigns the evaluators they name to the proposals they choose: those
    on the page of the board they read, or every standing proposal at once. Evaluators are
    named by e-mail address, found by name as one types (a pool holds thousands)."""

    proposals = forms.MultipleChoiceField(
        label=gettext_lazy("Proposals"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "The proposals on this page are chosen: untick those these evaluators should not evaluate."
        ),
        error_messages={"invalid_choice": gettext_lazy("Choose proposals from the list.")},
    )
    every_proposal = forms.BooleanField(required=False)
    evaluators = forms.CharField(
        label=gettext_lazy("Evaluators"),
        max_length=5000,
        help_text=gettext_lazy(
            "Their e-mail addresses, separated by commas: type part of a name or an address to "
            "find an evaluator. Each is assigned every proposal you choose. Assignments that "
            "already exist are kept, and nobody is assigned the proposal of a company they belong to."
        ),
        error_messages={
            "required": gettext_lazy("Name at least one evaluator."),
            "max_length": gettext_lazy("Name at most 50 evaluators at a time."),
        },
    )

    def __init__(self, *args, standing, shown, suggestions_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.standing = [str(p.pk) for p in standing]
        proposals = self.fields["proposals"]
        proposals.needed_later = True  # needed unless every proposal is chosen
        proposals.choices = [(str(p.pk), p.company.name) for p in standing]
        # Any standing proposal may be sent; those of the page shown are offered.
        proposals.widget.choices = [(str(p.pk), p.company.name) for p in shown]
        proposals.initial = [str(p.pk) for p in shown]
        self.fields["every_proposal"].label = ngettext(
            "The %(count)s standing proposal, not only those on this page",
            "All %(count)s standing proposals, not only those on this page",
            len(standing),
        ) % {"count": len(standing)}
        self.offers_every_proposal = len(shown) < len(standing)
        self.fields["evaluators"].widget.attrs.update(
            {
                "autocomplete": "off",
                "data-suggestions": suggestions_url,
                "data-suggestions-list": "",
            }
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("every_proposal"):
            cleaned["proposals"] = self.standing
        elif "proposals" in cleaned and not cleaned["proposals"]:
            self.add_error("proposals", _("Choose at least one proposal."))
        return cleaned

    def clean_evaluators(self) -> list[int]:
        addresses = list(
            dict.fromkeys(a.lower() for a in ADDRESS_SEPARATORS.split(self.cleaned_data["evaluators"]) if a)
        )
        if not addresses:
            raise ValidationError(_("Name at least one evaluator."))
        if len(addresses) > MAX_EVALUATORS:
            raise ValidationError(_("Name at most 50 evaluators at a time."))
        found = evaluation_queries.evaluators_by_address(addresses)
        unknown = [address for address in addresses if address not in found]
        if unknown:
            raise ValidationError(
                ngettext(
                    "No active evaluator has the address %(addresses)s: check it, or find the evaluator by name.",
                    "No active evaluator has these addresses: %(addresses)s. Check them, or find "
                    "the evaluators by name.",
                    len(unknown),
                )
                % {"addresses": ", ".join(unknown)}
            )
        return [found[address].pk for address in addresses]


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
