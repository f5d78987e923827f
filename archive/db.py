"""The catalog database (目录库): SQLAlchemy Core schema, connections and schema upgrades.

SQLite in WAL mode serves one office; the schema stays plain Core so PostgreSQL
can serve many later.
"""

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import (
    Boolean, Column, Float, ForeignKey, Integer, MetaData, String, Table, Text,
    UniqueConstraint, create_engine, event, select, text,
)
from sqlalchemy.engine import Connection, Engine

from archive.errors import SchemaError

SCHEMA_VERSION = 2

metadata = MetaData()
metadata_v2 = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)

cases = Table(
    "cases", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_no", String, nullable=False, unique=True),
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("project_name", String, nullable=False),
    Column("unit", String, nullable=False),
    Column("credit_code", String, nullable=False),
    Column("project_code", String, nullable=False, default=""),
    Column("project_type", String, nullable=False),
    Column("location", String, nullable=False),
    Column("scale", Text, nullable=False),
    Column("investment", Float),
    Column("funding", String, nullable=False, default=""),
    Column("land", String, nullable=False, default=""),
    Column("status", String, nullable=False),
    Column("suspend_code", Integer),
    Column("suspend_reason", String),
    Column("folder", String, nullable=False),
    Column("retention", String, nullable=False),
    Column("opened", String, nullable=False),
    Column("updated", String, nullable=False),
    UniqueConstraint("year", "seq"),
)

people = Table(
    "people", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("role", String, nullable=False),
    Column("name", String, nullable=False),
    Column("phone", String, nullable=False, default=""),
    Column("since", String, nullable=False),
    Column("until", String),
)

matters = Table(
    "matters", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("stage", String, nullable=False),
    Column("name", String, nullable=False),
    Column("level", String, nullable=False),
    Column("dept", String, nullable=False),
    Column("liaison", String, nullable=False, default=""),
    Column("time_limit", Integer),
    Column("parallel", Boolean, nullable=False, default=False),
    Column("status", String, nullable=False),
    Column("created", String, nullable=False),
    Column("accepted", String),
    Column("done", String),
)

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("item_no", Integer, nullable=False),
    Column("category", String, nullable=False),
    Column("title", String, nullable=False),
    Column("form_id", String),
    Column("version", Integer, nullable=False),
    Column("kind", String, nullable=False),
    Column("doc_no", String, nullable=False, default=""),
    Column("author", String, nullable=False, default=""),
    Column("doc_date", String),
    Column("pages", Integer),
    Column("sha256", String, nullable=False, index=True),
    Column("size", Integer, nullable=False),
    Column("path", String, nullable=False, unique=True),
    Column("source_name", String, nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("stage", String, nullable=False, default=""),
    Column("state", String, nullable=False),
    Column("parent_id", Integer, ForeignKey("documents.id")),
    Column("withdrawn_reason", String),
    Column("filed", String, nullable=False),
    Column("actor", String, nullable=False),
    UniqueConstraint("case_id", "item_no"),
)

events = Table(
    "events", metadata,
    Column("seq", Integer, primary_key=True),
    Column("ts", String, nullable=False),
    Column("actor", String, nullable=False),
    Column("action", String, nullable=False),
    Column("case_no", String),
    Column("doc_id", Integer),
    Column("details", Text, nullable=False),
    Column("prev_hash", String, nullable=False),
    Column("hash", String, nullable=False),
)

review = Table(
    "review", metadata_v2,
    Column("id", Integer, primary_key=True),
    Column("source_name", String, nullable=False),
    Column("original", String, nullable=False),
    Column("pdf", String),
    Column("sha256", String, nullable=False, index=True),
    Column("size", Integer, nullable=False),
    Column("pages", Integer),
    Column("text", Text, nullable=False, default=""),
    Column("guesses", Text, nullable=False, default="[]"),
    Column("state", String, nullable=False),
    Column("reason", String),
    Column("created", String, nullable=False),
    Column("resolved", String),
    Column("doc_id", Integer),
)

index_queue = Table(
    "index_queue", metadata_v2,
    Column("doc_id", Integer, primary_key=True),
    Column("error", String, nullable=False),
    Column("ts", String, nullable=False),
)

# The event log is append-only: the database itself refuses edits, so that only
# deliberate tampering (dropping these triggers) can change history — and verify sees it.
APPEND_ONLY_TRIGGERS = {
    "events_no_update": "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
                        "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
    "events_no_delete": "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
                        "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
}

Migration = Callable[[Connection], None]


def _create_v1(conn: Connection) -> None:
    metadata.create_all(conn)
    for ddl in APPEND_ONLY_TRIGGERS.values():
        conn.exec_driver_sql(ddl)


def _add_review_and_index_queue(conn: Connection) -> None:
    metadata_v2.create_all(conn)


# MIGRATIONS[n] brings a catalog from schema version n to n + 1.
MIGRATIONS: dict[int, Migration] = {0: _create_v1, 1: _add_review_and_index_queue}


def make_engine(path: Path) -> Engine:
    """Open the SQLite catalog with WAL, foreign keys, full sync and immediate transactions."""
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

    return engine


def schema_version(conn: Connection) -> int:
    """Return the catalog's schema version (0 for an empty database)."""
    has_meta = conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'")
    ).first()
    if not has_meta:
        return 0
    row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
    return int(row[0]) if row else 0


def upgrade(engine: Engine, path: Path) -> None:
    """Bring the catalog to SCHEMA_VERSION, refusing one made by a newer daiban."""
    with engine.execution_options(write=True).begin() as conn:
        current = schema_version(conn)
        if current > SCHEMA_VERSION:
            raise SchemaError(
                f"目录库 {path} 的结构版本为 {current}，高于本程序支持的 {SCHEMA_VERSION}。"
                "请升级 daiban 后再使用该数据根目录。"
            )
        for version in range(current, SCHEMA_VERSION):
            MIGRATIONS[version](conn)
        if current != SCHEMA_VERSION:
            conn.execute(meta.delete().where(meta.c.key == "schema_version"))
            conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
