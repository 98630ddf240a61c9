"""Choices of the KOL database."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    """Platforms a channel lives on, Western and Chinese families."""

    TIKTOK = "tiktok", "TikTok"
    FACEBOOK = "facebook", "Facebook"
    YOUTUBE = "youtube", "YouTube"
    INSTAGRAM = "instagram", "Instagram"
    DOUYIN = "douyin", _("Douyin")
    XIAOHONGSHU = "xiaohongshu", _("Xiaohongshu")
    BILIBILI = "bilibili", _("Bilibili")
    WEIBO = "weibo", _("Weibo")
    WECHAT_CHANNELS = "wechat_channels", _("WeChat Channels")
    KUAISHOU = "kuaishou", _("Kuaishou")
    ZALO = "zalo", "Zalo"
    REVIEW_SITE = "review_site", _("Review site / blog")
    OTHER = "other", _("Other")


class KolType(models.TextChoices):
    """What kind of creator a KOL is."""

    KOL = "kol", _("KOL")
    KOC = "koc", _("KOC")
    CELEBRITY = "celebrity", _("Celebrity")
    EXPERT = "expert", _("Expert")
    VIRTUAL = "virtual", _("Virtual KOL")


class KolStatus(models.TextChoices):
    """Whether a KOL can be proposed. Blacklisting needs a reason."""

    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    BLACKLISTED = "blacklisted", _("Blacklisted")


class ErBasis(models.TextChoices):
    """The denominator of an engagement rate (DOMAIN §3): formulas differ by up to 3×."""

    FOLLOWERS = "followers", _("by followers")
    REACH = "reach", _("by reach")
    VIEWS = "views", _("by views")


class DeliverableType(models.TextChoices):
    """What a rate-card price buys."""

    POST = "post", _("Post")
    SHORT_VIDEO = "short_video", _("Short video")
    LONG_VIDEO = "long_video", _("Long video")
    STORY = "story", _("Story")
    LIVESTREAM_HOUR = "livestream_hour", _("Livestream (per hour)")
    EVENT = "event", _("Event appearance")
    USAGE_RIGHTS = "usage_rights", _("Usage-rights add-on")


class ContactChannel(models.TextChoices):
    """Ways to reach a KOL or their manager."""

    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    ZALO = "zalo", "Zalo"
    WECHAT = "wechat", "WeChat"
    LINE = "line", "Line"
    MESSENGER = "messenger", "Messenger"
    TELEGRAM = "telegram", "Telegram"
    WHATSAPP = "whatsapp", "WhatsApp"
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")


class RiskFlag(models.TextChoices):
    """Reputation and audience-quality risks recorded against a KOL."""

    FAKE_FOLLOWERS = "fake_followers", _("Suspected fake followers")
    CONTROVERSY = "controversy", _("Public controversy")
    LEGAL = "legal", _("Legal or regulatory issue")
    MISSED_DEADLINES = "missed_deadlines", _("Missed deadlines")
    OFF_BRIEF = "off_brief", _("Went off brief")
    COMPETITOR = "competitor", _("Works with competitors")


class SeedLabel(models.TextChoices):
    """Labels that synthetic demo data carries, so later features can be measured on them."""

    NONE = "", _("None")
    RISING_STAR = "rising_star", _("Rising star")
    SUSPICIOUS_SPIKE = "suspicious_spike", _("Suspicious follower spike")


class RegionLevel(models.TextChoices):
    COUNTRY = "country", _("Country")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")


# Audience age buckets stored on the channel row (share in percent), in display order.
AGE_BUCKETS: list[tuple[str, str]] = [
    ("13_17", "13–17"),
    ("18_24", "18–24"),
    ("25_34", "25–34"),
    ("35_44", "35–44"),
    ("45_54", "45–54"),
    ("55_plus", "55+"),
]
AGE_FIELDS = {bucket: f"aud_age_{bucket}" for bucket, _label in AGE_BUCKETS}


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
