from django.contrib import admin

from . import audit
from .attachments import attachments_visible_to
from .models import Attachment, AuditEvent, Notification, SearchEntry


class AuditedAdmin(admin.ModelAdmin):
    """A change made in the Django admin is audited like any other write: who, what, each
    changed field before and after (and so kept public pages stop being current)."""

    def save_model(self, request, obj, form, change):
        before = {name: str(form.initial.get(name, "")) for name in form.changed_data} if change else {}
        super().save_model(request, obj, form, change)
        after = {name: str(form.cleaned_data.get(name, "")) for name in form.changed_data}
        audit.record(
            actor=request.user, verb="admin_change" if change else "admin_add", target=obj, before=before, after=after
        )

    def delete_model(self, request, obj):
        audit.record(actor=request.user, verb="admin_delete", target=obj, before={"object": str(obj)})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(actor=request.user, verb="admin_delete", target=obj, before={"object": str(obj)})
        super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only, even for platform admins."""

    list_display = ["created_at", "actor_label", "verb", "target_type", "target_label"]
    list_filter = ["verb", "target_type"]
    search_fields = ["actor_label", "target_label", "reason"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        # Sealed like every other screen: no event of an object the admin may not see yet.
        return audit.events_visible_to(request.user).select_related("target_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(AuditedAdmin):
    list_display = ["created_at", "recipient", "kind", "read_at", "email_channel", "emailed_at"]
    list_filter = ["kind", "email_channel"]
    raw_id_fields = ["recipient"]


@admin.register(Attachment)
class AttachmentAdmin(AuditedAdmin):
    """Sealed like every other screen: the list, its count, its search and every page of one
    attachment read attachments_visible_to(), so a sealed target's files stay out of sight
    (their names included) until its seal lifts for the person."""

    list_display = ["original_name", "content_type", "size", "target_type", "created_at"]
    search_fields = ["original_name"]
    readonly_fields = ["file", "sha256", "size", "content_type"]

    def get_queryset(self, request):
        return attachments_visible_to(request.user).select_related("target_type")

    def has_add_permission(self, request):
        # Files come in through the services, which check their content and audit them.
        return False


@admin.register(SearchEntry)
class SearchEntryAdmin(AuditedAdmin):
    list_display = ["title", "kind", "visibility", "updated_at"]
    list_filter = ["kind", "visibility"]
