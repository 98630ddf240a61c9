from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Category, Channel, ContactLog, ImportJob, Kol, RateCard, SavedSearch, Tag


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "name_vi", "name_zh", "bit"]


@admin.register(Kol)
class KolAdmin(SimpleHistoryAdmin):
    list_display = ["display_name", "kol_type", "status", "group", "archived_at"]
    list_filter = ["kol_type", "status"]
    search_fields = ["display_name", "real_name"]


@admin.register(Channel)
class ChannelAdmin(SimpleHistoryAdmin):
    list_display = ["kol_name", "platform", "handle", "followers", "tier", "engagement_rate"]
    list_filter = ["platform", "tier"]
    search_fields = ["handle", "kol_name"]
    raw_id_fields = ["kol"]


admin.site.register([RateCard, ContactLog, SavedSearch, Tag, ImportJob])
