"""What became of each part of a scanned stack, written in the same transaction as the part's filing
(or its place in the review queue), so that a run killed between two parts resumes where it stopped."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archive.catalog import events
from archive.catalog.schema import scan_parts
from archive.catalog.session import Archive


@dataclass(frozen=True)
class ScanPart:
    """One part (a form's pages, or pages without a code) of the scan with this checksum."""

    scan_sha256: str
    part: int
    parts: int
    pages: str


@dataclass(frozen=True)
class HandledPart:
    """A part already handled: the document it became, or its review item."""

    part: int
    parts: int
    doc_id: int | None
    review_id: int | None


def record(conn: Connection, part: ScanPart, doc_id: int | None = None, review_id: int | None = None) -> None:
    """Record inside the caller's transaction what became of a part."""
    conn.execute(scan_parts.insert().values(scan_sha256=part.scan_sha256, part=part.part, parts=part.parts,
                                            pages=part.pages, doc_id=doc_id, review_id=review_id,
                                            created=events.now()))


def record_alone(archive: Archive, part: ScanPart) -> None:
    """Record a part that needed no filing (its bytes were already in the case)."""
    with archive.write() as conn:
        record(conn, part)


def handled(archive: Archive, scan_sha256: str) -> list[HandledPart]:
    """The parts of this scan already handled, in order."""
    with archive.read() as conn:
        rows = conn.execute(select(scan_parts).where(scan_parts.c.scan_sha256 == scan_sha256)
                            .order_by(scan_parts.c.part))
        return [HandledPart(r.part, r.parts, r.doc_id, r.review_id) for r in rows]
