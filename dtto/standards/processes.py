"""Worker processes for the engine's batch work: re-judging Orders and evaluating case files.

Both start their workers the same way: a ``concurrent.futures.ProcessPoolExecutor`` with the
``spawn`` start method, so each worker is a fresh interpreter that imports only the engine,
never a copy of the caller's database connection, locks or threads (a forked
``multiprocessing.Pool`` was once seen hanging on a PostgreSQL test run, with defunct
children). Spawned workers re-import the main module, which a caller must guard with
``if __name__ == "__main__"`` (console scripts do).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor


def process_pool(workers: int) -> ProcessPoolExecutor:
    """``workers`` spawned worker processes; the caller shuts them down."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
