"""Schema versions of the catalog and the steps between them; a catalog is upgraded in place when opened."""

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, select, text
from sqlalchemy.engine import Connection, Engine

from archive.base.errors import SchemaError
from archive.catalog.itemgroups import group_into_items
from archive.catalog.schema import (
    APPEND_ONLY_TRIGGERS,
    SCHEMA_VERSION,
    cases,
    decisions,
    documents,
    events,
    failed_inputs,
    matters,
    meetings,
    meta,
    metadata,
    outbox,
    people,
    review,
    scan_parts,
    users,
)

Migration = Callable[[Connection], None]

# Tables of earlier versions that the current schema no longer has, as they were.
_retired = MetaData()
_index_queue_v2 = Table(
    "index_queue", _retired,
    Column("doc_id", Integer, primary_key=True),
    Column("error", String, nullable=False),
    Column("ts", String, nullable=False),
)


def _create_triggers(conn: Connection) -> None:
    for ddl in APPEND_ONLY_TRIGGERS.values():
        conn.exec_driver_sql(ddl)


def _v1_core_tables(conn: Connection) -> None:
    metadata.create_all(conn, tables=[meta, cases, people, matters, documents, events])
    _create_triggers(conn)


def _v2_review_and_index_queue(conn: Connection) -> None:
    metadata.create_all(conn, tables=[review])
    _retired.create_all(conn, tables=[_index_queue_v2])


def _v3_index_outbox(conn: Connection) -> None:
    # Failed index updates queued by v2 become outbox work, carried out by the next `index sync`.
    metadata.create_all(conn, tables=[outbox])
    conn.execute(text("INSERT INTO outbox (doc_id, created, attempts, error) "
                      "SELECT doc_id, ts, 1, error FROM index_queue"))
    _index_queue_v2.drop(conn)


def _v4_scan_parts(conn: Connection) -> None:
    metadata.create_all(conn, tables=[scan_parts])


def _add_column(conn: Connection, table: str, column: str, ddl: str) -> None:
    # Tables created by an earlier step from today's definitions have the column already.
    present = {row[1] for row in conn.execute(text(f"PRAGMA table_info({table})"))}
    if column not in present:
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}"))


def _v5_warnings_and_failed_inputs(conn: Connection) -> None:
    _add_column(conn, "documents", "warnings", "TEXT NOT NULL DEFAULT '[]'")
    _add_column(conn, "review", "warnings", "TEXT NOT NULL DEFAULT '[]'")
    _add_column(conn, "review", "pdf_sha256", "VARCHAR")
    metadata.create_all(conn, tables=[failed_inputs])


def _v6_text_version(conn: Connection) -> None:
    # Existing texts were read the old way: `index rebuild` re-reads those it can.
    _add_column(conn, "documents", "text_version", "INTEGER NOT NULL DEFAULT 0")


def _v7_items_and_sealing(conn: Connection) -> None:
    group_into_items(conn)
    for column in ("sealed", "seal_head"):
        _add_column(conn, "cases", column, "VARCHAR")


def _v8_meetings(conn: Connection) -> None:
    metadata.create_all(conn, tables=[meetings, decisions])
    _add_column(conn, "items", "meeting_id", "INTEGER")


def _v9_matter_steps_users_and_event_indexes(conn: Connection) -> None:
    metadata.create_all(conn, tables=[users])
    _add_column(conn, "cases", "volume_no", "INTEGER")
    for column, ddl in (("submitted", "VARCHAR"), ("parallel_group", "VARCHAR NOT NULL DEFAULT ''"),
                        ("result_item", "INTEGER"), ("assist_item", "INTEGER")):
        _add_column(conn, "matters", column, ddl)
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_events_case_action ON events (case_no, action)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_events_action ON events (action)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_documents_form ON documents (form_id)"))


# MIGRATIONS[n] brings a catalog from schema version n to n + 1.
MIGRATIONS: dict[int, Migration] = {
    0: _v1_core_tables, 1: _v2_review_and_index_queue, 2: _v3_index_outbox, 3: _v4_scan_parts,
    4: _v5_warnings_and_failed_inputs, 5: _v6_text_version, 6: _v7_items_and_sealing,
    7: _v8_meetings, 8: _v9_matter_steps_users_and_event_indexes,
}


def schema_version(conn: Connection) -> int:
    """Return the catalog's schema version (0 for an empty database)."""
    has_meta = conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'")
    ).first()
    if not has_meta:
        return 0
    row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
    return int(row[0]) if row else 0


def _refuse_newer(version: int, path: Path) -> None:
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"目录库 {path} 的结构版本为 {version}，高于本程序支持的 {SCHEMA_VERSION}。"
            "请升级 daiban 后再使用该数据根目录。"
        )


def ensure_current(engine: Engine, path: Path) -> None:
    """Bring the catalog to SCHEMA_VERSION, refusing one made by a newer daiban; a current one costs one read."""
    with engine.connect() as conn:
        version = schema_version(conn)
    _refuse_newer(version, path)
    if version == SCHEMA_VERSION:
        return
    with engine.execution_options(write=True).begin() as conn:
        current = schema_version(conn)
        _refuse_newer(current, path)
        for step in range(current, SCHEMA_VERSION):
            MIGRATIONS[step](conn)
        conn.execute(meta.delete().where(meta.c.key == "schema_version"))
        conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
