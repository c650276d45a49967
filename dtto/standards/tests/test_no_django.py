"""Nothing in dtto/standards may import Django, directly or through another module.

The tests directory is left out: the test of the ``dtto evaluate`` command needs Django.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def test_no_module_in_standards_imports_django_by_name():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tests" in path.relative_to(PACKAGE).parts:
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


def test_standards_modules_import_with_django_blocked():
    modules = sorted(
        "dtto.standards"
        + (
            "." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
            if p.stem != "__init__"
            else ""
        )
        for p in PACKAGE.glob("*.py")
    )
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
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=PACKAGE.parents[1]
    )
    assert result.returncode == 0, result.stderr
