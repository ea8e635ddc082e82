from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from sathach.organization.models import AdministrativeUnit, Membership, Person, User


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "era", "parent"]
    list_filter = ["era", "level", "kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "position", "unit", "phone", "email"]
    list_filter = ["position"]
    search_fields = ["full_name", "search_text", "phone", "email"]
    raw_id_fields = ["unit", "user"]


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ["unit"]
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "is_active", "must_change_password"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (None, {"fields": ["full_name", "must_change_password"]}),
    )
