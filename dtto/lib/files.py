"""Files holding personal details, readable by their owner only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Literal, overload

PRIVATE_MODE = 0o600


@overload
def open_private(path: str | Path, mode: Literal["w"]) -> IO[str]: ...
@overload
def open_private(path: str | Path, mode: Literal["wb"]) -> IO[bytes]: ...
def open_private(path: str | Path, mode: Literal["w", "wb"]) -> IO[str] | IO[bytes]:
    """Open ``path`` for writing (created or emptied) with mode 0600, whatever the umask.

    An existing file is narrowed to 0600 too: an export written over last month's must not
    stay world-readable because last month's was. A symbolic link at ``path`` is refused
    (OSError), so nobody can point an export at a file of their choosing.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, PRIVATE_MODE)
    try:
        os.fchmod(fd, PRIVATE_MODE)
    except BaseException:
        os.close(fd)
        raise
    if mode == "wb":
        return os.fdopen(fd, "wb")
    return os.fdopen(fd, "w", encoding="utf-8")
