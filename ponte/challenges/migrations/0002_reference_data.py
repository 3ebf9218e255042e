import json
from pathlib import Path

from django.db import migrations

# The code list now lives with the rest of the reference data.
CPV_FILE = Path(__file__).resolve().parents[2] / "reference" / "data" / "cpv-2008-en.json"

# The legal ceilings Ponte starts with; a platform admin changes them in the admin.
INSTRUMENT_RULES = [
    ("low_value", "30000.00", "Belgian public procurement law: low-value contracts, at most EUR 30,000 excl. VAT"),
    ("innovation_partnership", None, ""),
    ("pre_commercial", None, ""),
    ("prize", None, ""),
]


def load(apps, schema_editor):
    CpvCode = apps.get_model("challenges", "CpvCode")
    InstrumentRule = apps.get_model("challenges", "InstrumentRule")
    codes = json.loads(CPV_FILE.read_text(encoding="utf-8"))
    CpvCode.objects.bulk_create(
        [CpvCode(code=code, label=label) for code, label in codes.items()], batch_size=1000, ignore_conflicts=True
    )
    for instrument, ceiling, basis in INSTRUMENT_RULES:
        InstrumentRule.objects.get_or_create(instrument=instrument, defaults={"ceiling": ceiling, "legal_basis": basis})


def unload(apps, schema_editor):
    apps.get_model("challenges", "CpvCode").objects.all().delete()
    apps.get_model("challenges", "InstrumentRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("challenges", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
