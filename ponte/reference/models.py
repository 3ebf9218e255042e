"""Reference data every module shares: countries, sectors and the EU's procurement vocabulary.

It sits at the bottom of Ponte's layers and imports nothing of Ponte. Two tables were
first made by the apps that used them first (organisations, challenges); they were moved
here by state-only migrations and keep their table names, so no row was copied.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    AT = "AT", _("Austria")
    BE = "BE", _("Belgium")
    BG = "BG", _("Bulgaria")
    HR = "HR", _("Croatia")
    CY = "CY", _("Cyprus")
    CZ = "CZ", _("Czechia")
    DK = "DK", _("Denmark")
    EE = "EE", _("Estonia")
    FI = "FI", _("Finland")
    FR = "FR", _("France")
    DE = "DE", _("Germany")
    GR = "GR", _("Greece")
    HU = "HU", _("Hungary")
    IE = "IE", _("Ireland")
    IT = "IT", _("Italy")
    LV = "LV", _("Latvia")
    LT = "LT", _("Lithuania")
    LU = "LU", _("Luxembourg")
    MT = "MT", _("Malta")
    NL = "NL", _("Netherlands")
    NO = "NO", _("Norway")
    PL = "PL", _("Poland")
    PT = "PT", _("Portugal")
    RO = "RO", _("Romania")
    SK = "SK", _("Slovakia")
    SI = "SI", _("Slovenia")
    ES = "ES", _("Spain")
    SE = "SE", _("Sweden")
    CH = "CH", _("Switzerland")
    GB = "GB", _("United Kingdom")


class Sector(models.TextChoices):
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    MOBILITY = "mobility", _("Mobility and transport")
    ENERGY = "energy", _("Energy and climate")
    ENVIRONMENT = "environment", _("Environment")
    SOCIAL = "social", _("Social services")
    JUSTICE = "justice", _("Justice and security")
    TAX = "tax", _("Tax and finance")
    DIGITAL = "digital", _("Digital government")
    AGRICULTURE = "agriculture", _("Agriculture and food")
    CULTURE = "culture", _("Culture")
    EMPLOYMENT = "employment", _("Employment")
    HOUSING = "housing", _("Housing and urban development")


class SectorTag(models.Model):
    """One row per sector code, so organisations, challenges and solutions filter by sector
    the same way on every database."""

    code = models.CharField(max_length=32, primary_key=True, choices=Sector.choices)

    class Meta:
        db_table = "organisations_sectortag"  # where it was first made: moved without copying rows

    def __str__(self) -> str:
        return str(Sector(self.code).label)


class CpvCode(models.Model):
    """One code of the EU's Common Procurement Vocabulary (CPV 2008)."""

    code = models.CharField(max_length=10, primary_key=True)  # e.g. "72000000-5"
    label = models.CharField(max_length=300)

    class Meta:
        db_table = "challenges_cpvcode"  # where it was first made: moved without copying rows
        ordering = ["code"]
        verbose_name = _("CPV code")
        verbose_name_plural = _("CPV codes")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def digits(self) -> str:
        return self.code.split("-")[0]
