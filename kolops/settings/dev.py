"""Settings for a developer or a trial on one machine: SQLite in var/, debug on."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

DEBUG = env_bool("KOLOPS_DEBUG", True)
# A development key only; production refuses to start without KOLOPS_SECRET_KEY.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-change-me"  # noqa: F405
VAR_DIR.mkdir(parents=True, exist_ok=True)
