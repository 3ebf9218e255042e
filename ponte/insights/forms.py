"""The dashboard's filters, as a form that shows back what was asked and what is wrong. The
filters are judged in reading.Filters; the form only renders them."""

from django import forms
from django.utils.translation import gettext_lazy as _


class FilterForm(forms.Form):
    organisation = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=100,
        help_text=_(
            "Type part of its name and choose it; its agencies are counted with it. Empty: every organisation."
        ),
    )
    start = forms.CharField(label=_("From the quarter"), required=False)
    end = forms.CharField(label=_("To the quarter"), required=False)

    def __init__(self, data, *, quarters: list[str], suggestions: str, errors: dict[str, str]):
        super().__init__(data)
        choices = [(quarter, quarter) for quarter in quarters]
        self.fields["start"].widget = forms.Select(choices=choices)
        self.fields["end"].widget = forms.Select(choices=choices)
        self.fields["organisation"].widget.attrs.update({"autocomplete": "off", "data-suggestions": suggestions})
        self.is_valid()
        for name, message in errors.items():
            self.add_error(name, message)
