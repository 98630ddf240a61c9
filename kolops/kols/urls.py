from django.urls import path

from .views import imports, kols

app_name = "kols"
urlpatterns = [
    path("", kols.KolListView.as_view(), name="list"),
    path("count/", kols.KolCountView.as_view(), name="count"),
    path("new/", kols.KolCreateView.as_view(), name="create"),
    path("<int:pk>/", kols.KolDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", kols.KolUpdateView.as_view(), name="edit"),
    path("<int:pk>/archive/", kols.KolArchiveView.as_view(), name="archive"),
    path("<int:pk>/channels/new/", kols.ChannelCreateView.as_view(), name="channel_create"),
    path("<int:pk>/contacts/new/", kols.ContactLogCreateView.as_view(), name="contact_create"),
    path("channels/<int:pk>/edit/", kols.ChannelUpdateView.as_view(), name="channel_edit"),
    path("channels/<int:pk>/delete/", kols.ChannelDeleteView.as_view(), name="channel_delete"),
    path("channels/<int:pk>/rates/new/", kols.RateCreateView.as_view(), name="rate_create"),
    path("rates/<int:pk>/delete/", kols.RateDeleteView.as_view(), name="rate_delete"),
    path("searches/save/", kols.SavedSearchCreateView.as_view(), name="search_save"),
    path("searches/<int:pk>/delete/", kols.SavedSearchDeleteView.as_view(), name="search_delete"),
    path("export.<str:fmt>", imports.ExportView.as_view(), name="export"),
    path("import/", imports.ImportUploadView.as_view(), name="import"),
    path("import/template.<str:fmt>", imports.ImportTemplateView.as_view(), name="import_template"),
    path("import/<int:pk>/", imports.ImportJobView.as_view(), name="import_job"),
    path("import/<int:pk>/confirm/", imports.ImportConfirmView.as_view(), name="import_confirm"),
    path("import/<int:pk>/cancel/", imports.ImportCancelView.as_view(), name="import_cancel"),
]
