"""The index fields of one IndexDoc: analysed text, exact keywords, and stored values.

A word without a field is looked for in two fields: "own" (what the document itself says: its
text, title, 文号, 责任者, category) and "casefacts" (what it shares with every document of its case:
project, unit, people, case number, 项目代码, 统一社会信用代码). Keeping them apart lets search
rank a document's own matches first and say which hits came only from the case.
"""

import datetime
import json
from dataclasses import dataclass

from index.analysis import FIELD_GAP, analyzed
from index.document import IndexDoc
from index.normalize import fold, normalize_text
from index.query import META, OWN

_GAP = f" {FIELD_GAP} "


@dataclass(frozen=True)
class StoredDoc:
    """What a hit shows without the catalog: where the document lives and its text."""

    doc_id: int
    case_no: str
    project_name: str
    title: str
    category: str
    date: datetime.date | None
    path: str
    form_id: str
    kind: str
    text: str


def _terms(*values: str) -> str:
    return _GAP.join(analyzed(normalize_text(v)) for v in values if v)


def analysed_fields(doc: IndexDoc) -> dict[str, str]:
    """Return every analysed field as pre-split terms; "own" and "casefacts" together hold them all, fields apart."""
    named = {
        "title": _terms(doc.title),
        "project": _terms(doc.project_name),
        "unit": _terms(doc.unit),
        "case": _terms(doc.case_no),
        "docno": _terms(doc.doc_no),
        "author": _terms(doc.author),
        "people": _terms(*doc.people),
        "code": _terms(doc.project_code, doc.credit_code),
    }
    own = (named["title"], named["docno"], named["author"], _terms(doc.category), analyzed(fold(doc.text)))
    meta = (named["project"], named["unit"], named["people"], named["case"], named["code"])
    return named | {OWN: _GAP.join(v for v in own if v), META: _GAP.join(v for v in meta if v)}


def keyword_fields(doc: IndexDoc) -> dict[str, str]:
    """Return the exact-match fields used by filters and form:/category:/stage:/kind:."""
    return {name: keyword(value) for name, value in (
        ("case_no", doc.case_no), ("form_id", doc.form_id), ("category", doc.category),
        ("stage", doc.stage), ("kind", doc.kind)) if value}


def keyword(value: str) -> str:
    """Normalise a keyword value the same way for documents and filters."""
    return normalize_text(value)


def date_number(day: datetime.date | None) -> int | None:
    """Return a date as the integer yyyymmdd that both backends range-filter on."""
    return day.year * 10000 + day.month * 100 + day.day if day else None


def stored_meta(doc: IndexDoc) -> bytes:
    """Return the stored fields (all but the text) as compact JSON."""
    meta = {"case_no": doc.case_no, "project_name": doc.project_name, "title": doc.title,
            "category": doc.category, "date": doc.date.isoformat() if doc.date else None,
            "path": doc.path, "form_id": doc.form_id, "kind": doc.kind}
    return json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def stored_doc(doc_id: int, meta: bytes, text: str) -> StoredDoc:
    """Rebuild a StoredDoc from what a backend kept."""
    values = json.loads(meta)
    day = values.pop("date")
    return StoredDoc(doc_id=doc_id, date=datetime.date.fromisoformat(day) if day else None, text=text, **values)
