from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.services import record_event

# Flags that give power over the platform: a change through the admin goes to the audit log.
STAFF_FLAGS = ["is_staff", "is_superuser", "is_moderator"]
ROLE_FLAGS = ["is_facilitator", "is_provider", "is_participant"]


@admin.register(User)
class PersonAdmin(UserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "organisation", "is_provider", "is_staff"]
    search_fields = ["email", "name"]
    list_filter = ["is_staff", "is_provider", "is_facilitator", "is_active"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["name", "organisation"]}),
        (_("Roles"), {"fields": ["is_facilitator", "is_provider", "is_participant"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "is_moderator", "groups"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        """Save, and record changed staff flags and roles in the audit log (same transaction)."""
        stored = User.objects.filter(pk=obj.pk).values(*STAFF_FLAGS, *ROLE_FLAGS).first() or {}
        super().save_model(request, obj, form, change)
        staff_before = {flag: stored.get(flag, False) for flag in STAFF_FLAGS}
        staff_after = {flag: getattr(obj, flag) for flag in STAFF_FLAGS}
        if staff_after != staff_before:
            record_event(
                actor=request.user,
                action="account.staff_changed",
                target=obj,
                before=staff_before,
                after=staff_after,
            )
        roles_before = User(**{flag: stored.get(flag, False) for flag in ROLE_FLAGS}).roles
        if obj.roles != roles_before:
            record_event(
                actor=request.user,
                action="account.roles_changed",
                target=obj,
                before={"roles": roles_before},
                after={"roles": obj.roles},
            )
