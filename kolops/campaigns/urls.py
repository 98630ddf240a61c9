from django.urls import path

from .views import campaigns, proposals

app_name = "campaigns"
urlpatterns = [
    path("", campaigns.CampaignListView.as_view(), name="list"),
    path("new/", campaigns.CampaignCreateView.as_view(), name="create"),
    path("<int:pk>/", campaigns.CampaignDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", campaigns.CampaignUpdateView.as_view(), name="edit"),
    path("<int:pk>/status/", campaigns.CampaignStatusView.as_view(), name="status"),
    path("<int:pk>/brief/", campaigns.BriefEditView.as_view(), name="brief"),
    path("<int:pk>/plan/", proposals.CampaignPlanView.as_view(), name="plan"),
    path("attachments/<int:pk>/", campaigns.BriefAttachmentView.as_view(), name="attachment"),
    path("proposals/<int:pk>/", proposals.ProposalDetailView.as_view(), name="proposal"),
    path("proposals/<int:pk>/pick/", proposals.ProposalPickView.as_view(), name="proposal_pick"),
    path("proposals/<int:pk>/add/", proposals.ProposalAddView.as_view(), name="proposal_add"),
    path("proposals/<int:pk>/submit/", proposals.ProposalSubmitView.as_view(), name="proposal_submit"),
    path("proposals/<int:pk>/copy/", proposals.ProposalCopyView.as_view(), name="proposal_copy"),
    path(
        "proposals/<int:pk>/export.<str:fmt>", proposals.ProposalExportView.as_view(), name="proposal_export"
    ),
    path("items/<int:pk>/remove/", proposals.ItemRemoveView.as_view(), name="item_remove"),
    path("items/<int:pk>/alternatives/", proposals.ItemAlternativesView.as_view(), name="item_alternatives"),
    path("items/<int:pk>/swap/", proposals.ItemSwapView.as_view(), name="item_swap"),
    path("items/<int:pk>/decide/", proposals.ItemDecideView.as_view(), name="item_decide"),
]
