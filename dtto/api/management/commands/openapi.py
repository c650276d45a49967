"""Print the API's OpenAPI 3 document (the one served at /api/v1/openapi.json) as JSON.

Example:
  dtto openapi > openapi.json
"""

from __future__ import annotations

import json
from typing import Any

from dtto.lib.commands import DocstringCommand


class Command(DocstringCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        from dtto.api.api import api

        schema = api.get_openapi_schema(path_prefix="/api/v1/")
        self.stdout.write(json.dumps(schema, indent=2, sort_keys=False))
