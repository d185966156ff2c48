from django.contrib import admin

from knowledge.models import Concept, ConceptRevision


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ["term", "term_en", "updated_at"]
    search_fields = ["term", "term_en", "slug"]


@admin.register(ConceptRevision)
class ConceptRevisionAdmin(admin.ModelAdmin):
    list_display = ["concept", "number", "author", "created_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
