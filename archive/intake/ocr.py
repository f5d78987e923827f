"""OCR of one input file into a searchable PDF/A, with its text per page, under a timeout.

ocrmypdf's Python API runs in a worker process (archive.intake.ocr_worker) in its own
process group: when the timeout expires the whole group (ocrmypdf, its page
workers, Tesseract) is killed and nothing is left behind, neither process nor
partial output. Settings follow MEASUREMENTS.md and bench/RESULTS.md:
RapidOCR by default (Tesseract as a setting), OMP_THREAD_LIMIT=1, rotate pages
(Tesseract OSD), no deskew, PDF/A, chi_sim alone, text from the sidecar,
the layout text (archive.content.pdflayout) for pages that already had text.
"""

import json
import logging
import os
import re
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from archive.base.errors import ExternalToolError, UsageError
from archive.base.processes import child_environment, kill_group
from archive.base.text import display_name
from archive.content.pdflayout import pdf_layout_text
from archive.dataroot.settings import OcrSettings
from archive.intake.ocr_worker import PROTOCOL_FD_ENV
from archive.intake.scaninput import Reason, ScanInput, ScanInputError, inspect_scan, ocr_source, scanned_pages
from archive.intake.straighten import straighten
from index.normalize import clean_ocr_text, clean_text

logger = logging.getLogger("daiban")
ENGINES = ("tesseract", "rapidocr")
DEFAULT_TIMEOUT_S = 900.0
SKIPPED_RANGE = re.compile(r"\[OCR skipped on page\(s\) (\d+)(?:-(\d+))?\]")
SKIPPED_PAGE = "[skipped page]"

Progress = Callable[[str, float, float | None], None]


@dataclass(frozen=True)
class SoftFailure:
    """A page that produced no text although the document as a whole succeeded."""

    page: int
    reason: str
    message: str


@dataclass(frozen=True)
class OcrResult:
    """The PDF/A written, and the normalised text of each of its pages."""

    output: Path
    pages: int
    texts: tuple[str, ...]
    engine: str
    seconds: float
    text_pages: tuple[int, ...]
    soft_failures: tuple[SoftFailure, ...]
    scan: ScanInput
    pdfa: bool

    @property
    def text(self) -> str:
        """Return the whole document's text, pages separated by a blank line."""
        return "\n\n".join(t for t in self.texts if t)


class OcrError(ExternalToolError):
    """OCR failed or timed out on a valid input; `.reason` says which, `.path` which file."""

    def __init__(self, path: Path, reason: Reason, message: str):
        super().__init__(message)
        self.path = path
        self.reason = reason


def _check_settings(settings: OcrSettings) -> None:
    if settings.engine not in ENGINES:
        raise UsageError(f"未知的 OCR 引擎“{settings.engine}”，可选：{'、'.join(ENGINES)}。")
    if not settings.languages:
        raise UsageError("未设置 OCR 语言（例如 chi_sim）。")
    if settings.engine == "rapidocr" and len(settings.languages) != 1:
        raise UsageError("RapidOCR 只能使用一种 OCR 语言，例如 chi_sim。")


def _worker_env(work_dir: Path, protocol_fd: int) -> dict[str, str]:
    env = child_environment(os.environ)
    # Tesseract's OpenMP threads spin on a busy machine: 16–174 s instead of ~4 s a page.
    env["OMP_THREAD_LIMIT"] = "1"
    env["TMPDIR"] = str(work_dir)
    env[PROTOCOL_FD_ENV] = str(protocol_fd)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _read_events(stream, deadline: float, progress: Progress | None) -> dict | None:
    """Follow the worker's events until it closes the protocol pipe; None on timeout."""
    final = {}
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(timeout=remaining):
                return None
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:
                return final
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                event = json.loads(line)
                if event["event"] == "progress":
                    if progress:
                        progress(event["step"], event["done"], event["total"])
                else:
                    final = event


