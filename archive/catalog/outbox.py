"""The index outbox: index work written in the same transaction as the change that needs it.

A filing or withdrawal adds one row per document; the work is carried out
after the commit (archive.indexing.outbox) and, if it fails, stays here for
`daiban index sync`. A queue of workers can drain the same table later.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archive.catalog import events
from archive.catalog.schema import outbox
from archive.catalog.session import Archive


@dataclass(frozen=True)
class OutboxItem:
    """One document whose index entry must be brought up to date."""

    id: int
    doc_id: int
    created: str
    attempts: int
    error: str | None


def review_key(review_id: int) -> int:
    """The index key of a scan waiting in the review queue (documents keep their positive ids)."""
    return -review_id


def enqueue(conn: Connection, keys: Sequence[int]) -> None:
    """Record index work for these documents (or review_key()s) inside the caller's transaction."""
    stamp = events.now()
    for key in keys:
        conn.execute(outbox.insert().values(doc_id=key, created=stamp, attempts=0))


def waiting(archive: Archive) -> list[OutboxItem]:
    """All index work not yet carried out, oldest first."""
    with archive.read() as conn:
        rows = conn.execute(select(outbox).order_by(outbox.c.id))
        return [OutboxItem(r.id, r.doc_id, r.created, r.attempts, r.error) for r in rows]


def done(archive: Archive, item_ids: Sequence[int]) -> None:
    """Remove work that was carried out."""
    with archive.write() as conn:
        conn.execute(outbox.delete().where(outbox.c.id.in_(list(item_ids))))


def failed(archive: Archive, item_ids: Sequence[int], error: str) -> None:
    """Keep work that failed, with the error and one more attempt counted."""
    with archive.write() as conn:
        conn.execute(outbox.update().where(outbox.c.id.in_(list(item_ids)))
                     .values(attempts=outbox.c.attempts + 1, error=error))

