"""Campaign pages: the list, one campaign with its brief and proposal versions, the forms.

Views only wire forms to `campaigns.services` and `campaigns.selectors` (DESIGN §3).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from kolops.core.concurrency import StaleVersion, posted_version, show_stale_form
from kolops.core.forms import apply_service_errors
from kolops.core.permissions import group_ids_for
from kolops.core.regions import REGIONS
from kolops.core.tiers import Tier
from kolops.core.views import OrgRequiredMixin, get_scoped_or_404
from kolops.kols.choices import AGE_BUCKETS, DeliverableType, Platform

from .. import selectors, services
from ..choices import CAMPAIGN_TRANSITIONS, CampaignStatus, Market, ProductCategory, UsageRights
from ..forms import BriefForm, CampaignForm, CampaignStatusForm, DeliverableFormSet, deliverables_of
from ..models import Brief, BriefAttachment, Campaign
from .common import campaign_or_404, editable_organizations, report


class CampaignListView(OrgRequiredMixin, TemplateView):
    """Campaigns of the user's groups, newest first, filtered by status and name."""

    permission = "campaigns.view"
    template_name = "campaigns/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, params = self.request.user, self.request.GET
        status = params.get("status", "")
        context.update(
            campaigns=selectors.campaign_list(user=user, status=status, q=params.get("q", ""))[:200],
            statuses=CampaignStatus.choices,
            status=status,
            q=params.get("q", ""),
            can_change=bool(group_ids_for(user, "campaigns.change")),
        )
        return context


class CampaignDetailView(OrgRequiredMixin, TemplateView):
    """A campaign: target, money, KPI targets, constraints, brief, and proposal versions."""

    permission = "campaigns.view"
    template_name = "campaigns/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        campaign = campaign_or_404(user, self.kwargs["pk"])
        brief = campaign.brief.document
        context.update(
            campaign=campaign,
            brief=brief,
            attachments=campaign.brief.attachments.all(),
            regions=[REGIONS[c].name() if c in REGIONS else c for c in campaign.target_regions],
            ages=[label for bucket, label in AGE_BUCKETS if bucket in campaign.target_age_buckets],
            platforms=[Platform(p).label for p in campaign.platforms if p in Platform.values],
            markets=[Market(m).label for m in campaign.markets if m in Market.values],
            tiers=[Tier(t).label for t in campaign.tiers if t in Tier.values],
            tier_quotas=[
                (Tier(t).label if t in Tier.values else t, q)
                for t, q in campaign.constraints.get("tiers", {}).items()
            ],
            deliverables=[
                {
                    "type": DeliverableType(d["type"]).label,
                    "platform": Platform(d["platform"]).label if d.get("platform") else _("any platform"),
                    "count": d["count"],
                }
                for d in brief.get("deliverables", [])
            ],
            product_category=ProductCategory(brief.get("product_category", "general")).label,
            usage_rights=UsageRights(brief.get("usage_rights", {}).get("kind", "organic")).label,
            proposals=campaign.proposals.all(),
            approved=selectors.approved_for_outreach(campaign),
            can_change=campaign.group_id in group_ids_for(user, "campaigns.change"),
            # In the order of the campaign's life, so the first choice is the next step, not "closed".
            next_statuses=[
                (s.value, s.label)
                for s in CampaignStatus
                if s in CAMPAIGN_TRANSITIONS[CampaignStatus(campaign.status)]
            ],
        )
        return context


class _CampaignFormView(OrgRequiredMixin, View):
    permission = "campaigns.change"
    template_name = "campaigns/campaign_form.html"

    def render_form(self, form, campaign=None):
        return render(self.request, self.template_name, {"form": form, "campaign": campaign})


