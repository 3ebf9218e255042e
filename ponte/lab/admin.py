from django.contrib import admin

from .models import Problem


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "status", "submitted_at")
    list_filter = ("status",)
    search_fields = ("title",)
    raw_id_fields = ("organisation", "submitted_by", "merged_into", "triaged_by")
    # Every change goes through the services, which audit it: the admin only reads.
    readonly_fields = [field.name for field in Problem._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
