"""The long-lived LibreOffice: Chinese text and pages, reuse, restarts, bad files, timeouts, close, threads."""

import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
import pytest
from conftest import PROJECT
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from fixtures.docgen.builders import ENTRUST, UNIT, build_template, entrust_body, entrust_context
from fixtures.docgen.builders import PROJECT as PROJECT_NAME
from fixtures.docgen.pdftools import decode_qr, page_count, pdf_text, squeeze
from test_docgen_convert import processes_mentioning

from archive.base.errors import ExternalToolError
from docgen import warmconvert
from docgen.convert import convert_to_pdf
from docgen.errors import ConversionError
from docgen.render import render_form
from docgen.warmconvert import WarmConverter

# Real LibreOffice: left out of the quick run (pytest -m 'not slow').
pytestmark = pytest.mark.slow

GONE_WAIT_S = 20.0
LOSSY_FILTER = ('pdf:writer_pdf_Export:{"UseLosslessCompression":{"type":"boolean","value":"false"},'
                '"ReduceImageResolution":{"type":"boolean","value":"true"},'
                '"MaxImageResolution":{"type":"long","value":"75"}}')


def paged_docx(path: Path, pages: int) -> Path:
    """A .docx of the given number of pages, each a Chinese line naming its page, set in 仿宋_GB2312, zh-CN."""
    document = Document()
    for number in range(1, pages + 1):
        run = document.add_paragraph().add_run(f"第{number}页：{PROJECT_NAME}")
        run.font.name = "Times New Roman"
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
        lang = OxmlElement("w:lang")
        lang.set(qn("w:eastAsia"), "zh-CN")
        run._element.get_or_add_rPr().append(lang)
        if number < pages:
            document.add_page_break()
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


@pytest.fixture
def rendered(tmp_path) -> Path:
    build_template(tmp_path / "entrust.docx", entrust_body())
    return render_form(ENTRUST, entrust_context(), tmp_path / "out" / "委托书.docx", [tmp_path])


@pytest.fixture
def warm(tmp_path):
    with WarmConverter(workdir=tmp_path / "office") as converter:
        yield converter


