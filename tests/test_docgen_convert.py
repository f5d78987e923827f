"""LibreOffice conversion failures: timeout kills the child, missing soffice, files that do not convert."""

import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fixtures.docgen.builders import ENTRUST, build_template, entrust_body, entrust_context
from fixtures.docgen.pdftools import pdf_text

from archive.base.errors import ExternalToolError, InputFileError, UsageError
from docgen.convert import convert_to_pdf, find_soffice
from docgen.errors import ConversionError
from docgen.render import render_form

# Real OCR or LibreOffice: left out of the quick run (pytest -m 'not slow').
pytestmark = pytest.mark.slow


@pytest.fixture
def rendered(tmp_path) -> Path:
    build_template(tmp_path / "entrust.docx", entrust_body())
    return render_form(ENTRUST, entrust_context(), tmp_path / "out" / "委托书.docx", [tmp_path])


def processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if text.encode() in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("timeout", [0.01, 0.7])
def test_timeout_kills_libreoffice_and_reports(rendered, tmp_path, monkeypatch, timeout):
    # The private profile lives under tempfile's directory: point it here to find our soffice by its command line.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    started = time.monotonic()
    with pytest.raises(ConversionError) as caught:
        convert_to_pdf([rendered], tmp_path / "pdf", timeout=timeout)
    assert time.monotonic() - started < 5
    assert "超时" in caught.value.message and "委托书.docx" in caught.value.message
    assert caught.value.failed == [rendered.resolve()]
    assert caught.value.exit_code == 10
    assert processes_mentioning(str(scratch)) == []
    assert [p.name for p in (tmp_path / "pdf").iterdir()] == []


def test_parallel_conversions_do_not_share_a_profile(rendered, tmp_path):
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda n: convert_to_pdf([rendered], tmp_path / f"pdf{n}"), range(2)))
    for n, (pdf,) in enumerate(results):
        assert pdf == tmp_path / f"pdf{n}" / "委托书.pdf"
        assert "DB-2026-0001/entrust/v1" in pdf_text(pdf)


def test_missing_libreoffice_names_the_package(monkeypatch, rendered, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ExternalToolError, match="libreoffice-writer-nogui"):
        find_soffice()
    with pytest.raises(ExternalToolError, match="libreoffice-writer-nogui"):
        convert_to_pdf([rendered], tmp_path / "pdf")


def test_unconvertible_file_fails_the_batch_by_name(rendered, tmp_path):
    corrupt = tmp_path / "损坏.docx"
    corrupt.write_bytes(b"PK\x03\x04 this is not a real document")
    with pytest.raises(ConversionError) as caught:
        convert_to_pdf([rendered, corrupt], tmp_path / "pdf")
    assert "损坏.docx" in caught.value.message
    assert caught.value.failed == [corrupt.resolve()]
    assert list((tmp_path / "pdf").iterdir()) == []


def test_inputs_are_checked_before_starting(rendered, tmp_path):
    with pytest.raises(InputFileError, match="不存在"):
        convert_to_pdf([tmp_path / "nothing.docx"], tmp_path / "pdf")
    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / rendered.name).write_bytes(rendered.read_bytes())
    with pytest.raises(UsageError, match="同名"):
        convert_to_pdf([rendered, twin / rendered.name], tmp_path / "pdf")
    assert convert_to_pdf([], tmp_path / "pdf") == []


def test_an_empty_or_truncated_docx_is_refused_by_name_before_libreoffice_runs(rendered, tmp_path):
    # LibreOffice itself turns them into a blank page and reports success.
    empty, cut = tmp_path / "空白.docx", tmp_path / "截断.docx"
    empty.write_bytes(b"")
    cut.write_bytes(rendered.read_bytes()[:200])
    with pytest.raises(ConversionError) as caught:
        convert_to_pdf([rendered, empty, cut], tmp_path / "pdf", soffice="/nonexistent/soffice")
    assert caught.value.failed == [empty.resolve(), cut.resolve()] and "空白.docx" in caught.value.message
    assert list((tmp_path / "pdf").iterdir()) == []
