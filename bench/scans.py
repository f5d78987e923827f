"""Scan simulator: a realistic generated form (docx → PDF) and degraded scans of it.

The form stands in for the real templates until they exist: an A4 “全代办”服务委托书
with the key fields, a table and a footer QR code holding the form's identity.
Scans are made the way an archivist's scanner makes them: rasterised at
150–300 dpi, with a red seal over text, a handwritten signature, noise, a small
skew or a 90/180° rotation, JPEG compression, as image-only PDF or image files.
"""

import io
import math
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import img2pdf
import pypdfium2
from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from archive.base.terms import SUSPEND_REASONS
from docgen.identity import QR_WIDTH_MM, parse_identity, qr_png

BODY_FONT = "Noto Serif CJK SC"
TITLE_FONT = "Noto Sans CJK SC"
SEAL_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
SOFFICE_TIMEOUT_S = 120


@dataclass(frozen=True)
class FormFields:
    """The values printed on the generated form; the key fields are checked in OCR output."""

    case_no: str = "DB-2026-0001"
    form_id: str = "entrust"
    version: int = 1
    project_name: str = "晋城市高新区智能装备产业园一期工程"
    unit: str = "晋城市泽州恒达机械制造有限公司"
    project_code: str = "2026-140500-44-01-012345"
    doc_no: str = "晋代办〔2026〕17号"
    agency: str = "晋城市行政审批服务管理局"
    contact: str = "王建国"
    phone: str = "13835612345"
    manager: str = "李晓梅"
    stage: str = "立项用地规划许可"

    @property
    def identity(self) -> str:
        """Return the identity the QR code holds: <case-no>/<form-id>/v<n>."""
        return f"{self.case_no}/{self.form_id}/v{self.version}"

    def key_fields(self) -> dict[str, str]:
        """Return the fields that must be found verbatim in the stored text."""
        return {
            "项目代码": self.project_code,
            "项目名称": self.project_name,
            "项目单位": self.unit,
            "文号": self.doc_no,
        }


@dataclass(frozen=True)
class ScanVariant:
    """How one simulated scan is made from the form PDF."""

    name: str
    dpi: int = 200
    stamp: bool = True
    signature: bool = True
    noise: float = 6.0
    skew_deg: float = 0.0
    rotate: int = 0
    jpeg_quality: int | None = None
    fmt: str = "pdf"
    keep_dpi: bool = True


VARIANTS = (
    ScanVariant("300dpi", dpi=300),
    ScanVariant("200dpi", dpi=200),
    ScanVariant("150dpi", dpi=150),
    ScanVariant("clean-200dpi", dpi=200, stamp=False, signature=False, noise=0.0),
    ScanVariant("skew1.5-200dpi", dpi=200, skew_deg=1.5),
    ScanVariant("skew3-150dpi", dpi=150, skew_deg=-3.0),
    ScanVariant("rot90-200dpi", dpi=200, rotate=90),
    ScanVariant("rot180-150dpi", dpi=150, rotate=180),
    ScanVariant("jpeg60-150dpi", dpi=150, jpeg_quality=60),
    ScanVariant("jpg-file-200dpi", dpi=200, jpeg_quality=85, fmt="jpeg"),
    ScanVariant("png-file-150dpi", dpi=150, fmt="png"),
    ScanVariant("tiff-file-200dpi", dpi=200, fmt="tiff"),
)


def _set_run_font(run, name: str, size_pt: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc_or_cell, text: str, size_pt: float = 12, bold: bool = False,
               align=WD_ALIGN_PARAGRAPH.LEFT, font: str = BODY_FONT, indent: bool = False):
    paragraph = doc_or_cell.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(4)
    paragraph.paragraph_format.line_spacing = 1.25
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size_pt * 2)
    _set_run_font(paragraph.add_run(text), font, size_pt, bold)
    return paragraph


def _set_language_zh(doc) -> None:
    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)


