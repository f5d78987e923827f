"""The inbox (收件箱): scans dropped into <root>/inbox/ are ingested once completely written."""

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from archive.catalog.session import Archive
from archive.intake.ingest import ingest_or_report, is_scan
from archive.intake.outcomes import IngestProgress, Target


@dataclass
class SizeWatch:
    """Remembers each candidate's size; a file is ready when its size held still for `settle` seconds."""

    settle: float = 1.0
    seen: dict[Path, tuple[int, float]] = field(default_factory=dict)

    def note(self, path: Path) -> None:
        """Add a file to watch (or restart its clock)."""
        self.seen.pop(path, None)
        self._observe(path)

    def _observe(self, path: Path) -> None:
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            self.seen.pop(path, None)
            return
        previous = self.seen.get(path)
        if previous is None or previous[0] != size:
            self.seen[path] = (size, time.monotonic())

    def ready(self, take_empty: bool = False) -> list[Path]:
        """Files whose size has not changed for the settle time; they leave the watch.

        An empty file is still being created by its scanner, unless take_empty says the watch ends
        now (then it goes to review/failed/ as empty rather than holding the watch open).
        """
        now, done = time.monotonic(), []
        for path in sorted(self.seen):
            self._observe(path)
            if path not in self.seen or now - self.seen[path][1] < self.settle:
                continue
            if self.seen[path][0] > 0 or take_empty:
                done.append(path)
        for path in done:
            del self.seen[path]
        return done


class _Handler(FileSystemEventHandler):
    def __init__(self, sizes: SizeWatch, lock: threading.Lock):
        self.sizes, self.lock = sizes, lock

    def _note(self, raw: str | bytes) -> None:
        path = Path(os.fsdecode(raw))
        if is_scan(path):
            with self.lock:
                self.sizes.note(path)

    def on_created(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._note(event.src_path)

    def on_modified(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._note(event.src_path)

    def on_moved(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._note(event.dest_path)


def pending(inbox: Path) -> list[Path]:
    """Scans already lying in the inbox (left by a previous run or copied while daiban was off)."""
    return sorted(p for p in inbox.iterdir() if p.is_file() and is_scan(p))


def watch(inbox: Path, handle: Callable[[Path], None], stop: threading.Event, once: bool = False,
          settle: float = 1.0, poll: float = 0.5) -> None:
    """Hand each completely written scan of the inbox to `handle`, until stop is set (or once emptied)."""
    sizes, lock = SizeWatch(settle), threading.Lock()
    for path in pending(inbox):
        sizes.note(path)
    observer = None
    if not once:
        observer = Observer()
        observer.schedule(_Handler(sizes, lock), str(inbox), recursive=False)
        observer.start()
    try:
        while not stop.is_set():
            with lock:
                ready = sizes.ready(take_empty=once)
                waiting = bool(sizes.seen)
            for path in ready:
                if path.exists():
                    handle(path)
            if once and not waiting and not ready:
                return
            stop.wait(poll)
    finally:
        if observer is not None:
            observer.stop()
            observer.join()


def watch_inbox(archive: Archive, stop: threading.Event, once: bool = False, settle: float = 2.0,
                progress: IngestProgress = IngestProgress()) -> None:
    """Ingest every scan written into <root>/inbox/, taking it out of the inbox, until stop is set."""
    inbox = archive.root.inbox_dir
    inbox.mkdir(parents=True, exist_ok=True)
    count = 0

    def handle(path: Path) -> None:
        nonlocal count
        count += 1
        progress.file_started(path, count, count)
        progress.file_done(path, ingest_or_report(archive, path, Target(), consume=True, progress=progress))

    watch(inbox, handle, stop, once=once, settle=settle)
