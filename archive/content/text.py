"""The text of a file as stored in the catalog, so the index can always be rebuilt without OCR."""

import logging
from pathlib import Path

from archive.base.errors import ExternalToolError
from archive.content.docxtext import docx_text
from archive.content.pdflayout import pdf_layout_text
from index.normalize import clean_text

TEXT_SUFFIXES = {".txt", ".md", ".csv"}
log = logging.getLogger("daiban")


def _pdf_text(path: Path) -> str:
    try:
        return pdf_layout_text(path)
    except ExternalToolError as exc:
        # The file itself passed its checks: file it, say it cannot be found by its words.
        log.warning("%s（文件照常归档，但无法按全文检索）", exc.message)
        return ""


def extract_text(path: Path, kind: str) -> str:
    """Return the text of a PDF (by its layout), .docx (in reading order) or plain-text file ('' for images)."""
    if kind == "pdf":
        raw = _pdf_text(path)
    elif kind == "docx":
        raw = docx_text(path)
    elif path.suffix.lower() in TEXT_SUFFIXES:
        raw = path.read_text(encoding="utf-8", errors="replace")
    else:
        return ""
    return clean_text(raw)
