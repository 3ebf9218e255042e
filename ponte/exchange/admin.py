from django.contrib import admin

from ponte.core.admin import AuditedAdmin

from .models import Application, Hosting, Round, RoundChallenge


class RoundChallengeInline(admin.TabularInline):
    model = RoundChallenge
    extra = 0
    fields = ("position", "title", "description")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Round)
class RoundAdmin(AuditedAdmin):
    list_display = ("title", "applications_open_at", "exchange_starts", "exchange_ends", "status")
    list_filter = ("status",)
    search_fields = ("title",)
    inlines = [RoundChallengeInline]
    # Every change goes through the services, which check the dates and audit it: the admin reads.
    readonly_fields = [field.name for field in Round._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(AuditedAdmin):
    """Every change goes through the services, which check it and audit it: the admin reads."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("applicant", "round", "organisation", "status", "submitted_at")
    list_filter = ("status", "side")
    raw_id_fields = ("round", "applicant", "organisation", "decided_by")


@admin.register(Hosting)
class HostingAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "round", "guests")
    raw_id_fields = ("round", "organisation", "stated_by")
