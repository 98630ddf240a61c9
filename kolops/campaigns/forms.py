"""Forms of campaigns: the campaign with its planning constraints, the brief, and decisions.

Forms only parse and check input; they hand plain data to `campaigns.services`.
"""

from datetime import date
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from kolops.core.concurrency import version_field
from kolops.core.forms import BootstrapFormMixin, BoundedModelMultipleChoiceField
from kolops.core.regions import region_choices
from kolops.core.tiers import Tier, tiers_in_scheme
from kolops.kols.choices import AGE_BUCKETS, DeliverableType, Platform
from kolops.kols.models import Category

from .choices import CampaignStatus, Decision, Gender, Market, ProductCategory, UsageRights
from .models import Campaign
from .services import CAMPAIGN_FIELDS, campaign_version

# Campaign fields the form edits with fields of its own (lists and the constraints document).
LIST_FIELDS = ("target_age_buckets", "target_regions", "platforms", "markets", "tiers", "constraints")
QUOTA_BOUNDS = ("min_count", "max_count", "min_share", "max_share")
QUOTA_LABELS = {
    "min_count": _("min. KOLs"),
    "max_count": _("max. KOLs"),
    # xgettext:no-python-format
    "min_share": _("min. % of budget"),
    # xgettext:no-python-format
    "max_share": _("max. % of budget"),
}


def _multi(label, choices, **kwargs):
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, **kwargs
    )


def _tier_choices():
    return [(t, Tier(t).label) for t in tiers_in_scheme()]


