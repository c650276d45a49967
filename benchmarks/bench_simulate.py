"""Generate 100,000 Orders of full case records with the simulator and write them to a file.

Times ``dtto simulate --out`` end to end (the model, observation and streaming JSON writing)
in one process: one seed is one random stream, so the run is serial by design. Environment
variables: ``BENCH_ORDERS`` (default 100000), ``BENCH_DIR`` (default: a temporary directory).
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from pathlib import Path

from dtto.lib.memory import cyclic_gc_paused
from dtto.simulate.model import Simulation
from dtto.simulate.parameters import load_parameters
from dtto.simulate.writer import write_document


def main() -> None:
    orders = int(os.environ.get("BENCH_ORDERS", "100000"))
    directory = Path(os.environ.get("BENCH_DIR") or tempfile.mkdtemp(prefix="dtto-bench-"))
    path = directory / "simulated.json"
    params = load_parameters()
    started = time.perf_counter()
    sim = Simulation(params, orders=orders, seed=2004)
    # Everything the model makes is acyclic: the cyclic collector would only walk it again.
    with cyclic_gc_paused(), path.open("w", encoding="utf-8") as f:
        written = write_document(sim.cases(), f, sim.end.isoformat())
    elapsed = time.perf_counter() - started
    size = path.stat().st_size
    print(
        f"simulate: {written.orders:,} Orders ({written.cases:,} cases with referrals),"
        f" {written.events:,} events, {size / 1e6:,.0f} MB in {elapsed:.1f} s"
        f" = {written.events / elapsed:,.0f} events/s, {written.orders / elapsed:,.0f} Orders/s"
        f" (Python {platform.python_version()}, {os.cpu_count()} CPUs)"
    )
    path.unlink()


if __name__ == "__main__":
    main()
