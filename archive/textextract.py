"""Text of a filed document as stored in the catalog (so the index never needs OCR again)."""

import subprocess
from pathlib import Path

from docx import Document

from index.normalize import normalize_text

TEXT_SUFFIXES = {".txt", ".md", ".csv"}


def _pdf_text(path: Path) -> str:
    # pdftotext, never pypdf: pypdf puts a NUL before every CJK character of OCR'd PDFs.
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, timeout=120)
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else ""


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
