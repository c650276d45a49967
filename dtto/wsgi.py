"""The WSGI application, for `dtto serve` and for any other WSGI server."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dtto.settings")
application = get_wsgi_application()

from dtto.ops.security import refuse_demo_key  # noqa: E402  (needs the settings loaded)

refuse_demo_key(demo=False)
