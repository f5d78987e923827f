"""ocrmypdf plugin: RapidOCR (PP-OCR on onnxruntime) for the text, Tesseract's OSD for orientation.

Built on ocrmypdf-rapidocr, which falls short in four ways measured here
(bench/RESULTS.md): it reports every page as upright, so --rotate-pages
never turns a 90° scan; its text-line angle classifier flipped whole lines of
upright pages into garbage; onnxruntime's threads were not matched to
ocrmypdf's page workers (2.2× slower on 20 pages); and it detects lines on the
full-size page. Like ocrmypdf-rapidocr, it answers to ocr_engine "rapidocr"
and "auto": loading the plugin selects it, which also lets the bare CLI
(`ocrmypdf --plugin archive.intake.rapidocr_plugin`) serve as the benchmark baseline.
"""

import os
from functools import lru_cache
from pathlib import Path

from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine
from ocrmypdf_rapidocr.engine import RapidOCREngine
from ocrmypdf_rapidocr.hocr import bbox_from_polygon, build_hocr_document, confidence_to_percent
from ocrmypdf_rapidocr.languages import map_language_to_langrec_name, select_single_language
from ocrmypdf_rapidocr.options import check_runtime_dependencies
from PIL import Image

from archive.intake.reading_order import Glyph, Line, find_grid, reading_order

ENGINE_NAMES = ("rapidocr", "auto")
THREADS_KEY = "daiban_rapidocr_threads"


def _selected(options) -> bool:
    return options is not None and getattr(options, "ocr_engine", "auto") in ENGINE_NAMES


@lru_cache(maxsize=4)
def _recogniser(language: str, threads: int):
    """Load the models once per page-worker process: loading costs about a second."""
    from rapidocr import EngineType, LangRec, RapidOCR

    return RapidOCR(params={
        "Global.use_cls": False,
        # Detect lines on a page scaled to ≤ 1280 px (recognition still reads full-resolution
        # crops): detection time fell from 2–3 s to under 1 s a page, error rate unchanged.
        "Det.limit_type": "max",
        "Det.limit_side_len": 1280,
        "Global.log_level": "warning",
        "Det.engine_type": EngineType.ONNXRUNTIME,
        "Rec.engine_type": EngineType.ONNXRUNTIME,
        "Rec.lang_type": getattr(LangRec, map_language_to_langrec_name(language)),
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })


def _lines(result, width: int, height: int) -> list[Line]:
    """RapidOCR's lines with the boxes of their characters."""
    glyph_sets = list(getattr(result, "word_results", None) or [])
    found = []
    for index, (text, box, score) in enumerate(zip(result.txts or (), result.boxes if result.boxes is not None
                                                   else (), result.scores or (), strict=False)):
        if not str(text).strip():
            continue
        glyphs = glyph_sets[index] if index < len(glyph_sets) else ()
        found.append(Line(str(text).strip(), bbox_from_polygon(box, width, height), confidence_to_percent(score),
                          tuple(Glyph(char, bbox_from_polygon(polygon, width, height))
                                for char, _, polygon in glyphs)))
    return found


class RapidOcrWithOsd(RapidOCREngine):
    """RapidOCR recognition with Tesseract orientation detection."""

    @staticmethod
    def get_orientation(input_file, options):
        """Ask Tesseract's OSD which way the page is turned."""
        return TesseractOcrEngine.get_orientation(input_file, options)

    @staticmethod
    def generate_hocr(input_file, output_hocr, output_text, options):
        """Recognise one page image and write its hOCR and plain text."""
        language = select_single_language(options)
        threads = int(options.extra_attrs.get(THREADS_KEY, 1))
        with Image.open(input_file) as image:
            width, height = image.size
            grid = find_grid(image)
        result = _recogniser(language, threads)(str(input_file), return_word_box=True, return_single_char_box=True)
        found = reading_order(_lines(result, width, height), grid)
        lines = [(line.text, line.box, line.confidence) for line in found]
        Path(output_hocr).write_text(
            build_hocr_document(page_width=width, page_height=height, language=language,
                                lines=lines),
            encoding="utf-8",
        )
        Path(output_text).write_text("\n".join(text for text, _, _ in lines), encoding="utf-8")


@hookimpl
def check_options(options):
    """Check RapidOCR is installed and exactly one language is asked for."""
    if not _selected(options):
        return
    check_runtime_dependencies()
    select_single_language(options)


@hookimpl
def validate(pdfinfo, options):
    """Share the cores between the page workers, as ocrmypdf does for Tesseract."""
    if not _selected(options):
        return
    workers = max(1, min(options.jobs or 1, len(pdfinfo)))
    options.extra_attrs[THREADS_KEY] = max(1, (os.cpu_count() or 1) // workers)


@hookimpl
def get_ocr_engine(options):
    """Return the RapidOCR engine when ocr_engine is "rapidocr" or "auto"."""
    if _selected(options):
        return RapidOcrWithOsd()
    return None