def _run_worker(request: dict, work_dir: Path, timeout_s: float,
                progress: Progress | None) -> tuple[dict | None, str]:
    """Run one OCR request in a killable process group; return (final event, stderr tail)."""
    read_fd, write_fd = os.pipe()
    stderr_path = work_dir / "worker.log"
    request_path = work_dir / "request.json"
    request_path.write_text(json.dumps(request), encoding="utf-8")
    deadline = time.monotonic() + timeout_s
    with stderr_path.open("wb") as stderr, os.fdopen(read_fd, "rb", buffering=0) as events:
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "archive.intake.ocr_worker", str(request_path)],
                stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr,
                env=_worker_env(work_dir, write_fd), pass_fds=(write_fd,),
                start_new_session=True, cwd=work_dir,
            )
        finally:
            os.close(write_fd)
        try:
            final = _read_events(events, deadline, progress)
            if final is not None:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            final = None
        finally:
            # Page workers or Tesseract may outlive the worker itself: end the whole group.
            kill_group(proc)
    return final, stderr_path.read_text(encoding="utf-8", errors="replace")[-3000:]


_INPUT_ERRORS = {
    "EncryptedPdfError": (Reason.ENCRYPTED, "PDF 设有打开密码（已加密），无法识别。请提供未加密的文件。"),
    "InputFileError": (Reason.CORRUPT, "PDF 文件已损坏或不完整，无法识别。"),
    "UnsupportedImageFormatError": (Reason.UNSUPPORTED, "文件不是可识别的 PDF 或图像（格式不受支持或已损坏）。"),
    "DpiError": (Reason.UNSUPPORTED, "图像的分辨率（DPI）不可信，无法识别。"),
    "DigitalSignatureError": (Reason.SIGNED, "PDF 带有数字签名（电子签章），OCR 会使签名失效，未处理。"),
    "NonEmbeddedFontsError": (Reason.UNSUPPORTED,
                              "PDF 的已有文字使用了未嵌入的中文字体，转换为 PDF/A 会损坏文字，未处理。"),
}
_TOOL_ERRORS = {
    "MissingDependencyError": "所需的程序、组件或语言数据缺失",
    "SubprocessOutputError": "识别程序运行出错",
    "TesseractConfigError": "Tesseract 配置有误",
    "PdfaConversionFailedError": "无法生成 PDF/A",
    "BadArgsError": "参数无效",
    "PriorOcrFoundError": "PDF 已有文字层，无法再次识别",
}
ENGINE_NAMES = {"rapidocr": "RapidOCR", "tesseract": "Tesseract"}
# What Ghostscript, qpdf and the image libraries say when the trouble is the file, not the tool.
DAMAGE_WORDS = ("damaged", "corrupt", "syntaxerror", "xref", "truncated", "unexpected eof", "premature end",
                "broken", "invalid pdf", "cannot identify image")


def _raise_for(event: dict | None, src: Path, engine: str, timeout_s: float, log: str) -> None:
    name, engine = display_name(src.name), ENGINE_NAMES.get(engine, engine)
    if event is None:
        raise OcrError(src, Reason.OCR_TIMEOUT, f"{name}：OCR（{engine}）超时（超过 {timeout_s:g} 秒），已中止。")
    if event.get("event") == "done":
        return
    kind, detail = event.get("type", ""), event.get("detail", "")
    # The tools' own words are English: they go to the log for the maintainer, not to the archivist.
    logger.info("OCR 失败：%s %s %s", kind, detail[:2000], log[-2000:])
    if kind in _INPUT_ERRORS:
        reason, problem = _INPUT_ERRORS[kind]
        raise ScanInputError(src, reason, f"{name}：{problem}")
    if any(word in f"{detail} {log}".lower() for word in DAMAGE_WORDS):
        raise ScanInputError(src, Reason.CORRUPT, f"{name}：文件已损坏（内容有错误，阅读器也许能打开，但无法识别）。")
    if kind == "OutputFileAccessError":
        raise OcrError(src, Reason.OUTPUT_FAILED, f"{name}：无法在数据根目录的暂存区写入识别结果。")
    if kind in _TOOL_ERRORS:
        raise OcrError(src, Reason.OCR_FAILED, f"{name}：OCR（{engine}）{_TOOL_ERRORS[kind]}。")
    if not event:
        raise OcrError(src, Reason.OCR_FAILED, f"{name}：OCR（{engine}）进程意外退出。")
    raise OcrError(src, Reason.OCR_FAILED, f"{name}：OCR（{engine}）失败。")


