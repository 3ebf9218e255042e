from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from ponte.core import audit
from ponte.core.admin import AuditedAdmin

from .models import ApiToken, User

ROLE_FLAGS = [
    "is_programme_manager",
    "is_evaluator",
    "is_sponsor",
    "is_moderator",
    "is_staff",
    "is_superuser",
    "is_active",
]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_programme_manager", "is_sponsor", "is_evaluator", "is_staff", "is_active"]
    list_filter = ["is_programme_manager", "is_sponsor", "is_evaluator", "is_moderator", "is_staff", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["name", "language"]}),
        (_("Platform roles"), {"fields": ROLE_FLAGS}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        """Granting or withdrawing a platform role is a decision: it goes in the audit trail."""
        before = {}
        if change:
            before = dict(User.objects.filter(pk=obj.pk).values(*ROLE_FLAGS).first() or {})
        super().save_model(request, obj, form, change)
        after = {flag: getattr(obj, flag) for flag in ROLE_FLAGS}
        if before != after:
            changed = [flag for flag in ROLE_FLAGS if before.get(flag) != after[flag]]
            audit.record(
                actor=request.user,
                verb="change_platform_roles",
                target=obj,
                before={f: before.get(f) for f in changed},
                after={f: after[f] for f in changed},
            )


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ["name", "user", "scope", "key_prefix", "created_at", "revoked_at"]
    readonly_fields = ["key_prefix", "key_hash"]
