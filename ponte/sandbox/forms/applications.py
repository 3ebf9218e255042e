"""Forms of applications and their rules to waive. They only parse what people type; the
services check the rest."""

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import mark_needed_later, textarea
from ponte.core.versions import VersionField

from ..models import ARTICLE_LIMIT, ELI_LIMIT, PARTNERS_LIMIT, REFERENCE_LIMIT, TEXT_LIMIT, TITLE_LIMIT
from ..queries.applications import public_bodies
from ..services.applications import needed_messages

PARTNERS_TEXT_LIMIT = PARTNERS_LIMIT * 210
PROJECT_NUMBER = re.compile(r"^#(\d{1,18})\b")


def _text(label, help_text, rows=4):
    return forms.CharField(
        label=label, help_text=help_text, required=False, max_length=TEXT_LIMIT, widget=textarea(rows)
    )


def _day(label, help_text):
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give a date.")},
    )


class StartForm(forms.Form):
    coordinator = forms.ModelChoiceField(
        label=_("Applying public body"),
        queryset=None,
        empty_label=None,
        help_text=_("The body that applies and, if other bodies join, coordinates the network."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_LIMIT,
        help_text=_("The experiment in a few words: for example, one digital permit for home care."),
        error_messages={"required": _("Give the application a title: the experiment in a few words.")},
    )

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = bodies


class ApplicationForm(forms.Form):
    """The preliminary application. A draft may be saved with any part empty but its title; the
    parts sending needs say so instead of being marked optional."""

    title = StartForm.base_fields["title"]
    theme = forms.ChoiceField(
        label=_("Priority theme"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the call's priority themes, or none.")},
    )
    ministry = forms.ModelChoiceField(
        label=_("Responsible ministry"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("Choose the ministry responsible for the rules from the list.")},
        help_text=_(
            "The ministry responsible for the rules to waive: it decides. Rules of another ministry need an "
            "application of their own."
        ),
    )
    partners = forms.CharField(
        label=_("Other bodies of the network"),
        required=False,
        max_length=PARTNERS_TEXT_LIMIT,
        help_text=_(
            "If other public bodies apply with yours, type part of each one's name and choose it: the field keeps "
            "each body's short name, separated by commas. Their members will read the application."
        ),
    )
    lab_project = forms.CharField(
        label=_("Lab project that runs the experiment"),
        required=False,
        max_length=250,
        help_text=_("If the experiment runs as a project of the lab: type part of its title and choose it."),
    )
    barrier = _text(_("The barrier"), _("How the rules stand in the way of a better service today."))
    alternative = _text(_("The alternative to test"), _("The new way of working, and what it replaces."))
    objective = _text(
        _("Measurable objective"), _("What the experiment must reach: for example, permits decided in 5 days."), 3
    )
    baseline = _text(
        _("Baseline"), _("Where the measure stands today, and since when: for example, 21 days in 2026."), 2
    )
    measurement = _text(_("How it will be measured"), _("The data, who collects it and how often."), 3)
    territory = forms.CharField(
        label=_("Territory"),
        required=False,
        max_length=TITLE_LIMIT,
        help_text=_("Where the experiment runs: a municipality, a region, the whole country."),
    )
    population = forms.IntegerField(
        label=_("Population covered"),
        required=False,
        min_value=0,
        help_text=_("How many people live or work under the experiment, as a whole number."),
        error_messages={
            "invalid": _("Give the population covered as a whole number of people."),
            "min_value": _("Give the population covered as a whole number of people."),
        },
    )
    affected = _text(_("Who is affected"), _("The citizens, businesses and staff the experiment touches."), 3)
    starts = _day(_("Planned first day"), _("When you want the exemption to start."))
    ends = _day(_("Planned last day"), _("When the exemption would end."))
    safeguards = _text(
        _("Safeguards"), _("How the people affected are protected, and how they can go back to the rule.")
    )
    evaluation_plan = _text(
        _("Evaluation plan"), _("How, when and by whom the experiment is evaluated against its baseline.")
    )
    attests_lawful = forms.BooleanField(
        label=_("The experiment breaches neither the constitution nor EU law."), required=False
    )
    attests_no_advantage = forms.BooleanField(
        label=_("The experiment gives no financial advantage at others' expense."), required=False
    )
    attests_legal_certainty = forms.BooleanField(
        label=_("The experiment keeps citizens' legal certainty: everyone knows which rules apply to them."),
        required=False,
    )
    legal_statement = _text(
        _("Draft local statement of legal status"),
        _(
            "For the final application: which rules apply to the people affected during the experiment, "
            "in words they understand, as it would be published."
        ),
        8,
    )
    version = VersionField()

    def __init__(self, *args, call, ministries, suggestions: str, final: bool, projects: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("None of them"))] + [(theme, theme) for theme in call.themes]
        if not call.themes:
            del self.fields["theme"]
        self.fields["ministry"].queryset = ministries
        self.fields["partners"].widget.attrs.update(
            {"autocomplete": "off", "data-suggestions": suggestions, "data-suggestions-list": ""}
        )
        if not final:
            del self.fields["legal_statement"]
        if projects:
            self.fields["lab_project"].widget.attrs.update({"autocomplete": "off", "data-suggestions": projects})
        else:  # no lab on this platform
            del self.fields["lab_project"]
        mark_needed_later(self, [name for name in needed_messages() if name != "rules"])

    def clean_partners(self):
        names = [name.strip() for name in self.cleaned_data["partners"].split(",") if name.strip()]
        found, unknown = [], []
        for name in dict.fromkeys(names):
            body = public_bodies().filter(Q(slug=name) | Q(name__iexact=name)).first()
            (found.append(body) if body is not None else unknown.append(name))
        if unknown:
            raise forms.ValidationError(
                _("No verified public body is called: %(names)s. Choose each from the suggestions.")
                % {"names": ", ".join(unknown)}
            )
        return found

    def clean_lab_project(self):
        """The project's number, as its suggestion writes it ("#42 Its title"), or None."""
        text = self.cleaned_data["lab_project"].strip()
        if not text:
            return None
        number = PROJECT_NUMBER.match(text)
        if number is None:
            raise forms.ValidationError(_("Choose a lab project you can see, from the suggestions."))
        return int(number.group(1))

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class RuleForm(forms.Form):
    legal_reference = forms.CharField(
        label=_("Legal act"),
        max_length=REFERENCE_LIMIT,
        help_text=_("Its title and number: for example, Act no. 1174 of 2021 on social services."),
        error_messages={"required": _("Name the legal act the rule is in.")},
    )
    article = forms.CharField(
        label=_("Article"),
        max_length=ARTICLE_LIMIT,
        help_text=_("The article, section or paragraph: for example, § 12(3)."),
        error_messages={"required": _("Give the article, section or paragraph of the rule.")},
    )
    wording = forms.CharField(
        label=_("What the rule says"),
        max_length=TEXT_LIMIT,
        widget=textarea(4),
        help_text=_("Quote the words the experiment needs waived."),
        error_messages={"required": _("Quote what the rule says.")},
    )
    eli = forms.CharField(
        label=_("European Legislation Identifier (ELI)"),
        required=False,
        max_length=ELI_LIMIT,
        help_text=_(
            "Where your country publishes them, the act's ELI address: for example, "
            "http://data.europa.eu/eli/reg/2016/679/oj."
        ),
    )
