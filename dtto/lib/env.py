"""Typed readers for settings taken from environment variables.

Each fails loudly on a value it cannot read, naming the variable, rather than quietly
falling back to a default: a mistyped production setting must stop the service.
A variable ``NAME_FILE`` may hold the path of a file with the value (for secrets).
"""

from __future__ import annotations

import os
from pathlib import Path


class SettingError(ValueError):
    """A setting in the environment has a value that cannot be used."""


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingError(f"{name}_FILE: cannot read {file_name!r}: {exc.strerror}") from exc
    return os.environ.get(name)


def envstr(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None or value == "" else value


def envbool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name}: expected true or false, got {value!r}")


def envint(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise SettingError(f"{name}: expected a whole number, got {value!r}") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