def _set_grid_widths(table, widths_cm: list[float]) -> None:
    # LibreOffice ignores cell widths alone; the grid columns decide (MEASUREMENTS.md).
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(width * 567)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _info_table(doc, fields: FormFields) -> None:
    rows = [
        ("项目名称", fields.project_name),
        ("项目单位", fields.unit),
        ("项目代码", fields.project_code),
        ("项目联系人", f"{fields.contact}（联系电话：{fields.phone}）"),
        ("代办阶段", f"{fields.stage}阶段"),
        ("项目长", fields.manager),
    ]
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_grid_widths(table, [3.6, 12.0])
    for row, (label, value) in zip(table.rows, rows, strict=True):
        for cell, text, bold in ((row.cells[0], label, True), (row.cells[1], value, False)):
            cell.paragraphs[0].paragraph_format.space_after = Pt(2)
            _set_run_font(cell.paragraphs[0].add_run(text), BODY_FONT, 11, bold)


def _footer_with_qr(doc, fields: FormFields) -> None:
    footer = doc.sections[0].footer
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _set_run_font(paragraph.add_run(f"文号：{fields.doc_no}  "), BODY_FONT, 10)
    qr = io.BytesIO(qr_png(parse_identity(fields.identity)))
    paragraph.add_run().add_picture(qr, width=Mm(QR_WIDTH_MM))


def make_form_docx(fields: FormFields, out_docx: Path) -> Path:
    """Write the generated 委托书 form as a .docx (python-docx) and return its path."""
    doc = Document()
    _set_language_zh(doc)
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(2.4), Cm(2.2)
    _paragraph(doc, f"文号：{fields.doc_no}", 11, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, "“全代办”服务委托书", 20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
               font=TITLE_FONT)
    _paragraph(
        doc,
        f"根据《项目审批“全代办”工作方案》，{fields.unit}委托{fields.agency}，开展"
        f"{fields.project_name}审批“全代办”服务，现对委托内容明确如下：",
        indent=True,
    )
    _info_table(doc, fields)
    _paragraph(doc, f"一、本次主要是开展{fields.stage}阶段“全代办”工作，代办涉及审批事项："
               "项目备案、建设项目用地预审与选址意见书、建设用地规划许可证核发。", indent=True)
    _paragraph(doc, f"二、我单位承诺按时提供项目审批需要的材料、缴纳相关规费、到现场实名认证和签字，"
               f"并指定{fields.contact}为我单位项目联系人，联系电话{fields.phone}。", indent=True)
    _paragraph(doc, "三、我单位承诺在委托代办期间，因出现下列情况之一导致“全代办”服务中止，"
               "由此产生的损失由本单位自行承担：", indent=True)
    for line in (f"{n}.{text}{'。' if n == len(SUSPEND_REASONS) else '；'}" for n, text in SUSPEND_REASONS.items()):
        _paragraph(doc, line, 11.5, indent=True)
    _paragraph(doc, "四、我单位对提交材料的真实性负责，因材料问题产生的法律责任由我单位承担，"
               "包括但不限于撤销审批文书。", indent=True)
    _paragraph(doc, "本委托书自签署之日起生效。", indent=True)
    _paragraph(doc, "项目单位（盖章或签字）：", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, "2026年3月16日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _footer_with_qr(doc, fields)
    doc.save(out_docx)
    return out_docx


def docx_to_pdf(docx: Path, out_dir: Path) -> Path:
    """Convert a .docx to PDF with LibreOffice in its own profile (shared profiles fail)."""
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)],
            check=True, capture_output=True, timeout=SOFFICE_TIMEOUT_S,
        )
    pdf = out_dir / f"{docx.stem}.pdf"
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice produced no PDF for {docx}")
    return pdf


