"""The self-assessment questionnaire: one answer on the proficiency scale for each statement."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from ..models import QUESTIONS, Proficiency, Skill


class SelfAssessmentForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        message = _("Choose how well this describes you.")
        for key, _skill, text in QUESTIONS:
            self.fields[key] = forms.TypedChoiceField(
                label=text,
                choices=Proficiency.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": message,
                    "invalid_choice": _("Choose one of the answers, from 1 to 5."),
                },
            )

    def skills(self):
        """The questionnaire by skill: (skill's name, its fields), in the catalogue's order."""
        grouped: dict[str, list] = {}
        for key, skill, _text in QUESTIONS:
            grouped.setdefault(skill, []).append(self[key])
        return [(Skill(skill).label, fields) for skill, fields in grouped.items()]


class GroupFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].widget.attrs.update(
            {"autocomplete": "off", "data-suggestions": reverse_lazy("learning:skill_organisations")}
        )

    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("Type part of its name to find it."),
    )
    year = forms.IntegerField(
        label=_("Year of the assessments"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Leave empty for each person's latest assessment."),
        error_messages={
            "invalid": _("Give the year as four digits, for example 2026."),
            "min_value": _("Give a year from 2000 to 2100."),
            "max_value": _("Give a year from 2000 to 2100."),
        },
    )
