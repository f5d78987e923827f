"""Inter-process locks on files (flock): the kernel drops them when a holder dies, so none go stale."""

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.errors import DaibanError


class LockTimeout(DaibanError):
    """Another daiban process held the lock for too long."""

    exit_code = 12


@contextmanager
def exclusive(path: Path, timeout: float = 60.0, what: str = "档案库") -> Iterator[None]:
    """Hold an exclusive lock on path, waiting at most timeout seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"{what}正被另一个 daiban 进程占用，等待 {timeout:.0f} 秒后仍未释放（{path}）") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
