"""Forms of an exemption's reports, evaluation and outcome. They only parse what people type;
the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import mark_needed_later, textarea

from ..models import TEXT_LIMIT, Outcome


class ReportForm(forms.Form):
    progress = forms.CharField(
        label=_("Progress"),
        max_length=TEXT_LIMIT,
        widget=textarea(6),
        help_text=_("How the experiment is going against its objective: what works, what does not, what changed."),
        error_messages={"required": _("Say how the experiment is going, against its objective.")},
    )
    measure = forms.CharField(
        label=_("The objective's measure now"),
        max_length=300,
        help_text=_("Where the measure stands, beside its baseline: for example, 18 working days (baseline 31)."),
        error_messages={"required": _("Give where the objective's measure stands now.")},
    )


class EvaluationForm(forms.Form):
    evaluation = forms.CharField(
        label=_("Final evaluation"),
        max_length=TEXT_LIMIT,
        widget=textarea(8),
        help_text=_("How the experiment went, for whom, and how it was evaluated."),
        error_messages={"required": _("Evaluate the experiment: how it went, and for whom.")},
    )
    result = forms.CharField(
        label=_("Result against the baseline"),
        max_length=TEXT_LIMIT,
        widget=textarea(3),
        help_text=_("The objective's measure at the end, beside its baseline."),
        error_messages={"required": _("Give the result against the baseline.")},
    )
    lessons = forms.CharField(
        label=_("Lessons"),
        max_length=TEXT_LIMIT,
        widget=textarea(5),
        help_text=_("What others can learn from it, whether it worked or not."),
        error_messages={"required": _("Write the lessons others can learn from it.")},
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[(value, label) for value, label in Outcome.choices if value != Outcome.REVOKED],
        error_messages={"required": _("Choose what came of the experiment.")},
    )
    note = forms.CharField(
        label=_("About the outcome"),
        max_length=TEXT_LIMIT,
        widget=textarea(4),
        help_text=_("Which rule changed and how, why the exemption is extended, or why the rule stays as it was."),
        error_messages={"required": _("Say what came of it, and why.")},
    )
    extended_until = forms.DateField(
        label=_("New last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("If the exemption is extended."),
        error_messages={"invalid": _("Give the new last day: after today and after the last day.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Needed when the exemption is extended: the service says so.
        mark_needed_later(self, ["extended_until"])
