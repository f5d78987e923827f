"""Inputs intake refused, as the catalog registers them: under `watch` the copy in review/failed/ is
the only one left, so verify must be able to prove it unchanged."""

from dataclasses import dataclass

from sqlalchemy import select

from archive.catalog import events
from archive.catalog.schema import failed_inputs
from archive.catalog.session import Archive


@dataclass(frozen=True)
class FailedInput:
    """A refused input kept in review/failed/: where, what it was, and why it was refused."""

    path: str
    source_name: str
    sha256: str | None
    size: int | None
    reason: str
    message: str


def register(archive: Archive, failed: FailedInput) -> None:
    """Record a refused input and its kept copy, with an event."""
    with archive.write() as conn:
        conn.execute(failed_inputs.insert().values(
            path=failed.path, source_name=failed.source_name, sha256=failed.sha256, size=failed.size,
            reason=failed.reason, message=failed.message, created=events.now()))
        events.append(conn, archive.actor, "input.failed", source=failed.source_name, reason=failed.reason,
                      path=failed.path, sha256=failed.sha256)


def registered(archive: Archive) -> list[FailedInput]:
    """Every refused input kept, oldest first."""
    with archive.read() as conn:
        rows = conn.execute(select(failed_inputs).order_by(failed_inputs.c.id))
        return [FailedInput(r.path, r.source_name, r.sha256, r.size, r.reason, r.message) for r in rows]
