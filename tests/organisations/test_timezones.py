"""The time an organisation keeps: its country's capital's, named as people read it."""

from zoneinfo import ZoneInfo

from ponte.organisations import timezones
from ponte.reference.models import Country


def test_every_country_ponte_serves_has_its_capital_s_time_zone():
    assert set(timezones.COUNTRY_TIME_ZONES) == set(Country.values)
    for country in Country.values:
        assert timezones.time_zone_of(country).key.startswith(("Europe/", "Asia/Nicosia"))
    # A country with several zones keeps its capital's.
    assert timezones.time_zone_of("PT") == ZoneInfo("Europe/Lisbon")
    assert timezones.time_zone_of("ES") == ZoneInfo("Europe/Madrid")
    assert timezones.zone_label("PT") == "Lisbon time (WET/WEST)"
    assert timezones.zone_label("IE") == "Dublin time (GMT/IST)"
