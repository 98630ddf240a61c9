"""Import and export pages of the KOL database.

Upload → preview (a dry run: counts and a row-by-row error table) → "Import now" → result.
A job still running shows a progress bar that htmx refreshes every second from the
`progress` partial of its page. Views only wire forms to `kols.imports` (DESIGN §3).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy
from django.views import View
from django_htmx.http import HttpResponseClientRefresh

from kolops.accounts.models import Organization
from kolops.core.forms import BootstrapFormMixin
from kolops.core.permissions import group_ids_for
from kolops.core.views import OrgRequiredMixin, get_scoped_or_404

from .. import import_retention, imports
from ..choices import ImportStatus
from ..forms import ChannelSearchForm
from ..importers import columns, readers, writers
from ..models import ImportJob
from ..query import ChannelQuery

RECENT_JOBS = 10


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    """A KOL file to import, into one of the groups the user may import into."""

    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        help_text=gettext_lazy("One row per channel; download the template for the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt,.tsv"}),
    )
    preview = forms.BooleanField(
        label=gettext_lazy("Preview only (check the file, write nothing)"), required=False, initial=True
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"] = forms.ModelChoiceField(
            label=gettext_lazy("Group"),
            queryset=groups,
            initial=groups.first(),
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        if groups.count() == 1:
            self.fields["group"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if isinstance(self.fields["group"].widget, forms.HiddenInput) and self.has_error("group"):
            # A hidden field's errors are not shown next to it: say it for the whole form.
            self.add_error(None, gettext_lazy("You may not import into this group."))
        return data

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.KOLOPS_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(readers.size_message(upload.size, limit))
        return upload


def _import_groups(user):
    return Organization.objects.filter(pk__in=group_ids_for(user, "kols.import")).order_by("name")


class ImportUploadView(OrgRequiredMixin, View):
    """The upload form, the template downloads, the columns, and the group's recent imports."""

    permission = "kols.import"
    template_name = "kols/import.html"

    def render_page(self, form):
        jobs = (
            ImportJob.objects.for_user(self.request.user, "import")
            .select_related("created_by")
            .order_by("-created_at")[:RECENT_JOBS]
        )
        context = {
            "form": form,
            "jobs": jobs,
            "columns": columns.COLUMNS,
            "max_mb": settings.KOLOPS_IMPORT_MAX_BYTES // (1024 * 1024),
        }
        return render(self.request, self.template_name, context)

    def get(self, request):
        return self.render_page(ImportUploadForm(groups=_import_groups(request.user)))

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES, groups=_import_groups(request.user))
        if not form.is_valid():
            return self.render_page(form)
        upload = form.cleaned_data["file"]
        job = imports.import_job_create(
            by=request.user,
            group=form.cleaned_data["group"],
            upload=upload,
            file_name=upload.name,
            dry_run=form.cleaned_data["preview"],
        )
        imports.import_job_start(job, language=request.LANGUAGE_CODE)
        return redirect("kols:import_job", pk=job.pk)


class ImportJobView(OrgRequiredMixin, View):
    """One import: its progress while it runs, then its report (or result)."""

    permission = "kols.import"
    template_name = "kols/import_job.html"

    def get(self, request, pk):
        job = get_scoped_or_404(
            ImportJob.objects.select_related("created_by", "group"), request.user, action="import", pk=pk
        )
        running = job.status in (ImportStatus.PENDING, ImportStatus.RUNNING)
        if request.htmx and not running:
            # The poll ends: load the whole page, which now shows the report.
            return HttpResponseClientRefresh()
        result = job.result or {}
        context = {
            "job": job,
            "running": running,
            "phase": result.get("phase", "reading"),
            "result": result,
            "errors": result.get("errors") or [],
            "warnings": result.get("warnings") or [],
            "file_removed_at": parse_datetime(result.get("file_removed_at") or ""),
            "cancelled": result.get("cancelled", False),
            "can_confirm": (
                job.dry_run
                and job.status == ImportStatus.DONE
                and not result.get("errors")
                and bool(job.file.name)
                and job.created_by_id == request.user.pk
            ),
        }
        template = f"{self.template_name}#progress" if request.htmx else self.template_name
        return render(request, template, context)


class ImportConfirmView(OrgRequiredMixin, View):
    """ "Import now" on a clean preview: the same file is imported for real."""

    permission = "kols.import"

    def post(self, request, pk):
        job = get_scoped_or_404(ImportJob.objects, request.user, action="import", pk=pk)
        try:
            job = imports.import_job_confirm(by=request.user, job=job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            imports.import_job_start(job, language=request.LANGUAGE_CODE)
        return redirect("kols:import_job", pk=pk)


class ImportCancelView(OrgRequiredMixin, View):
    """ "Cancel" on a clean preview: nothing is imported and the uploaded file is removed."""

    permission = "kols.import"

    def post(self, request, pk):
        job = get_scoped_or_404(ImportJob.objects, request.user, action="import", pk=pk)
        try:
            import_retention.import_job_cancel(by=request.user, job=job)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
        return redirect("kols:import_job", pk=pk)


def _attachment(data: bytes, fmt: str, stem: str) -> HttpResponse:
    response = HttpResponse(data, content_type=writers.content_type(fmt))
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


class ExportView(OrgRequiredMixin, View):
    """The list's channels, with the list's filters, as CSV or XLSX in the import's columns."""

    permission = "kols.export"

    def get(self, request, fmt):
        if fmt not in writers.FORMATS:
            raise Http404
        # The same filters as the list page; like the list, invalid filters show everything.
        form = ChannelSearchForm(request.GET)
        query = form.to_query() if form.is_valid() else ChannelQuery()
        data = imports.channels_export(user=request.user, query=query, fmt=fmt)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return _attachment(data, fmt, f"kols-{stamp}")


class ImportTemplateView(OrgRequiredMixin, View):
    """The empty file to fill in: the columns and one example row."""

    def get(self, request, fmt):
        if fmt not in writers.FORMATS:
            raise Http404
        return _attachment(imports.import_template(fmt), fmt, "kols-template")
