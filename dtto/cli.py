"""The ``dtto`` console script: Django's management commands under one name.

``dtto demo``, ``dtto import``, ``dtto export``, ``dtto evaluate`` and the rest are
management commands in the apps; each command's help comes from its docstring.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dtto.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dtto", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
