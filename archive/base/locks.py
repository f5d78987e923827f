"""Inter-process locks on files (flock): the kernel drops them when a holder dies, so none go stale."""

import fcntl
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.base.errors import BusyError, DaibanError

_POLL_MAX = 0.25


def _holder(fd: int) -> str:
    return os.pread(fd, 32, 0).decode("ascii", "replace").strip()


def _store_busy(path: Path, waited: float, holder: str) -> DaibanError:
    who = f"（进程 {holder}）" if holder else ""
    return BusyError(f"档案库存储区正被另一个 daiban 进程占用{who}，等待 {waited:.0f} 秒后仍未释放（{path}）")


@contextmanager
def exclusive(path: Path, timeout: float = 60.0,
              busy: Callable[[Path, float, str], DaibanError] = _store_busy) -> Iterator[Path]:
    """Hold an exclusive lock on path (writing our pid in it), waiting at most timeout seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
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
                    raise busy(path, timeout, _holder(fd)) from None
                time.sleep(pause * random.uniform(0.5, 1.5))
                pause = min(pause * 2, _POLL_MAX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        os.close(fd)
