"""What the open-data app contributes: its OCDS downloads on the open-data page."""

from django.utils.translation import gettext_lazy as _

from ponte.core.registry import Export, registry

registry.add_export(
    Export(
        key="ocds.releases",
        label=_("Challenges as OCDS 1.1 releases (JSON release package, paged by date)"),
        url_name="opendata:ocds_releases",
    )
)
registry.add_export(
    Export(
        key="ocds.records",
        label=_("Challenges as OCDS 1.1 records (JSON record package, one record per challenge, compiled)"),
        url_name="opendata:ocds_records",
    )
)
