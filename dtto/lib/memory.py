"""Pausing Python's cyclic garbage collector while a bulk job makes many acyclic objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, and turn it back on only if it was on.

    A bulk job (an import of hundreds of thousands of events) makes millions of dicts and
    tuples that never form cycles; the collector would walk all of them again and again as
    they pile up (about two thirds of an import's checking time: docs/performance.md).
    Reference counting still frees everything as usual; only cycles wait until the block ends.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
