"""Print the demo administrator's current sign-in code, and the demo key it comes from.

Only for the demo: demo-admin's authenticator is the public demo key (RFC 6238's test key),
which `dtto demo` gives it. Add the key to an authenticator app instead to keep getting codes.

  dtto demo-code
"""

from __future__ import annotations

from typing import Any

from dtto.accounts.services import demo_code, demo_key_text
from dtto.lib.commands import DocstringCommand


class Command(DocstringCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            f"{demo_code()}  (demo-admin's code now; the demo key is {demo_key_text()})"
        )
