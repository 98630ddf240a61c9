"""Pages of the KOL database: the searchable list, a KOL's page, and the edit forms.

Views only wire forms to services and selectors (DESIGN §3).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from kolops.accounts.models import Organization
from kolops.core.concurrency import StaleVersion, posted_version, show_stale_form
from kolops.core.forms import apply_service_errors
from kolops.core.permissions import group_ids_for
from kolops.core.views import OrgRequiredMixin, get_scoped_or_404

from .. import selectors, services
from ..choices import AGE_BUCKETS, RiskFlag
from ..forms import (
    ChannelForm,
    ChannelSearchForm,
    ContactLogForm,
    KolForm,
    RateForm,
    SavedSearchForm,
)
from ..models import Channel, Kol, RateCard, SavedSearch
from ..query import ChannelQuery


class KolListView(OrgRequiredMixin, TemplateView):
    """The KOL list: one row per channel, combinable filters, keyset pages, saved searches."""

    template_name = "kols/list.html"

    def get_template_names(self):
        if self.request.htmx and not self.request.htmx.boosted:
            return ["kols/list.html#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        categories = selectors.categories_all()
        form = ChannelSearchForm(self.request.GET or None, categories=categories)
        query = form.to_query() if form.is_valid() else ChannelQuery()
        cursor = self.request.GET.get("after") or None
        try:
            page = selectors.channel_page(
                user=user, query=query, cursor=cursor, size=settings.KOLOPS_PAGE_SIZE
            )
        except ValueError:
            page = selectors.channel_page(user=user, query=query, size=settings.KOLOPS_PAGE_SIZE)
        # The whole result on this page: its length is the count. Otherwise the page asks for
        # the count (KolCountView) once its rows are shown, so counting never delays them.
        count, more = (len(page.rows), False) if not cursor and not page.has_next else (None, False)
        params = self.request.GET.copy()
        params.pop("after", None)
        for key in [k for k in params if not any(params.getlist(k))]:
            del params[key]
        next_url = None
        if page.next_cursor:
            params["after"] = page.next_cursor
            next_url = "?" + params.urlencode()
            params.pop("after")
        context.update(
            form=form,
            page=page,
            count=count,
            count_more=more,
            next_url=next_url,
            first_url="?" + params.urlencode() if cursor else None,
            filters_query=params.urlencode(),
            categories=categories,
            saved_searches=selectors.saved_searches_for(user),
            can_change=bool(group_ids_for(user, "kols.change")),
            can_export=bool(group_ids_for(user, "kols.export")),
            age_buckets=AGE_BUCKETS,
        )
        return context


class KolCountView(OrgRequiredMixin, TemplateView):
    """How many channels the list's filters match (capped): the list loads it after its rows."""

    template_name = "kols/_count.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ChannelSearchForm(self.request.GET or None, categories=selectors.categories_all())
        query = form.to_query() if form.is_valid() else ChannelQuery()
        count, more = selectors.channel_count(
            user=self.request.user, query=query, cap=settings.KOLOPS_EXACT_COUNT_LIMIT
        )
        context.update(count=count, count_more=more)
        return context


class KolDetailView(OrgRequiredMixin, TemplateView):
    """A KOL's page: channels, audience charts, rates, follower growth and contact log."""

    template_name = "kols/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        try:
            kol = selectors.kol_detail(user=user, pk=self.kwargs["pk"])
        except Kol.DoesNotExist:
            from django.http import Http404

            raise Http404 from None
        context.update(
            kol=kol,
            charts=selectors.kol_chart_data(kol),
            can_change=kol.group_id in group_ids_for(user, "kols.change"),
            contact_form=ContactLogForm(),
            risk_flags=[RiskFlag(f).label for f in kol.risk_flags if f in RiskFlag.values],
            chart_labels={
                "followers": _("Followers"),
                "female": _("Female"),
                "male": _("Male"),
                "no_data": _("No data yet."),
            },
        )
        return context


class _KolFormMixin(OrgRequiredMixin):
    permission = "kols.change"
    template_name = "kols/kol_form.html"

    def render_form(self, form, kol=None):
        return render(self.request, self.template_name, {"form": form, "kol": kol})


