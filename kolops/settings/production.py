"""Production settings: refuse to start without a secret key and allowed hosts."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, smtp_mailer

DEBUG = False
SECRET_KEY = os.environ.get("KOLOPS_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("KOLOPS_SECRET_KEY must be set to a random string of 50+ characters.")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("KOLOPS_ALLOWED_HOSTS", "").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("KOLOPS_ALLOWED_HOSTS must list the host names this server answers.")

MAILERS = {"default": smtp_mailer()}  # password reset links leave by SMTP (KOLOPS_EMAIL_*)

SECURE_SSL_REDIRECT = env_bool("KOLOPS_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("KOLOPS_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
