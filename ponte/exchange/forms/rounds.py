"""Forms of rounds. They only parse what people type; the services check the rest."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import textarea
from ponte.core.versions import VersionField

from ..models import CAPACITY_LIMIT, EXCHANGE_DAYS_DEFAULT, EXCHANGE_DAYS_LIMIT, TEXT_LIMIT

PARAGRAPHS = re.compile(r"\n[ \t]*\n")
CHALLENGES_TEXT_LIMIT = 50000


def challenges_from_text(text: str) -> list[dict]:
    """The challenges typed one per paragraph: its first line the title, the rest its description."""
    challenges = []
    for paragraph in PARAGRAPHS.split(text.replace("\r\n", "\n").strip()):
        lines = paragraph.strip().split("\n")
        if lines and lines[0].strip():
            challenges.append({"title": lines[0].strip(), "description": " ".join(" ".join(lines[1:]).split())})
    return challenges


def challenges_as_text(challenges) -> str:
    return "\n\n".join(f"{c.title}\n{c.description}".strip() for c in challenges)


def _moment(label, help_text, message):
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": message, "invalid": message},
    )


def _day(label, help_text, message):
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": message, "invalid": message},
    )


class RoundForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example: Partnership for change, 2027."),
        error_messages={"required": _("Give the round a title.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_LIMIT,
        widget=textarea(6),
        help_text=_("Who may apply, what a guest and a host do, and what the round hopes to change."),
        error_messages={"required": _("Describe the round: who may apply and what a guest and a host do.")},
    )
    applications_open_at = _moment(
        _("Applications open"),
        _("Date and time, on this platform's clock."),
        _("Give the date and time applications open."),
    )
    applications_close_at = _moment(
        _("Applications close"),
        _("Date and time: before the exchanges start, leaving time for approval and matching."),
        _("Give the date and time applications close."),
    )
    exchange_starts = _day(
        _("First day of the exchange window"),
        _("The first day an exchange may take place."),
        _("Give the first day of the exchange window."),
    )
    exchange_ends = _day(
        _("Last day of the exchange window"),
        _("The last day an exchange may take place: April to September, for example."),
        _("Give the last day of the exchange window."),
    )
    exchange_days = forms.IntegerField(
        label=_("Length of an exchange (working days)"),
        initial=EXCHANGE_DAYS_DEFAULT,
        help_text=_("Usually 5: a working week at the other organisation."),
    )
    capacity_per_organisation = forms.IntegerField(
        label=_("Guests an organisation may host, at most"),
    )
    challenges = forms.CharField(
        label=_("Challenges for mixed teams"),
        required=False,
        max_length=CHALLENGES_TEXT_LIMIT,
        widget=textarea(8),
        help_text=_(
            "One challenge a paragraph, with an empty line between two: its title on the first line, "
            "what it is about on the lines after it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = _("Give the length of an exchange in working days, from 1 to %(limit)s.") % {
            "limit": EXCHANGE_DAYS_LIMIT
        }
        capacity = _("Give how many guests one organisation may host, from 1 to %(limit)s.") % {"limit": CAPACITY_LIMIT}
        self.fields["capacity_per_organisation"].help_text = _(
            "Each organisation says how many it can host, up to this number (at most %(limit)s)."
        ) % {"limit": CAPACITY_LIMIT}
        for name, message in (("exchange_days", days), ("capacity_per_organisation", capacity)):
            for code in ("required", "invalid", "min_value", "max_value"):
                self.fields[name].error_messages[code] = message

    def service_fields(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name not in ("version", "challenges")}
        data["challenges"] = challenges_from_text(self.cleaned_data.get("challenges", ""))
        return data


class RoundEditForm(RoundForm):
    version = VersionField()
