"""The time an organisation keeps: the legal time of its country's capital.

Deadlines are set and read in the owner organisation's time, not the server's: a Portuguese
agency that closes a call at 17:00 means 17:00 in Lisbon. Times are stored in UTC. A country
with several time zones (Portugal with the Azores, Spain with the Canary Islands) keeps its
capital's."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Country (as in Organisation.country) → (IANA time zone of its capital, the capital's name).
COUNTRY_TIME_ZONES = {
    "AT": ("Europe/Vienna", _("Vienna")),
    "BE": ("Europe/Brussels", _("Brussels")),
    "BG": ("Europe/Sofia", _("Sofia")),
    "HR": ("Europe/Zagreb", _("Zagreb")),
    "CY": ("Asia/Nicosia", _("Nicosia")),
    "CZ": ("Europe/Prague", _("Prague")),
    "DK": ("Europe/Copenhagen", _("Copenhagen")),
    "EE": ("Europe/Tallinn", _("Tallinn")),
    "FI": ("Europe/Helsinki", _("Helsinki")),
    "FR": ("Europe/Paris", _("Paris")),
    "DE": ("Europe/Berlin", _("Berlin")),
    "GR": ("Europe/Athens", _("Athens")),
    "HU": ("Europe/Budapest", _("Budapest")),
    "IE": ("Europe/Dublin", _("Dublin")),
    "IT": ("Europe/Rome", _("Rome")),
    "LV": ("Europe/Riga", _("Riga")),
    "LT": ("Europe/Vilnius", _("Vilnius")),
    "LU": ("Europe/Luxembourg", _("Luxembourg")),
    "MT": ("Europe/Malta", _("Valletta")),
    "NL": ("Europe/Amsterdam", _("Amsterdam")),
    "NO": ("Europe/Oslo", _("Oslo")),
    "PL": ("Europe/Warsaw", _("Warsaw")),
    "PT": ("Europe/Lisbon", _("Lisbon")),
    "RO": ("Europe/Bucharest", _("Bucharest")),
    "SK": ("Europe/Bratislava", _("Bratislava")),
    "SI": ("Europe/Ljubljana", _("Ljubljana")),
    "ES": ("Europe/Madrid", _("Madrid")),
    "SE": ("Europe/Stockholm", _("Stockholm")),
    "CH": ("Europe/Zurich", _("Bern")),
    "GB": ("Europe/London", _("London")),
}


def time_zone_of(country: str) -> ZoneInfo:
    """The time zone of a country's capital; the platform's for a country Ponte does not know."""
    known = COUNTRY_TIME_ZONES.get(country)
    return ZoneInfo(known[0] if known else settings.TIME_ZONE)


def _abbreviations(zone: ZoneInfo) -> str:
    """The zone's winter and summer abbreviations, such as "WET/WEST", or one if it keeps one time."""
    year = datetime.now().year
    winter, summer = (datetime(year, month, 15, 12, tzinfo=zone).tzname() for month in (1, 7))
    return winter if winter == summer else f"{winter}/{summer}"


def zone_name(country: str) -> str:
    """The time a person reads a moment in: "Lisbon time"."""
    known = COUNTRY_TIME_ZONES.get(country)
    if known is None:
        return settings.TIME_ZONE
    return gettext("%(city)s time") % {"city": known[1]}


def zone_label(country: str) -> str:
    """The zone as a form's hint names it: "Lisbon time (WET/WEST)"."""
    return f"{zone_name(country)} ({_abbreviations(time_zone_of(country))})"
