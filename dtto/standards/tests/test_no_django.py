"""Nothing in dtto/standards or dtto/caseformat may import Django, directly or through another
module: the engine and the case format are used without a database (the simulator, evaluate).

The tests directories are left out: the test of the ``dtto evaluate`` command needs Django.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

DTTO = Path(__file__).resolve().parents[2]
PURE_PACKAGES = ["standards", "caseformat"]


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_no_module_imports_django_by_name(package: str) -> None:
    root = DTTO / package
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}" for n in names if n.split(".")[0] in {"django", "pytest_django"}
            ]
    assert offenders == []


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_modules_import_with_django_blocked(package: str) -> None:
    root = DTTO / package
    modules = sorted(
        f"dtto.{package}" + (f".{p.stem}" if p.stem != "__init__" else "")
        for p in root.glob("*.py")
    )
    assert f"dtto.{package}" in modules
    script = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'django' or name.startswith('django.'):\n"
        "            raise ImportError('django is blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import importlib\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "assert not any(k == 'django' or k.startswith('django.') for k in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=DTTO.parent
    )
    assert result.returncode == 0, result.stderr
