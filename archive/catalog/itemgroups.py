"""Schema v7: the files of an older catalog grouped into 件 (items), as daiban now files them.

Before v7 every file had its own 件号. A form version's .docx and PDF become one item; a signed
copy joins the form version it signs (its parent, else the latest unsigned version of the form);
an original scan joins the copy filed with it; any other file is an item of its own. An item keeps
the smallest 件号 of its files, so numbers already printed in file names and events stay valid; each
file whose 件号 changes gets a `document.regrouped` event, so the event log still proves every row.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from archive.base.terms import DocKind
from archive.catalog import events
from archive.catalog.schema import documents, items, metadata

MIGRATION_ACTOR = "daiban（目录库升级）"


@dataclass
class _CaseGroups:
    """The items of one case as its files are read in filing order."""

    leader: dict[int, int] = field(default_factory=dict)
    by_version: dict[tuple[str, int], int] = field(default_factory=dict)
    unsigned: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    previous: object = None

    def place(self, row) -> int:
        """The id of the first file of the item this file belongs to."""
        leader = self._leader_of(row) or row.id
        self.leader[row.id] = leader
        self.previous = row
        return leader

    def _leader_of(self, row) -> int | None:
        if row.kind == DocKind.GENERATED and row.form_id:
            key = (row.form_id, row.version)
            if key not in self.by_version:
                self.by_version[key] = row.id
                self.unsigned[row.form_id].append(row.id)
                return None
            return self.by_version[key]
        if row.kind == DocKind.SIGNED:
            return self._signed_leader(row)
        previous = self.previous
        if row.kind == DocKind.ORIGINAL and previous is not None and previous.id == row.id - 1 \
                and previous.kind in (DocKind.SIGNED, DocKind.UPLOAD):
            return self.leader[previous.id]
        return None

    def _signed_leader(self, row) -> int | None:
        leader = self.leader.get(row.parent_id) if row.parent_id else None
        waiting = self.unsigned.get(row.form_id or "", [])
        if leader is None and waiting:
            leader = waiting[-1]
        if leader in waiting:
            waiting.remove(leader)
        return leader


def _rebuild_documents(conn: Connection) -> None:
    """Recreate the documents table without v6's one-file-per-件号 constraint, keeping every row and id."""
    old = [row[1] for row in conn.execute(text("PRAGMA table_info(documents)"))]
    conn.exec_driver_sql("ALTER TABLE documents RENAME TO documents_v6")
    for index in conn.execute(text("SELECT name FROM sqlite_master WHERE type='index' AND "
                                   "tbl_name='documents_v6' AND sql IS NOT NULL")).scalars().all():
        conn.exec_driver_sql(f'DROP INDEX "{index}"')
    metadata.create_all(conn, tables=[documents])
    columns = ", ".join(f'"{c}"' for c in old if c in documents.c)
    conn.exec_driver_sql(f"INSERT INTO documents ({columns}) SELECT {columns} FROM documents_v6")
    conn.exec_driver_sql("DROP TABLE documents_v6")


def _group(conn: Connection) -> None:
    rows = conn.execute(select(documents).order_by(documents.c.case_id, documents.c.id)).all()
    by_case: dict[int, list] = defaultdict(list)
    for row in rows:
        by_case[row.case_id].append(row)
    for case_rows in by_case.values():
        groups, members = _CaseGroups(), defaultdict(list)
        for row in case_rows:
            members[groups.place(row)].append(row)
        for files in members.values():
            _record_item(conn, files)


def _record_item(conn: Connection, files: list) -> None:
    first = files[0]
    item_no = min(f.item_no for f in files)
    conn.execute(items.insert().values(case_id=first.case_id, item_no=item_no, title=first.title,
                                       category=first.category, form_id=first.form_id,
                                       version=first.version if first.form_id else None, created=first.filed))
    case_no = conn.execute(text("SELECT case_no FROM cases WHERE id = :id"), {"id": first.case_id}).scalar()
    for f in files:
        if f.item_no != item_no:
            conn.execute(documents.update().where(documents.c.id == f.id).values(item_no=item_no))
            events.append(conn, MIGRATION_ACTOR, "document.regrouped", case_no=case_no, doc_id=f.id,
                          item_no=item_no, old=f.item_no)


def group_into_items(conn: Connection) -> None:
    """Give a v6 catalog its items table and make every file a rendition of one item."""
    metadata.create_all(conn, tables=[items])
    constraint = conn.execute(text("SELECT sql FROM sqlite_master WHERE name='documents'")).scalar() or ""
    if "UNIQUE (case_id, item_no)" in constraint:
        _rebuild_documents(conn)
    _group(conn)
