"""Typed readers for settings taken from environment variables.

Each fails loudly on a value it cannot read, naming the variable, rather than quietly
falling back to a default: a mistyped production setting must stop the service.
A variable ``NAME_FILE`` may hold the path of a file with the value (for secrets).
"""

from __future__ import annotations

import os
import re
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


_HEADER_NAME = re.compile(r"[A-Za-z0-9-]+")


def envheader(name: str) -> tuple[str, str] | None:
    """A request header and the value that marks it, written ``Header-Name: value``.

    Returned in Django's ``request.META`` spelling (``HTTP_HEADER_NAME``), as
    ``SECURE_PROXY_SSL_HEADER`` wants it; ``None`` when unset.
    """
    value = _raw(name)
    if value is None or value == "":
        return None
    header, colon, expected = value.partition(":")
    header, expected = header.strip(), expected.strip()
    if not colon or not _HEADER_NAME.fullmatch(header) or not expected:
        raise SettingError(f"{name}: expected 'Header-Name: value', got {value!r}")
    return "HTTP_" + header.upper().replace("-", "_"), expected


_ORIGIN = re.compile(r"https?://[^/\s?#]+")


def envorigins(name: str) -> list[str]:
    """Comma-separated origins (scheme and host, optional port, no path); empty when unset."""
    origins = envlist(name, [])
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise SettingError(
                f"{name}: expected origins such as https://dtto.example.org, got {origin!r}"
            )
    return origins


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of ``choices``, matched without regard to case and returned as spelt there."""
    value = _raw(name)
    if value is None or value == "":
        return default
    for choice in choices:
        if value.strip().lower() == choice.lower():
            return choice
    raise SettingError(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
