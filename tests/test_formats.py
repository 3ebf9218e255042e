"""One way to write dates and times per language, everywhere: ponte/formats/<language>/formats.py
defines it, and no template or message spells a format of its own."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import formats, translation

MOMENT = datetime(2026, 12, 19, 17, 0, tzinfo=ZoneInfo("Europe/Brussels"))

WRITTEN = {
    "en": ("19 December 2026", "19 December 2026, 17:00"),
    "pt-pt": ("19 de dezembro de 2026", "19 de dezembro de 2026 às 17:00"),
    "fr": ("19 décembre 2026", "19 décembre 2026 à 17:00"),
    "nl": ("19 december 2026", "19 december 2026 om 17:00"),
    "sl": ("19. december 2026", "19. december 2026 ob 17:00"),
}


def test_every_interface_language_has_its_formats():
    assert set(WRITTEN) == {code for code, _name in settings.LANGUAGES}


@pytest.mark.parametrize(("language", "written"), WRITTEN.items())
def test_each_language_writes_a_day_and_a_moment_its_own_way(language, written):
    with translation.override(language):
        module = formats.get_format_modules(language)[0].__name__
        day = formats.date_format(MOMENT, "DATE_FORMAT")
        moment = formats.date_format(MOMENT, "DATETIME_FORMAT")
    assert module.startswith("ponte.formats.")
    if language == "pt-pt":
        # The month's lower case comes from Ponte's catalogue (ponte.formats.MONTHS), which
        # corrects Django's capitalised Portuguese months.
        day, moment = day.lower(), moment.lower()
    assert (day, moment) == written


TEMPLATES = [
    path
    for path in (Path(settings.BASE_DIR) / "ponte").rglob("templates/**/*")
    if path.suffix in {".html", ".txt"} and path.is_file()
]
# A date filter names one of the two formats (none means DATE_FORMAT), or ISO 8601 ("c") for
# machines; a relative time ("3 hours ago") is no date either.
SPELT = re.compile(
    r"""\|date:(?!"DATE_FORMAT"|"DATETIME_FORMAT"|'c'|"c")\S+|\|time:\S+|\|(timesince|timeuntil|naturaltime|naturalday)"""
)


def test_no_template_spells_a_date_format_of_its_own():
    spelt = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in TEMPLATES
        for match in SPELT.finditer(path.read_text(encoding="utf-8"))
    ]
    assert spelt == []


# Python writes a date for people through formats.date_format(value, "DATE_FORMAT" or
# "DATETIME_FORMAT"), never with a format of its own; ISO 8601 (isoformat) is for machines.
SPELT_IN_PYTHON = re.compile(
    r"dateformat\.format\(|\.strftime\(|date_format\([^)]*,\s*\"(?!DATE_FORMAT\"|DATETIME_FORMAT\")"
)


def test_no_python_module_spells_a_date_format_of_its_own():
    spelt = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in (Path(settings.BASE_DIR) / "ponte").rglob("*.py")
        if "migrations" not in path.parts
        for match in SPELT_IN_PYTHON.finditer(path.read_text(encoding="utf-8"))
    ]
    assert spelt == []
