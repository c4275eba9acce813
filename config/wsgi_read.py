"""WSGI entry point of the read role."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.read")

application = get_wsgi_application()
