"""Forms of the drafting journey: one short form per step, the criteria, documents and the
next phase's name."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ponte.core import attachments
from ponte.core.forms import MultipleFileField, textarea
from ponte.organisations.models import Organisation
from ponte.reference.forms import CpvCodesField, SectorsField

from ..models import Instrument, InstrumentRule, minimum_periods

MAX_CRITERIA = 8
CPV_PATTERN = re.compile(r"\d{8}(?:-\d)?")


class ChallengeCreateForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Public body"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_("The public body that owns the problem and will buy the solution."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("Name the problem, not a solution: for example “Citizens cannot find the right form”."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = Organisation.objects.filter(kind="public_body", status="verified", memberships__user=user).order_by(
            "name"
        )
        self.fields["owner"].queryset = bodies
        if len(bodies) == 1:
            self.fields["owner"].initial = bodies[0].pk
            self.fields["owner"].widget = forms.HiddenInput()
        self.fields["title"].error_messages["required"] = _("Give the challenge a title.")
        self.fields["owner"].error_messages["required"] = _("Choose the public body.")


def rationale_field() -> forms.CharField:
    """Why a published challenge changes: published with an amendment and sent to the companies
    that follow it or submitted a proposal."""
    return forms.CharField(
        label=_("Why are you changing the published challenge?"),
        max_length=4000,
        widget=textarea(3),
        help_text=_(
            "Shown with the change on the challenge page, and sent to the companies that follow it or "
            "submitted a proposal."
        ),
        error_messages={"required": _("Say why you amend the challenge: the reason is published with the amendment.")},
    )


class StepForm(forms.Form):
    """A step of the drafting journey. Once the challenge is published a change to it is an
    amendment (or a revision, back to review), and its editor says why."""

    asks_rationale = True

    def __init__(self, *args, challenge=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        if self.asks_rationale and challenge is not None and challenge.status == "published":
            self.fields["rationale"] = rationale_field()


MAX_PHASE_NAME = 100
PHASE_NAME_HINT = _("Only for a challenge in several phases, such as “Solution design” or “Prototype”.")


class ProblemForm(StepForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    phase_name = forms.CharField(label=_("Phase"), max_length=MAX_PHASE_NAME, required=False, help_text=PHASE_NAME_HINT)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=400,
        required=False,
        widget=textarea(2),
        help_text=_("One or two sentences that say what the problem is, for lists and notifications."),
    )
    context = forms.CharField(
        label=_("Context"),
        required=False,
        widget=textarea(4),
        help_text=_("Where this problem arises, and why now."),
    )
    problem = forms.CharField(
        label=_("The problem"),
        required=False,
        widget=textarea(6),
        help_text=_("Describe the problem, not a solution: companies will propose how to solve it."),
    )
    affected = forms.CharField(label=_("Who is affected"), required=False, widget=textarea(3))
    desired_outcomes = forms.CharField(
        label=_("Desired outcomes"),
        required=False,
        widget=textarea(4),
        help_text=_("What will be better, for whom, and how you will know."),
    )
    constraints = forms.CharField(
        label=_("Constraints"),
        required=False,
        widget=textarea(3),
        help_text=_("Legal, technical or organisational limits a solution must respect."),
    )
    out_of_scope = forms.CharField(label=_("Out of scope"), required=False, widget=textarea(3))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = _("Give the challenge a title.")
        self.fields["phase_name"].error_messages["max_length"] = _(
            "Name the phase in at most %(limit_value)d characters (you wrote %(show_value)d)."
        )

    @staticmethod
    def initial_for(challenge):
        return {name: getattr(challenge, name) for name in ProblemForm.base_fields}

    def service_fields(self):
        return dict(self.cleaned_data)


class ClassificationForm(StepForm):
    # Sectors, codes and languages change as they did before amendments: no reason is asked.
    asks_rationale = False

    sectors = SectorsField()
    cpv_codes = CpvCodesField()
    languages = forms.MultipleChoiceField(
        label=_("Languages of proposals"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages in which companies may write their proposals."),
    )

    @staticmethod
    def initial_for(challenge):
        return {
            "sectors": [s.code for s in challenge.sectors.all()],
            "cpv_codes": CpvCodesField.initial_for(challenge.cpv_codes.all()),
            "languages": list(challenge.languages),
        }

    def service_fields(self):
        data = self.cleaned_data
        return {
            "sectors": SectorsField.tags(data["sectors"]),
            "cpv_codes": data["cpv_codes"],
            "languages": data["languages"],
        }


def instrument_choices():
    """Each instrument with its legal ceiling, as the hint of its choice."""
    ceilings = {rule.instrument: rule.ceiling for rule in InstrumentRule.objects.all()}
    choices = []
    for value, label in Instrument.choices:
        ceiling = ceilings.get(value)
        if ceiling is None:
            hint = _("no legal ceiling")
        else:
            hint = _("legal ceiling: EUR %(ceiling)s excluding VAT") % {
                "ceiling": number_format(ceiling, decimal_pos=0, force_grouping=True)
            }
        choices.append((value, f"{label} ({hint})"))
    return choices


class BudgetForm(StepForm):
    instrument = forms.ChoiceField(label=_("Procurement instrument"), widget=forms.RadioSelect)
    budget_ceiling = forms.DecimalField(
        label=_("Budget ceiling (EUR, excluding VAT)"),
        required=False,
        min_value=1,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("The most you will pay, in euros without VAT, for example 25000."),
    )
    deadline_date = forms.DateField(
        label=_("Deadline for proposals: date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deadline_time = forms.TimeField(
        label=_("Deadline for proposals: time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instrument_choices()
        self.fields["budget_ceiling"].error_messages["invalid"] = _(
            "Enter the budget as a number of euros, for example 25000."
        )
        # The deadline is given in the public body's time (its country's), and stored in UTC.
        if self.challenge is not None:
            self.zone, zone = self.challenge.time_zone, self.challenge.time_zone_label
            tender, questions = minimum_periods(self.challenge.instrument)
        else:
            self.zone, zone = timezone.get_current_timezone(), timezone.get_current_timezone_name()
            tender, questions = minimum_periods(Instrument.LOW_VALUE)
        self.fields["deadline_time"].help_text = _("%(zone)s, for example 17:00.") % {"zone": zone}
        hours = int(questions.total_seconds() // 3600)
        self.fields["deadline_date"].help_text = _(
            "At least %(days)s after publication; questions close %(hours)s before the deadline."
        ) % {
            "days": ngettext("%(count)s day", "%(count)s days", tender.days) % {"count": tender.days},
            "hours": ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours},
        }

    def clean(self):
        data = super().clean()
        date, time = data.get("deadline_date"), data.get("deadline_time")
        if "deadline_date" in self.errors or "deadline_time" in self.errors:
            return data
        if date and time is None:
            self.add_error("deadline_time", _("Enter the time of the deadline, for example 17:00."))
        elif time and date is None:
            self.add_error("deadline_date", _("Enter the date of the deadline."))
        return data

    @staticmethod
    def initial_for(challenge):
        initial = {"instrument": challenge.instrument, "budget_ceiling": challenge.budget_ceiling}
        if challenge.deadline is not None:
            local = timezone.localtime(challenge.deadline, challenge.time_zone)
            initial["deadline_date"] = local.date()
            initial["deadline_time"] = local.time().replace(second=0, microsecond=0)
        return initial

    def service_fields(self):
        data = self.cleaned_data
        deadline = None
        if data.get("deadline_date") and data.get("deadline_time"):
            deadline = timezone.make_aware(
                datetime.datetime.combine(data["deadline_date"], data["deadline_time"]), self.zone
            )
            kept = self.challenge.deadline if self.challenge is not None else None
            if kept is not None and deadline == kept.replace(second=0, microsecond=0):
                deadline = kept  # shown to the minute and sent back untouched: unchanged
        fields = {"instrument": data["instrument"], "budget_ceiling": data["budget_ceiling"], "deadline": deadline}
        if "rationale" in data:
            fields["rationale"] = data["rationale"]
        return fields


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What evaluators look for"), required=False, max_length=2000, widget=textarea(2)
    )
    weight = forms.IntegerField(
        label=_("Weight (%)"),
        required=False,
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "data-weight": ""}),
    )

    def clean(self):
        data = super().clean()
        if "weight" in self.errors:
            return data
        name, weight = (data.get("name") or "").strip(), data.get("weight")
        if name and weight is None:
            self.add_error("weight", _("Give this criterion a weight."))
        elif weight is not None and not name:
            self.add_error("name", _("Name this criterion, or clear its weight."))
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("name") or "").strip() and data.get("weight") is None and not data.get("description")


CriterionFormSet = forms.formset_factory(CriterionForm, extra=0, max_num=MAX_CRITERIA, absolute_max=MAX_CRITERIA)


def criteria_formset(data=None, challenge=None):
    initial = None
    if data is None and challenge is not None:
        rows = [{"name": c.name, "description": c.description, "weight": c.weight} for c in challenge.criteria.all()]
        initial = rows + [{}] * (MAX_CRITERIA - len(rows))
    formset = CriterionFormSet(data, initial=initial, prefix="criteria")
    if data is None and initial is None:
        formset.extra = MAX_CRITERIA
    return formset


def criteria_from(formset) -> list[dict]:
    """The rows people filled in, in order; empty rows are ignored."""
    return [
        {
            "name": form.cleaned_data["name"].strip(),
            "description": form.cleaned_data.get("description", ""),
            "weight": form.cleaned_data["weight"],
        }
        for form in formset.forms
        if not form.is_blank
    ]


class NextPhaseForm(forms.Form):
    """The name of the next phase of an awarded challenge; the service prepares the rest."""

    phase_name = forms.CharField(
        label=_("Name of the next phase"),
        max_length=MAX_PHASE_NAME,
        help_text=_("For example “Prototype” or “Test”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["phase_name"]
        field.error_messages["required"] = _("Name the next phase, such as “Prototype”.")
        field.error_messages["max_length"] = _(
            "Name the phase in at most %(limit_value)d characters (you wrote %(show_value)d)."
        )


MAX_DOCUMENTS = 10


class DocumentsForm(forms.Form):
    """Files added to a draft challenge; attachments.validate_upload judges each one."""

    files = MultipleFileField(
        label=_("Add documents"),
        help_text=_(
            "At most 10 documents in all, such as terms of reference or data that helps companies understand "
            "the problem: PDF, image, office document, text or CSV; at most 10 MB each. "
            "They are published with the challenge."
        ),
        error_messages={"required": _("Choose at least one file to add.")},
    )

    def __init__(self, *args, existing=0, amending=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = existing
        if amending:
            # A published challenge's documents are added by amendment, with its reason.
            self.fields["rationale"] = rationale_field()

    def clean_files(self):
        files = self.cleaned_data["files"]
        if not files:
            raise forms.ValidationError(self.fields["files"].error_messages["required"], code="required")
        room = MAX_DOCUMENTS - self.existing
        if len(files) > room:
            raise forms.ValidationError(
                _("A challenge has at most %(max)s documents: it has %(count)s, so add at most %(room)s more.")
                % {"max": MAX_DOCUMENTS, "count": self.existing, "room": max(room, 0)}
            )
        errors = []
        for uploaded in files:
            try:
                attachments.validate_upload(uploaded)
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return files
