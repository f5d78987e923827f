"""Durable writes: readers see nothing or the whole file (temp name, fsync, rename), and renames survive a crash."""

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_output(out_path: Path) -> Iterator[BinaryIO]:
    """Yield a handle on a hidden temp file beside out_path; it replaces out_path only on success."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    temp = out_path.with_name(f".{out_path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with temp.open("xb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, out_path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def fsync_dir(path: Path) -> None:
    """Flush a directory's entries to disk, so a rename into it survives a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
