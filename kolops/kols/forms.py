"""Forms of the KOL database: the search filters and the create / edit forms."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kolops.core.concurrency import version_field
from kolops.core.forms import BootstrapFormMixin, BoundedModelMultipleChoiceField
from kolops.core.money import Currency
from kolops.core.numbers import MAX_BIGINT
from kolops.core.regions import region_choices
from kolops.core.tiers import Tier, tiers_in_scheme

from .choices import (
    AGE_BUCKETS,
    DeliverableType,
    KolStatus,
    KolType,
    Platform,
    RiskFlag,
)
from .models import Category, Channel, ContactLog, Kol, RateCard
from .query import SORTS, ChannelQuery
from .services import channel_version, kol_version

SORT_LABELS = {
    "-followers": _("Most followers"),
    "followers": _("Fewest followers"),
    "-engagement_rate": _("Highest engagement"),
    "engagement_rate": _("Lowest engagement"),
    "-avg_views": _("Most views"),
    "avg_views": _("Fewest views"),
    "kol_name": _("Name A–Z"),
    "-kol_name": _("Name Z–A"),
    "-updated_at": _("Recently updated"),
}


def _region_field(label, required=False):
    return forms.ChoiceField(
        label=label,
        required=required,
        choices=lambda: [("", "—"), *region_choices()],
    )


class ChannelSearchForm(BootstrapFormMixin, forms.Form):
    """The list's filters (GET). `to_query()` turns them into the shared ChannelQuery."""

    q = forms.CharField(label=_("Name, handle or notes"), required=False, max_length=200)
    platform = forms.MultipleChoiceField(label=_("Platform"), choices=Platform.choices, required=False)
    category = forms.MultipleChoiceField(label=_("Category"), required=False, choices=())
    tier = forms.MultipleChoiceField(label=_("Tier"), required=False, choices=())
    region = forms.MultipleChoiceField(label=_("Home region"), required=False, choices=region_choices)
    kol_type = forms.MultipleChoiceField(label=_("Type"), choices=KolType.choices, required=False)
    status = forms.MultipleChoiceField(label=_("Status"), choices=KolStatus.choices, required=False)
    tag = forms.CharField(label=_("Tags"), required=False, help_text=_("Comma-separated; any of them."))
    # Every number is bounded by the column it is compared with: PostgreSQL refuses the rest.
    min_followers = forms.IntegerField(
        label=_("Followers from"), required=False, min_value=0, max_value=MAX_BIGINT
    )
    max_followers = forms.IntegerField(
        label=_("Followers to"), required=False, min_value=0, max_value=MAX_BIGINT
    )
    min_er = forms.DecimalField(
        label=_("ER from (%)"), required=False, min_value=0, max_value=1000, decimal_places=2
    )
    max_er = forms.DecimalField(
        label=_("ER to (%)"), required=False, min_value=0, max_value=1000, decimal_places=2
    )
    price_deliverable = forms.ChoiceField(
        label=_("Price for"),
        required=False,
        choices=[("", _("any deliverable")), *DeliverableType.choices],
    )
    price_currency = forms.ChoiceField(
        label=_("Currency"), choices=Currency.choices, initial="VND", required=False
    )
    min_price = forms.DecimalField(
        label=_("Price from"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    max_price = forms.DecimalField(
        label=_("Price to"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    age = forms.MultipleChoiceField(label=_("Audience age"), choices=AGE_BUCKETS, required=False)
    min_age_share = forms.DecimalField(
        label=_("in those ages ≥ %"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    min_female = forms.DecimalField(
        label=_("Female ≥ %"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    min_male = forms.DecimalField(
        label=_("Male ≥ %"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    audience_region = _region_field(_("Audience in"))
    min_region_share = forms.DecimalField(
        label=_("there ≥ %"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    archived = forms.BooleanField(label=_("Include archived"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[(k, SORT_LABELS[k]) for k in SORTS])

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.MultipleChoiceField):
                field.widget.attrs["size"] = 4
        categories = Category.objects.all() if categories is None else categories
        self.fields["category"].choices = [(c.slug, c.name()) for c in categories]
        self.fields["tier"].choices = [(t, Tier(t).label) for t in tiers_in_scheme()]

    def clean(self):
        data = super().clean()
        pairs = [("min_followers", "max_followers"), ("min_er", "max_er"), ("min_price", "max_price")]
        for low, high in pairs:
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, _("The upper bound is below the lower bound."))
        if data.get("min_age_share") is not None and not data.get("age"):
            self.add_error("age", _("Choose the age buckets the share applies to."))
        if data.get("min_region_share") is not None and not data.get("audience_region"):
            self.add_error("audience_region", _("Choose the region the share applies to."))
        return data

    def to_query(self) -> ChannelQuery:
        """The filters as a ChannelQuery (call after is_valid())."""
        d = self.cleaned_data
        return ChannelQuery(
            q=d.get("q") or "",
            platforms=d.get("platform") or [],
            categories=d.get("category") or [],
            tiers=d.get("tier") or [],
            regions=d.get("region") or [],
            kol_types=d.get("kol_type") or [],
            statuses=d.get("status") or [],
            tags=[t.strip() for t in (d.get("tag") or "").split(",") if t.strip()],
            min_followers=d.get("min_followers"),
            max_followers=d.get("max_followers"),
            min_er=d.get("min_er"),
            max_er=d.get("max_er"),
            price_deliverable=d.get("price_deliverable") or "",
            price_currency=d.get("price_currency") or "VND",
            min_price=d.get("min_price"),
            max_price=d.get("max_price"),
            age_buckets=d.get("age") or [],
            min_age_share=d.get("min_age_share"),
            min_female=d.get("min_female"),
            min_male=d.get("min_male"),
            audience_region=d.get("audience_region") or "",
            min_region_share=d.get("min_region_share"),
            include_archived=bool(d.get("archived")),
            sort=d.get("sort") or "-followers",
        )


class KolForm(BootstrapFormMixin, forms.ModelForm):
    """Create or edit a KOL's own attributes (channels are edited separately)."""

    categories = BoundedModelMultipleChoiceField(
        label=_("Content categories"),
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    home_region = _region_field(_("Home region"))
    languages_text = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("Comma-separated codes, e.g. vi, en, zh."),
    )
    tags_text = forms.CharField(label=_("Tags"), required=False, help_text=_("Comma-separated."))
    risk_flags = forms.MultipleChoiceField(
        label=_("Risk flags"),
        choices=RiskFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    contact_zalo = forms.CharField(label="Zalo", required=False, max_length=100)
    contact_wechat = forms.CharField(label="WeChat", required=False, max_length=100)
    contact_line = forms.CharField(label="Line", required=False, max_length=100)
    # The version the form was opened on: a post over a newer one is shown again, not saved.
    version = version_field()

    CONTACT_KINDS = ("phone", "email", "zalo", "wechat", "line")

    class Meta:
        model = Kol
        fields = [
            "display_name",
            "real_name",
            "kol_type",
            "status",
            "blacklist_reason",
            "agency",
            "manager_name",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "blacklist_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        if groups is not None:
            # Creating: the user picks one of the groups they may add KOLs to.
            self.fields["group"] = forms.ModelChoiceField(
                label=_("Group"),
                queryset=groups,
                initial=groups.first(),
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        kol = self.instance
        if kol.pk:
            self.fields["version"].initial = kol_version(kol)
            self.fields["categories"].initial = list(kol.categories.all())
            self.fields["home_region"].initial = kol.home_region
            self.fields["languages_text"].initial = ", ".join(kol.languages or [])
            self.fields["tags_text"].initial = ", ".join(t.name for t in kol.tags.all())
            self.fields["risk_flags"].initial = kol.risk_flags
            for kind in self.CONTACT_KINDS:
                self.fields[f"contact_{kind}"].initial = (kol.contacts or {}).get(kind, "")

    def clean_languages_text(self):
        codes = [c.strip().lower() for c in self.cleaned_data["languages_text"].split(",") if c.strip()]
        for code in codes:
            if not code.replace("-", "").isalpha() or len(code) > 10:
                raise ValidationError(_("“%(code)s” is not a language code."), params={"code": code})
        return codes

    def clean(self):
        data = super().clean()
        if data.get("status") == KolStatus.BLACKLISTED and not (data.get("blacklist_reason") or "").strip():
            self.add_error("blacklist_reason", _("Give the reason for blacklisting."))
        return data

    def service_data(self) -> dict:
        """The cleaned values in the shape `kol_create` / `kol_update` take."""
        d = self.cleaned_data
        data = {f: d[f] for f in self.Meta.fields}
        data["home_region"] = d.get("home_region") or ""
        data["languages"] = d.get("languages_text") or []
        data["risk_flags"] = d.get("risk_flags") or []
        data["contacts"] = {k: d[f"contact_{k}"] for k in self.CONTACT_KINDS if d.get(f"contact_{k}")}
        return data

    def tag_names(self) -> list[str]:
        return [t.strip() for t in (self.cleaned_data.get("tags_text") or "").split(",") if t.strip()]


class ChannelForm(BootstrapFormMixin, forms.ModelForm):
    """A platform account with its stats and audience shares."""

    # The version the form was opened on: a post over a newer one is shown again, not saved.
    version = version_field()

    class Meta:
        model = Channel
        fields = [
            "platform",
            "handle",
            "url",
            "followers",
            "avg_views",
            "engagement_rate",
            "er_basis",
            "verified",
            "aud_age_13_17",
            "aud_age_18_24",
            "aud_age_25_34",
            "aud_age_35_44",
            "aud_age_45_54",
            "aud_age_55_plus",
            "aud_female",
            "aud_male",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = channel_version(self.instance)

    def service_data(self) -> dict:
        """The cleaned values `channel_create` / `channel_update` take."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def clean(self):
        data = super().clean()
        ages = [data.get(f"aud_age_{b}") for b, _label in AGE_BUCKETS]
        if sum(a for a in ages if a is not None) > Decimal(100):
            self.add_error("aud_age_18_24", _("Age shares add up to more than 100 %."))
        genders = [data.get("aud_female"), data.get("aud_male")]
        if sum(g for g in genders if g is not None) > Decimal(100):
            self.add_error("aud_female", _("Female and male shares add up to more than 100 %."))
        return data

    def _post_clean(self):
        # The service validates the instance (with the KOL attached); skip ModelForm's own
        # instance validation, which cannot see the group.
        pass


class RateForm(BootstrapFormMixin, forms.ModelForm):
    """One price on a channel's rate card."""

    class Meta:
        model = RateCard
        fields = ["deliverable_type", "price", "currency", "valid_from", "valid_until", "note"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        data = super().clean()
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            self.add_error("valid_until", _("The end of validity is before its start."))
        return data


class ContactLogForm(BootstrapFormMixin, forms.ModelForm):
    """Record a contact with a KOL."""

    class Meta:
        model = ContactLog
        fields = ["via", "summary", "next_contact_on"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "next_contact_on": forms.DateInput(attrs={"type": "date"}),
        }


class SavedSearchForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)
