"""One index writer at a time across processes (an flock the kernel drops when a holder dies)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.base.locks import exclusive
from index.errors import IndexLockedError

LOCK_NAME = "write.lock"
DEFAULT_TIMEOUT = 30.0


@contextmanager
def writer_lock(index_dir: Path, timeout: float = DEFAULT_TIMEOUT) -> Iterator[Path]:
    """Hold the index's writer lock, waiting at most timeout seconds, else IndexLockedError."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with exclusive(index_dir / LOCK_NAME, timeout, IndexLockedError) as path:
        yield path
