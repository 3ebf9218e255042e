from django.contrib import admin

from ponte.core.admin import AuditedAdmin

from .models import Solution


@admin.register(Solution)
class SolutionAdmin(AuditedAdmin):
    list_display = ("title", "company", "status", "trl", "published_at")
    list_filter = ("status",)
    search_fields = ("title", "summary")
    readonly_fields = ("status", "submitted_at", "published_at", "returned_at", "return_reason")