class CampaignCreateView(_CampaignFormView):
    """Create a campaign; its brief is filled on the next page."""

    def get_form(self, data=None):
        organizations = editable_organizations(self.request.user)
        # The group itself first: most campaigns are planned for the group's shared pool.
        default = organizations.filter(group_id=F("pk")).first() or organizations.first()
        return CampaignForm(data, organizations=organizations, initial={"organization": default})

    def get(self, request):
        return self.render_form(self.get_form())

    def post(self, request):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                campaign = services.campaign_create(
                    by=request.user,
                    organization=form.cleaned_data["organization"],
                    data=form.service_data(),
                    categories=form.cleaned_data["categories"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Campaign “%(name)s” was created. Now write its brief.") % {"name": campaign.name},
                )
                return redirect("campaigns:brief", pk=campaign.pk)
        return self.render_form(form)


class CampaignUpdateView(_CampaignFormView):
    """Edit a campaign's target, money and constraints."""

    def get_campaign(self):
        return get_scoped_or_404(Campaign.objects, self.request.user, action="change", pk=self.kwargs["pk"])

    def get(self, request, pk):
        campaign = self.get_campaign()
        return self.render_form(
            CampaignForm(instance=campaign, organizations=editable_organizations(request.user)), campaign
        )

    def post(self, request, pk):
        campaign = self.get_campaign()
        form = CampaignForm(
            request.POST,
            instance=Campaign.objects.get(pk=campaign.pk),
            organizations=editable_organizations(request.user),
        )
        if form.is_valid():
            data = form.service_data() | {"organization": form.cleaned_data["organization"]}
            try:
                services.campaign_update(
                    by=request.user,
                    campaign=campaign,
                    data=data,
                    categories=form.cleaned_data["categories"],
                    expected_version=posted_version(form),
                )
            except StaleVersion as stale:
                show_stale_form(
                    form,
                    current=CampaignForm(
                        instance=Campaign.objects.get(pk=campaign.pk),
                        organizations=editable_organizations(request.user),
                    ),
                    version=stale.current,
                    message=_(
                        "This campaign was changed by someone else since you opened the form. Your "
                        "changes were not saved: review the current values below, then save again."
                    ),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect(campaign)
        return self.render_form(form, campaign)


class CampaignStatusView(OrgRequiredMixin, View):
    """Move a campaign to another status."""

    permission = "campaigns.change"

    def post(self, request, pk):
        campaign = get_scoped_or_404(Campaign.objects, request.user, action="change", pk=pk)
        form = CampaignStatusForm(request.POST)
        if form.is_valid():
            try:
                services.campaign_set_status(
                    by=request.user, campaign=campaign, status=form.cleaned_data["status"]
                )
            except ValidationError as error:
                report(request, error)
            else:
                messages.success(
                    request,
                    _("The campaign is now “%(status)s”.") % {"status": campaign.get_status_display()},
                )
        return redirect(campaign)


class BriefEditView(OrgRequiredMixin, View):
    """Write the campaign's brief: product, messages, rules, disclosure, deliverables, files."""

    permission = "campaigns.change"
    template_name = "campaigns/brief_form.html"

    def get_campaign(self):
        return get_scoped_or_404(Campaign.objects, self.request.user, action="change", pk=self.kwargs["pk"])

    def render_form(self, campaign, form, formset):
        return render(
            self.request,
            self.template_name,
            {
                "campaign": campaign,
                "form": form,
                "formset": formset,
                "attachments": campaign.brief.attachments.all(),
            },
        )

    def get(self, request, pk):
        campaign = self.get_campaign()
        document = campaign.brief.document
        form = BriefForm(document=document, version=services.brief_version(campaign.brief))
        formset = DeliverableFormSet(
            initial=[
                {"type": d["type"], "platform": d.get("platform") or "", "count": d["count"]}
                for d in document.get("deliverables", [])
            ],
            prefix="deliverables",
        )
        return self.render_form(campaign, form, formset)

    def post(self, request, pk):
        campaign = self.get_campaign()
        form = BriefForm(request.POST, request.FILES)
        formset = DeliverableFormSet(request.POST, prefix="deliverables")
        if form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    brief = services.brief_save(
                        by=request.user,
                        campaign=campaign,
                        document=form.document(deliverables_of(formset)),
                        expected_version=posted_version(form),
                    )
                    if upload := form.cleaned_data.get("attachment"):
                        services.brief_attach(by=request.user, brief=brief, file=upload)
            except StaleVersion as stale:
                brief = Brief.objects.get(campaign=campaign)
                show_stale_form(
                    form,
                    current=BriefForm(document=brief.document),
                    version=stale.current,
                    message=_(
                        "This brief was changed by someone else since you opened the form. Your "
                        "changes were not saved (attach the file again): review the current values "
                        "below, then save again."
                    ),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The brief was saved."))
                return redirect(campaign)
        return self.render_form(campaign, form, formset)


class BriefAttachmentView(OrgRequiredMixin, View):
    """Download a file attached to a brief."""

    permission = "campaigns.view"

    def get(self, request, pk):
        attachment = get_scoped_or_404(BriefAttachment.objects, request.user, pk=pk)
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
