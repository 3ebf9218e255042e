"""Open data: the public register of organisations as CSV."""

from ponte.core.csvexport import csv_response

from .models import Organisation, Status

COLUMNS = [
    "slug",
    "name",
    "kind",
    "country",
    "parent",
    "tier",
    "level_of_government",
    "registration_number",
    "is_sme",
    "sectors",
    "verified_at",
]


def _rows():
    organisations = (
        Organisation.objects.filter(status=Status.VERIFIED)
        .select_related("parent")
        .prefetch_related("sectors")
        .order_by("slug")
    )
    yield COLUMNS
    for o in organisations.iterator(chunk_size=1000):
        yield [
            o.slug,
            o.name,
            o.kind,
            o.country,
            o.parent.slug if o.parent_id else "",
            o.tier,
            o.level_of_government,
            o.registration_number,
            "yes" if o.is_sme else "no",
            ";".join(sorted(s.code for s in o.sectors.all())),
            o.verified_at.isoformat() if o.verified_at else "",
        ]


def organisations_csv(request):
    return csv_response(_rows(), "ponte-organisations.csv")
