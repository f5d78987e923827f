"""Input files for ingest: what a file really is (by its bytes), and whether it can be OCR'd.

Every refusal is a `ScanInputError` with a Chinese message naming the file and a
short machine reason (`Reason`) that ingest uses to file the original under
review/failed/. A file whose name lies about its type (a JPEG named .pdf) is
processed by its content and the mislabel is reported in `ScanInput.notice`.
"""

import shutil
import stat
import warnings
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pikepdf
from PIL import Image, ImageSequence, UnidentifiedImageError

from archive.base.errors import InputFileError
from archive.base.text import undecodable_bytes
from archive.content.filetype import KIND_NAMES, KIND_SUFFIXES, SCAN_KINDS, SUFFIX_KINDS, describe, read_head, sniff

MAX_PIXELS = 100_000_000
# A0 is 2384 × 3370 pt; 2% slack for scanners that round the page up.
MAX_PAGE_PT = (2384 * 1.02, 3370 * 1.02)
A4_LONG_IN = 297 / 25.4
# ocrmypdf refuses image resolutions at or below 96 dpi as "not credible".
MIN_CREDIBLE_DPI = 96
MAX_CREDIBLE_DPI = 2400
ASSUMED_DPI_RANGE = (150, 600)
# Modes img2pdf (inside ocrmypdf) takes as they are; others are converted for OCR.
OCR_READY_MODES = {"1", "L", "RGB"}
EOF_WINDOW = 4096
# A page image this large (against the page at 100 dpi) is the page itself, not a logo or a QR code.
SCAN_COVER = 0.25

class Reason(StrEnum):
    """Why an input was refused or failed; ingest files the original under this reason."""

    EMPTY = "empty"
    UNREADABLE = "unreadable"
    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    SIGNED = "digital_signature"
    UNSUPPORTED = "unsupported"
    TOO_LARGE = "too_large"
    OCR_TIMEOUT = "ocr_timeout"
    OCR_FAILED = "ocr_failed"
    OUTPUT_FAILED = "output_failed"
    NOT_A_SCAN = "not_a_scan"


class ScanInputError(InputFileError):
    """An input file that cannot be ingested; `.reason` says why, `.path` which file."""

    def __init__(self, path: Path, reason: Reason, message: str):
        super().__init__(message)
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class ScanInput:
    """A validated input file: its real type, page count and what OCR needs to know."""

    path: Path
    kind: str
    pages: int
    size: int
    dpi: tuple[float, float] | None
    assumed_dpi: int | None
    needs_conversion: bool
    notice: str

    @property
    def mislabelled(self) -> bool:
        """Tell whether the file name's extension does not match the content."""
        return bool(self.notice)


def _fail(path: Path, reason: Reason, problem: str) -> ScanInputError:
    return ScanInputError(path, reason, f"{path.name}：{problem}")


def _mislabel_notice(path: Path, kind: str) -> str:
    suffix = path.suffix.lower()
    if SUFFIX_KINDS.get(suffix) == kind:
        return ""
    shown = suffix or "（无扩展名）"
    return (f"{path.name}：扩展名为 {shown}，但内容是 {KIND_NAMES[kind]}，"
            f"已按{KIND_NAMES[kind]}处理。")


def _check_pdf(path: Path) -> int:
    """Open a PDF and return its page count; raise for encrypted, broken or oversized files."""
    with path.open("rb") as stream:
        stream.seek(max(0, path.stat().st_size - EOF_WINDOW))
        if b"%%EOF" not in stream.read():
            raise _fail(path, Reason.CORRUPT, "PDF 文件不完整（末尾缺少 %%EOF，可能在复制或传输时被截断）。")
    try:
        # Through a stream: pikepdf cannot take a file name that is not UTF-8.
        with path.open("rb") as stream, pikepdf.open(stream) as pdf:
            pages = len(pdf.pages)
            if pages == 0:
                raise _fail(path, Reason.CORRUPT, "PDF 中没有任何页面。")
            for number, page in enumerate(pdf.pages, start=1):
                _check_pdf_page(path, number, page)
            return pages
    except pikepdf.PasswordError as exc:
        raise _fail(path, Reason.ENCRYPTED,
                    "PDF 设有打开密码（已加密），无法读取。请提供未加密的文件。") from exc
    except pikepdf.PdfError as exc:
        raise _fail(path, Reason.CORRUPT, "PDF 文件已损坏，无法打开。") from exc


def page_size_pt(page: pikepdf.Page) -> tuple[float, float]:
    """A page's width and height in points, /UserUnit applied (a large-format page may use it)."""
    box = page.mediabox
    unit = float(page.obj.get("/UserUnit", 1))
    return abs(float(box[2]) - float(box[0])) * unit, abs(float(box[3]) - float(box[1])) * unit


def _check_pdf_page(path: Path, number: int, page: pikepdf.Page) -> None:
    width, height = page_size_pt(page)
    short, long = sorted((width, height))
    if short > MAX_PAGE_PT[0] or long > MAX_PAGE_PT[1]:
        raise _fail(path, Reason.TOO_LARGE,
                    f"第 {number} 页幅面 {width / 72 * 25.4:.0f}×{height / 72 * 25.4:.0f} 毫米，"
                    "超过 A0，无法识别。")
    for image in page.get_images().values():
        pixels = int(image.get("/Width", 0)) * int(image.get("/Height", 0))
        if pixels > MAX_PIXELS:
            raise _fail(path, Reason.TOO_LARGE,
                        f"第 {number} 页的图像有 {pixels / 1e6:.0f} 百万像素，"
                        f"超过上限 {MAX_PIXELS / 1e6:.0f} 百万像素。")


