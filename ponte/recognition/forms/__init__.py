"""Forms of recognition. They only parse what people type; the services check the rest."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import PersonField, mark_needed_later, moment_field, textarea
from ponte.core.versions import VersionField

from ..models import CITATION_LIMIT, KUDOS_LIMIT, SCORE_MAX, SCORE_MIN, STATEMENT_LIMIT, TEXT_LIMIT, TITLE_LIMIT

# A suggestion writes a project as "#42 Its title" and an exemption as "E-7 Its title".
NUMBERED = re.compile(r"^(?:#|E-)(\d{1,9})\b", re.IGNORECASE)


class ProgrammeForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=TITLE_LIMIT, error_messages={"required": _("Give the programme a title.")}
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_LIMIT,
        widget=textarea(6),
        help_text=_("What the programme recognises, who may be nominated, and how the jury judges."),
        error_messages={"required": _("Say what the programme recognises and who may be nominated.")},
    )
    year = forms.IntegerField(
        label=_("Year of the awards"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Give the year the awards are for, from 2000 to 2100."),
            "invalid": _("Give the year the awards are for, from 2000 to 2100."),
            "min_value": _("Give the year the awards are for, from 2000 to 2100."),
            "max_value": _("Give the year the awards are for, from 2000 to 2100."),
        },
    )
    nominations_open_at = moment_field(_("Nominations open"), _("Give the date and time nominations open."))
    nominations_close_at = moment_field(_("Nominations close"), _("Give the date and time nominations close."))

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ProgrammeEditForm(ProgrammeForm):
    version = VersionField()


class CategoryForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=TITLE_LIMIT, error_messages={"required": _("Give the category a title.")}
    )
    description = forms.CharField(
        label=_("What it recognises"),
        max_length=TEXT_LIMIT,
        widget=textarea(3),
        error_messages={"required": _("Say what the category recognises.")},
    )
    for_lessons = forms.BooleanField(
        label=_("For the most useful lesson from a stopped or failed experiment"),
        required=False,
        help_text=_("Its nominees are lab projects or exemptions, and the hall of fame tells what was learnt."),
    )


class JurorForm(forms.Form):
    person = PersonField(
        label=_("Jury member"),
        unknown=_("Nobody on Ponte has this address: choose a person from the suggestions."),
        help_text=_("Type part of their name or address and choose them."),
        error_messages={"required": _("Choose a person from the suggestions.")},
    )

    def __init__(self, *args, suggestions: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].widget.attrs["data-suggestions"] = suggestions


class NominationForm(forms.Form):
    category = forms.TypedChoiceField(
        label=_("Category"),
        coerce=int,
        error_messages={"required": _("Choose the category."), "invalid_choice": _("Choose the category.")},
    )
    kind = forms.ChoiceField(
        label=_("Who or what you nominate"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who or what you nominate."),
            "invalid_choice": _("Choose who or what you nominate."),
        },
    )
    nominee = forms.CharField(
        label=_("Name of the person or team"),
        max_length=TITLE_LIMIT,
        required=False,
        help_text=_("For a person or a team: their name as the hall of fame would show it."),
    )
    organisation = forms.CharField(
        label=_("Where they work"),
        max_length=TITLE_LIMIT,
        required=False,
        help_text=_("For a person or a team: their organisation or unit, if you know it."),
    )
    project = forms.CharField(
        label=_("Lab project"),
        max_length=250,
        required=False,
        help_text=_("For a lab project: type part of its title and choose it."),
    )
    exemption = forms.CharField(
        label=_("Exemption"),
        max_length=250,
        required=False,
        help_text=_("For an exemption: type part of its title or its reference (E-12) and choose it."),
    )
    statement = forms.CharField(
        label=_("Why they deserve the award"),
        max_length=STATEMENT_LIMIT,
        widget=textarea(8),
        help_text=_("What they did, what it changed, and for whom. The jury reads it; it is never published."),
        error_messages={"required": _("Say why they deserve the award: what they did, and what it changed.")},
    )

    def __init__(self, *args, categories, kinds, suggestions: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose a category")), *categories]
        self.fields["kind"].choices = kinds
        offered = {kind for kind, _label in kinds}
        for field in ("project", "exemption"):
            if field in offered:
                self.fields[field].widget.attrs.update({"autocomplete": "off", "data-suggestions": suggestions[field]})
            else:  # the module that holds them is not on this platform
                del self.fields[field]
        # Which of these is needed depends on what is nominated.
        mark_needed_later(self, [name for name in ("nominee", "project", "exemption") if name in self.fields])

    def _numbered(self, name):
        text = self.cleaned_data.get(name, "").strip()
        if not text:
            return None
        number = NUMBERED.match(text)
        if number is None:
            raise forms.ValidationError(_("Choose it from the suggestions."))
        return int(number.group(1))

    def clean_project(self):
        return self._numbered("project")

    def clean_exemption(self):
        return self._numbered("exemption")

    def service_fields(self) -> dict:
        data = self.cleaned_data
        kind = data["kind"]
        return {
            "kind": kind,
            "nominee": data.get("nominee", ""),
            "organisation": data.get("organisation", ""),
            "linked_id": data.get(kind) if kind in ("project", "exemption") else None,
            "statement": data["statement"],
        }


class DeclarationForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this nominee?"),
        choices=[("no", _("No: I have no interest in the nominee")), ("yes", _("Yes: I have a conflict of interest"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=_(
            "A conflict is any tie that could sway your judgement: you work with them, you nominated them, "
            "you are related or you gain from the result. With a conflict you do not read or score it."
        ),
        error_messages={
            "required": _("Say whether you have a conflict of interest."),
            "invalid_choice": _("Say whether you have a conflict of interest."),
        },
    )
    note = forms.CharField(
        label=_("The conflict of interest"),
        max_length=STATEMENT_LIMIT,
        widget=textarea(3),
        required=False,
        help_text=_("If you have one: what ties you to the nominee. Programme managers read it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_needed_later(self, ["note"])


class ScoreForm(forms.Form):
    score = forms.IntegerField(
        label=_("Score"),
        min_value=SCORE_MIN,
        max_value=SCORE_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("From 1 (weak) to 10 (outstanding)."),
        error_messages={
            key: _("Give a whole score from 1 to 10.") for key in ("required", "invalid", "min_value", "max_value")
        },
    )
    comment = forms.CharField(
        label=_("Why this score"),
        max_length=STATEMENT_LIMIT,
        widget=textarea(4),
        help_text=_("The programme managers read it beside the score."),
        error_messages={"required": _("Say in a few words why you give this score.")},
    )


class CitationForm(forms.Form):
    citation = forms.CharField(
        label=_("Citation"),
        max_length=CITATION_LIMIT,
        widget=textarea(4),
        help_text=_("What the hall of fame says of the winner: what they did, and why it matters. It is public."),
        error_messages={"required": _("Write the citation the hall of fame shows.")},
    )


class KudosForm(forms.Form):
    message = forms.CharField(
        label=_("Your thanks"),
        max_length=KUDOS_LIMIT,
        widget=textarea(3),
        help_text=_(
            "What result you thank them for, in a sentence or two. "
            "Everyone who can see the page reads it, with your name."
        ),
        error_messages={"required": _("Write what you thank them for.")},
    )
