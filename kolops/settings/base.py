"""Settings shared by every environment. Values come from `KOLOPS_*` environment variables."""

import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("KOLOPS_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable (1, true, yes, on are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("KOLOPS_SECRET_KEY", "")
DEBUG = env_bool("KOLOPS_DEBUG", False)
ALLOWED_HOSTS = env_list("KOLOPS_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("KOLOPS_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "django_tables2",
    "simple_history",
    "django_tasks_db",
    "ninja",
    "kolops.core",
    "kolops.accounts",
    "kolops.kols",
    "kolops.campaigns",
    "kolops.api",
    # Accounts: sign-in, password reset, second factor, company identity provider (see below).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kolops.core.middleware.SecurityHeadersMiddleware",  # before WhiteNoise: see its module
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kolops.core.input_guard.InputGuardMiddleware",  # NUL and 64-bit overflow: 400 / 422
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kolops.accounts.middleware.UserTimezoneMiddleware",
    "kolops.accounts.middleware.SecondFactorRequiredMiddleware",
]

ROOT_URLCONF = "kolops.urls"
WSGI_APPLICATION = "kolops.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_url(url: str) -> dict:
    """Build a Django DATABASES entry from a URL, with the SQLite options we rely on.

    SQLite runs in WAL mode with IMMEDIATE transactions: with the default (DEFERRED) mode,
    two concurrent read-then-write transactions fail with "database is locked".
    """
    config = dj_database_url.parse(url, conn_max_age=0 if url.startswith("sqlite") else 60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA cache_size=-64000;"
                "PRAGMA mmap_size=268435456;"
                "PRAGMA temp_store=MEMORY;"
            ),
        }
    return config


DATABASE_URL = os.environ.get("KOLOPS_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kolops.sqlite3'}"
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("KOLOPS_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "kols:list"
LOGOUT_REDIRECT_URL = "account_login"

# ---- Accounts (django-allauth; docs/sign-in.md) ----
# Accounts are made by administrators: nobody signs up. People sign in with their user name or
# e-mail address, reset a forgotten password through a one-time link sent by e-mail, and confirm
# who they are again before sensitive changes (password, second factor, API tokens).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "kolops.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # this session stays; every other one ends
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_REAUTHENTICATION_TIMEOUT = int(os.environ.get("KOLOPS_REAUTHENTICATION_SECONDS", 300))
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[KOLOps] "
ACCOUNT_EMAIL_NOTIFICATIONS = True  # the owner hears of a changed password or second factor
# Failed sign-ins per client address and per account (the user name or e-mail typed): past
# either limit even the right password is refused until the window has passed.
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("KOLOPS_LOGIN_FAILED_LIMIT", "10/m/ip,5/15m/key"),
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
}
# Client addresses behind a reverse proxy: how many proxies append to X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("KOLOPS_TRUSTED_PROXY_COUNT", 0))
# Second factor: an authenticator app (TOTP) with recovery codes. Required for superusers and
# for anyone who is an administrator of a group (SecondFactorRequiredMiddleware), optional
# for the others.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "KOLOps"
MFA_TOTP_TOLERANCE = 1  # a code of the period before or after is accepted (a phone's clock drifts)
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_ALLOW_UNVERIFIED_EMAIL = True  # addresses are typed by administrators, not by strangers signing up
ACCOUNT_REAUTHENTICATION_REQUIRED = True  # e-mail and password changes too
KOLOPS_MFA_REQUIRED_FOR_ADMINS = env_bool("KOLOPS_MFA_REQUIRED_FOR_ADMINS", True)
# Sign-in with the company's identity provider (OpenID Connect), off unless configured.
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # an identity provider signs in the account of its e-mail
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS: dict = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
if os.environ.get("KOLOPS_OIDC_CLIENT_ID"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": os.environ.get("KOLOPS_OIDC_PROVIDER_ID", "company"),
            "name": os.environ.get("KOLOPS_OIDC_NAME", "Company account"),
            "client_id": os.environ["KOLOPS_OIDC_CLIENT_ID"],
            "secret": os.environ.get("KOLOPS_OIDC_CLIENT_SECRET", ""),
            "settings": {
                "server_url": os.environ.get("KOLOPS_OIDC_SERVER_URL", ""),
                "token_auth_method": os.environ.get("KOLOPS_OIDC_TOKEN_AUTH_METHOD", "client_secret_post"),
                "scope": env_list("KOLOPS_OIDC_SCOPES", "openid,profile,email"),
                # E-mail domains whose addresses the provider vouches for (it may not send
                # `email_verified`): only a verified address signs in an existing account.
                "verified_email": env_list("KOLOPS_OIDC_VERIFIED_EMAIL_DOMAINS") or False,
            },
        }
    )
