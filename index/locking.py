"""One index writer at a time across processes: an flock the kernel drops when a holder dies."""

import fcntl
import os
import random
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from index.errors import IndexLockedError

LOCK_NAME = "write.lock"
DEFAULT_TIMEOUT = 30.0
_POLL_MAX = 0.25


def _holder(fd: int) -> str:
    return os.pread(fd, 32, 0).decode("ascii", "replace").strip()


@contextmanager
def writer_lock(index_dir: Path, timeout: float = DEFAULT_TIMEOUT) -> Iterator[Path]:
    """Hold the index's writer lock, waiting at most timeout seconds, else IndexLockedError."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK_NAME
    # The lock is the flock, not the file: a killed holder leaves the file but never a stale lock.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        pause = 0.01
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexLockedError(path, timeout, _holder(fd)) from None
                time.sleep(pause * random.uniform(0.5, 1.5))
                pause = min(pause * 2, _POLL_MAX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        os.close(fd)
