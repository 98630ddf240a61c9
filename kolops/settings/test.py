"""Settings for the test suite: tasks run immediately, passwords hash fast."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

SECRET_KEY = "test-only-key"
DEBUG = False
VAR_DIR.mkdir(parents=True, exist_ok=True)
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
# Fixtures sign in with force_login: the second-factor requirement of administrators is tested
# on its own (kolops/accounts/tests), with the setting on.
KOLOPS_MFA_REQUIRED_FOR_ADMINS = False
# Tests speak English unless they choose a language (the product default is Vietnamese).
LANGUAGE_CODE = "en"

# Several test runs can share one PostgreSQL server: each names its own test database.
if _test_db := os.environ.get("KOLOPS_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": _test_db}  # noqa: F405
