from django.contrib import admin

from .models import Challenge, Criterion, InstrumentRule


@admin.register(InstrumentRule)
class InstrumentRuleAdmin(admin.ModelAdmin):
    list_display = ["instrument", "ceiling", "legal_basis"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "status", "deadline"]
    list_filter = ["status", "instrument"]
    search_fields = ["title"]
    raw_id_fields = ["owner", "author"]
    # Status changes go through the services, so that they are audited.
    readonly_fields = [
        "status",
        "submitted_at",
        "organisation_approved_at",
        "changes_requested_at",
        "approved_at",
        "published_at",
        "revised_at",
        "cancelled_at",
    ]
    filter_horizontal = ["sectors"]
    autocomplete_fields = []
    exclude = ["cpv_codes"]
    inlines = [CriterionInline]
