"""The index fields of one IndexDoc: analysed text, exact keywords, and stored values."""

import datetime
import json
from dataclasses import dataclass

from index.analysis import FIELD_GAP, analyzed
from index.document import IndexDoc
from index.normalize import normalize_text

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


def analysed_fields(doc: IndexDoc) -> dict[str, str]:
    """Return every analysed field as pre-split terms; "all" holds them all, fields apart."""
    people = _GAP.join(analyzed(normalize_text(p)) for p in doc.people if p)
    own = {
        "title": analyzed(normalize_text(doc.title)),
        "project": analyzed(normalize_text(doc.project_name)),
        "unit": analyzed(normalize_text(doc.unit)),
        "case": analyzed(normalize_text(doc.case_no)),
        "docno": analyzed(normalize_text(doc.doc_no)),
        "author": analyzed(normalize_text(doc.author)),
        "people": people,
    }
    extra = (analyzed(normalize_text(doc.category)), analyzed(doc.text))
    own["all"] = _GAP.join(v for v in (*own.values(), *extra) if v)
    return own


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
