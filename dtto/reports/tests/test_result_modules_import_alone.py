"""Each module of the report's result types imports on its own, first, in a new process.

``results`` and ``outcome_results`` name each other's types; a cycle between them failed only
when a command or test happened to import ``outcome_results`` (or a module built on it) first.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from dtto.ops.tests.server import CHECKOUT

MODULES = (
    "rate",
    "results",
    "outcome_results",
    "outcome_publish",
    "outcome_sections",
    "statistics",
    "sections",
)


@pytest.mark.parametrize("module", MODULES)
def test_the_module_imports_first_in_a_new_process(module: str) -> None:
    code = f"import django; django.setup(); import dtto.reports.{module}"
    ran = subprocess.run(
        [sys.executable, "-c", code],
        cwd=CHECKOUT,
        env={"PYTHONPATH": str(CHECKOUT), "DJANGO_SETTINGS_MODULE": "dtto.settings", "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
