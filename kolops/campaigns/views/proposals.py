"""Proposal pages: plan a campaign, the grouped comparison table, edits, approval, exports.

Views only wire forms to `campaigns.services` and `campaigns.selectors` (DESIGN §3).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from kolops.core.permissions import group_ids_for, has_permission
from kolops.core.views import OrgRequiredMixin, get_scoped_or_404
from kolops.kols import selectors as kol_selectors
from kolops.kols.choices import Platform, RiskFlag
from kolops.kols.query import MAX_SEARCH_TEXT, ChannelQuery

from .. import exports, planning_service, selectors, services
from ..choices import Decision, ProposalStatus
from ..forms import ChannelPickForm, DecisionForm
from ..messages import basis_text, note_label
from ..models import Campaign, Proposal, ProposalItem
from .common import proposal_or_404, report

PICK_RESULTS = 20


class CampaignPlanView(OrgRequiredMixin, View):
    """Plan the campaign with the optimizer and open the new proposal version."""

    permission = "campaigns.change"

    def post(self, request, pk):
        campaign = get_scoped_or_404(Campaign.objects, request.user, action="change", pk=pk)
        try:
            if request.POST.get("manual"):
                proposal = services.proposal_create_manual(by=request.user, campaign=campaign)
            else:
                proposal = services.proposal_generate(by=request.user, campaign=campaign)
        except ValidationError as error:
            report(request, error)
            return redirect(campaign)
        return redirect(proposal)


class ProposalDetailView(OrgRequiredMixin, TemplateView):
    """A proposal version grouped by tier, with the comparison table, totals and decisions."""

    permission = "campaigns.view"
    template_name = "campaigns/proposal.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        proposal = proposal_or_404(user, self.kwargs["pk"])
        group_id = proposal.campaign.group_id
        is_draft = proposal.status == ProposalStatus.DRAFT
        can_change = group_id in group_ids_for(user, "campaigns.change")
        may_approve = has_permission(user, "campaigns.approve", group_id)
        table = selectors.proposal_table(proposal)
        for group in table.groups:
            for item in group.items:
                item.note_labels = [note_label(n) for n in item.fit_notes]
                item.basis_text = basis_text(item.basis)
                item.risk_labels = [RiskFlag(f).label if f in RiskFlag.values else f for f in item.risk_flags]
        context.update(
            proposal=proposal,
            campaign=proposal.campaign,
            table=table,
            plan=proposal.plan,
            solver_status=proposal.get_solver_status_display(),
            solver_gap=(proposal.plan.get("solver") or {}).get("gap", 0) * 100,
            plan_value=round(proposal.plan.get("objective_value") or 0),
            greedy_value=round((proposal.plan.get("greedy") or {}).get("objective") or 0),
            can_edit=can_change and is_draft,
            can_change=can_change,
            can_decide=may_approve
            and proposal.status == ProposalStatus.SUBMITTED
            and proposal.submitted_by_id != user.pk,
            can_export=has_permission(user, "campaigns.export", group_id),
            own_submission=proposal.submitted_by_id == user.pk,
            decisions=Decision,
        )
        return context


def _changeable_proposal(request, pk) -> Proposal:
    """A proposal the user may change (the services say whether its status allows it)."""
    return get_scoped_or_404(
        Proposal.objects.select_related("campaign"), request.user, action="change", pk=pk
    )


def _item(request, pk, action="change") -> ProposalItem:
    return get_scoped_or_404(
        ProposalItem.objects.select_related("proposal__campaign"), request.user, action=action, pk=pk
    )


class ProposalPickView(OrgRequiredMixin, View):
    """Channels matching a name or handle, to add to a draft version by hand (htmx partial)."""

    permission = "campaigns.change"

    def get(self, request, pk):
        proposal = _changeable_proposal(request, pk)
        # As long as the list page's search may be (MAX_SEARCH_TEXT): every word is one more
        # text match to check, and this answers each key typed.
        text = request.GET.get("q", "")[:MAX_SEARCH_TEXT].strip()
        rows = []
        if text:
            # The campaign's own group only: its KOL pool is the one the plan draws from.
            rows = kol_selectors.channel_page(
                user=request.user,
                query=ChannelQuery(q=text),
                size=PICK_RESULTS,
                group_id=proposal.campaign.group_id,
            ).rows
        return render(
            request, "campaigns/_pick_results.html", {"proposal": proposal, "rows": rows, "q": text}
        )


class ProposalAddView(OrgRequiredMixin, View):
    """Add a channel to a draft version."""

    permission = "campaigns.change"

    def post(self, request, pk):
        proposal = _changeable_proposal(request, pk)
        form = ChannelPickForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a channel."))
        else:
            try:
                item = services.proposal_add(
                    by=request.user, proposal=proposal, channel_id=form.cleaned_data["channel"]
                )
            except ValidationError as error:
                report(request, error)
            else:
                messages.success(request, _("%(kol)s was added.") % {"kol": item.kol_name})
        return redirect(proposal)


class ItemRemoveView(OrgRequiredMixin, View):
    """Take an item out of a draft version."""

    permission = "campaigns.change"

    def post(self, request, pk):
        item = _item(request, pk)
        try:
            services.proposal_remove(by=request.user, item=item)
        except ValidationError as error:
            report(request, error)
        else:
            messages.success(request, _("%(kol)s was removed.") % {"kol": item.kol_name})
        return redirect(item.proposal)


class ItemAlternativesView(OrgRequiredMixin, View):
    """Suggested alternatives of the item's tier, to swap in (htmx partial)."""

    permission = "campaigns.change"

    def get(self, request, pk):
        item = _item(request, pk)
        currency = item.proposal.currency
        alternatives = [
            {
                "channel_id": s.candidate.channel_id,
                "kol_name": s.candidate.kol_name,
                "handle": s.candidate.handle,
                "platform": Platform(s.candidate.platform).label,
                "followers": s.candidate.followers,
                "fit": s.fit.total,
                "views": round(s.forecast.views),
                "cost": planning_service.money(s.forecast.cost, currency),
            }
            for s in services.swap_alternatives(by=request.user, item=item)
        ]
        return render(request, "campaigns/_alternatives.html", {"item": item, "alternatives": alternatives})


