"""Stored texts read by an earlier daiban, and their replacement by a new reading, logged as evidence."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from archive.base.terms import DocKind, DocState
from archive.catalog import events, outbox
from archive.catalog.evidence import text_digest
from archive.catalog.schema import TEXT_VERSION, cases, documents
from archive.catalog.session import Archive

# Scans keep the text their OCR gave: reading their PDF again would lose its reading order.
REREAD_KINDS = (DocKind.GENERATED, DocKind.UPLOAD)


@dataclass(frozen=True)
class OldText:
    """A document whose text an earlier daiban read, and the file to read it from now."""

    doc_id: int
    case_no: str
    path: str
    # A generated PDF is read from its .docx (cell by cell); None for every other document.
    form_docx: str | None
    # A generated .docx beside its PDF carries no text (the PDF does): it stays empty.
    stays_empty: bool


def _form_docx(conn) -> dict[tuple[int, str, int], str]:
    rows = conn.execute(select(documents.c.case_id, documents.c.form_id, documents.c.version, documents.c.path)
                        .where(documents.c.kind == DocKind.GENERATED, documents.c.path.like("%.docx")))
    return {(r.case_id, r.form_id, r.version): r.path for r in rows}


def _form_pdfs(conn) -> set[tuple[int, str, int]]:
    rows = conn.execute(select(documents.c.case_id, documents.c.form_id, documents.c.version)
                        .where(documents.c.kind == DocKind.GENERATED, documents.c.path.like("%.pdf")))
    return {(r.case_id, r.form_id, r.version) for r in rows}


def old_texts(archive: Archive) -> list[OldText]:
    """The current generated and uploaded documents whose text was read before TEXT_VERSION."""
    with archive.read() as conn:
        docx, pdfs = _form_docx(conn), _form_pdfs(conn)
        rows = conn.execute(select(documents.c.id, documents.c.case_id, documents.c.form_id, documents.c.version,
                                   documents.c.kind, documents.c.path, cases.c.case_no).join(cases).where(
            documents.c.text_version < TEXT_VERSION, documents.c.state == DocState.FILED,
            documents.c.kind.in_(REREAD_KINDS)).order_by(documents.c.id)).all()
    found = []
    for r in rows:
        form = (r.case_id, r.form_id, r.version)
        generated = r.kind == DocKind.GENERATED
        found.append(OldText(r.id, r.case_no, r.path,
                             docx.get(form) if generated and r.path.endswith(".pdf") else None,
                             generated and r.path.endswith(".docx") and form in pdfs))
    return found


def replace_texts(archive: Archive, reread: Sequence[tuple[OldText, str]], reader: str) -> int:
    """Store new readings of old texts in one transaction: each change logged (so verify's evidence
    holds) and queued for the index; return how many texts changed."""
    with archive.write() as conn:
        changed = []
        for old, text in reread:
            before = conn.execute(select(documents.c.text).where(documents.c.id == old.doc_id)).scalar_one()
            conn.execute(documents.update().where(documents.c.id == old.doc_id)
                         .values(text=text, text_version=TEXT_VERSION))
            if text != before:
                changed.append(old.doc_id)
                events.append(conn, archive.actor, "document.text_reread", case_no=old.case_no, doc_id=old.doc_id,
                              text_sha256=text_digest(text), reader=reader, source=old.form_docx or old.path)
        outbox.enqueue(conn, changed)
    return len(changed)
