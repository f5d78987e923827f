"""What a file given to daiban really is: checked by its bytes, not its name."""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from archive.base.errors import InputFileError
from archive.content.filetype import SUFFIX_KINDS, describe, read_head, sniff


@dataclass(frozen=True)
class FileInfo:
    """A checked input file: its true type, checksum, size and page count."""

    path: Path
    kind: str
    sha256: str
    size: int
    pages: int | None


def sha256_of(path: Path) -> str:
    """Return the sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pdf_pages(path: Path, repaired_ok: bool = False) -> int:
    try:
        # Through a stream: pikepdf cannot take a file name that is not UTF-8.
        with path.open("rb") as stream, pikepdf.open(stream) as pdf:
            # qpdf silently rebuilds a damaged file; an archive must not accept a guess
            # unless intake already took it in, OCR'd it and kept its readable copy beside it.
            damage = [w for w in pdf.get_warnings() if "damaged" in w or "reconstruct" in w]
            if damage and not repaired_ok:
                raise InputFileError(f"{path}：PDF 文件已损坏或不完整（{damage[0].split(': ', 1)[-1]}）")
            return len(pdf.pages)
    except pikepdf.PasswordError:
        raise InputFileError(f"{path}：PDF 已加密（需要打开密码），无法归档。请提供未加密的文件") from None
    except (pikepdf.PdfError, ValueError) as exc:
        raise InputFileError(f"{path}：PDF 文件已损坏或不完整，无法读取（{exc}）") from None


def inspect(path: Path) -> FileInfo:
    """Check one input file and describe it; raise InputFileError naming the file and the problem."""
    if not path.exists():
        raise InputFileError(f"{path}：文件不存在")
    if path.is_dir():
        raise InputFileError(f"{path}：是文件夹，不是文件（请指定其中的文件）")
    if not path.is_file():
        raise InputFileError(f"{path}：不是普通文件")
    if not os.access(path, os.R_OK):
        raise InputFileError(f"{path}：没有读取权限")
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(f"{path}：空文件（0 字节）")
    head = read_head(path)
    sniffed = sniff(head)
    claimed = SUFFIX_KINDS.get(path.suffix.lower())
    kind = "docx" if sniffed == "zip" and claimed == "docx" else sniffed
    if claimed == "pdf" and kind != "pdf":
        raise InputFileError(f"{path}：扩展名为 .pdf，但内容不是 PDF（实为{describe(path, head)}）。"
                             "请确认文件后改正扩展名")
    pages = _pdf_pages(path) if kind == "pdf" else None
    return FileInfo(path, kind or "other", sha256_of(path), size, pages)


def describe_checked(path: Path) -> FileInfo:
    """Describe a file intake has already checked (its type by bytes, whatever its name says): intake's
    check is the one check, so what intake accepted can be filed."""
    kind = sniff(read_head(path))
    pages = _pdf_pages(path, repaired_ok=True) if kind == "pdf" else None
    return FileInfo(path, kind or "other", sha256_of(path), path.stat().st_size, pages)
