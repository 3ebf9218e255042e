"""Forms of projects and their gates. They only parse what people type; the services check the rest."""

from django import forms
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ponte.accounts.models import User
from ponte.core.forms import mark_needed_later, textarea

from ..models import PROJECT_NEEDED, REASON_LIMIT, TEXT_LIMIT, Facet, GateDecision


def _say_what_is_needed(form: forms.Form) -> None:
    """Each needed answer, when missing or not one of the choices, says what it needs."""
    for name, field in form.fields.items():
        if name in PROJECT_NEEDED:
            field.error_messages["required"] = PROJECT_NEEDED[name]
            field.error_messages["invalid_choice"] = PROJECT_NEEDED[name]
            field.error_messages["invalid"] = PROJECT_NEEDED[name]
            field.error_messages["min_value"] = PROJECT_NEEDED[name]


def _people(text: str) -> tuple[list, list[str]]:
    """The people whose addresses are written, separated by commas, and the addresses of nobody."""
    addresses = list(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    found = (
        {user.address: user for user in User.objects.annotate(address=Lower("email")).filter(address__in=addresses)}
        if addresses
        else {}
    )
    return [found[a] for a in addresses if a in found], [a for a in addresses if a not in found]


def _sponsor_field() -> forms.CharField:
    return forms.CharField(
        label=_("Sponsor"),
        max_length=254,
        help_text=_("The e-mail address of a person with the sponsor role: type part of a name to find them."),
    )


def _the_sponsor(text: str):
    """The one person whose address is written (the service checks they have the role)."""
    people, unknown = _people(text)
    if unknown or len(people) != 1:
        raise forms.ValidationError(_("Nobody on Ponte has this address: name a person with the sponsor role."))
    return people[0]


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=TEXT_LIMIT,
        widget=textarea(4),
        help_text=_("What the project will do about the problem, in a few sentences."),
    )
    facet = forms.ChoiceField(
        label=_("Innovation facet"),
        choices=Facet.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "The OECD's facets: enhancement-oriented improves what exists; mission-oriented pursues a clear "
            "goal; adaptive tests and learns in a changing situation; anticipatory explores what may come."
        ),
    )
    budget = forms.DecimalField(
        label=_("Budget (EUR)"), min_value=0, max_digits=12, decimal_places=2, help_text=_("For example 15000.")
    )
    targets = forms.CharField(
        label=_("Targets"),
        max_length=TEXT_LIMIT,
        widget=textarea(3),
        help_text=_("What the project aims at, measurably: for example, waiting time halved in 12 months."),
    )
    sponsor = _sponsor_field()
    team = forms.CharField(
        label=_("Team"),
        max_length=5000,
        help_text=_(
            "E-mail addresses of members of the public body, separated by commas: type part of a name to find them."
        ),
    )
    partners = forms.CharField(
        label=_("External partners"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=textarea(2),
        help_text=_("Companies, researchers and others who take part, and their part."),
    )

    def __init__(self, *args, sponsor_suggestions: str, team_suggestions: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].widget.attrs.update({"autocomplete": "off", "data-suggestions": sponsor_suggestions})
        self.fields["team"].widget.attrs.update(
            {"autocomplete": "off", "data-suggestions": team_suggestions, "data-suggestions-list": ""}
        )
        self.fields["team"].error_messages["required"] = _("Name at least one person of the public body on the team.")
        _say_what_is_needed(self)

    def clean_sponsor(self):
        return _the_sponsor(self.cleaned_data["sponsor"])

    def clean_team(self):
        people, unknown = _people(self.cleaned_data["team"])
        if unknown:
            raise forms.ValidationError(
                _("Nobody on Ponte has these addresses: %(addresses)s.") % {"addresses": ", ".join(unknown)}
            )
        return people


class GateRequestForm(forms.Form):
    move = forms.ChoiceField(label=_("What you ask the sponsor"), widget=forms.RadioSelect)
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=TEXT_LIMIT,
        widget=textarea(6),
        help_text=_("What the project found in this stage, on which the sponsor decides."),
    )
    lessons = forms.CharField(
        label=_("Lessons learned"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=textarea(4),
        help_text=_("Needed to ask to stop: what worked, what did not, what others should know."),
    )

    def __init__(self, *args, next_stage_name: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("stop", _("Stop the project"))]
        if next_stage_name:
            choices.insert(0, ("next", _("Move on to the next stage: %(stage)s") % {"stage": next_stage_name}))
        self.fields["move"].choices = choices
        mark_needed_later(self, ["lessons"])
        _say_what_is_needed(self)


class GateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        widget=forms.RadioSelect,
        choices=[(GateDecision.GO, _("Go")), (GateDecision.STOP, _("Stop")), (GateDecision.REVISE, _("Revise"))],
        help_text=_("Go grants what the team asks; stop ends the project; revise sends the request back to the team."),
    )
    rationale = forms.CharField(label=_("Rationale"), max_length=REASON_LIMIT, widget=textarea(4))
    lessons = forms.CharField(
        label=_("Lessons learned"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=textarea(4),
        help_text=_("Needed to stop the project, unless the team wrote them in its request."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_needed_later(self, ["lessons"])
        _say_what_is_needed(self)