def _sidecar_pages(sidecar: str, pages: int) -> list[str | None]:
    """Split the sidecar into one entry per page; None for pages OCR skipped (prior text)."""
    result: list[str | None] = []
    for chunk in sidecar.split("\f"):
        match = SKIPPED_RANGE.fullmatch(chunk.strip())
        if match:
            first, last = int(match[1]), int(match[2] or match[1])
            result.extend([None] * (last - first + 1))
        else:
            result.append(chunk)
    return (result + [""] * pages)[:pages]


def _page_texts(sidecar: Path, output: Path, pages: int):
    texts, text_pages, soft = [], [], []
    raw_pages = _sidecar_pages(sidecar.read_text(encoding="utf-8"), pages)
    for number, raw in enumerate(raw_pages, start=1):
        if raw is None:
            text_pages.append(number)
            text = clean_text(pdf_layout_text(output, number))
            if not text:
                soft.append(SoftFailure(number, "no_text",
                                        f"第 {number} 页已有文字层，但提取不到文字。"))
        elif raw.strip() == SKIPPED_PAGE:
            text = ""
            soft.append(SoftFailure(number, "page_skipped",
                                    f"第 {number} 页未能识别（单页识别超时或为空白页），该页没有文字。"))
        else:
            text = clean_ocr_text(raw)
            if not text:
                soft.append(SoftFailure(number, "no_text",
                                        f"第 {number} 页识别不到任何文字（空白页，或图像过淡、过小）。"))
        texts.append(text)
    return tuple(texts), tuple(text_pages), tuple(soft)


def _request(source: Path, part: Path, sidecar: Path, scan: ScanInput,
             settings: OcrSettings) -> dict:
    return {
        "input": str(source),
        "output": str(part),
        "sidecar": str(sidecar),
        "engine": settings.engine,
        "languages": list(settings.languages),
        "deskew": settings.deskew,
        "rotate_pages": settings.rotate_pages,
        "rotate_threshold": settings.rotate_threshold,
        "jobs": max(1, min(settings.jobs, os.cpu_count() or 1)),
        "page_timeout_s": settings.page_timeout_s,
        "image_dpi": scan.assumed_dpi,
    }


def _prepared(scan: ScanInput, work_dir: Path, settings: OcrSettings) -> Path:
    """The file OCR reads: the scan, flattened or renamed if it must be, with skewed pages straightened."""
    source = ocr_source(scan, work_dir)
    if not settings.straighten or (scan.kind == "pdf" and not all(scanned_pages(source))):
        return source
    kind = "pdf" if scan.kind == "pdf" else "tiff"
    dpi = scan.dpi[0] if scan.dpi else scan.assumed_dpi
    return straighten(source, kind, dpi, work_dir, settings.straighten_threshold) or source


def ocr_to_pdfa(src: Path, out_pdf: Path, settings: OcrSettings = OcrSettings(),
                timeout_s: float = DEFAULT_TIMEOUT_S,
                progress: Progress | None = None) -> OcrResult:
    """OCR src into the PDF/A out_pdf (written atomically) and return its per-page text."""
    _check_settings(settings)
    started = time.monotonic()
    scan = inspect_scan(src)
    part = out_pdf.with_name(f".{out_pdf.name}.part")
    try:
        # Beside the output, in the caller's scratch folder: a killed run leaves nothing in /tmp.
        with tempfile.TemporaryDirectory(prefix=".ocr-", dir=out_pdf.parent) as tmp:
            work_dir = Path(tmp)
            sidecar = work_dir / "sidecar.txt"
            request = _request(_prepared(scan, work_dir, settings).resolve(), part.resolve(), sidecar, scan,
                               settings)
            event, log = _run_worker(request, work_dir, timeout_s, progress)
            _raise_for(event, src, settings.engine, timeout_s, log)
            with pikepdf.open(part) as pdf:
                pages = len(pdf.pages)
            texts, text_pages, soft = _page_texts(sidecar, part, pages)
        os.replace(part, out_pdf)
    finally:
        part.unlink(missing_ok=True)
    return OcrResult(out_pdf, pages, texts, settings.engine, time.monotonic() - started,
                     text_pages, soft, scan, bool(event.get("pdfa")))
