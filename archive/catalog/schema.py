"""The catalog's tables (目录库), as SQLAlchemy Core: plain enough for SQLite now and PostgreSQL later."""

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 9
# How a document's stored text was read. 0: before v6, PDFs by plain pdftotext (table cells
# interleaved, hyphens dropped) and every text NFKC-folded; 1: PDFs by their layout, forms from
# their .docx cell by cell, text kept as printed. `index rebuild` re-reads what it can of older texts.
TEXT_VERSION = 1

metadata = MetaData()

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
    # Sealing (归档): when, and the event-chain head right after it.
    Column("sealed", String),
    Column("seal_head", String),
    # Schema v9: the case's volume number (案卷号) among the cases sealed in its year with its 保管期限.
    Column("volume_no", Integer),
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
    # Schema v9: the day it was submitted (申报) or pushed to its department, the 并联 group it runs in,
    # the 件 that is its result (批复/证照) and the 件 of its 协办单 (a matter a level up).
    Column("submitted", String),
    Column("parallel_group", String, nullable=False, default=""),
    Column("result_item", Integer),
    Column("assist_item", Integer),
)

# The 件 (DA/T 22): one document as the archive counts it, a form version, an upload, a meeting's
# minutes. Its files (documents) are its renditions: a form's .docx and PDF, the signed PDF/A, the
# original scan. 件号 (item_no) numbers items within a case in filing order; sealing adds the archival
# order.
items = Table(
    "items", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("item_no", Integer, nullable=False),
    Column("title", String, nullable=False),
    Column("category", String, nullable=False),
    Column("form_id", String),
    Column("version", Integer),
    Column("created", String, nullable=False),
    # Given when the case is sealed (or an item is added to a sealed case): 件号 in archival order, 档号.
    Column("archival_no", Integer),
    Column("reference", String),
    # The meeting the item belongs to: its notice, sign-in sheet, minutes, photos. No foreign key: the
    # v7 upgrade creates this table before the meetings table exists.
    Column("meeting_id", Integer),
    UniqueConstraint("case_id", "item_no"),
)

# A coordination meeting (联席会议 / 联合审批协调会议) of a case: its items carry its id.
meetings = Table(
    "meetings", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("topic", String, nullable=False),
    Column("held", String, nullable=False),
    Column("place", String, nullable=False),
    Column("convener", String, nullable=False),
    Column("depts", Text, nullable=False, default="[]"),
    Column("created", String, nullable=False),
)

# What a meeting agreed (议定事项): who does it by when, tracked until closed.
decisions = Table(
    "decisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=False, index=True),
    Column("issue", Text, nullable=False),
    Column("dept", String, nullable=False),
    Column("deadline", String),
    Column("closed", String),
    Column("closed_note", String, nullable=False, default=""),
)

# One file of the case file: a rendition of the item (case_id, item_no) it belongs to.
documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
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
    Column("warnings", Text, nullable=False, default="[]"),
    Column("text_version", Integer, nullable=False, default=TEXT_VERSION),
    Index("ix_documents_case_item", "case_id", "item_no"),
    # Schema v9: the agency-level deadline and the 文号 sequence look a form's copies up across the archive.
    Index("ix_documents_form", "form_id"),
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
    # Schema v9: a case's log, a case's events of some kinds and the events of one kind are read without
    # scanning the whole log.
    Index("ix_events_case_action", "case_no", "action"),
    Index("ix_events_action", "action"),
)

review = Table(
    "review", metadata,
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
    Column("pdf_sha256", String),
    Column("warnings", Text, nullable=False, default="[]"),
)

outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("doc_id", Integer, nullable=False, index=True),
    Column("created", String, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", String),
)

scan_parts = Table(
    "scan_parts", metadata,
    Column("id", Integer, primary_key=True),
    Column("scan_sha256", String, nullable=False, index=True),
    Column("part", Integer, nullable=False),
    Column("parts", Integer, nullable=False),
    Column("pages", String, nullable=False),
    Column("doc_id", Integer),
    Column("review_id", Integer),
    Column("created", String, nullable=False),
    UniqueConstraint("scan_sha256", "part"),
)

failed_inputs = Table(
    "failed_inputs", metadata,
    Column("id", Integer, primary_key=True),
    Column("path", String, nullable=False, unique=True),
    Column("source_name", String, nullable=False),
    Column("sha256", String),
    Column("size", Integer),
    Column("reason", String, nullable=False),
    Column("message", Text, nullable=False),
    Column("created", String, nullable=False),
)

# Schema v9: users of the web interface (daiban user …) and their roles. The password is a scrypt hash;
# the event log records a digest of it, so a hash swapped behind daiban's back shows in verify.
users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("login", String, nullable=False, unique=True),
    Column("name", String, nullable=False),
    Column("role", String, nullable=False),
    # An enterprise account sees the cases of this 统一社会信用代码.
    Column("credit_code", String, nullable=False, default=""),
    Column("password", String, nullable=False),
    Column("created", String, nullable=False),
    Column("disabled", String),
)

# The event log is append-only: the database itself refuses edits, so that only
# deliberate tampering (dropping these triggers) can change history — and verify sees it.
APPEND_ONLY_TRIGGERS = {
    "events_no_update": "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
                        "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
    "events_no_delete": "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
                        "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
}
