"""Form fields for reference data, the same in every module's forms."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CpvCode, Sector, SectorTag


def parse_cpv(text: str) -> list[str]:
    """The codes typed or pasted into a CPV field, in order, without repeats."""
    codes = []
    for token in re.split(r"[\s,;]+", text.strip()):
        if token and token not in codes:
            codes.append(token)
    return codes


class CpvCodesField(forms.CharField):
    """CPV codes typed as text ("72000000-5, 48000000-8"), cleaned into the CpvCode rows
    they name, in the order typed. A code typed without its check digit is found by its
    eight digits; any other unknown code is refused, naming it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("CPV codes"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault(
            "help_text",
            _(
                "Codes of the EU's Common Procurement Vocabulary, separated by commas, "
                "for example “72000000-5, 48000000-8”."
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        typed = parse_cpv(super().clean(value))
        known = {code.code: code for code in CpvCode.objects.filter(code__in=typed)}
        for digits in [c for c in typed if c not in known and re.fullmatch(r"\d{8}", c)]:
            match = CpvCode.objects.filter(code__startswith=f"{digits}-").first()
            if match is not None:
                known[digits] = match
        unknown = [c for c in typed if c not in known]
        if unknown:
            raise forms.ValidationError(
                _("These are not CPV codes: %(codes)s. Check them against the CPV list (for example 72000000-5).")
                % {"codes": ", ".join(unknown)}
            )
        chosen = []
        for c in typed:
            if known[c] not in chosen:
                chosen.append(known[c])
        return chosen

    @staticmethod
    def initial_for(codes) -> str:
        return ", ".join(code.code for code in codes)


class SectorsField(forms.MultipleChoiceField):
    """Sectors ticked from the fixed list; `tags()` turns the cleaned codes into rows."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Sectors"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(choices=Sector.choices, **kwargs)

    @staticmethod
    def tags(codes) -> list[SectorTag]:
        return list(SectorTag.objects.filter(code__in=codes))
