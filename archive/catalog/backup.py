"""A consistent copy of the live catalog (SQLite's online backup API, while filings go on), and what
that copy says must be copied beside it."""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import exists, func, select

from archive.base.terms import DocState, ReviewState
from archive.catalog.engine import make_engine
from archive.catalog.schema import cases, documents, events, items, review
from archive.catalog.session import Archive, catalog_errors


@dataclass(frozen=True)
class SnapshotFile:
    """A file the copied catalog refers to, with the sha256 it records (None if it records none)."""

    path: str
    sha256: str | None


@dataclass(frozen=True)
class Snapshot:
    """The copied catalog: the files it refers to, its chain head and how much it holds."""

    files: list[SnapshotFile]
    head: str
    cases: int
    documents: int
    events: int


def copy_catalog(archive: Archive, target: Path) -> None:
    """Copy the catalog to target page by page, as one consistent state, while writers go on."""
    with catalog_errors(archive.root.path):
        source = sqlite3.connect(archive.root.catalog_file)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()


def _read(target: Path) -> Snapshot:
    engine = make_engine(target)
    try:
        with engine.begin() as conn:
            # A filing caught half-way is not in the copy: its rows go, and the 件 it opened for them,
            # its file was never copied.
            conn.execute(documents.delete().where(documents.c.state == DocState.PENDING))
            conn.execute(items.delete().where(~exists().where(documents.c.case_id == items.c.case_id,
                                                              documents.c.item_no == items.c.item_no)))
            docs = conn.execute(select(documents.c.path, documents.c.sha256)).all()
            waiting = conn.execute(select(review.c.original, review.c.pdf).where(
                review.c.state == ReviewState.WAITING)).all()
            last = conn.execute(select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)).first()
            counts = [conn.execute(select(func.count()).select_from(t)).scalar() for t in (cases, documents, events)]
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    files = [SnapshotFile(path, sha256) for path, sha256 in docs]
    files += [SnapshotFile(path, None) for row in waiting for path in row if path]
    return Snapshot(files, f"{last.seq}:{last.hash}" if last else "", *counts)


def snapshot(archive: Archive, target: Path) -> Snapshot:
    """Copy the live catalog to target and say which files and which chain head that copy holds."""
    copy_catalog(archive, target)
    return _read(target)