# E-mail (password reset links, security notices): printed to the console unless SMTP is set.
DEFAULT_FROM_EMAIL = os.environ.get("KOLOPS_EMAIL_FROM", "KOLOps <kolops@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[KOLOps] "


def smtp_mailer() -> dict:
    """The SMTP server of `KOLOPS_EMAIL_*` (without a host: the local mail server, port 25)."""
    host = os.environ.get("KOLOPS_EMAIL_HOST", "")
    port = int(os.environ.get("KOLOPS_EMAIL_PORT", 587 if host else 25))
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": host or "localhost",
            "port": port,
            "username": os.environ.get("KOLOPS_EMAIL_USER", ""),
            "password": os.environ.get("KOLOPS_EMAIL_PASSWORD", ""),
            "use_tls": env_bool("KOLOPS_EMAIL_USE_TLS", port == 587),
            "use_ssl": env_bool("KOLOPS_EMAIL_USE_SSL", port == 465),
            "timeout": 20,
        },
    }


# Development and demo print e-mails on the console unless an SMTP host is given; production
# always sends them (settings/production.py).
MAILERS = {
    "default": (
        smtp_mailer()
        if os.environ.get("KOLOPS_EMAIL_HOST")
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}

# The cache holds the sign-in rate limits: with several server processes they must share one
# (KOLOPS_CACHE_URL=redis://127.0.0.1:6379/0); the default is per process.
CACHE_URL = os.environ.get("KOLOPS_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Internationalisation: Vietnamese, Simplified Chinese and English.
LANGUAGE_CODE = os.environ.get("KOLOPS_LANGUAGE", "vi")
LANGUAGES = [
    ("vi", _("Vietnamese")),
    ("zh-hans", _("Simplified Chinese")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("KOLOPS_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploads: the import file limit is checked by the importer; Django's own limit must allow it.
KOLOPS_IMPORT_MAX_BYTES = int(os.environ.get("KOLOPS_IMPORT_MAX_BYTES", 64 * 1024 * 1024))
KOLOPS_IMPORT_XLSX_MAX_ENTRIES = 1000
KOLOPS_IMPORT_XLSX_MAX_UNPACKED_BYTES = 512 * 1024 * 1024
KOLOPS_IMPORT_MAX_ERRORS = 1000  # a report lists at most this many row errors
KOLOPS_IMPORT_BACKGROUND_ROWS = 2000  # files with more rows run as a background task
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded files are readable by the service user only, and removed after this many days (import
# files; rejected ones at once) or after the campaign has been closed this long (brief
# attachments) by the daily `purge_expired_uploads` task. See docs/operations.md.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
KOLOPS_UPLOAD_RETENTION_DAYS = int(os.environ.get("KOLOPS_UPLOAD_RETENTION_DAYS", 30))

# Content Security Policy: every asset is served from this host.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features pages may use: {feature: allowed origins}; [] denies it, "self" is this site.
KOLOPS_PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "bluetooth": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# ---- Domain thresholds (every threshold is a setting; see docs/operations.md) ----

# Tier schemes by followers: lower bounds, ascending. DOMAIN §1.
KOLOPS_TIER_SCHEMES = {
    "A": [("nano", 1_000), ("micro", 10_000), ("mid", 50_000), ("macro", 500_000), ("mega", 1_000_000)],
    "B": [("nano", 0), ("micro", 10_000), ("mid", 100_000), ("macro", 500_000), ("mega", 1_000_000)],
    "C": [("nano", 1_000), ("micro", 10_000), ("macro", 100_000), ("mega", 1_000_000)],
}
KOLOPS_TIER_SCHEME = os.environ.get("KOLOPS_TIER_SCHEME", "A")
# Per-platform overrides of the active scheme, e.g. {"xiaohongshu": [("nano", 0), ...]}.
KOLOPS_TIER_PLATFORM_OVERRIDES: dict[str, list[tuple[str, int]]] = {}

# Exchange rates to USD, used to compare prices across currencies.
KOLOPS_FX_TO_USD = {
    "USD": Decimal("1"),
    "VND": Decimal("0.0000380"),
    "CNY": Decimal("0.138"),
}

# Search: page size of lists and the row count above which counts are estimated.
KOLOPS_PAGE_SIZE = 50
# Lists count matches up to this cap and show "more than N" beyond it (ten pages of 50). Over a
# million channels a cap of 10,000 cost 144-199 ms at p95, 1,000 cost up to 85 ms for one count
# alone (an audience, region and price search whose matches are sparse: 22,000 channels checked
# to find 1,001), 500 costs at most about 40 ms (make bench).
KOLOPS_EXACT_COUNT_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KOLOPS_LOG_LEVEL", "INFO")},
}

# ---- Campaign planning (campaigns.planning reads these; DOMAIN §2) ----

# Weights of the fit parts per campaign objective (normalised by their sum).
KOLOPS_MATCH_WEIGHTS = {
    "awareness": {"audience": 3, "content": 2, "performance": 1, "cost": 3, "reliability": 1, "risk": 2},
    "engagement": {"audience": 2, "content": 2, "performance": 3, "cost": 2, "reliability": 1, "risk": 2},
    "traffic": {"audience": 3, "content": 2, "performance": 2, "cost": 2, "reliability": 1, "risk": 2},
    "conversion": {"audience": 3, "content": 3, "performance": 2, "cost": 2, "reliability": 2, "risk": 2},
    "leads": {"audience": 3, "content": 3, "performance": 2, "cost": 2, "reliability": 2, "risk": 2},
    "sales": {"audience": 3, "content": 3, "performance": 2, "cost": 2, "reliability": 2, "risk": 2},
}
# Engagement rate by followers, percent, per platform and tier (HypeAuditor, Socialinsider).
KOLOPS_ER_BENCHMARKS = {
    "tiktok": {"koc": 12.0, "nano": 10.0, "micro": 7.0, "mid": 5.0, "macro": 4.0, "mega": 3.0},
    "douyin": {"koc": 8.0, "nano": 6.0, "micro": 4.5, "mid": 3.5, "macro": 3.0, "mega": 2.5},
    "kuaishou": {"koc": 8.0, "nano": 6.0, "micro": 4.5, "mid": 3.5, "macro": 3.0, "mega": 2.5},
    "instagram": {"koc": 3.0, "nano": 2.5, "micro": 1.2, "mid": 0.8, "macro": 0.5, "mega": 0.3},
    "facebook": {"koc": 1.0, "nano": 0.8, "micro": 0.5, "mid": 0.3, "macro": 0.2, "mega": 0.15},
    "youtube": {"koc": 5.0, "nano": 4.0, "micro": 3.0, "mid": 2.0, "macro": 1.5, "mega": 1.0},
    "xiaohongshu": {"koc": 6.0, "nano": 5.0, "micro": 3.5, "mid": 2.5, "macro": 2.0, "mega": 1.5},
    "bilibili": {"koc": 6.0, "nano": 5.0, "micro": 4.0, "mid": 3.0, "macro": 2.5, "mega": 2.0},
    "weibo": {"koc": 1.5, "nano": 1.2, "micro": 0.8, "mid": 0.5, "macro": 0.3, "mega": 0.2},
    "wechat_channels": {"koc": 3.0, "nano": 2.5, "micro": 2.0, "mid": 1.5, "macro": 1.0, "mega": 0.8},
}
# Views of a post as a share of followers, per platform (TikTok ≈ 16 %, Socialinsider).
KOLOPS_VIEW_RATES = {
    "tiktok": 0.16,
    "douyin": 0.15,
    "kuaishou": 0.12,
    "instagram": 0.08,
    "facebook": 0.05,
    "youtube": 0.12,
    "xiaohongshu": 0.10,
    "bilibili": 0.12,
    "weibo": 0.04,
    "wechat_channels": 0.08,
}
# Link clicks per view, per platform.
KOLOPS_CLICK_RATES = {
    "tiktok": 0.004,
    "douyin": 0.004,
    "kuaishou": 0.004,
    "instagram": 0.006,
    "facebook": 0.01,
    "youtube": 0.008,
    "xiaohongshu": 0.006,
    "bilibili": 0.005,
    "weibo": 0.005,
    "wechat_channels": 0.008,
}
# Views of one piece relative to a post: a story reaches fewer, an event appearance none online.
KOLOPS_DELIVERABLE_VIEW_FACTORS = {
    "post": 1.0,
    "short_video": 1.0,
    "long_video": 1.0,
    "story": 0.3,
    "livestream_hour": 0.5,
    "event": 0.0,
    "usage_rights": 0.0,
}
# What one KOL delivers on a platform when the brief names no deliverable.
KOLOPS_DEFAULT_DELIVERABLES = {
    "tiktok": "short_video",
    "douyin": "short_video",
    "kuaishou": "short_video",
    "youtube": "long_video",
    "bilibili": "long_video",
}
KOLOPS_PLANNING = {
    "history_prior_posts": 5.0,  # the benchmark counts as this many posts of evidence
    "stats_posts": 12.0,  # posts a channel's own average views and ER stand for
    "neutral": 0.5,  # a fit part's score without data
    "risk_flag_penalty": 0.25,
    "growth_spike_threshold": 0.3,  # weekly follower growth above +30 % is a suspicious spike
    "growth_spike_penalty": 0.4,
    "exclusivity_premium": 0.3,  # category exclusivity costs +20–50 % (DOMAIN §6)
    "time_limit_seconds": 2.0,
    "mip_rel_gap": 0.001,
}
KOLOPS_PLAN_MAX_CANDIDATES = 20_000  # a plan scores at most this many channels
KOLOPS_PLAN_ALTERNATIVES = 5  # alternatives offered for a swap
KOLOPS_BRIEF_ATTACHMENT_MAX_BYTES = int(os.environ.get("KOLOPS_BRIEF_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
