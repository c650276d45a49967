"""The cyclic collector is paused for a block and left as it was found afterwards."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from dtto.lib.memory import cyclic_gc_paused


@pytest.fixture
def collector_restored() -> Iterator[None]:
    collecting = gc.isenabled()
    yield
    if collecting:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector_restored")
def test_the_collector_is_off_in_the_block_and_on_again_after_it() -> None:
    gc.enable()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_restored")
def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector_restored")
def test_the_collector_is_on_again_when_the_block_fails() -> None:
    gc.enable()
    with pytest.raises(KeyError), cyclic_gc_paused():
        raise KeyError("refused")
    assert gc.isenabled()
