from django.contrib import admin

from instruments.models import (
    Audience,
    Instrument,
    InstrumentAttachment,
    InstrumentRevision,
    Organisation,
    Sector,
)


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """Read and moderate here; content edits go through the site's form (revisioned)."""

    list_display = ["title", "kind", "status", "owner", "updated_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "title_en", "slug"]
    readonly_fields = ["slug", "created_at", "updated_at"]
    raw_id_fields = ["owner", "organisation"]
    exclude = ["concepts"]


@admin.register(InstrumentRevision)
class InstrumentRevisionAdmin(admin.ModelAdmin):
    list_display = ["instrument", "number", "author", "created_at"]
    readonly_fields = ["instrument", "number", "author", "note", "data", "created_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.register([Sector, Audience, Organisation, InstrumentAttachment])
