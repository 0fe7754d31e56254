"""WSGI entry point, served by gunicorn (`territori serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territori.settings.production")

application = get_wsgi_application()
