"""The Django admin of proposals: read-only, and sealed like every other screen. Its
queryset is proposals_visible_to(), so a superuser sees no proposal before the deadline
unless their own company submitted it; changes go through the services."""

from django.contrib import admin

from .models import Proposal
from .proposals import proposals_visible_to


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
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