def running(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


def wait_gone(pid: int) -> bool:
    deadline = time.monotonic() + GONE_WAIT_S
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not running(pid)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_batch_keeps_its_chinese_text_pages_and_qr(warm, rendered, tmp_path):
    three = paged_docx(tmp_path / "三页.docx", 3)
    entrust_pdf, three_pdf = warm.convert([rendered, three], tmp_path / "pdf")
    assert (entrust_pdf, three_pdf) == (tmp_path / "pdf" / "委托书.pdf", tmp_path / "pdf" / "三页.pdf")
    assert page_count(entrust_pdf) == 1 and page_count(three_pdf) == 3
    entrust_text = squeeze(pdf_text(entrust_pdf))
    assert PROJECT_NAME in entrust_text and UNIT in entrust_text
    for number in (1, 2, 3):
        assert f"第{number}页：{PROJECT_NAME}" in squeeze(pdf_text(three_pdf, "-f", str(number), "-l", str(number)))
    # Lossless and not resampled: the QR code reads back from the PDF.
    assert decode_qr(entrust_pdf, tmp_path) == ["DB-2026-0001/entrust/v1"]
    assert files_in(tmp_path / "pdf") == ["三页.pdf", "委托书.pdf"]


def test_export_options_are_those_of_pdf_filter(warm, rendered, tmp_path, monkeypatch):
    assert "/DCTDecode" not in image_filters(warm.convert([rendered], tmp_path / "lossless")[0])
    # A fresh office reads the filter options when it starts: a lossy set must then show in the PDF.
    monkeypatch.setattr(warmconvert, "PDF_FILTER", LOSSY_FILTER)
    with WarmConverter(workdir=tmp_path / "lossy-office") as lossy:
        assert "/DCTDecode" in image_filters(lossy.convert([rendered], tmp_path / "lossy")[0])


def image_filters(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as document:
        return [str(image.get("/Filter")) for page in document.pages for image in page.get_images().values()]


def test_the_second_batch_reuses_the_office_and_beats_a_cold_call(warm, rendered, tmp_path):
    assert warm.office_pid is None
    warm.convert([rendered], tmp_path / "first")
    pid = warm.office_pid
    assert pid and running(pid)
    started = time.perf_counter()
    warm.convert([rendered], tmp_path / "second")
    warm_s = time.perf_counter() - started
    started = time.perf_counter()
    convert_to_pdf([rendered], tmp_path / "cold")
    cold_s = time.perf_counter() - started
    assert warm.office_pid == pid
    assert warm_s < cold_s / 2, f"warm {warm_s:.2f} s, cold {cold_s:.2f} s"


def test_a_killed_office_is_restarted_for_the_next_job(warm, rendered, tmp_path):
    warm.start()
    killed = warm.office_pid
    os.kill(killed, signal.SIGKILL)
    assert wait_gone(killed)
    (pdf,) = warm.convert([rendered], tmp_path / "pdf")
    assert squeeze(PROJECT_NAME) in squeeze(pdf_text(pdf))
    assert warm.office_pid not in (None, killed) and running(warm.office_pid)


def test_a_job_that_loses_its_office_runs_again_on_a_fresh_one(warm, rendered, tmp_path, monkeypatch):
    warm.start()
    killed = warm.office_pid
    os.kill(killed, signal.SIGKILL)
    assert wait_gone(killed)
    # The office dies after the check before the job: only the job itself finds out.
    monkeypatch.setattr(warmconvert._Office, "alive", lambda self: True)
    (pdf,) = warm.convert([rendered], tmp_path / "pdf")
    assert page_count(pdf) == 1
    assert warm.office_pid not in (None, killed)


def broken_docx(path: Path, kind: str) -> Path:
    """An empty file, a truncated zip, or a zip that holds no Word document, all named .docx."""
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes(b"PK\x03\x04 this is not a real document")
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("说明.txt", "这不是 Word 文档")
    return path


@pytest.mark.parametrize("kind", ["empty", "truncated", "not-word"])
def test_a_broken_docx_fails_the_batch_by_name_and_leaves_nothing(warm, rendered, tmp_path, kind):
    broken = broken_docx(tmp_path / "损坏.docx", kind)
    out = tmp_path / "pdf"
    out.mkdir()
    (out / "已有.pdf").write_bytes(b"%PDF-1.4 kept")
    with pytest.raises(ConversionError) as caught:
        warm.convert([rendered, broken], out)
    assert "损坏.docx" in caught.value.message
    assert caught.value.failed == [broken.resolve()]
    assert caught.value.exit_code == 10
    assert files_in(out) == ["已有.pdf"]
    assert warm.convert([rendered], out) == [out / "委托书.pdf"]


def test_a_job_over_its_timeout_is_killed_and_the_converter_recovers(warm, rendered, tmp_path):
    warm.start()
    hung = warm.office_pid
    started = time.monotonic()
    with pytest.raises(ConversionError) as caught:
        warm.convert([rendered], tmp_path / "pdf", timeout=0.01)
    assert time.monotonic() - started < 15
    message = caught.value.message
    assert "超时" in message and "委托书.docx" in message and str(hung) in message
    assert caught.value.failed == [rendered.resolve()]
    assert not running(hung)
    assert files_in(tmp_path / "pdf") == []
    (pdf,) = warm.convert([rendered], tmp_path / "pdf")
    assert page_count(pdf) == 1 and warm.office_pid != hung


def test_close_leaves_no_office_of_its_profile(rendered, tmp_path):
    workdir = tmp_path / "office"
    converter = WarmConverter(workdir=workdir)
    converter.convert([rendered], tmp_path / "pdf")
    office = converter.office_pid
    assert processes_mentioning(str(workdir))
    converter.close()
    assert processes_mentioning(str(workdir)) == []
    assert not running(office)
    assert files_in(workdir) == []
    with pytest.raises(RuntimeError):
        converter.convert([rendered], tmp_path / "pdf")
    converter.close()


def test_the_office_dies_with_daiban(tmp_path):
    workdir = tmp_path / "office"
    code = ("import sys, time; from pathlib import Path; from docgen.warmconvert import WarmConverter; "
            "w = WarmConverter(workdir=Path(sys.argv[1])); w.start(); print(w.office_pid, flush=True); time.sleep(120)")
    daiban = subprocess.Popen([sys.executable, "-c", code, str(workdir)], cwd=PROJECT, stdout=subprocess.PIPE,
                              text=True)
    try:
        office = int(daiban.stdout.readline())
        assert running(office)
        # Nobody is left to remove the killed office's pipes in /tmp: the test does.
        pipes = warmconvert._bound_pipes(office)
    finally:
        daiban.kill()
        daiban.communicate()
    assert wait_gone(office)
    deadline = time.monotonic() + GONE_WAIT_S
    while processes_mentioning(str(workdir)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_mentioning(str(workdir)) == []
    assert pipes
    for pipe in pipes:
        pipe.unlink(missing_ok=True)


def test_an_office_started_from_a_thread_that_ended_stays_up(warm, rendered, tmp_path):
    # A WSGI server may run each request on a thread of its own: the office must outlive that thread.
    request = threading.Thread(target=warm.start)
    request.start()
    request.join()
    pid = warm.office_pid
    time.sleep(1)
    assert running(pid)
    warm.convert([rendered], tmp_path / "pdf")
    assert warm.office_pid == pid


def test_two_converters_in_parallel_threads(rendered, tmp_path):
    def run(n: int) -> tuple[int, list[Path]]:
        with WarmConverter(workdir=tmp_path / f"office{n}") as converter:
            pdfs = [converter.convert([rendered], tmp_path / f"pdf{n}-{batch}")[0] for batch in range(3)]
            return converter.office_pid, pdfs

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, range(2)))
    assert results[0][0] != results[1][0]
    for _, pdfs in results:
        assert all("DB-2026-0001/entrust/v1" in pdf_text(pdf) for pdf in pdfs)


def test_one_converter_shared_by_threads_runs_one_job_at_a_time(warm, rendered, tmp_path, monkeypatch):
    running, most = [], []
    request = warmconvert._Office.request

    def counted(office, job, limit):
        running.append(job)
        most.append(len(running))
        try:
            return request(office, job, limit)
        finally:
            running.remove(job)

    monkeypatch.setattr(warmconvert._Office, "request", counted)
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda n: warm.convert([rendered], tmp_path / f"pdf{n}")[0], range(6)))
    assert len(most) == 6 and max(most) == 1  # the office is asked one job at a time
    assert results == [tmp_path / f"pdf{n}" / "委托书.pdf" for n in range(6)]
    assert all(page_count(pdf) == 1 for pdf in results)


