"""Forms of case studies: the OPSI fields, the review, the library's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import mark_needed_later, textarea
from ponte.core.versions import VersionField
from ponte.organisations.models import LevelOfGovernment
from ponte.reference.models import Country

from ..models import (
    CASE_NEEDED,
    REASON_LIMIT,
    TEXT_LIMIT,
    DevelopmentTime,
    GovernmentFunction,
    InnovationStage,
    InnovationType,
)
from ..services.cases import tag_names


def _choices(choices) -> list:
    return [("", _("Choose…")), *choices]


def _text(label, rows: int, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=TEXT_LIMIT, widget=textarea(rows), help_text=help_text
    )


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    organisation_name = forms.CharField(label=_("Organisation"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False, choices=_choices(Country.choices))
    level = forms.ChoiceField(
        label=_("Level of government"), required=False, choices=_choices(LevelOfGovernment.choices)
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=_choices(GovernmentFunction.choices))
    launch_year = forms.IntegerField(label=_("Year of launch"), required=False)
    development_time = forms.ChoiceField(
        label=_("Development time"), required=False, choices=_choices(DevelopmentTime.choices)
    )
    stage = forms.ChoiceField(label=_("Innovation stage"), required=False, choices=_choices(InnovationStage.choices))
    innovation_type = forms.ChoiceField(
        label=_("Type of innovation"), required=False, choices=_choices(InnovationType.choices)
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separated by commas: for example, once only, citizen shops, appointments."),
    )
    objectives = _text(_("Objectives"), 3)
    problem = _text(_("Problem"), 4)
    innovation = _text(_("Innovation"), 5, _("What was done, for whom, and how it differs from before."))
    results = _text(_("Results or expected results"), 4, _("With figures where there are some."))
    lessons = _text(_("Lessons learned"), 4)
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_needed_later(self, list(CASE_NEEDED))
        for name, field in self.fields.items():
            if name in CASE_NEEDED:
                for code in ("required", "invalid", "invalid_choice"):
                    field.error_messages[code] = CASE_NEEDED[name]

    def clean_tags(self):
        return tag_names(self.cleaned_data["tags"])


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your review"),
        widget=forms.RadioSelect,
        choices=[("publish", _("Publish the case")), ("return", _("Return it to its writer"))],
        error_messages={"required": _("Choose whether to publish the case or return it.")},
    )
    note = forms.CharField(
        label=_("Note for the writer"),
        required=False,
        max_length=REASON_LIMIT,
        widget=textarea(3),
        help_text=_("Needed to return the case: say what it needs."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_needed_later(self, ["note"])