class CampaignForm(BootstrapFormMixin, forms.ModelForm):
    """A campaign: target, filters, timeline, money, KPI targets and tier quotas."""

    target_age_buckets = _multi(_("Target ages"), AGE_BUCKETS)
    target_regions = forms.MultipleChoiceField(
        label=_("Target regions"),
        choices=region_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    platforms = _multi(_("Platforms"), Platform.choices)
    markets = _multi(_("Markets"), Market.choices)
    tiers = _multi(_("Tiers"), _tier_choices)
    categories = BoundedModelMultipleChoiceField(
        label=_("Content categories"),
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    allow_multiple_channels_per_kol = forms.BooleanField(
        label=_("Allow several channels of one KOL"), required=False
    )
    exclusive_categories = forms.ModelMultipleChoiceField(
        label=_("Category exclusivity"),
        queryset=Category.objects.all(),
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("KOLs who work with competitors are left out; fees carry the exclusivity premium."),
    )
    # The version the form was opened on: a post over a newer one is shown again, not saved.
    version = version_field()
    must_include = forms.CharField(
        label=_("Must include (channel ids)"), required=False, help_text=_("Comma-separated channel ids.")
    )
    exclude = forms.CharField(label=_("Exclude (channel ids)"), required=False)

    class Meta:
        model = Campaign
        # The service's fields but the lists, which have fields of their own above.
        fields = ["organization", *(f for f in CAMPAIGN_FIELDS if f not in LIST_FIELDS)]
        widgets = {
            "start_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["target_gender"].choices = Gender.choices
        for tier in tiers_in_scheme():
            for bound in QUOTA_BOUNDS:
                field = (
                    forms.IntegerField(min_value=0, required=False)
                    if bound.endswith("count")
                    else forms.DecimalField(min_value=0, max_value=100, decimal_places=2, required=False)
                )
                field.label = f"{Tier(tier).label}: {QUOTA_LABELS[bound]}"
                field.widget.attrs.update(
                    {"class": "form-control form-control-sm", "aria-label": field.label}
                )
                self.fields[f"quota_{tier}_{bound}"] = field
        if self.instance.pk:
            self.fields["version"].initial = campaign_version(self.instance)
            self._initial_from_instance()

    def _initial_from_instance(self):
        campaign = self.instance
        constraints = campaign.constraints or {}
        self.initial.update(
            target_age_buckets=campaign.target_age_buckets,
            target_regions=campaign.target_regions,
            platforms=campaign.platforms,
            markets=campaign.markets,
            tiers=campaign.tiers,
            categories=list(campaign.categories.all()),
            allow_multiple_channels_per_kol=constraints.get("allow_multiple_channels_per_kol", False),
            exclusive_categories=constraints.get("exclusive_categories", []),
            must_include=", ".join(str(i) for i in constraints.get("must_include", [])),
            exclude=", ".join(str(i) for i in constraints.get("exclude", [])),
        )
        for tier, quota in constraints.get("tiers", {}).items():
            for bound, value in quota.items():
                self.initial[f"quota_{tier}_{bound}"] = value
        for name in ("budget", "max_fee_per_kol", "max_cpm", "max_cpe"):
            value = getattr(campaign, name)
            if value is not None and value == value.to_integral_value():
                self.initial[name] = value.quantize(Decimal(1))  # 150000000, not 150000000.00

    def quota_rows(self):
        """(tier label, [bound fields]) for the template's quota grid."""
        return [
            (Tier(tier).label, [self[f"quota_{tier}_{bound}"] for bound in QUOTA_BOUNDS])
            for tier in tiers_in_scheme()
        ]

    def _ids(self, name: str) -> list[int]:
        text = self.cleaned_data.get(name) or ""
        ids = []
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise ValidationError({name: _("“%(value)s” is not a channel id.") % {"value": part}})
            ids.append(int(part))
        return ids

    def clean(self):
        cleaned = super().clean()
        tiers = {}
        for tier in tiers_in_scheme():
            quota = {}
            for bound in QUOTA_BOUNDS:
                value = cleaned.get(f"quota_{tier}_{bound}")
                if value is not None:
                    quota[bound] = int(value) if bound.endswith("count") else str(value)
            for low, high in (("min_count", "max_count"), ("min_share", "max_share")):
                if low in quota and high in quota and Decimal(quota[low]) > Decimal(quota[high]):
                    self.add_error(f"quota_{tier}_{low}", _("The minimum is larger than the maximum."))
            if quota:
                tiers[tier] = quota
        try:
            must, exclude = self._ids("must_include"), self._ids("exclude")
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field, messages)
            return cleaned
        if set(must) & set(exclude):
            self.add_error("exclude", _("A channel cannot be both included and excluded."))
        previous = (self.instance.constraints or {}) if self.instance.pk else {}
        self.constraints = {
            # Platform and category quotas are set through the API or a campaign file.
            **{k: v for k, v in previous.items() if k in ("platforms", "categories")},
            "tiers": tiers,
            "allow_multiple_channels_per_kol": bool(cleaned.get("allow_multiple_channels_per_kol")),
            "must_include": must,
            "exclude": exclude,
            "exclusive_categories": [c.slug for c in cleaned.get("exclusive_categories") or []],
        }
        return cleaned

    def service_data(self) -> dict:
        """The fields `campaign_create` / `campaign_update` take."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "organization"}
        for name in LIST_FIELDS[:-1]:
            data[name] = list(self.cleaned_data.get(name) or [])
        data["constraints"] = self.constraints
        return data


def _lines(label, help_text=None, rows=3):
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text or _("One per line."),
    )


def _split_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _split_words(text: str) -> list[str]:
    return [w.strip() for w in (text or "").replace("\n", ",").split(",") if w.strip()]


class BriefForm(BootstrapFormMixin, forms.Form):
    """The brief of a campaign. `document()` builds the JSON `BriefDocument` validates."""

    product_name = forms.CharField(label=_("Product"), required=False, max_length=300)
    product_description = forms.CharField(
        label=_("Product description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    product_url = forms.URLField(label=_("Product link"), required=False, assume_scheme="https")
    product_category = forms.ChoiceField(
        label=_("Product category (for legal checks)"), choices=ProductCategory.choices
    )
    key_messages = _lines(_("Key messages"))
    dos = _lines(_("Do's"))
    donts = _lines(_("Don'ts"))
    forbidden_words = forms.CharField(
        label=_("Forbidden words"), required=False, help_text=_("Comma-separated.")
    )
    required_hashtags = forms.CharField(
        label=_("Required hashtags"), required=False, help_text=_("Comma-separated.")
    )
    required_mentions = forms.CharField(
        label=_("Required mentions / brand tags"), required=False, help_text=_("Comma-separated.")
    )
    cta_required = forms.BooleanField(label=_("A call to action is required"), required=False)
    cta_text = forms.CharField(label=_("Call to action"), required=False, max_length=300)
    cta_link = forms.URLField(label=_("Call-to-action link"), required=False, assume_scheme="https")
    cta_keywords = forms.CharField(
        label=_("Call-to-action keywords"), required=False, help_text=_("Comma-separated.")
    )
    location_required = forms.BooleanField(label=_("A location tag is required"), required=False)
    location_name = forms.CharField(label=_("Location"), required=False, max_length=300)
    proofs = _lines(
        _("Proof documents for claims"),
        help_text=_("One per line: claim | document | valid until (YYYY-MM-DD, optional)."),
    )
    draft_due_on = forms.DateField(
        label=_("Draft due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    posting_start = forms.DateField(
        label=_("Posting window from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    posting_end = forms.DateField(
        label=_("Posting window to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    usage_kind = forms.ChoiceField(label=_("Usage rights wanted"), choices=UsageRights.choices)
    usage_months = forms.IntegerField(label=_("for months"), required=False, min_value=1, max_value=120)
    usage_territories = forms.CharField(
        label=_("in territories"), required=False, help_text=_("Comma-separated.")
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachment = forms.FileField(label=_("Attach a file"), required=False)
    # The version of the brief the form was opened on: a post over a newer one is shown again.
    version = version_field()

    def __init__(self, *args, document: dict | None = None, version: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version
        for market in Market:
            prefix = f"disclosure_{market.value}"
            self.fields[f"{prefix}_required"] = forms.BooleanField(
                label=_("%(market)s: disclosure required") % {"market": market.label}, required=False
            )
            self.fields[f"{prefix}_tokens"] = forms.CharField(
                label=_("%(market)s: accepted words") % {"market": market.label},
                required=False,
                help_text=_("Comma-separated, e.g. #ad, Quảng cáo, 广告."),
            )
            self.fields[f"{prefix}_chars"] = forms.IntegerField(
                label=_("%(market)s: within the first characters") % {"market": market.label},
                required=False,
                min_value=1,
                max_value=5000,
            )
        if document and not self.is_bound:
            self.initial.update(self._initial_from(document))

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        limit = settings.KOLOPS_BRIEF_ATTACHMENT_MAX_BYTES
        if upload and upload.size > limit:
            raise ValidationError(
                _("The file is %(size)s; at most %(limit)s can be attached.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload

    def disclosure_rows(self):
        return [
            (
                market.label,
                [self[f"disclosure_{market.value}_{part}"] for part in ("required", "tokens", "chars")],
            )
            for market in Market
        ]

    @staticmethod
    def _initial_from(doc: dict) -> dict:
        initial = {
            "product_name": doc["product"]["name"],
            "product_description": doc["product"]["description"],
            "product_url": doc["product"]["url"],
            "product_category": doc["product_category"],
            "key_messages": "\n".join(doc["key_messages"]),
            "dos": "\n".join(doc["dos"]),
            "donts": "\n".join(doc["donts"]),
            "forbidden_words": ", ".join(doc["forbidden_words"]),
            "required_hashtags": ", ".join(doc["required_hashtags"]),
            "required_mentions": ", ".join(doc["required_mentions"]),
            "cta_required": doc["cta"]["required"],
            "cta_text": doc["cta"]["text"],
            "cta_link": doc["cta"]["link"],
            "cta_keywords": ", ".join(doc["cta"]["keywords"]),
            "location_required": doc["location_tag"]["required"],
            "location_name": doc["location_tag"]["name"],
            "proofs": "\n".join(
                " | ".join(filter(None, [p["claim"], p["document"], p.get("valid_until") or ""]))
                for p in doc["proofs"]
            ),
            "draft_due_on": doc["draft_due_on"],
            "posting_start": (doc["posting_window"] or {}).get("start"),
            "posting_end": (doc["posting_window"] or {}).get("end"),
            "usage_kind": doc["usage_rights"]["kind"],
            "usage_months": doc["usage_rights"]["months"],
            "usage_territories": ", ".join(doc["usage_rights"]["territories"]),
            "notes": doc["notes"],
        }
        for rule in doc["disclosure"]:
            prefix = f"disclosure_{rule['market']}"
            initial[f"{prefix}_required"] = rule["required"]
            initial[f"{prefix}_tokens"] = ", ".join(rule["tokens"])
            initial[f"{prefix}_chars"] = rule["within_first_chars"]
        return initial

    def _proofs(self) -> list[dict]:
        proofs = []
        for number, line in enumerate(_split_lines(self.cleaned_data.get("proofs")), start=1):
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 2 or not parts[0] or not parts[1] or len(parts) > 3:
                raise ValidationError(
                    {"proofs": _("Line %(n)s: write “claim | document | valid until”.") % {"n": number}}
                )
            valid_until = None
            if len(parts) == 3 and parts[2]:
                try:
                    valid_until = date.fromisoformat(parts[2]).isoformat()
                except ValueError:
                    raise ValidationError(
                        {
                            "proofs": _("Line %(n)s: “%(value)s” is not a date (YYYY-MM-DD).")
                            % {"n": number, "value": parts[2]}
                        }
                    ) from None
            proofs.append({"claim": parts[0], "document": parts[1], "valid_until": valid_until})
        return proofs

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("posting_start"), cleaned.get("posting_end")
        if bool(start) != bool(end):
            self.add_error("posting_end", _("Give both ends of the posting window."))
        elif start and end and end < start:
            self.add_error("posting_end", _("The posting window ends before it starts."))
        due = cleaned.get("draft_due_on")
        if due and start and due > start:
            self.add_error("draft_due_on", _("The draft is due after the posting window opens."))
        if cleaned.get("cta_required") and not (cleaned.get("cta_text") or cleaned.get("cta_link")):
            self.add_error("cta_text", _("A required call to action needs its text or its link."))
        if cleaned.get("location_required") and not cleaned.get("location_name"):
            self.add_error("location_name", _("Name the place of the required location tag."))
        try:
            self.proof_list = self._proofs()
        except ValidationError as error:
            self.add_error("proofs", error.message_dict["proofs"])
        return cleaned

    def document(self, deliverables: list[dict]) -> dict:
        """The brief as JSON, ready for `brief_save`."""
        c = self.cleaned_data
        window = None
        if c.get("posting_start") and c.get("posting_end"):
            window = {"start": c["posting_start"].isoformat(), "end": c["posting_end"].isoformat()}
        disclosure = []
        for market in Market:
            prefix = f"disclosure_{market.value}"
            tokens = _split_words(c.get(f"{prefix}_tokens"))
            if c.get(f"{prefix}_required") or tokens:
                disclosure.append(
                    {
                        "market": market.value,
                        "required": bool(c.get(f"{prefix}_required")),
                        "tokens": tokens,
                        "within_first_chars": c.get(f"{prefix}_chars"),
                    }
                )
        return {
            "product": {
                "name": c.get("product_name", ""),
                "description": c.get("product_description", ""),
                "url": c.get("product_url", ""),
            },
            "product_category": c["product_category"],
            "key_messages": _split_lines(c.get("key_messages")),
            "dos": _split_lines(c.get("dos")),
            "donts": _split_lines(c.get("donts")),
            "forbidden_words": _split_words(c.get("forbidden_words")),
            "required_hashtags": _split_words(c.get("required_hashtags")),
            "required_mentions": _split_words(c.get("required_mentions")),
            "cta": {
                "required": bool(c.get("cta_required")),
                "text": c.get("cta_text", ""),
                "link": c.get("cta_link", ""),
                "keywords": _split_words(c.get("cta_keywords")),
            },
            "location_tag": {
                "required": bool(c.get("location_required")),
                "name": c.get("location_name", ""),
            },
            "disclosure": disclosure,
            "proofs": self.proof_list,
            "deliverables": deliverables,
            "draft_due_on": c["draft_due_on"].isoformat() if c.get("draft_due_on") else None,
            "posting_window": window,
            "usage_rights": {
                "kind": c["usage_kind"],
                "months": c.get("usage_months"),
                "territories": _split_words(c.get("usage_territories")),
            },
            "notes": c.get("notes", ""),
        }


class DeliverableForm(BootstrapFormMixin, forms.Form):
    """One line of the brief's wanted deliverables."""

    type = forms.ChoiceField(
        label=_("Deliverable"), choices=[("", "—"), *DeliverableType.choices], required=False
    )
    platform = forms.ChoiceField(
        label=_("Platform"), choices=[("", _("any platform")), *Platform.choices], required=False
    )
    count = forms.IntegerField(label=_("Count"), min_value=1, max_value=100, required=False, initial=1)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("type") and not cleaned.get("count"):
            self.add_error("count", _("How many?"))
        return cleaned


DeliverableFormSet = forms.formset_factory(DeliverableForm, extra=2, max_num=20)


def deliverables_of(formset) -> list[dict]:
    """The filled lines of a deliverables formset, as brief JSON."""
    return [
        {
            "type": f.cleaned_data["type"],
            "platform": f.cleaned_data.get("platform") or None,
            "count": f.cleaned_data["count"],
        }
        for f in formset.forms
        if f.cleaned_data.get("type")
    ]


class DecisionForm(forms.Form):
    """A manager's decision on one item."""

    decision = forms.ChoiceField(
        choices=[(Decision.APPROVED, _("Approve")), (Decision.REJECTED, _("Reject"))]
    )
    comment = forms.CharField(required=False, max_length=2000)


class ChannelPickForm(forms.Form):
    """A channel chosen to add or swap in."""

    channel = forms.IntegerField(min_value=1)


class CampaignStatusForm(forms.Form):
    status = forms.ChoiceField(choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = CampaignStatus.choices
