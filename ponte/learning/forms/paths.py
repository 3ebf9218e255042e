"""The form of a learning path: its words, who it is for, and its courses in order, each typed
and chosen from the suggestions (the catalogue holds thousands: no list shows them all)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import mark_needed_later, textarea
from ponte.core.versions import VersionField

from ..models import MAX_STEPS, MIN_STEPS, SUMMARY_LIMIT, TEXT_LIMIT, TITLE_LIMIT, Track

# A suggestion writes a course as "#42 Its title".
COURSE_NUMBER = re.compile(r"^#(\d{1,9})\b")


class PathForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=TITLE_LIMIT, error_messages={"required": _("Give the path a title.")}
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_LIMIT,
        help_text=_("One sentence: where the path leads."),
        error_messages={"required": _("Say in a sentence where the path leads.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_LIMIT,
        widget=textarea(6),
        help_text=_("For whom the path is, and what they can do at its end."),
        error_messages={"required": _("Describe the path: for whom, and what they can do at its end.")},
    )
    track = forms.ChoiceField(
        label=_("For whom"),
        choices=Track.choices,
        widget=forms.RadioSelect,
        initial=Track.EVERYONE,
        error_messages={"required": _("Choose who the path is for.")},
    )

    def __init__(self, *args, suggestions: str, **kwargs):
        super().__init__(*args, **kwargs)
        for step in range(1, MAX_STEPS + 1):
            self.fields[f"course_{step}"] = forms.CharField(
                label=_("Course %(number)s") % {"number": step},
                max_length=250,
                required=False,
                help_text=_("Type part of its title and choose it.") if step == 1 else "",
                widget=forms.TextInput(attrs={"autocomplete": "off", "data-suggestions": suggestions}),
            )
        # The first courses are needed, the rest only if the path is longer.
        mark_needed_later(self, [f"course_{step}" for step in range(1, MIN_STEPS + 1)])

    def clean(self):
        data = super().clean()
        courses = []
        for step in range(1, MAX_STEPS + 1):
            text = (data.get(f"course_{step}") or "").strip()
            if not text:
                continue
            number = COURSE_NUMBER.match(text)
            if number is None:
                self.add_error(f"course_{step}", _("Choose the course from the suggestions."))
                continue
            courses.append(int(number.group(1)))
        data["courses"] = courses
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("title", "summary", "description", "track", "courses")}


class PathEditForm(PathForm):
    version = VersionField()
