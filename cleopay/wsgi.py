"""WSGI entry point (gunicorn cleopay.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from cleopay.envfile import load_env_file

load_env_file()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleopay.settings")

application = get_wsgi_application()

# Load the URLs, and with them every view, serializer and form, then move all that to the
# garbage collector's permanent generation: it lives as long as the process, and a full
# collection during a request no longer walks it (about 60 ms each time, a few times a minute
# under load: the slowest requests' share of latency).
get_resolver().url_patterns  # noqa: B018 (imported for its side effect)
gc.freeze()
