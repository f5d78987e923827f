"""What a stored file is when opened now: its real format, pages, PDF/A claim and encryption, or why it
does not open (DA/T 70 1-3 and 3-2 look at files this way, not at what the catalog says of them)."""

import zipfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image

from archive.content.filetype import read_head, sniff, zip_kind

IMAGE_KINDS = ("jpeg", "png", "tiff")


@dataclass(frozen=True)
class Opened:
    """A file as it opens now: its real format, pages, PDF/A claim, encryption, or why it does not open."""

    path: Path
    kind: str
    pages: int | None = None
    pdfa: str = ""
    encrypted: bool = False
    error: str = ""


def _open_pdf(path: Path) -> tuple[int, str, bool]:
    with path.open("rb") as stream, pikepdf.open(stream) as pdf:
        meta = pdf.open_metadata()
        part, level = meta.get("pdfaid:part", ""), meta.get("pdfaid:conformance", "")
        return len(pdf.pages), f"PDF/A-{part}{level.lower()}" if part else "", pdf.is_encrypted


def _zip_kind(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        if archive.testzip() is not None:
            raise ValueError("压缩包内有损坏的成员")
        return zip_kind(set(archive.namelist()))


def probe(path: Path) -> Opened:
    """Open a file as its bytes say it is and report what it holds, or why it does not open."""
    if not path.is_file():
        return Opened(path, "", error="文件缺失")
    kind = sniff(read_head(path)) or "other"
    try:
        if kind == "pdf":
            pages, pdfa, encrypted = _open_pdf(path)
            return Opened(path, kind, pages, pdfa, encrypted)
        if kind in IMAGE_KINDS:
            with Image.open(path) as image:
                image.verify()
        elif kind == "zip":
            kind = _zip_kind(path)
        elif kind == "other" and path.suffix.lower() == ".txt":
            path.read_text(encoding="utf-8")
            kind = "txt"
    except pikepdf.PasswordError:
        return Opened(path, kind, encrypted=True, error="已加密，需要密码才能打开")
    except Exception as exc:  # noqa: BLE001 - any reader failure means the file does not open
        return Opened(path, kind, error=f"无法打开（{exc}）")
    return Opened(path, kind)
