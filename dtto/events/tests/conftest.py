"""The events tests share the concurrent-writer database fixture of the ops tests."""

from __future__ import annotations

from dtto.ops.tests.conftest import suite_database

__all__ = ["suite_database"]
