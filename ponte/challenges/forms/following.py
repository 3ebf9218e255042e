"""The alerts form: sectors, CPV codes and words a person wants to hear of."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ponte.reference.models import CpvCode, Sector

# Alerts --------------------------------------------------------------------------------

MAX_KEYWORDS = 10
MAX_KEYWORD_LENGTH = 50
MAX_CPV_CODES = 50


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", value) if part.strip()]


class AlertsForm(forms.Form):
    sectors = forms.MultipleChoiceField(
        label=gettext_lazy("Sectors"), choices=Sector.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    cpv_codes = forms.CharField(
        label=gettext_lazy("CPV codes"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Codes of the Common Procurement Vocabulary, separated by commas, such as 72000000, 48000000-8. "
            "A code also matches the codes under it."
        ),
    )
    keywords = forms.CharField(
        label=gettext_lazy("Keywords"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Words or phrases, separated by commas: at most 10, each at most 50 characters. "
            "A new challenge matches when its title, summary or problem contains one."
        ),
    )

    def clean_cpv_codes(self):
        typed = _split(self.cleaned_data["cpv_codes"])
        if len(typed) > MAX_CPV_CODES:
            raise forms.ValidationError(_("Choose at most %(max)s CPV codes.") % {"max": MAX_CPV_CODES})
        malformed = [code for code in typed if not re.match(r"^\d{8}(-\d)?$", code)]
        if malformed:
            raise forms.ValidationError(
                _("A CPV code has 8 digits, optionally a dash and a check digit, such as 72000000-5: %(codes)s.")
                % {"codes": ", ".join(malformed)}
            )
        digits = {code.split("-")[0] for code in typed}
        known = {}
        if digits:
            matching = Q()
            for prefix in digits:
                matching |= Q(code__startswith=f"{prefix}-")
            known = {c.digits: c.code for c in CpvCode.objects.filter(matching)}
        unknown = [
            code
            for code in typed
            if code.split("-")[0] not in known or ("-" in code and known[code.split("-")[0]] != code)
        ]
        if unknown:
            raise forms.ValidationError(_("These are not codes of the CPV: %(codes)s.") % {"codes": ", ".join(unknown)})
        return sorted({known[code.split("-")[0]] for code in typed})

    def clean_keywords(self):
        keywords = list(dict.fromkeys(_split(self.cleaned_data["keywords"])))
        if len(keywords) > MAX_KEYWORDS:
            raise forms.ValidationError(
                _("Give at most %(max)s keywords; you gave %(count)s.") % {"max": MAX_KEYWORDS, "count": len(keywords)}
            )
        too_long = [k for k in keywords if len(k) > MAX_KEYWORD_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Each keyword may have at most %(max)s characters: shorten “%(keyword)s”.")
                % {"max": MAX_KEYWORD_LENGTH, "keyword": too_long[0][:60]}
            )
        return keywords
