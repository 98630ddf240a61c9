"""WSGI entry point (gunicorn kolops.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kolops.settings.production")
application = get_wsgi_application()
