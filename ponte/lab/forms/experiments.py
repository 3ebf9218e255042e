"""Forms of experiments: the card and its plan, results (a file or each group's summary), the
conclusion. They parse what people type; the services judge it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import mark_needed_later, textarea
from ponte.core.versions import VersionField

from ..analysis import RESULTS_FILE_LIMIT, megabytes
from ..models import EXPERIMENT_NEEDED, REASON_LIMIT, TEXT_LIMIT, Conclusion, ExperimentDesign, MetricKind


def _text(label, rows: int = 3, help_text="", limit: int = TEXT_LIMIT) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=limit, widget=textarea(rows) if rows else None, help_text=help_text
    )


def _number(label, help_text="", integer: bool = False) -> forms.Field:
    field = forms.IntegerField if integer else forms.FloatField
    return field(label=label, required=False, help_text=help_text, widget=forms.NumberInput(attrs={"step": "any"}))


class ExperimentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = _text(_("Summary"), 3)
    problem = _text(_("The problem"), 3, _("Which problem of the project the experiment addresses."))
    solution = _text(_("How the idea solves it"), 3)
    tested = _text(_("What is tested in practice"), 3)
    learning = _text(_("What we want to learn"), 3)
    implementers = _text(_("Who implements"), 2, _("The team, the services and the partners who run the experiment."))
    budget = forms.DecimalField(
        label=_("Budget (EUR)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("Grants of EUR 5,000 to 20,000 are typical."),
    )
    resources = _text(
        _("Existing resources"), 2, _("What the experiment uses that already exists: data, staff, premises.")
    )
    hypothesis = _text(
        _("Hypothesis"),
        3,
        _("What you expect, and in whom: for example, a reminder by text message raises attendance."),
    )
    metric_name = forms.CharField(
        label=_("Primary metric"),
        required=False,
        max_length=200,
        help_text=_("The one measure that decides: for example, appointments attended."),
    )
    metric_kind = forms.ChoiceField(
        label=_("Kind of metric"), required=False, choices=MetricKind.choices, widget=forms.RadioSelect
    )
    baseline = _number(
        _("Baseline"), _("The metric today. A proportion in percent (12.5 for 12.5 %); a mean in its own unit.")
    )
    metric_sd = _number(_("Standard deviation"), _("For a mean: how much the metric varies between units today."))
    min_effect = _number(
        _("Minimum effect worth detecting"),
        _(
            "The smallest change that would matter: in percentage points for a proportion, in the metric's unit for "
            "a mean; negative for a decrease."
        ),
    )
    design = forms.ChoiceField(
        label=_("Design"), required=False, choices=ExperimentDesign.choices, widget=forms.RadioSelect
    )
    control_name = forms.CharField(
        label=_("Control group"), max_length=60, help_text=_("As it is written in the results file.")
    )
    treatment_name = forms.CharField(
        label=_("Treatment group"), max_length=60, help_text=_("As it is written in the results file.")
    )
    treatment_share = forms.FloatField(
        label=_("Treatment group's share (%)"), help_text=_("50 when units are split evenly.")
    )
    alpha = forms.FloatField(label=_("Significance level"), help_text=_("Usually 0.05."))
    power = forms.FloatField(
        label=_("Power"), help_text=_("Usually 0.8: the chance of detecting the effect if it is real.")
    )
    planned_per_group = _number(
        _("Units planned in the control group"),
        _("The card computes how many the plan needs, and warns when there are too few."),
        integer=True,
    )
    duration_weeks = _number(
        _("Planned duration (weeks)"), _("Typical lab experiments run 3 to 6 months: 13 to 26 weeks."), integer=True
    )
    analysis_plan = _text(
        _("Analysis plan"),
        4,
        _("What you will compare and how, decided before any result is seen: it is frozen when the experiment starts."),
    )
    reason = _text(
        _("Why the plan changes"),
        3,
        _("Needed to change the plan of a running experiment: the change is shown as a dated deviation."),
        limit=REASON_LIMIT,
    )
    version = VersionField()

    def __init__(self, *args, running: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not running:
            del self.fields["reason"]
        # Starting the experiment needs these; a draft may wait for them.
        mark_needed_later(self, [name for name in EXPERIMENT_NEEDED if name in self.fields] + ["reason"])
        for name, field in self.fields.items():
            if name in EXPERIMENT_NEEDED:
                for code in ("required", "invalid", "invalid_choice", "min_value", "max_value", "max_digits"):
                    field.error_messages[code] = EXPERIMENT_NEEDED[name]


class ResultsFileForm(forms.Form):
    file = forms.FileField(
        label=_("Results file (CSV)"),
        help_text=_(
            "One row per unit. The first line names the columns: the group first, then the primary metric, then "
            "any other metric. Commas or semicolons, UTF-8."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > RESULTS_FILE_LIMIT:
            raise forms.ValidationError(
                _("The file holds %(size)s MB: a results file may hold at most %(limit)s MB."),
                params={"size": megabytes(uploaded.size), "limit": megabytes(RESULTS_FILE_LIMIT)},
            )
        return uploaded


class SummariesForm(forms.Form):
    """Each group's summary of the primary metric, for results counted elsewhere."""

    def __init__(self, *args, plan: dict, **kwargs):
        super().__init__(*args, **kwargs)
        proportion = plan["metric_kind"] == MetricKind.PROPORTION
        for prefix in ("control", "treatment"):
            group = plan[f"{prefix}_name"]
            self.fields[f"{prefix}_n"] = forms.IntegerField(
                label=_("Units in “%(group)s”") % {"group": group}, min_value=2
            )
            if proportion:
                self.fields[f"{prefix}_successes"] = forms.IntegerField(
                    label=_("Units in “%(group)s” that succeeded") % {"group": group}, min_value=0
                )
            else:
                self.fields[f"{prefix}_mean"] = forms.FloatField(label=_("Mean of “%(group)s”") % {"group": group})
                self.fields[f"{prefix}_sd"] = forms.FloatField(
                    label=_("Standard deviation of “%(group)s”") % {"group": group}, min_value=0
                )

    def group(self, prefix: str) -> dict:
        return {
            key: self.cleaned_data.get(f"{prefix}_{key}")
            for key in ("n", "successes", "mean", "sd")
            if f"{prefix}_{key}" in self.fields
        }


class ConclusionForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices, widget=forms.RadioSelect)
    learned = forms.CharField(
        label=_("What was learned"),
        max_length=TEXT_LIMIT,
        widget=textarea(5),
        help_text=_("What the results mean for the project, and what others should know."),
    )
