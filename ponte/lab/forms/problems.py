"""Forms of problem intake and triage. They only parse what people type; the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.forms import textarea

from ..models import NEEDED_ANSWERS, REASON_LIMIT, TEXT_LIMIT


class ProblemForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=None,
        empty_label=None,
        help_text=_("The public body that has the problem: its members and the lab team will see it."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("The problem in a few words."))
    description = forms.CharField(
        label=_("The problem"),
        max_length=TEXT_LIMIT,
        widget=textarea(6),
        help_text=_("What goes wrong, where and since when. Describe the problem, not a solution."),
    )
    affected = forms.CharField(
        label=_("Who is affected"),
        max_length=TEXT_LIMIT,
        widget=textarea(3),
        help_text=_("The people, businesses or services that feel the problem, and how many."),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=TEXT_LIMIT,
        widget=textarea(4),
        help_text=_("Figures, complaints, audits or reports that show the problem is real."),
    )
    tried = forms.CharField(
        label=_("What has been tried"),
        max_length=TEXT_LIMIT,
        widget=textarea(3),
        help_text=_("What was done about it so far, and what came of it; or say that nothing was tried."),
    )
    possible_solution = forms.CharField(
        label=_("A possible solution"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=textarea(3),
        help_text=_("If you have an idea. The lab will test ideas before anyone commits to one."),
    )

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = bodies
        for name, message in NEEDED_ANSWERS.items():
            self.fields[name].error_messages["required"] = message

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organisation")
        return data


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Merge with"),
        max_length=300,
        help_text=_("The problem it duplicates, by its reference (P-12) or its title: type a few letters to find it."),
        error_messages={"required": _("Choose the problem to merge it with, by its reference (P-12) or title.")},
    )
    reason = forms.CharField(
        label=_("Note for the submitter"),
        required=False,
        max_length=REASON_LIMIT,
        widget=textarea(3),
        help_text=_("Why the two are one problem. The submitter reads it."),
    )

    def __init__(self, *args, suggestions_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].widget.attrs.update({"autocomplete": "off", "data-suggestions": suggestions_url})