class ItemSwapView(OrgRequiredMixin, View):
    """Replace an item of a draft version with an alternative."""

    permission = "campaigns.change"

    def post(self, request, pk):
        item = _item(request, pk)
        form = ChannelPickForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a channel."))
        else:
            try:
                new = services.proposal_swap(
                    by=request.user, item=item, channel_id=form.cleaned_data["channel"]
                )
            except ValidationError as error:
                report(request, error)
            else:
                messages.success(
                    request,
                    _("%(old)s was swapped for %(new)s.") % {"old": item.kol_name, "new": new.kol_name},
                )
        return redirect(item.proposal)


class ProposalSubmitView(OrgRequiredMixin, View):
    """Submit a draft version for approval."""

    permission = "campaigns.change"

    def post(self, request, pk):
        proposal = _changeable_proposal(request, pk)
        try:
            services.proposal_submit(by=request.user, proposal=proposal)
        except ValidationError as error:
            report(request, error)
        else:
            messages.success(
                request, _("Version %(v)s was submitted for approval.") % {"v": proposal.version}
            )
        return redirect(proposal)


class ProposalCopyView(OrgRequiredMixin, View):
    """Start a new draft version from this one."""

    permission = "campaigns.change"

    def post(self, request, pk):
        proposal = _changeable_proposal(request, pk)
        try:
            copy = services.proposal_copy(by=request.user, proposal=proposal)
        except ValidationError as error:
            report(request, error)
            return redirect(proposal)
        return redirect(copy)


class ItemDecideView(OrgRequiredMixin, View):
    """A manager approves or rejects one item, with a comment."""

    permission = "campaigns.approve"

    def post(self, request, pk):
        item = _item(request, pk, action="approve")
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose approve or reject."))
            return redirect(item.proposal)
        try:
            services.item_decide(
                by=request.user,
                item=item,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except PermissionDenied:
            raise
        except ValidationError as error:
            report(request, error)
        else:
            messages.success(request, _("Decision on %(kol)s saved.") % {"kol": item.kol_name})
        return redirect(item.proposal)


class ProposalExportView(OrgRequiredMixin, View):
    """The proposal as XLSX (a sheet per tier and a summary) or PDF, in the user's language."""

    permission = "campaigns.export"
    TYPES = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
    }

    def get(self, request, pk, fmt):
        if fmt not in self.TYPES:
            raise Http404
        proposal = get_scoped_or_404(Proposal.objects, request.user, action="export", pk=pk)
        table = selectors.proposal_table(proposal_or_404(request.user, proposal.pk))
        language = get_language()
        content = (exports.proposal_xlsx if fmt == "xlsx" else exports.proposal_pdf)(table, language=language)
        response = HttpResponse(content, content_type=self.TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(table, fmt)}"'
        return response
