"""Forms of the outcome: award, close without award, and the signed contract.

They only parse what people type and keep it to show again; services/award.py judges the content
(the budget ceiling, the dates, a justification that is not empty) and the views put its
refusals beside the fields they concern."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import textarea

from ..services.award import MAX_JUSTIFICATION


def _date_input():
    # The browser's date picker where there is one; a text field taking 2027-03-31 elsewhere.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class JudgedByTheService(forms.CharField):
    """Required, and shown as such, but left empty to the service, which names this problem
    together with the others (none chosen, over budget) instead of one at a time."""

    def validate(self, value):
        pass


class AwardForm(forms.Form):
    """The ranked proposals as checkboxes and the justification. award.challenge_award judges
    them together, so every problem is named at once."""

    proposals = forms.MultipleChoiceField(
        label=_("Proposals to award"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose proposals from the list.")},
    )
    justification = JudgedByTheService(
        label=_("Justification"),
        max_length=MAX_JUSTIFICATION,
        widget=textarea(6),
        help_text=_(
            "Why these proposals are awarded, in the light of the evaluation. It is published with the "
            "award and every bidder reads it with their feedback."
        ),
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board
        self.fields["proposals"].choices = [(str(row.proposal.pk), row.proposal.company.name) for row in board]

    def table(self):
        """Each row of the evaluation board with its checkbox, in rank order."""
        return list(zip(self.board, self["proposals"], strict=True))

    def chosen_total(self) -> Decimal:
        chosen = set(self.cleaned_data.get("proposals") or [])
        return sum((row.proposal.price for row in self.board if str(row.proposal.pk) in chosen), Decimal(0))


class CloseWithoutAwardForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is no proposal awarded?"),
        max_length=MAX_JUSTIFICATION,
        widget=textarea(6),
        help_text=_("It is published with the outcome, and every bidder reads it with their feedback."),
        error_messages={"required": _("Explain why no proposal is awarded.")},
    )


class ContractForm(forms.Form):
    """The signed contract. Amounts and dates stay text, as typed, until award.contract_record
    reads them: "abc" comes back beside its field with the service's message."""

    title = forms.CharField(
        label=_("Title of the contract"),
        max_length=200,
        error_messages={"required": _("Give the contract a title.")},
    )
    value = forms.CharField(
        label=_("Value (EUR, excluding VAT)"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": _("Give the value in euros excluding VAT, such as 18500 or 18500.50.")},
    )
    date_signed = forms.CharField(
        label=_("Date signed"),
        widget=_date_input(),
        help_text=_("For example 2027-03-31. Not before the award, and not in the future."),
        error_messages={"required": _("Give the date the contract was signed.")},
    )
    period_start = forms.CharField(
        label=_("Start of the contract"),
        widget=_date_input(),
        error_messages={"required": _("Give the date the contract starts.")},
    )
    period_end = forms.CharField(
        label=_("End of the contract"),
        widget=_date_input(),
        error_messages={"required": _("Give the date the contract ends.")},
    )

    def __init__(self, *args, ceiling=None, **kwargs):
        super().__init__(*args, **kwargs)
        if ceiling is not None:
            self.fields["value"].help_text = _(
                "An amount in euros, such as 18500 or 18500.50, at most the budget ceiling of EUR %(ceiling)s."
            ) % {"ceiling": f"{ceiling:,.0f}"}
