"""The record the archive hands to the index for one document, and its fingerprint."""

import datetime
import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IndexDoc:
    """One catalog document as the index sees it (docs/CONTRACTS.md, "Index documents")."""

    doc_id: int
    case_no: str
    project_name: str
    unit: str
    form_id: str
    category: str
    stage: str
    kind: str
    title: str
    doc_no: str
    author: str
    people: list[str] = field(default_factory=list)
    date: datetime.date | None = None
    path: str = ""
    text: str = ""
    # The case's 项目代码 and 统一社会信用代码, searchable with every document of the case.
    project_code: str = ""
    credit_code: str = ""


def fingerprint(doc: IndexDoc) -> int:
    """Return a signed 63-bit hash of every field: equal records, equal fingerprints."""
    parts = (
        str(doc.doc_id), doc.case_no, doc.project_name, doc.unit, doc.form_id, doc.category,
        doc.stage, doc.kind, doc.title, doc.doc_no, doc.author, "\x1f".join(doc.people),
        doc.date.isoformat() if doc.date else "", doc.path, doc.text, doc.project_code, doc.credit_code,
    )
    digest = hashlib.blake2b("\x1e".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1