class KolCreateView(_KolFormMixin, View):
    """Create a KOL; the first channel is added on its page."""

    def get_form(self, data=None):
        groups = Organization.objects.filter(pk__in=group_ids_for(self.request.user, "kols.change"))
        return KolForm(data, groups=groups)

    def get(self, request):
        return self.render_form(self.get_form())

    def post(self, request):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                kol = services.kol_create(
                    by=request.user,
                    group=form.cleaned_data["group"],
                    data=form.service_data(),
                    categories=form.cleaned_data["categories"],
                    tags=form.tag_names(),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("KOL “%(name)s” was created. Add their channels below.") % {"name": kol.display_name},
                )
                return redirect(kol)
        return self.render_form(form)


class KolUpdateView(_KolFormMixin, View):
    """Edit a KOL's attributes."""

    def get_kol(self):
        return get_scoped_or_404(Kol.objects, self.request.user, action="change", pk=self.kwargs["pk"])

    def get(self, request, pk):
        kol = self.get_kol()
        return self.render_form(KolForm(instance=kol), kol)

    def post(self, request, pk):
        kol = self.get_kol()
        form = KolForm(request.POST, instance=Kol.objects.get(pk=kol.pk))
        if form.is_valid():
            try:
                services.kol_update(
                    by=request.user,
                    kol=kol,
                    data=form.service_data(),
                    categories=form.cleaned_data["categories"],
                    tags=form.tag_names(),
                    expected_version=posted_version(form),
                )
            except StaleVersion as stale:
                show_stale_form(
                    form,
                    current=KolForm(instance=Kol.objects.get(pk=kol.pk)),
                    version=stale.current,
                    message=_(
                        "This KOL was changed by someone else since you opened the form. Your "
                        "changes were not saved: review the current values below, then save again."
                    ),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect(kol)
        return self.render_form(form, kol)


class KolArchiveView(OrgRequiredMixin, View):
    """Archive a KOL (or restore one with restore=1). Archiving keeps every record."""

    permission = "kols.change"

    def post(self, request, pk):
        kol = get_scoped_or_404(Kol.objects, request.user, action="change", pk=pk)
        restore = request.POST.get("restore") == "1"
        services.kol_archive(by=request.user, kol=kol, archived=not restore)
        messages.success(request, _("KOL restored.") if restore else _("KOL archived."))
        return redirect(kol)


class ChannelCreateView(OrgRequiredMixin, View):
    """Add a platform account to a KOL."""

    permission = "kols.change"
    template_name = "kols/channel_form.html"

    def get(self, request, pk):
        kol = get_scoped_or_404(Kol.objects, request.user, action="change", pk=pk)
        return render(request, self.template_name, {"form": ChannelForm(), "kol": kol})

    def post(self, request, pk):
        kol = get_scoped_or_404(Kol.objects, request.user, action="change", pk=pk)
        form = ChannelForm(request.POST)
        if form.is_valid():
            try:
                services.channel_create(by=request.user, kol=kol, data=form.service_data())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Channel added."))
                return redirect(kol)
        return render(request, self.template_name, {"form": form, "kol": kol})


class ChannelUpdateView(OrgRequiredMixin, View):
    """Edit a channel's stats and audience."""

    permission = "kols.change"
    template_name = "kols/channel_form.html"

    def get_channel(self):
        return get_scoped_or_404(
            Channel.objects.select_related("kol"),
            self.request.user,
            action="change",
            pk=self.kwargs["pk"],
        )

    def get(self, request, pk):
        channel = self.get_channel()
        return render(
            request,
            self.template_name,
            {"form": ChannelForm(instance=channel), "kol": channel.kol, "channel": channel},
        )

    def post(self, request, pk):
        channel = self.get_channel()
        form = ChannelForm(request.POST, instance=Channel.objects.get(pk=channel.pk))
        if form.is_valid():
            try:
                services.channel_update(
                    by=request.user,
                    channel=channel,
                    data=form.service_data(),
                    expected_version=posted_version(form),
                )
            except StaleVersion as stale:
                show_stale_form(
                    form,
                    current=ChannelForm(instance=Channel.objects.get(pk=channel.pk)),
                    version=stale.current,
                    message=_(
                        "This channel was changed by someone else since you opened the form. Your "
                        "changes were not saved: review the current values below, then save again."
                    ),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Channel saved."))
                return redirect(channel.kol)
        return render(request, self.template_name, {"form": form, "kol": channel.kol, "channel": channel})


class ChannelDeleteView(OrgRequiredMixin, View):
    """Remove a channel entered by mistake."""

    permission = "kols.change"

    def post(self, request, pk):
        channel = get_scoped_or_404(
            Channel.objects.select_related("kol"), request.user, action="change", pk=pk
        )
        kol = channel.kol
        services.channel_delete(by=request.user, channel=channel)
        messages.success(request, _("Channel removed."))
        return redirect(kol)


class RateCreateView(OrgRequiredMixin, View):
    """Add a price to a channel's rate card."""

    permission = "kols.change"
    template_name = "kols/rate_form.html"

    def get(self, request, pk):
        channel = get_scoped_or_404(
            Channel.objects.select_related("kol"), request.user, action="change", pk=pk
        )
        return render(request, self.template_name, {"form": RateForm(), "channel": channel})

    def post(self, request, pk):
        channel = get_scoped_or_404(
            Channel.objects.select_related("kol"), request.user, action="change", pk=pk
        )
        form = RateForm(request.POST)
        if form.is_valid():
            try:
                services.rate_card_save(by=request.user, channel=channel, data=form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Price added."))
                return redirect(channel.kol)
        return render(request, self.template_name, {"form": form, "channel": channel})


class RateDeleteView(OrgRequiredMixin, View):
    """Remove a price from a rate card."""

    permission = "kols.change"

    def post(self, request, pk):
        rate = RateCard.objects.select_related("channel__kol").filter(pk=pk).first()
        channel = get_scoped_or_404(
            Channel.objects.select_related("kol"),
            request.user,
            action="change",
            pk=rate.channel_id if rate else 0,
        )
        services.rate_card_delete(by=request.user, rate=rate)
        messages.success(request, _("Price removed."))
        return redirect(channel.kol)


class ContactLogCreateView(OrgRequiredMixin, View):
    """Record a contact with a KOL from their page."""

    permission = "kols.change"

    def post(self, request, pk):
        kol = get_scoped_or_404(Kol.objects, request.user, action="change", pk=pk)
        form = ContactLogForm(request.POST)
        if form.is_valid():
            services.contact_log_add(by=request.user, kol=kol, **form.cleaned_data)
            messages.success(request, _("Contact recorded."))
        else:
            messages.error(
                request,
                _("The contact was not recorded: %(errors)s")
                % {"errors": "; ".join(e for errs in form.errors.values() for e in errs)},
            )
        return redirect(reverse("kols:detail", args=[kol.pk]) + "#contacts")


class SavedSearchCreateView(OrgRequiredMixin, View):
    """Save the list's current filters under a name."""

    def post(self, request):
        form = SavedSearchForm(request.POST)
        groups = sorted(group_ids_for(request.user, "kols.view"))
        if form.is_valid():
            group = Organization.objects.get(pk=groups[0])
            try:
                services.saved_search_create(
                    by=request.user,
                    group=group,
                    name=form.cleaned_data["name"],
                    query=form.cleaned_data["query"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Search saved."))
        else:
            messages.error(request, _("Give the search a name."))
        return redirect(reverse("kols:list") + "?" + form.data.get("query", "").lstrip("?"))


class SavedSearchDeleteView(OrgRequiredMixin, View):
    """Forget one of the user's saved searches."""

    def post(self, request, pk):
        search = get_scoped_or_404(SavedSearch.objects.filter(user=request.user), request.user, pk=pk)
        services.saved_search_delete(by=request.user, search=search)
        messages.success(request, _("Saved search deleted."))
        return redirect("kols:list")


def list_url(**params) -> str:
    """The list URL with these filters (used by links on a KOL's page)."""
    return reverse("kols:list") + "?" + urlencode(params, doseq=True)
