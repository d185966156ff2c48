from django.contrib import admin

from communities.models import Community


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "region", "current_phase"]
    search_fields = ["name", "slug"]