def make_form_pdf(fields: FormFields, out_dir: Path) -> Path:
    """Generate the form as a born-digital A4 PDF in out_dir and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    docx = make_form_docx(fields, out_dir / f"form-{fields.form_id}-v{fields.version}.docx")
    return docx_to_pdf(docx, out_dir)


def form_text(pdf: Path) -> str:
    """Return the text of a born-digital PDF as pdftotext reads it (the OCR reference)."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                          check=True, capture_output=True, timeout=60)
    return done.stdout.decode("utf-8")


def render_pages(pdf: Path, dpi: int) -> list[Image.Image]:
    """Rasterise every page of a PDF to an RGB image at dpi."""
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def _seal(diameter: int, text: str) -> Image.Image:
    """Draw a round red company seal as an L mask (255 = ink)."""
    mask = Image.new("L", (diameter, diameter), 0)
    draw = ImageDraw.Draw(mask)
    ring = max(3, diameter // 28)
    draw.ellipse((ring, ring, diameter - ring, diameter - ring), outline=255, width=ring)
    centre = diameter / 2
    star_r = diameter * 0.16
    points = [
        (centre + (star_r if i % 2 == 0 else star_r * 0.4) * math.sin(i * math.pi / 5),
         centre - (star_r if i % 2 == 0 else star_r * 0.4) * math.cos(i * math.pi / 5))
        for i in range(10)
    ]
    draw.polygon(points, fill=255)
    font = ImageFont.truetype(str(SEAL_FONT), int(diameter * 0.12), index=2)
    span = 250.0
    radius = diameter / 2 - ring * 2 - diameter * 0.08
    for i, char in enumerate(text):
        angle = -span / 2 + span * i / max(1, len(text) - 1)
        glyph = Image.new("L", (int(diameter * 0.16),) * 2, 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), char, fill=255,
                                   font=font, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.BICUBIC)
        x = centre + radius * math.sin(math.radians(angle)) - glyph.width / 2
        y = centre - radius * math.cos(math.radians(angle)) - glyph.height / 2
        mask.paste(255, (int(x), int(y)), glyph)
    return mask


def _apply_ink(page: Image.Image, mask: Image.Image, colour: tuple[int, int, int],
               at: tuple[int, int], opacity: float) -> Image.Image:
    """Print ink of colour through mask onto page, multiplying so text below stays visible."""
    layer = Image.new("RGB", page.size, (255, 255, 255))
    alpha = Image.new("L", page.size, 0)
    alpha.paste(mask.point(lambda v: int(v * opacity)), at)
    layer.paste(Image.new("RGB", page.size, colour), (0, 0), alpha)
    return ImageChops.multiply(page, layer)


