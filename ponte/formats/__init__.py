"""How Ponte writes dates and times to people: one definition per language, read by Django
through FORMAT_MODULE_PATH (ponte/formats/<language>/formats.py).

Templates name the format, never spell it: `|date:"DATE_FORMAT"` for a day,
`|date:"DATETIME_FORMAT"` for a moment, and Python `formats.date_format(value,
"DATETIME_FORMAT")`. Machine-read values (the `datetime` attribute of <time>, CSV, the API,
open data) stay ISO 8601.

The month names are declared here so that Ponte's own catalogues may correct Django's where
a language's rules differ: European Portuguese writes them in lower case (19 de dezembro).
"""

from django.utils.translation import gettext_noop

MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
