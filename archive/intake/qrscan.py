"""QR codes on every page of a scan or PDF: the raw texts, for identifying signed forms.

Pages are rendered in grey (pypdfium2 for PDFs, Pillow for images) and decoded
with zxing-cpp restricted to QR codes: about 10× faster than all formats, and
rendering, not decoding, is what costs (MEASUREMENTS.md, bench/RESULTS.md).
Parsing the texts into identities is the caller's business (docgen.identity).
"""

from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import zxingcpp
from PIL import Image, ImageSequence

from archive.base.errors import InputFileError
from archive.content.filetype import SCAN_KINDS, read_head, sniff

DEFAULT_DPI = 150
QR_FORMATS = zxingcpp.BarcodeFormat.QRCode


@dataclass(frozen=True)
class PageCode:
    """The QR code texts found on one page (1-based), in reading order."""

    page: int
    texts: tuple[str, ...]


def decode_qr(image: Image.Image) -> tuple[str, ...]:
    """Return the texts of all valid QR codes in image, top to bottom, without repeats."""
    found = zxingcpp.read_barcodes(image, formats=QR_FORMATS)
    ordered = sorted((b for b in found if b.valid and b.text),
                     key=lambda b: (b.position.top_left.y, b.position.top_left.x))
    return tuple(dict.fromkeys(b.text for b in ordered))


def _pdf_pages(pdf: Path, dpi: int):
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        for page in document:
            yield page.render(scale=dpi / 72, grayscale=True).to_pil()
            page.close()
    finally:
        document.close()


def _scaled(frame: Image.Image, dpi: int) -> Image.Image:
    grey = frame.convert("L")
    source_dpi = float(frame.info.get("dpi", (0, 0))[0] or 0)
    # Decode at the asked resolution: larger images cost time and gain nothing.
    if source_dpi > dpi * 1.25:
        factor = dpi / source_dpi
        grey = grey.resize((round(grey.width * factor), round(grey.height * factor)),
                           Image.Resampling.BOX)
    return grey


def _image_pages(image_path: Path, dpi: int):
    with Image.open(image_path) as image:
        for frame in ImageSequence.Iterator(image):
            yield _scaled(frame, dpi)


def find_identities(pdf_or_image: Path, dpi: int = DEFAULT_DPI) -> list[PageCode]:
    """Decode the QR codes of every page of a PDF, JPEG, PNG or TIFF rendered at dpi."""
    kind = sniff(read_head(pdf_or_image))
    if kind not in SCAN_KINDS:
        raise InputFileError(f"{pdf_or_image.name}：不是 PDF 或图像文件，无法读取二维码。")
    pages = _pdf_pages(pdf_or_image, dpi) if kind == "pdf" else _image_pages(pdf_or_image, dpi)
    try:
        return [PageCode(number, decode_qr(image)) for number, image in enumerate(pages, start=1)]
    except (pypdfium2.PdfiumError, OSError) as exc:
        raise InputFileError(f"{pdf_or_image.name}：文件已损坏，无法读取二维码。") from exc