def test_convert_to_pdf_through_the_converter_gives_the_cold_pages(warm, rendered, tmp_path):
    batch = [rendered, paged_docx(tmp_path / "二页.docx", 2), paged_docx(tmp_path / "五页.docx", 5)]
    cold = convert_to_pdf(batch, tmp_path / "cold")
    hot = convert_to_pdf(batch, tmp_path / "warm", converter=warm)
    assert [p.name for p in hot] == [p.name for p in cold] == ["委托书.pdf", "二页.pdf", "五页.pdf"]
    assert [page_count(p) for p in hot] == [page_count(p) for p in cold] == [1, 2, 5]
    for hot_pdf, cold_pdf in zip(hot, cold, strict=True):
        assert squeeze(pdf_text(hot_pdf)) == squeeze(pdf_text(cold_pdf))


def test_missing_uno_names_the_debian_package(rendered, tmp_path, monkeypatch):
    monkeypatch.setattr(warmconvert, "UNO_PYTHON", tmp_path / "no-python3")
    with WarmConverter(workdir=tmp_path / "office") as converter:
        with pytest.raises(ExternalToolError, match="python3-uno"):
            converter.start()
        with pytest.raises(ExternalToolError, match="python3-uno"):
            converter.convert([rendered], tmp_path / "pdf")
