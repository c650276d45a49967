"""Run every ``benchmarks/bench_*.py`` module's ``main()`` in name order.

``python -m benchmarks`` runs them all; ``python -m benchmarks evaluate`` runs only the modules
whose name contains ``evaluate``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    chosen = [n for n in names if not argv or any(word in n for word in argv)]
    for name in chosen:
        print(f"== {name}", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
