"""Forms of applications. They only parse what people type; the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import mark_needed_later, textarea
from ponte.reference.forms import SectorsField

from ..models import TEXT_LIMIT

RANGES_OFFERED = 3


def _words(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _day(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give a date, as the calendar offers it.")},
    )


class ApplicationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=None,
        empty_label=None,
        help_text=_("The organisation you work for: its admin approves your application before you are matched."),
    )
    job = forms.CharField(
        label=_("Your role"),
        max_length=200,
        help_text=_("Your job at your organisation, for example: procurement officer, data engineer."),
        error_messages={"required": _("Say what your role is at your organisation.")},
    )
    skills = forms.CharField(
        label=_("What you can offer as a host"),
        max_length=2000,
        help_text=_("Skills and topics a guest can learn from you, separated by commas."),
        error_messages={"required": _("Say at least one thing you can offer as a host.")},
    )
    interests = forms.CharField(
        label=_("What you want to learn as a guest"),
        max_length=2000,
        help_text=_("Topics you would like to learn at your host's, separated by commas."),
        error_messages={"required": _("Say at least one thing you want to learn as a guest.")},
    )
    sectors_wanted = SectorsField(
        label=_("Sectors you would like to visit"),
        help_text=_("Tick any: your host's sector counts when people are matched."),
    )
    languages = forms.CharField(
        label=_("Languages you work in"),
        max_length=500,
        help_text=_("Separated by commas, for example: Slovenian, English."),
        error_messages={"required": _("Give at least one language you work in.")},
    )
    region = forms.CharField(
        label=_("Region where you work"),
        max_length=100,
        error_messages={"required": _("Say in which region you work.")},
    )
    travels = forms.BooleanField(
        label=_("I am willing to spend the exchange outside my region"),
        required=False,
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=textarea(3),
        help_text=_(
            "Anything your host should prepare so that you can take part fully. Only your organisation's "
            "admins and the programme managers read it."
        ),
    )

    def __init__(self, *args, organisations=None, window=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        for n in range(1, RANGES_OFFERED + 1):
            self.fields[f"free_from_{n}"] = _day(_("Free from (dates %(n)s)") % {"n": n})
            self.fields[f"free_to_{n}"] = _day(_("Free until (dates %(n)s)") % {"n": n})
        # At least one range is needed (the service says so with the window's dates): the
        # first is not "optional".
        mark_needed_later(self, ["free_from_1", "free_to_1"])
        if window is not None:
            self.fields["free_from_1"].help_text = _(
                "Give up to three ranges of dates, inside the exchange window: %(window)s."
            ) % {"window": window}

    def clean(self):
        cleaned = super().clean()
        for n in range(1, RANGES_OFFERED + 1):
            starts, ends = cleaned.get(f"free_from_{n}"), cleaned.get(f"free_to_{n}")
            if (
                (starts is None) != (ends is None)
                and not self.has_error(f"free_from_{n}")
                and not self.has_error(f"free_to_{n}")
            ):
                self.add_error(
                    f"free_to_{n}" if ends is None else f"free_from_{n}",
                    _("Give both the first and the last day of this range of dates."),
                )
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "organisation": data["organisation"],
            "job": data["job"],
            "skills": _words(data["skills"]),
            "interests": _words(data["interests"]),
            "sectors_wanted": list(data.get("sectors_wanted") or []),
            "languages": _words(data["languages"]),
            "region": data["region"],
            "travels": bool(data.get("travels")),
            "accessibility_needs": data.get("accessibility_needs", ""),
            "availability": [
                (data[f"free_from_{n}"], data[f"free_to_{n}"])
                for n in range(1, RANGES_OFFERED + 1)
                if data.get(f"free_from_{n}") and data.get(f"free_to_{n}")
            ],
        }


class HostingForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)
    guests = forms.IntegerField(label=_("Guests it can host in this round"))

    def __init__(self, *args, organisations=None, limit: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        message = _("Give how many guests you can host, from 0 to %(limit)s (the round's limit).") % {"limit": limit}
        self.fields["guests"].help_text = _("From 0 to %(limit)s, the round's limit for one organisation.") % {
            "limit": limit
        }
        for code in ("required", "invalid", "min_value", "max_value"):
            self.fields["guests"].error_messages[code] = message
