"""Files written by `dtto export` and `dtto report --out` are readable by their owner only."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from dtto.lib.files import open_private

pytestmark = pytest.mark.django_db


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    # The usual umask (022) would leave a plain open() file readable by everyone.
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("permissive_umask")
def test_export_file_is_created_0600(tmp_path: Path) -> None:
    out = tmp_path / "cases.json"
    call_command("export", "--out", str(out), stderr=open(os.devnull, "w"))  # noqa: SIM115
    assert out.exists()
    assert _mode(out) == 0o600


@pytest.mark.usefixtures("permissive_umask")
@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_report_file_is_created_0600(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    call_command("report", "--format", fmt, "--out", str(out))
    assert out.stat().st_size > 0
    assert _mode(out) == 0o600


@pytest.mark.usefixtures("permissive_umask")
def test_a_world_readable_file_written_over_becomes_0600(tmp_path: Path) -> None:
    out = tmp_path / "last-month.json"
    out.write_text("old")
    out.chmod(0o644)
    with open_private(out, "w") as handle:
        handle.write("new")
    assert _mode(out) == 0o600
    assert out.read_text() == "new"


def test_a_symbolic_link_in_place_of_the_file_is_refused_and_its_target_untouched(
    tmp_path: Path,
) -> None:
    target = tmp_path / "someone-elses.txt"
    target.write_text("theirs")
    link = tmp_path / "export.json"
    link.symlink_to(target)
    with pytest.raises(OSError) as refused:
        open_private(link, "w")
    assert refused.value.errno == errno.ELOOP
    assert target.read_text() == "theirs"