def _credible_dpi(image: Image.Image) -> tuple[float, float] | None:
    dpi = image.info.get("dpi")
    if not dpi:
        return None
    x, y = float(dpi[0]), float(dpi[1])
    if min(x, y) <= MIN_CREDIBLE_DPI or max(x, y) > MAX_CREDIBLE_DPI:
        return None
    return x, y


def estimate_dpi(width: int, height: int) -> int:
    """Return the resolution at which an image without one would be an A4 page, clamped."""
    low, high = ASSUMED_DPI_RANGE
    return max(low, min(high, round(max(width, height) / A4_LONG_IN)))


def _needs_conversion(image: Image.Image) -> bool:
    if image.mode == "CMYK":
        return "icc_profile" not in image.info
    if image.mode == "P":
        return "transparency" in image.info
    return image.mode not in OCR_READY_MODES | {"P"}


@dataclass(frozen=True)
class _ImageFacts:
    frames: int
    dpi: tuple[float, float] | None
    size: tuple[int, int]
    needs_conversion: bool


def _check_image(path: Path) -> _ImageFacts:
    """Decode every frame of an image; raise for corrupt, truncated or oversized images."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                facts = _ImageFacts(getattr(image, "n_frames", 1), _credible_dpi(image),
                                    image.size, _needs_conversion(image))
                for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                    _check_frame(path, number, frame)
                return facts
    except Image.DecompressionBombError as exc:
        raise _fail(path, Reason.TOO_LARGE,
                    f"图像像素过多，超过上限 {MAX_PIXELS / 1e6:.0f} 百万像素。") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _fail(path, Reason.CORRUPT, "图像文件已损坏或不完整，无法解码。") from exc


def _check_frame(path: Path, number: int, frame: Image.Image) -> None:
    width, height = frame.size
    if width * height > MAX_PIXELS:
        raise _fail(path, Reason.TOO_LARGE,
                    f"第 {number} 页图像 {width}×{height} 像素（{width * height / 1e6:.0f} 百万像素），"
                    f"超过上限 {MAX_PIXELS / 1e6:.0f} 百万像素。")
    frame.load()


def inspect_scan(path: Path) -> ScanInput:
    """Identify and validate an input file by its bytes; raise ScanInputError if unusable."""
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise _fail(path, Reason.UNREADABLE, "这是一个文件夹，不是文件。")
        if not stat.S_ISREG(status.st_mode):
            # Reading a named pipe or a device would wait for ever.
            raise _fail(path, Reason.UNSUPPORTED, "不是普通文件（命名管道、设备等特殊文件），无法读取。")
        size = status.st_size
        head = read_head(path)
    except FileNotFoundError as exc:
        raise _fail(path, Reason.UNREADABLE, "文件不存在。") from exc
    except PermissionError as exc:
        raise _fail(path, Reason.UNREADABLE, "没有读取该文件的权限。") from exc
    except OSError as exc:
        raise _fail(path, Reason.UNREADABLE, f"无法读取文件（错误号 {exc.errno}）。") from exc
    if size == 0:
        raise _fail(path, Reason.EMPTY, "文件为空（0 字节），可能扫描或复制未完成。")
    kind = sniff(head)
    if kind not in SCAN_KINDS:
        raise _fail(path, Reason.UNSUPPORTED,
                    f"不支持的文件类型（{describe(path, head)}）。"
                    "请提交 PDF、JPEG、PNG 或 TIFF 文件。")
    notice = _mislabel_notice(path, kind)
    if kind == "pdf":
        return ScanInput(path, kind, _check_pdf(path), size, None, None, False, notice)
    facts = _check_image(path)
    assumed = None if facts.dpi else estimate_dpi(*facts.size)
    return ScanInput(path, kind, facts.frames, size, facts.dpi, assumed,
                     facts.needs_conversion, notice)


def _ocr_ready_frame(frame: Image.Image) -> Image.Image:
    if frame.mode in OCR_READY_MODES:
        return frame.copy()
    rgba = frame.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("RGB")


def ocr_source(scan: ScanInput, work_dir: Path) -> Path:
    """Return the file OCR should read: the original, or a copy in work_dir (flattened to RGB, or named in UTF-8)."""
    if not scan.needs_conversion:
        if undecodable_bytes(scan.path.name) is None:
            return scan.path
        # ocrmypdf and its libraries take file names as text: give them one they can encode.
        return Path(shutil.copyfile(scan.path, work_dir / f"input{KIND_SUFFIXES[scan.kind]}"))
    with Image.open(scan.path) as image:
        frames = [_ocr_ready_frame(frame) for frame in ImageSequence.Iterator(image)]
        dpi = image.info.get("dpi")
    target = work_dir / "ocr-source.tif"
    extra = {"dpi": dpi} if dpi else {}
    frames[0].save(target, "TIFF", compression="tiff_lzw", save_all=True,
                   append_images=frames[1:], **extra)
    return target


def _is_scan(page: pikepdf.Page) -> bool:
    """Whether a page holds an image large enough to be the page itself (a scan or photo)."""
    width, height = page_size_pt(page)
    page_pixels_at_100dpi = (width / 72 * 100) * (height / 72 * 100)
    largest = max((int(image.get("/Width", 0)) * int(image.get("/Height", 0))
                   for image in page.get_images().values()), default=0)
    return largest >= SCAN_COVER * page_pixels_at_100dpi


def scanned_pages(pdf: Path) -> list[bool]:
    """For each page, whether it is a scan or photo (an image of the page) rather than born-digital."""
    with pdf.open("rb") as stream, pikepdf.open(stream) as document:
        return [_is_scan(page) for page in document.pages]
