"""What a file is, by its first bytes rather than its name (one sniffer for filing, ingest and QR reading)."""

import re
import zipfile
from pathlib import Path

HEAD_BYTES = 1024
SCAN_KINDS = ("pdf", "jpeg", "png", "tiff")
KIND_NAMES = {"pdf": "PDF 文件", "jpeg": "JPEG 图像", "png": "PNG 图像", "tiff": "TIFF 图像",
              "zip": "ZIP/Office 文件", "docx": "Word 文档"}
# The extension a file of each kind is stored under.
KIND_SUFFIXES = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png", "tiff": ".tif", "docx": ".docx"}
SUFFIX_KINDS = {
    ".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".jpe": "jpeg", ".png": "png",
    ".tif": "tiff", ".tiff": "tiff", ".docx": "docx", ".xlsx": "zip", ".zip": "zip",
}


def sniff(head: bytes) -> str | None:
    """Return "pdf", "jpeg", "png", "tiff" or "zip" (Office files too) for a file starting with head."""
    if b"%PDF-" in head[:HEAD_BYTES]:
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def read_head(path: Path) -> bytes:
    """The first bytes of a file, enough for sniff()."""
    with path.open("rb") as stream:
        return stream.read(HEAD_BYTES)


# What a zip holds, by the member that marks it; a plain zip otherwise.
ZIP_MARKERS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"), ("OFD.xml", "ofd"))
ZIP_KINDS = {"docx": "Word 文档（.docx）", "xlsx": "Excel 表格（.xlsx）", "ofd": "OFD 版式文件", "zip": "ZIP 压缩包"}


def zip_kind(names: set[str]) -> str:
    """"docx", "xlsx", "ofd" or "zip" for a zip holding these member names."""
    return next((kind for marker, kind in ZIP_MARKERS if marker in names), "zip")


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            return ZIP_KINDS[zip_kind(set(archive.namelist()))]
    except (zipfile.BadZipFile, OSError):
        return ZIP_KINDS["zip"]


def describe(path: Path, head: bytes) -> str:
    """Name a file's real type in Chinese, for messages about files daiban cannot take."""
    kind = sniff(head)
    if kind == "zip":
        return _zip_kind(path)
    if kind:
        return KIND_NAMES[kind]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "旧版 Office 文档（.doc/.xls）"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF 图像"
    if head.startswith(b"BM"):
        return "BMP 图像"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WebP 图像"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "HEIC 图像（手机照片）"
    if head.startswith(b"{\\rtf"):
        return "RTF 文档"
    if re.match(rb"\s*(<!doctype html|<html|<head|<meta|<\?xml[^>]*>\s*<html)", head[:512].lower()):
        return "HTML 网页（可能是下载页面而非文件本身）"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "文本文件"
        except UnicodeDecodeError:
            pass
    return "未知格式"
