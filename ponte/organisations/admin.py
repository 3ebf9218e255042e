from django.contrib import admin

from ponte.core.admin import AuditedAdmin

from .models import Invitation, JoinRequest, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "country", "tier", "status"]
    list_filter = ["kind", "country", "status", "tier"]
    search_fields = ["name", "registration_number"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["parent"]
    # Status changes go through the services, so they are audited.
    readonly_fields = ["status", "verified_at", "suspended_at"]
    inlines = [MembershipInline]


admin.site.register(Invitation)
admin.site.register(JoinRequest)
