"""The code lists, loaded from the database for the pure checks of dtto.standards.validation.

The checks themselves are pure and shared with ``dtto evaluate``; what needs the database
is only which codes a list holds (an administrator may add or retire codes), so this loads
them once per service call or import and hands plain values to the checks.
"""

from __future__ import annotations

import datetime as dt

from dtto.cases.models import Code
from dtto.standards.errors import Checker
from dtto.standards.validation import KnownCodes, check_code


class CodeBook:
    """Every code, loaded once per service call or import, for checking codes by list."""

    def __init__(self) -> None:
        self._codes = {(c.list_name, c.code): c for c in Code.objects.all()}
        self._known: dict[str, dict[str, dt.date | None]] = {}
        for (list_name, code), found in self._codes.items():
            self._known.setdefault(list_name, {})[code] = found.retired_on
        # The codes no day can refuse (never retired), for resolve's quick path: an import
        # resolves hundreds of thousands of them, a handful of distinct values.
        self._in_use = {key: c for key, c in self._codes.items() if c.retired_on is None}

    def get(self, list_name: str, code: str) -> Code | None:
        return self._codes.get((list_name, code))

    def known(self, list_name: str) -> KnownCodes:
        """The list's codes with the day each was retired, as the pure checks take them."""
        return self._known.get(list_name, {})

    def resolve(
        self,
        check: Checker,
        field: str,
        list_name: str,
        code: object,
        *,
        on: dt.date | None,
        required: bool = True,
    ) -> Code | None:
        if type(code) is str and code:
            found_in_use = self._in_use.get((list_name, code))
            if found_in_use is not None:
                # check_code's answer for a known code never retired, whatever the day.
                return found_in_use
        if isinstance(code, Code):
            # A Code of another list is as unknown here as a misspelt one.
            code = code.code if code.list_name == list_name else f"{code.list_name}:{code.code}"
        found = check_code(
            check, field, list_name, code, self.known(list_name), on=on, required=required
        )
        return self._codes[(list_name, found)] if found is not None else None

    def by_list(self, list_name: str) -> list[Code]:
        return sorted(
            (c for (name, _), c in self._codes.items() if name == list_name),
            key=lambda c: (c.sort_order, c.code),
        )