def _bezier(p0, p1, p2, p3, steps: int = 40) -> list[tuple[float, float]]:
    return [
        tuple((1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t ** 2 * c + t ** 3 * d
              for a, b, c, d in zip(p0, p1, p2, p3, strict=True))
        for t in (i / steps for i in range(steps + 1))
    ]


def _signature(width: int, height: int, rng: random.Random, dpi: int) -> Image.Image:
    """Draw a handwritten-looking signature (random Bézier strokes) as an L mask."""
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    pen = max(2, round(dpi / 70))
    x = width * 0.05
    for _ in range(rng.randint(3, 5)):
        glyph_w = width * rng.uniform(0.14, 0.24)
        points = [(x + glyph_w * rng.uniform(0, 1), height * rng.uniform(0.15, 0.85))
                  for _ in range(4)]
        for _ in range(rng.randint(2, 3)):
            curve = _bezier(*points)
            draw.line(curve, fill=255, width=pen, joint="curve")
            points = [points[-1]] + [(x + glyph_w * rng.uniform(0, 1.1),
                                      height * rng.uniform(0.1, 0.9)) for _ in range(3)]
        x += glyph_w * rng.uniform(0.8, 1.05)
    return mask


def _add_noise(page: Image.Image, sigma: float) -> Image.Image:
    noise = Image.effect_noise(page.size, sigma).convert("RGB")
    return ImageChops.add(page, noise, scale=1.0, offset=-128)


def degrade(page: Image.Image, variant: ScanVariant, unit: str, rng: random.Random) -> Image.Image:
    """Turn one clean page image into what a scanner returns for the signed paper."""
    width, height = page.size
    dpi = variant.dpi
    if variant.signature:
        sig = _signature(int(dpi * 1.8), int(dpi * 0.6), rng, dpi)
        page = _apply_ink(page, sig, (20, 30, 90), (int(width * 0.68), int(height * 0.80)), 0.95)
    if variant.stamp:
        seal = _seal(int(dpi * 1.65), unit).rotate(rng.uniform(-20, 20), resample=Image.BICUBIC)
        page = _apply_ink(page, seal, (225, 30, 35), (int(width * 0.55), int(height * 0.73)), 0.8)
    page = page.filter(ImageFilter.GaussianBlur(0.5 * dpi / 200))
    if variant.noise:
        page = _add_noise(page, variant.noise)
    if variant.skew_deg:
        page = page.rotate(variant.skew_deg, resample=Image.BICUBIC, fillcolor=(250, 250, 248))
    if variant.rotate:
        page = page.rotate(variant.rotate, expand=True)
    return page


def _encode_page(page: Image.Image, variant: ScanVariant) -> bytes:
    buffer = io.BytesIO()
    if variant.jpeg_quality:
        page.save(buffer, "JPEG", quality=variant.jpeg_quality, dpi=(variant.dpi,) * 2)
    else:
        page.save(buffer, "PNG", dpi=(variant.dpi,) * 2)
    return buffer.getvalue()


def write_scan(pages: list[Image.Image], variant: ScanVariant, out_path: Path) -> Path:
    """Write degraded page images in the variant's format (image-only PDF, JPEG, PNG, TIFF)."""
    dpi_info = {"dpi": (variant.dpi, variant.dpi)} if variant.keep_dpi else {}
    if variant.fmt == "pdf":
        layout = img2pdf.get_fixed_dpi_layout_fun((variant.dpi, variant.dpi))
        out_path.write_bytes(img2pdf.convert([_encode_page(p, variant) for p in pages],
                                             layout_fun=layout))
    elif variant.fmt == "jpeg":
        pages[0].save(out_path, "JPEG", quality=variant.jpeg_quality or 85, **dpi_info)
    elif variant.fmt == "png":
        pages[0].save(out_path, "PNG", **dpi_info)
    elif variant.fmt == "tiff":
        pages[0].save(out_path, "TIFF", compression="tiff_lzw", save_all=True,
                      append_images=pages[1:], **dpi_info)
    else:
        raise ValueError(f"unknown scan format {variant.fmt!r}")
    return out_path


SUFFIXES = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png", "tiff": ".tif"}


def make_scan(form_pdf: Path, variant: ScanVariant, out_dir: Path, seed: int = 1,
              copies: int = 1, unit: str = FormFields.unit) -> Path:
    """Make one simulated scan of form_pdf (all its pages, copies times) and return its path."""
    rng = random.Random(seed)
    clean = render_pages(form_pdf, variant.dpi)
    pages = [degrade(page, variant, unit, rng) for _ in range(copies) for page in clean]
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_scan(pages, variant, out_dir / f"scan-{variant.name}{SUFFIXES[variant.fmt]}")


def variant(name: str) -> ScanVariant:
    """Return the standard variant called name."""
    return next(v for v in VARIANTS if v.name == name)


def main() -> None:
    """Write the form and every standard scan variant to ./scans-demo for a look."""
    out = Path("scans-demo")
    shutil.rmtree(out, ignore_errors=True)
    pdf = make_form_pdf(FormFields(), out)
    for v in VARIANTS:
        print(make_scan(pdf, v, out))
    print(make_scan(pdf, replace(variant("200dpi"), name="nodpi-png", fmt="png", keep_dpi=False),
                    out))


if __name__ == "__main__":
    main()
