"""OCR worker process: runs ocrmypdf's Python API on one file and reports as JSON lines.

Started by archive.intake.ocr in its own process group, so a timeout can kill it with
every Tesseract child. ocrmypdf's API changes global state and stays ~230 MB
resident (MEASUREMENTS.md), another reason it lives here and not in the caller.
The request is a JSON file named on the command line; events go to the file descriptor
named by PROTOCOL_FD_ENV, because ocrmypdf and Tesseract may write to stdout.
This module is also an ocrmypdf plugin (it supplies the progress reporter).
"""

import json
import logging
import os
import signal
import sys
import traceback
from pathlib import Path

import pluggy

from archive.base.processes import die_with_parent

# The same marker as ocrmypdf.hookimpl, without importing ocrmypdf into the parent process.
hookimpl = pluggy.HookimplMarker("ocrmypdf")

PROTOCOL_FD_ENV = "DAIBAN_OCR_PROTOCOL_FD"
PROGRESS_PLUGIN = "archive.intake.ocr_worker"
RAPIDOCR_PLUGIN = "archive.intake.rapidocr_plugin"
# ocrmypdf's default mode refuses PDFs that already have text; those are redone in skip-text
# mode, which Ghostscript 10.0 cannot serve (see _ocr_kwargs), so pure scans keep its fallback.
PRIOR_TEXT_ERRORS = ("PriorOcrFoundError", "TaggedPDFError")


def emit(event: dict) -> None:
    """Write one protocol event (a JSON line) for the parent process."""
    fd = int(os.environ[PROTOCOL_FD_ENV])
    os.write(fd, (json.dumps(event, ensure_ascii=False) + "\n").encode("utf-8"))


class ProtocolProgressBar:
    """ocrmypdf progress bar that reports each step's progress to the parent."""

    def __init__(self, *, total=None, desc=None, unit=None, disable=False, **kwargs):
        self.total = total
        self.desc = desc or ""
        self.unit = unit or ""
        self.done = 0.0

    def __enter__(self):
        emit({"event": "progress", "step": self.desc, "done": 0.0, "total": self.total})
        return self

    def __exit__(self, exc_type, exc_value, traceback_):
        return False

    def update(self, n=1, *, completed=None):
        """Record n more units (or an absolute figure) and report it."""
        self.done = float(completed) if completed is not None else self.done + n
        emit({"event": "progress", "step": self.desc, "done": self.done, "total": self.total})


@hookimpl
def get_progressbar_class():
    """Supply the progress reporter to ocrmypdf."""
    return ProtocolProgressBar


def _ocr_kwargs(request: dict, skip_text: bool, pdfa: bool) -> dict:
    kwargs = {
        "language": request["languages"],
        "rotate_pages": request["rotate_pages"],
        "rotate_pages_threshold": request["rotate_threshold"],
        "deskew": request["deskew"],
        "output_type": "pdfa" if pdfa else "pdf",
        # Ghostscript 10.0 corrupts pages with text in skip mode, and ocrmypdf refuses
        # that combination: the internal (pikepdf-validated) PDF/A writer has no such bug.
        "pdfa_backend": "internal" if skip_text else "auto",
        "sidecar": request["sidecar"],
        "jobs": request["jobs"],
        "tesseract_timeout": request["page_timeout_s"],
        "ocr_engine": request["engine"],
        "progress_bar": True,
        "plugins": [PROGRESS_PLUGIN]
        + ([RAPIDOCR_PLUGIN] if request["engine"] == "rapidocr" else []),
    }
    if skip_text:
        kwargs["skip_text"] = True
    if request.get("image_dpi"):
        kwargs["image_dpi"] = request["image_dpi"]
    return kwargs


def _ocr(request: dict, skip_text: bool) -> dict:
    import ocrmypdf

    try:
        ocrmypdf.ocr(request["input"], request["output"], **_ocr_kwargs(request, skip_text, True))
        return {"skip_text": skip_text, "pdfa": True}
    except (ocrmypdf.exceptions.PdfaConversionFailedError, ocrmypdf.exceptions.NonEmbeddedFontsError,
            ocrmypdf.exceptions.SubprocessOutputError):
        # A valid document Ghostscript cannot turn into PDF/A (CMYK palettes, inline images, fonts)
        # is kept as a plain PDF, marked as such, rather than refused.
        logging.getLogger(__name__).warning("PDF/A conversion failed; writing a plain PDF")
    ocrmypdf.ocr(request["input"], request["output"], **_ocr_kwargs(request, skip_text, False))
    return {"skip_text": skip_text, "pdfa": False}


def run(request: dict) -> dict:
    """OCR the request's input; return how: skip-text mode used, PDF/A produced."""
    import ocrmypdf

    try:
        return _ocr(request, skip_text=False)
    except ocrmypdf.exceptions.ExitCodeException as exc:
        if type(exc).__name__ not in PRIOR_TEXT_ERRORS:
            raise
    return _ocr(request, skip_text=True)


def _kill_group(_signum, _frame) -> None:
    os.killpg(0, signal.SIGKILL)


def main() -> int:
    """Read the request file named by the first argument, run it, and report done or error."""
    # Leading its own process group, the worker takes ocrmypdf's page workers and Tesseract
    # with it when daiban dies.
    signal.signal(signal.SIGTERM, _kill_group)
    die_with_parent(signal.SIGTERM)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    request = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    try:
        outcome = run(request)
    except Exception as exc:  # every failure goes back to the parent as an event
        traceback.print_exc(file=sys.stderr)
        emit({
            "event": "error",
            "type": type(exc).__name__,
            "exit_code": int(getattr(exc, "exit_code", -1)),
            "detail": (str(exc) or str(getattr(exc, "message", "")))[:2000],
        })
        return 1
    emit({"event": "done", **outcome})
    return 0


if __name__ == "__main__":
    sys.exit(main())
