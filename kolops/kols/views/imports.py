"""Import and export pages of the KOL database."""

from django.http import Http404
from django.views import View

from kolops.core.views import OrgRequiredMixin


class _NotYet(OrgRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        raise Http404


ExportView = ImportUploadView = ImportTemplateView = ImportJobView = ImportConfirmView = _NotYet
