from django.contrib import admin

from ponte.core.admin import AuditedAdmin

from .models import Challenge, Criterion, InstrumentRule, Proposal
from .queries.proposals import proposals_visible_to


@admin.register(InstrumentRule)
class InstrumentRuleAdmin(AuditedAdmin):
    list_display = ["instrument", "ceiling", "legal_basis"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Challenge)
class ChallengeAdmin(AuditedAdmin):
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


# Proposals: read-only, and sealed like every other screen. The queryset is
# proposals_visible_to(), so a superuser sees no proposal before the deadline unless their
# own company submitted it; changes go through the services.
@admin.register(Proposal)
class ProposalAdmin(AuditedAdmin):
    list_display = ["__str__", "challenge", "status", "submitted_at"]
    fields = [
        "challenge",
        "company",
        "submitted_by",
        "status",
        "approach",
        "criteria_responses",
        "team",
        "price",
        "timeline",
        "submitted_at",
        "withdrawn_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return proposals_visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
