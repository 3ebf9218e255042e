"""Forms of calls. They only parse what people type; the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import textarea
from ponte.core.versions import VersionField

from ..models import TEXT_LIMIT, THEME_LIMIT, THEMES_LIMIT, TITLE_LIMIT


def themes_from_text(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _moment(label, help_text, message, *, required=True):
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": message, "invalid": message},
    )


class CallForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_LIMIT,
        help_text=_("For example: Free municipalities, 2027."),
        error_messages={"required": _("Give the call a title.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_LIMIT,
        widget=textarea(6),
        help_text=_("Who may apply, what experiments the call looks for, and how applications are assessed."),
        error_messages={"required": _("Describe the call: who may apply, and what experiments it looks for.")},
    )
    themes = forms.CharField(
        label=_("Priority themes"),
        required=False,
        max_length=THEMES_LIMIT * (THEME_LIMIT + 2),
        widget=textarea(4),
        help_text=_("One theme a line, if the call has priorities: applicants choose one."),
    )
    opens_at = _moment(
        _("Opens"),
        _("Date and time, on this platform's clock."),
        _("Give the date and time the call opens."),
    )
    closes_at = _moment(
        _("Deadline"),
        _("Date and time. Leave it empty for a standing call, which takes applications until you close it."),
        _("Give the deadline as a date and time, or leave it empty for a standing call."),
        required=False,
    )

    def service_fields(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        data["themes"] = themes_from_text(self.cleaned_data.get("themes", ""))
        return data


class CallEditForm(CallForm):
    version = VersionField()
