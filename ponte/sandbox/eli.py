"""European Legislation Identifiers (ELI): the addresses under which a country publishes its
legislation, such as http://data.europa.eu/eli/reg/2016/679/oj or
https://www.retsinformation.dk/eli/lta/2021/1174. An ELI is an http(s) address whose path
holds an `eli` segment followed by the segments that name the act (its type, then its year,
number or date; ELI's URI template leaves their order to each country). We check that form,
never fetch the address: Ponte works offline."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from .models import ELI_LIMIT

# After `eli`: at least the act's type and one of year, number or date.
NAMING_SEGMENTS = 2


def clean_eli(value) -> str:
    """The ELI as kept (stripped; empty when none is given), or a ValidationError on `eli`
    saying what an ELI looks like."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return ""
    message = _(
        "This is not a European Legislation Identifier: give the act's address with “/eli/” in it, "
        "such as http://data.europa.eu/eli/reg/2016/679/oj, or leave the field empty."
    )
    if len(text) > ELI_LIMIT:
        raise ValidationError({"eli": [message]})
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        raise ValidationError({"eli": [message]}) from None
    parts = urlsplit(text)
    segments = [segment for segment in parts.path.split("/") if segment]
    if parts.query or parts.fragment or "eli" not in segments:
        raise ValidationError({"eli": [message]})
    if len(segments) - segments.index("eli") - 1 < NAMING_SEGMENTS:
        raise ValidationError({"eli": [message]})
    return text
