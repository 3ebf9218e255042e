"""Forms of the solution catalogue. They only parse what people type; the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core import attachments
from ponte.core.forms import textarea
from ponte.reference.forms import CpvCodesField, SectorsField

from .models import TRL_HELP


class SolutionForm(forms.Form):
    company = forms.ModelChoiceField(label=_("Company"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), max_length=400, help_text=_("One or two sentences for the catalogue."), widget=textarea(2)
    )
    description = forms.CharField(label=_("Description"), max_length=20000, widget=textarea(8))
    sectors = SectorsField()
    cpv_codes = CpvCodesField()
    trl = forms.IntegerField(label=_("Technology readiness level"), min_value=1, max_value=9, help_text=TRL_HELP)
    references = forms.CharField(
        label=_("References"),
        required=False,
        max_length=4000,
        help_text=_("Where the solution is already in use."),
        widget=textarea(3),
    )
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")

    def __init__(self, *args, companies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if companies is None:
            del self.fields["company"]
        else:
            self.fields["company"].queryset = companies

    @staticmethod
    def initial_for(solution):
        return {
            "title": solution.title,
            "summary": solution.summary,
            "description": solution.description,
            "sectors": [s.code for s in solution.sectors.all()],
            "cpv_codes": CpvCodesField.initial_for(solution.cpv_codes.all()),
            "trl": solution.trl,
            "references": solution.references,
            "website": solution.website,
        }

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("company", None)
        data["sectors"] = SectorsField.tags(data["sectors"])
        return data


class MediaForm(forms.Form):
    """One picture or document at a time, each with its own description."""

    file = forms.FileField(
        label=_("Picture or document"),
        help_text=_(
            "A screenshot or a photo of the solution in use (PNG or JPEG), or a document such as a brochure "
            "(PDF, office document); at most 10 MB. It is shown with the solution, so leave out anything "
            "you would not publish."
        ),
        error_messages={"required": _("Choose a file to add.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=250,
        help_text=_(
            "What the picture shows or what the document is, in a sentence. People who cannot see the picture "
            "read this instead."
        ),
        error_messages={
            "required": _("Describe the picture or document in a sentence."),
            "max_length": _("Describe it in at most 250 characters."),
        },
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        attachments.validate_upload(uploaded)
        return uploaded
