"""How long brief attachments are kept (see kolops.core.uploads).

A brief's attachments (product sheets, mood boards, the proof behind a claim) are part of the
brief: the people running the campaign read them until its end, so they are kept while the
campaign is open, whatever their age. Once the campaign is closed they are removed
KOLOPS_UPLOAD_RETENTION_DAYS after the closing; the brief itself, with its history, stays.
"""

from django.db import transaction
from django.db.models import DateTimeField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from kolops.core.uploads import stored_file_delete

from .choices import CampaignStatus
from .models import BriefAttachment, Campaign


def closed_at_expression():
    """When each attachment's campaign was closed: the first history record saying so (the
    last change, for a campaign closed without a history record)."""
    history = Campaign.history.model.objects.filter(
        id=OuterRef("brief__campaign_id"), status=CampaignStatus.CLOSED
    ).order_by("history_date")
    return Coalesce(
        Subquery(history.values("history_date")[:1]),
        "brief__campaign__updated_at",
        output_field=DateTimeField(),
    )


def brief_attachments_purge(*, before) -> int:
    """Remove the attachments of campaigns closed before `before`: the file and its record.

    Attachments of open campaigns are kept. Idempotent; returns the attachments removed.
    """
    expired = (
        BriefAttachment.objects.filter(brief__campaign__status=CampaignStatus.CLOSED)
        .annotate(closed_at=closed_at_expression())
        .filter(closed_at__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    removed = 0
    for pk in list(expired):
        with transaction.atomic():
            attachment = BriefAttachment.objects.select_for_update().filter(pk=pk).first()
            if attachment is None:
                continue  # removed by another run meanwhile
            # The file goes first: if deleting the record fails, the next purge finds it again.
            stored_file_delete(attachment.file.storage, attachment.file.name)
            attachment.delete()
            removed += 1
    return removed
