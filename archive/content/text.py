"""The text of a file as stored in the catalog, so the index can always be rebuilt without OCR."""

import logging
from pathlib import Path

from docx import Document

from archive.base.errors import ExternalToolError
from archive.content.pdftotext import pdftotext
from index.normalize import normalize_text

TEXT_SUFFIXES = {".txt", ".md", ".csv"}
log = logging.getLogger("daiban")


def _pdf_text(path: Path) -> str:
    try:
        return pdftotext(path)
    except ExternalToolError as exc:
        # The file itself passed its checks: file it, say it cannot be found by its words.
        log.warning("%s（文件照常归档，但无法按全文检索）", exc.message)
        return ""


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def extract_text(path: Path, kind: str) -> str:
    """Return the normalised text of a PDF, .docx or plain-text file ('' for images)."""
    if kind == "pdf":
        raw = _pdf_text(path)
    elif kind == "docx":
        raw = _docx_text(path)
    elif path.suffix.lower() in TEXT_SUFFIXES:
        raw = path.read_text(encoding="utf-8", errors="replace")
    else:
        return ""
    return normalize_text(raw)
