"""Forms of the dialogue and the decisions. They only parse what people type; the services
check the rest."""

from django import forms
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ponte.accounts.models import User
from ponte.core.forms import MultipleFileField, textarea

from ..models import LEGAL_BASIS_LIMIT, MESSAGE_LIMIT, TEXT_LIMIT

FILES_HELP = _("Up to 5 files: PDF, pictures, office documents, text or CSV. Pictures lose their metadata.")


def _files():
    return MultipleFileField(label=_("Files"), required=False, help_text=FILES_HELP)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_LIMIT,
        widget=textarea(5),
        error_messages={"required": _("Write your message.")},
    )
    files = _files()


class ChangesForm(forms.Form):
    body = forms.CharField(
        label=_("What the applicants should change"),
        max_length=MESSAGE_LIMIT,
        widget=textarea(6),
        help_text=_("Name each part to change and why: the applicants read it in the dialogue."),
        error_messages={"required": _("Say what the applicants should change, and why.")},
    )
    files = _files()


class InviteFinalForm(forms.Form):
    body = forms.CharField(
        label=_("What the final application should hold"),
        required=False,
        max_length=MESSAGE_LIMIT,
        widget=textarea(5),
        help_text=_("If you have guidance for the final application and its draft local statement."),
    )
    files = _files()


def _day(label, message):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": message, "invalid": message},
    )


class ApproveForm(forms.Form):
    conditions = forms.CharField(
        label=_("Conditions"),
        max_length=TEXT_LIMIT,
        widget=textarea(5),
        help_text=_("What the applicants must do while the rule is waived: reports, limits, safeguards."),
        error_messages={"required": _("Give the conditions of the exemption, or say there are none.")},
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=LEGAL_BASIS_LIMIT,
        help_text=_("The order or decree that grants the exemption, with its number: for example, Order 112/2027."),
        error_messages={"required": _("Give the legal basis of the decision: the order or decree number.")},
    )
    starts = _day(_("First day"), _("Give the first day of the exemption."))
    ends = _day(_("Last day"), _("Give the last day of the exemption."))
    sponsor = forms.CharField(
        label=_("Sponsor"),
        max_length=254,
        help_text=_("The e-mail address of a person with the sponsor role: type part of a name to find them."),
        error_messages={"required": _("Name a person with the sponsor role: every exemption has a sponsor.")},
    )

    def __init__(self, *args, suggestions: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].widget.attrs.update({"autocomplete": "off", "data-suggestions": suggestions})

    def clean_sponsor(self):
        address = self.cleaned_data["sponsor"].strip().lower()
        found = User.objects.annotate(address=Lower("email")).filter(address=address).first()
        if found is None:
            raise forms.ValidationError(_("Nobody on Ponte has this address: name a person with the sponsor role."))
        return found
