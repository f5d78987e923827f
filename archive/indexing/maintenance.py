"""Index maintenance from the catalog alone: rebuild (optionally switching backend), sync, check."""

from dataclasses import dataclass
from pathlib import Path

from archive.catalog import events, outbox
from archive.catalog.outbox import OutboxItem
from archive.catalog.session import Archive
from archive.dataroot.settings import set_index_backend
from archive.indexing.records import index_records, live_backend
from archive.indexing.reread import reread_texts
from index.maintenance import (
    CheckReport,
    Progress,
    SyncReport,
    catalog_fingerprints,
    check,
    rebuild,
    sync,
)


@dataclass(frozen=True)
class IndexHealth:
    """How index and catalog compare, and the index work still waiting in the outbox."""

    report: CheckReport
    waiting: list[OutboxItem]

    @property
    def ok(self) -> bool:
        """Tell whether the index matches the catalog with nothing waiting."""
        return self.report.ok and not self.waiting


@dataclass(frozen=True)
class IndexRebuilt:
    """A finished rebuild, and how many texts stored by an earlier daiban changed when read again first."""

    backend: str
    documents: int
    seconds: float
    path: Path
    reread: int


def rebuild_index(archive: Archive, backend: str | None = None, progress: Progress | None = None,
                  reread_progress: Progress | None = None) -> IndexRebuilt:
    """Recreate the index from the catalog alone (no OCR), optionally switching backend; texts an
    earlier daiban read the old way are read again first."""
    chosen = backend or live_backend(archive)
    reread = reread_texts(archive, reread_progress)
    covered = outbox.waiting(archive)
    report = rebuild(archive.root.index_dir, index_records(archive), chosen, progress=progress)
    if backend and backend != archive.settings.index_backend:
        set_index_backend(archive.root, backend)
    outbox.done(archive, [item.id for item in covered])
    events.record(archive, "index.rebuilt", backend=chosen, documents=report.documents, reread=reread)
    return IndexRebuilt(report.backend, report.documents, report.seconds, report.path, reread)


def sync_index(archive: Archive, progress: Progress | None = None) -> SyncReport:
    """Add what the index lacks, refresh what changed, remove what is gone; the outbox is then done."""
    covered = outbox.waiting(archive)
    catalog = catalog_fingerprints(index_records(archive))
    report = sync(archive.root.index_dir, catalog, lambda ids: index_records(archive, ids),
                  live_backend(archive), progress=progress)
    outbox.done(archive, [item.id for item in covered])
    return report


def check_index(archive: Archive) -> IndexHealth:
    """Compare index and catalog, and list the index work still waiting."""
    report = check(archive.root.index_dir, catalog_fingerprints(index_records(archive)))
    return IndexHealth(report, outbox.waiting(archive))
