"""Reading again the texts an earlier daiban stored, the way this one reads them (run by `index rebuild`).

Before catalog v6 a generated form's text came from its PDF's text layer (table cells interleaved,
hyphens at line ends dropped) and every text was stored NFKC-folded, so words in table cells
and codes were not found. A generated PDF is now read from its .docx, an upload from its file;
scans keep their OCR text.
"""

import logging
import zipfile
from collections.abc import Callable

from docx.opc.exceptions import PackageNotFoundError

from archive.catalog.engine import batches
from archive.catalog.session import Archive
from archive.catalog.texts import OldText, old_texts, replace_texts
from archive.content.text import extract_text

# Texts read again between two catalog writes.
BATCH = 200
READER = "版面/表格逐格（daiban 文字版本 1）"
Progress = Callable[[int, int | None], None]
log = logging.getLogger("daiban")


def _kind(path: str) -> str:
    return "pdf" if path.endswith(".pdf") else "docx" if path.endswith(".docx") else ""


def _read(archive: Archive, old: OldText) -> str | None:
    if old.stays_empty:
        return ""
    source = old.form_docx or old.path
    try:
        return extract_text(archive.root.path / source, _kind(source))
    except (OSError, PackageNotFoundError, zipfile.BadZipFile, KeyError) as exc:
        # The old text stays and is tried again by the next rebuild; verify names a missing file.
        log.warning("%s：无法重新提取文字，保留原有文字（%s）", source, exc)
        return None


def reread_texts(archive: Archive, progress: Progress | None = None) -> int:
    """Read again every stored text an earlier daiban read the old way; return how many changed."""
    pending = old_texts(archive)
    done = changed = 0
    for batch in batches(pending, BATCH):
        read = [(old, _read(archive, old)) for old in batch]
        changed += replace_texts(archive, [(old, text) for old, text in read if text is not None], READER)
        done += len(batch)
        if progress:
            progress(done, len(pending))
    return changed
