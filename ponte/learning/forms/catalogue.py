"""Forms of the catalogue. They only parse what people type; the services check the rest."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import textarea
from ponte.core.versions import VersionField

from ..models import MAX_HOURS, SUMMARY_LIMIT, TEXT_LIMIT, TITLE_LIMIT, CourseKind, Skill, Track


class CourseForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=TITLE_LIMIT, error_messages={"required": _("Give the course a title.")}
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_LIMIT,
        help_text=_("One sentence: what people learn. The catalogue shows it."),
        error_messages={"required": _("Say in a sentence what people learn.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_LIMIT,
        widget=textarea(8),
        help_text=_("What the course covers, how it is taught, and for whom."),
        error_messages={"required": _("Describe the course: what it covers, how, and for whom.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=CourseKind.choices,
        widget=forms.RadioSelect,
        initial=CourseKind.COURSE,
        error_messages={"required": _("Choose whether it is a course or a workshop.")},
    )
    track = forms.ChoiceField(
        label=_("For whom"),
        choices=Track.choices,
        widget=forms.RadioSelect,
        initial=Track.EVERYONE,
        help_text=_("The managers' track is for those who lead teams and sponsor experiments."),
        error_messages={"required": _("Choose who the course is for.")},
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills it builds"),
        choices=Skill.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The OECD's six core skills for public sector innovation, and the three of the managers' track. "
            "Choose one or more."
        ),
        error_messages={"required": _("Choose at least one skill the course builds.")},
    )
    hours = forms.IntegerField(
        label=_("Length in hours"),
        min_value=1,
        max_value=MAX_HOURS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Give the length in whole hours."),
            "invalid": _("Give the length in whole hours."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        error_messages={"required": _("Choose the language the course is given in.")},
    )

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class CourseEditForm(CourseForm):
    version = VersionField()
