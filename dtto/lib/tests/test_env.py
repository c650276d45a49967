"""Settings from the environment fail loudly on a value they cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest

from dtto.lib.env import (
    SettingError,
    envbool,
    envchoice,
    envheader,
    envint,
    envlist,
    envorigins,
    envstr,
)


def test_bool_reads_common_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DTTO_X", "yes")
    assert envbool("DTTO_X", False) is True
    monkeypatch.setenv("DTTO_X", "0")
    assert envbool("DTTO_X", True) is False


def test_bad_values_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DTTO_X", "perhaps")
    with pytest.raises(SettingError, match="DTTO_X: expected true or false, got 'perhaps'"):
        envbool("DTTO_X", False)
    monkeypatch.setenv("DTTO_N", "ten")
    with pytest.raises(SettingError, match="DTTO_N: expected a whole number"):
        envint("DTTO_N", 1)


def test_unset_or_empty_gives_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DTTO_X", raising=False)
    monkeypatch.setenv("DTTO_EMPTY", "")
    assert envstr("DTTO_X", "a") == "a"
    assert envint("DTTO_EMPTY", 7) == 7
    assert envlist("DTTO_X", ["h"]) == ["h"]


def test_secret_can_come_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("DTTO_KEY_FILE", str(secret))
    assert envstr("DTTO_KEY", "default") == "s3cret"
    monkeypatch.setenv("DTTO_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(SettingError, match="DTTO_KEY_FILE: cannot read"):
        envstr("DTTO_KEY", "default")


def test_proxy_header_is_read_in_django_spelling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DTTO_PROXY", "X-Forwarded-Proto: https")
    assert envheader("DTTO_PROXY") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("DTTO_PROXY", "")
    assert envheader("DTTO_PROXY") is None


@pytest.mark.parametrize("value", ["X-Forwarded-Proto https", "X Forwarded: https", "X-Proto:"])
def test_a_proxy_header_without_name_and_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("DTTO_PROXY", value)
    with pytest.raises(SettingError, match="DTTO_PROXY: expected 'Header-Name: value'"):
        envheader("DTTO_PROXY")


def test_origins_need_a_scheme_and_no_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DTTO_ORIGINS", "https://dtto.example.org, http://localhost:8000")
    assert envorigins("DTTO_ORIGINS") == ["https://dtto.example.org", "http://localhost:8000"]
    monkeypatch.setenv("DTTO_ORIGINS", "https://dtto.example.org,dtto.example.org")
    with pytest.raises(SettingError, match=r"DTTO_ORIGINS: .* got 'dtto\.example\.org'"):
        envorigins("DTTO_ORIGINS")
    monkeypatch.setenv("DTTO_ORIGINS", "https://dtto.example.org/cases/")
    with pytest.raises(SettingError, match="DTTO_ORIGINS: "):
        envorigins("DTTO_ORIGINS")


def test_a_choice_is_matched_without_case_and_a_stray_value_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    levels = ("DEBUG", "INFO", "WARNING")
    monkeypatch.setenv("DTTO_LEVEL", "info")
    assert envchoice("DTTO_LEVEL", "WARNING", levels) == "INFO"
    monkeypatch.setenv("DTTO_LEVEL", "loud")
    with pytest.raises(
        SettingError, match="DTTO_LEVEL: expected one of DEBUG, INFO, WARNING, got 'loud'"
    ):
        envchoice("DTTO_LEVEL", "WARNING", levels)
