"""The proposal form: the answer to each part of the challenge, price and files."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ponte.core import attachments
from ponte.core.forms import MultipleFileField, textarea

MAX_FILES = 5


class ProposalForm(forms.Form):
    """The proposal: approach, one answer per criterion of the challenge, team, price,
    timeline and optional attachments. The services judge the content."""

    company = forms.ModelChoiceField(
        label=gettext_lazy("Company"), queryset=None, empty_label=None, widget=forms.RadioSelect
    )
    approach = forms.CharField(
        label=gettext_lazy("Your approach"),
        widget=textarea(8),
        help_text=gettext_lazy("How you would solve the problem, and why this way."),
    )
    team = forms.CharField(
        label=gettext_lazy("Team"),
        widget=textarea(4),
        help_text=gettext_lazy("Who will do the work, and their relevant experience."),
    )
    price = forms.CharField(
        label=gettext_lazy("Price (EUR, excluding VAT)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    timeline = forms.CharField(
        label=gettext_lazy("Timeline"),
        widget=textarea(4),
        help_text=gettext_lazy("The main steps of the work and when each is delivered."),
    )
    files = MultipleFileField(
        label=gettext_lazy("Attachments"),
        required=False,
        help_text=gettext_lazy(
            "Optional, at most 5 files: PDF, image, office document, text or CSV; at most 10 MB each. "
            "Only your company can read them before the deadline."
        ),
    )

    def __init__(self, *args, challenge, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        self.criteria = list(challenge.criteria.all())
        if companies is None:
            del self.fields["company"]
        else:
            self.fields["company"].queryset = type(companies[0]).objects.filter(pk__in=[c.pk for c in companies])
            self.fields["company"].error_messages["required"] = _("Choose the company that submits the proposal.")
            if len(companies) == 1:
                # One company: it submits, whether or not the hidden field comes back.
                self.only_company = companies[0]
                self.fields["company"].initial = companies[0].pk
                self.fields["company"].required = False
                self.fields["company"].widget = forms.HiddenInput()
        ceiling = challenge.budget_ceiling
        if ceiling is not None:
            self.fields["price"].help_text = _(
                "An amount in euros, such as 18500 or 18500.50, at most the budget ceiling of EUR %(ceiling)s."
            ) % {"ceiling": f"{ceiling:,.0f}"}
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.CharField(
                label=criterion.name,
                widget=textarea(4),
                help_text=criterion.description
                or _("How your proposal meets this criterion (weight %(weight)s%%).") % {"weight": criterion.weight},
                error_messages={
                    "required": _("Say how your proposal meets the criterion “%(criterion)s”.")
                    % {"criterion": criterion.name}
                },
            )
        for name, message in [
            ("approach", _("Describe your approach.")),
            ("team", _("Describe the team that will do the work.")),
            ("timeline", _("Give the timeline of the work.")),
            ("price", _("Give the price in euros excluding VAT, such as 18500 or 18500.50.")),
        ]:
            self.fields[name].error_messages["required"] = message

    @property
    def criterion_fields(self):
        return [self[f"criterion_{criterion.pk}"] for criterion in self.criteria]

    @property
    def main_fields(self):
        return [self[name] for name in ("approach", "team", "price", "timeline") if name in self.fields]

    def clean_company(self):
        return self.cleaned_data.get("company") or getattr(self, "only_company", None)

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Attach at most %(max)s files.") % {"max": MAX_FILES})
        for uploaded in files:
            attachments.validate_upload(uploaded)
        return files

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "approach": data["approach"],
            "team": data["team"],
            "price": data["price"],
            "timeline": data["timeline"],
            "criteria_responses": {c.pk: data.get(f"criterion_{c.pk}", "") for c in self.criteria},
        }

    @staticmethod
    def initial_for(proposal) -> dict:
        initial = {
            "approach": proposal.approach,
            "team": proposal.team,
            "price": f"{proposal.price:.2f}",
            "timeline": proposal.timeline,
        }
        for response in proposal.criteria_responses:
            initial[f"criterion_{response['criterion_id']}"] = response["response"]
        return initial
