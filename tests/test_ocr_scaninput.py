"""Input detection and validation by content: every bad input gets its reason and names the file."""

import io
from pathlib import Path

import img2pdf
import pikepdf
import pytest
from docx import Document
from PIL import Image, ImageDraw

from archive.base.errors import InputFileError
from archive.intake.scaninput import (
    MAX_PIXELS,
    Reason,
    ScanInputError,
    estimate_dpi,
    inspect_scan,
    ocr_source,
)


def _page_image(mode: str = "RGB", size=(827, 1169)) -> Image.Image:
    image = Image.new(mode, size, "white")
    ImageDraw.Draw(image).rectangle((100, 100, 700, 200), fill="black")
    return image


def _jpeg_bytes(dpi=(100, 100)) -> bytes:
    buffer = io.BytesIO()
    _page_image().save(buffer, "JPEG", quality=80, dpi=dpi)
    return buffer.getvalue()


def _pdf_bytes(pages: int = 1) -> bytes:
    return img2pdf.convert([_jpeg_bytes()] * pages)


def _refused(path: Path) -> ScanInputError:
    with pytest.raises(ScanInputError) as info:
        inspect_scan(path)
    assert isinstance(info.value, InputFileError)
    assert info.value.path == path
    assert path.name in info.value.message
    return info.value


def test_pdf_is_accepted_with_page_count(tmp_path):
    path = tmp_path / "扫描件.pdf"
    path.write_bytes(_pdf_bytes(3))
    scan = inspect_scan(path)
    assert (scan.kind, scan.pages, scan.notice, scan.mislabelled) == ("pdf", 3, "", False)
    assert scan.size == path.stat().st_size


def test_jpeg_named_pdf_is_processed_as_jpeg_and_reported(tmp_path):
    path = tmp_path / "签字页.pdf"
    path.write_bytes(_jpeg_bytes(dpi=(200, 200)))
    scan = inspect_scan(path)
    assert scan.kind == "jpeg" and scan.mislabelled
    assert "签字页.pdf" in scan.notice and ".pdf" in scan.notice and "JPEG" in scan.notice
    assert scan.dpi == (200.0, 200.0) and scan.assumed_dpi is None


def test_multipage_tiff_counts_frames(tmp_path):
    path = tmp_path / "stack.tif"
    first = _page_image("L")
    first.save(path, "TIFF", save_all=True, append_images=[_page_image("L")] * 2, dpi=(150, 150))
    scan = inspect_scan(path)
    assert (scan.kind, scan.pages, scan.dpi, scan.needs_conversion) == ("tiff", 3, (150.0, 150.0), False)


def test_image_without_dpi_gets_an_a4_resolution(tmp_path):
    path = tmp_path / "phone.png"
    _page_image(size=(1654, 2339)).save(path)
    scan = inspect_scan(path)
    assert scan.dpi is None and scan.assumed_dpi == 200
    assert estimate_dpi(4032, 3024) == 345
    assert estimate_dpi(300, 400) == 150


def test_implausible_dpi_is_treated_as_missing(tmp_path):
    path = tmp_path / "screen.jpg"
    path.write_bytes(_jpeg_bytes(dpi=(72, 72)))
    assert inspect_scan(path).assumed_dpi == 150


def test_alpha_image_is_flattened_for_ocr_and_original_untouched(tmp_path):
    path = tmp_path / "transparent.png"
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((50, 50, 150, 150), fill=(0, 0, 0, 255))
    image.save(path, dpi=(150, 150))
    before = path.read_bytes()
    scan = inspect_scan(path)
    assert scan.needs_conversion
    source = ocr_source(scan, tmp_path)
    assert source != path and path.read_bytes() == before
    with Image.open(source) as flat:
        assert flat.mode == "RGB"
        assert flat.getpixel((10, 10)) == (255, 255, 255)
        assert flat.getpixel((100, 100)) == (0, 0, 0)


def test_ready_image_is_given_to_ocr_as_is(tmp_path):
    path = tmp_path / "scan.jpg"
    path.write_bytes(_jpeg_bytes(dpi=(200, 200)))
    assert ocr_source(inspect_scan(path), tmp_path) == path


def test_empty_file(tmp_path):
    path = tmp_path / "空文件.pdf"
    path.write_bytes(b"")
    error = _refused(path)
    assert error.reason == Reason.EMPTY == "empty"
    assert "0 字节" in error.message


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.999])
def test_truncated_pdf(tmp_path, keep):
    data = _pdf_bytes(2)
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: int(len(data) * keep)])
    error = _refused(path)
    assert error.reason == "corrupt"
    assert "不完整" in error.message


def test_garbled_pdf(tmp_path):
    path = tmp_path / "garbled.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    assert _refused(path).reason == "corrupt"


def test_user_password_pdf_is_refused(tmp_path):
    path = tmp_path / "加密.pdf"
    with pikepdf.open(io.BytesIO(_pdf_bytes())) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    error = _refused(path)
    assert error.reason == "encrypted"
    assert "密码" in error.message


def test_owner_password_only_pdf_is_accepted(tmp_path):
    path = tmp_path / "owner.pdf"
    with pikepdf.open(io.BytesIO(_pdf_bytes())) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="", owner="owner"))
    assert inspect_scan(path).pages == 1


def test_docx_is_unsupported_and_named(tmp_path):
    path = tmp_path / "申请表.docx"
    doc = Document()
    doc.add_paragraph("项目名称")
    doc.save(path)
    error = _refused(path)
    assert error.reason == "unsupported"
    assert "Word" in error.message and "PDF、JPEG、PNG 或 TIFF" in error.message


def test_text_file_named_pdf_is_unsupported(tmp_path):
    path = tmp_path / "note.pdf"
    path.write_text("这不是 PDF\n", encoding="utf-8")
    error = _refused(path)
    assert error.reason == "unsupported" and "文本文件" in error.message


def test_gif_is_unsupported(tmp_path):
    path = tmp_path / "scan.gif"
    _page_image().save(path, "GIF")
    assert "GIF" in _refused(path).message


def test_truncated_jpeg_is_corrupt(tmp_path):
    data = _jpeg_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 2])
    assert _refused(path).reason == "corrupt"


def test_image_over_the_pixel_limit(tmp_path):
    path = tmp_path / "huge.png"
    Image.new("1", (12_000, 9_000), 1).save(path)
    assert 12_000 * 9_000 > MAX_PIXELS
    error = _refused(path)
    assert error.reason == "too_large" and "108 百万像素" in error.message


def test_pdf_page_larger_than_a0(tmp_path):
    path = tmp_path / "poster.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(2384 * 2, 3370 * 2))
        pdf.save(path)
    error = _refused(path)
    assert error.reason == "too_large" and "A0" in error.message


def test_missing_file_and_folder(tmp_path):
    assert _refused(tmp_path / "gone.pdf").reason == "unreadable"
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    assert _refused(folder).reason == "unreadable"
