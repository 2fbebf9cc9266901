"""The Django admin, for the installation's operators only (superusers made with
`forlop createsuperuser`, see docs/operations.md): organisations, units, users and memberships.

No patient data is here, nor anything that points at it (tests/test_admin.py walks the registry):
patients are reached only through the access function, and the audit log only through the
leaders' pages. Administrators of a municipality or hospital trust work through Forløp's own
pages (core:members and the template pages), which check their organisation and audit.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from forlop.core.models import Membership, Organisation, Unit, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "org_number", "municipality_number"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "org_number"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "code"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "code"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Forløp", {"fields": ("hpr_number", "phone")}))
