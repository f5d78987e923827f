"""Connections to the catalog: SQLite in WAL mode, full sync, foreign keys, writers that queue."""

from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

# Where a connection carries the acting user's rights while an archive uses it (catalog.access); it is
# forgotten when the connection goes back to the pool, so a connection never acts for an earlier user.
ACCESS_KEY = "daiban.access"
# Ids per IN (...) list when many rows are read at once: far below SQLite's limit on bound parameters.
BATCH = 500


def batches(values: Sequence, size: int = BATCH) -> Iterator[Sequence]:
    """The values a batch at a time (an IN list per query, a few files at a time)."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def make_engine(path: Path) -> Engine:
    """Open the SQLite catalog with WAL, foreign keys, full sync and immediate write transactions."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE itself: writers
        # then queue on the database lock instead of failing on upgrade.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Writers take the lock up front so read-then-write (numbering, the event
        # chain) cannot race; readers stay deferred and never block each other.
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @event.listens_for(engine, "checkin")
    def _forget_access(_dbapi_conn, record):
        record.info.pop(ACCESS_KEY, None)

    return engine
