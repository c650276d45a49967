"""`dtto check --deploy` is clean with the documented production settings, and only then."""

from __future__ import annotations

from pathlib import Path

from dtto.ops.tests.server import dtto_command, production_env, python_code

PRODUCTION = {
    "DTTO_ALLOWED_HOSTS": "dtto.example.org",
    "DTTO_SECURE_COOKIES": "true",
    "DTTO_HSTS_SECONDS": "31536000",
    "DTTO_SSL_REDIRECT": "true",
}


def test_deploy_check_finds_no_issue_with_the_production_settings(tmp_path: Path) -> None:
    env = production_env(tmp_path / "dtto.sqlite3", **PRODUCTION)
    checked = dtto_command("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert checked.returncode == 0, checked.stderr
    assert "System check identified no issues" in checked.stdout


def test_deploy_check_fails_on_the_demo_key_naming_the_variable(tmp_path: Path) -> None:
    env = production_env(tmp_path / "dtto.sqlite3", **PRODUCTION)
    del env["DTTO_SECRET_KEY"]
    checked = dtto_command("check", "--deploy", env=env)
    assert checked.returncode == 1
    assert "(dtto.E001) DTTO_SECRET_KEY is not set" in checked.stderr


def test_deploy_check_fails_on_the_demo_draw_key_naming_the_variable(tmp_path: Path) -> None:
    env = production_env(tmp_path / "dtto.sqlite3", **PRODUCTION)
    del env["DTTO_TEST_DRAW_KEY"]
    checked = dtto_command("check", "--deploy", env=env)
    assert checked.returncode == 1
    assert "(dtto.E101) DTTO_TEST_DRAW_KEY is not set" in checked.stderr


def test_deploy_check_warns_without_hsts_or_ssl_redirect(tmp_path: Path) -> None:
    env = production_env(
        tmp_path / "dtto.sqlite3",
        **{**PRODUCTION, "DTTO_HSTS_SECONDS": "", "DTTO_SSL_REDIRECT": ""},
    )
    checked = dtto_command("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert checked.returncode == 1
    assert "security.W004" in checked.stderr
    assert "security.W008" in checked.stderr


def test_proxy_header_and_trusted_origins_reach_the_settings(tmp_path: Path) -> None:
    env = production_env(
        tmp_path / "dtto.sqlite3",
        DTTO_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
        DTTO_CSRF_TRUSTED_ORIGINS="https://dtto.example.org,https://dtto.example.net:8443",
    )
    shown = python_code(
        "import django; django.setup(); from django.conf import settings;"
        " print(settings.SECURE_PROXY_SSL_HEADER, settings.CSRF_TRUSTED_ORIGINS)",
        env,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == (
        "('HTTP_X_FORWARDED_PROTO', 'https') "
        "['https://dtto.example.org', 'https://dtto.example.net:8443']"
    )


def test_a_malformed_proxy_header_stops_every_command_naming_the_variable(
    tmp_path: Path,
) -> None:
    env = production_env(tmp_path / "dtto.sqlite3", DTTO_PROXY_SSL_HEADER="https")
    checked = dtto_command("check", env=env)
    assert checked.returncode != 0
    assert "DTTO_PROXY_SSL_HEADER: expected 'Header-Name: value', got 'https'" in checked.stderr
