"""Straightening skewed scans before OCR, page by page, only where a page is measurably skewed.

ocrmypdf's --deskew straightens every page and made straight pages worse
(MEASUREMENTS.md); a table read 2–4° askew loses its rows. So each page's skew
is measured (the angle at which its ink lines up into the sharpest rows) and
only pages beyond a threshold are turned back.
"""

from pathlib import Path

import numpy as np
import pypdfium2
from PIL import Image, ImageSequence

MAX_DEGREES = 6.0
COARSE_STEP = 0.25
FINE_STEP = 0.05
MEASURE_WIDTH = 900
INK_LEVEL = 128
# Pages rendered from a PDF for straightening keep their scan's resolution within these bounds.
RENDER_DPI = (150, 400)


def _ink_points(page: Image.Image) -> tuple[np.ndarray, np.ndarray, int]:
    grey = page.convert("L")
    scale = MEASURE_WIDTH / grey.width
    small = grey.resize((MEASURE_WIDTH, max(1, round(grey.height * scale))), Image.Resampling.BOX)
    ys, xs = np.nonzero(np.asarray(small) < INK_LEVEL)
    return xs.astype(np.float64), ys.astype(np.float64), small.height


def _sharpness(xs: np.ndarray, ys: np.ndarray, height: int, degrees: float) -> float:
    # Projected onto the page's vertical at this angle, lines of text make the tallest, narrowest peaks.
    angle = np.deg2rad(degrees)
    rows = ys * np.cos(angle) + xs * np.sin(angle)
    counts, _ = np.histogram(rows, bins=height, range=(-MEASURE_WIDTH, height + MEASURE_WIDTH))
    return float(np.square(counts.astype(np.float64)).sum())


def measure_skew(page: Image.Image) -> float:
    """The angle in degrees (counter-clockwise) by which the page's lines are turned from the horizontal."""
    xs, ys, height = _ink_points(page)
    if len(xs) < 100:
        return 0.0
    coarse = np.arange(-MAX_DEGREES, MAX_DEGREES + COARSE_STEP, COARSE_STEP)
    best = max(coarse, key=lambda d: _sharpness(xs, ys, height, d))
    fine = np.arange(best - COARSE_STEP, best + COARSE_STEP + FINE_STEP, FINE_STEP)
    return float(max(fine, key=lambda d: _sharpness(xs, ys, height, d)))


def _straight(page: Image.Image, threshold: float) -> tuple[Image.Image, float]:
    skew = measure_skew(page)
    if abs(skew) < threshold:
        return page, 0.0
    rgb = page.convert("RGB")
    return rgb.rotate(-skew, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255)), skew


def _pdf_pages(pdf: Path) -> tuple[list[Image.Image], float]:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        first = document[0]
        images = [obj for obj in first.get_objects() if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]
        pixels = max((obj.get_px_size()[0] for obj in images), default=0)
        dpi = min(max(pixels / (first.get_width() / 72), RENDER_DPI[0]), RENDER_DPI[1])
        return [page.render(scale=dpi / 72).to_pil() for page in document], dpi
    finally:
        document.close()


def straighten(source: Path, kind: str, dpi: float | None, work_dir: Path, threshold: float) -> Path | None:
    """A copy of the scan with its skewed pages turned straight (a TIFF in work_dir), or None if none is skewed."""
    if kind == "pdf":
        pages, dpi = _pdf_pages(source)
    else:
        with Image.open(source) as image:
            pages = [frame.copy() for frame in ImageSequence.Iterator(image)]
    turned = [_straight(page, threshold) for page in pages]
    if not any(skew for _, skew in turned):
        return None
    target = work_dir / "straightened.tif"
    images = [page.convert("RGB") for page, _ in turned]
    extra = {"dpi": (dpi, dpi)} if dpi else {}
    images[0].save(target, "TIFF", compression="tiff_lzw", save_all=True, append_images=images[1:], **extra)
    return target
