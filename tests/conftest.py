"""Shared fixtures: a fresh data root and a way to run the daiban CLI against it."""

import datetime
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner, Result
from fpdf import FPDF

from cli import main

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE_CASE = PROJECT / "demo" / "case.toml"
SAMPLE_LIBRARY = PROJECT / "demo" / "matters.toml"


@dataclass
class Daiban:
    """Runs daiban commands against one data root, in process or as a real subprocess."""

    root: Path
    actor: str = "测试员"

    def env(self) -> dict[str, str]:
        """Environment for a daiban process on this root."""
        return {**os.environ, "DAIBAN_ROOT": str(self.root), "DAIBAN_USER": self.actor}

    def __call__(self, *args: str, code: int = 0, input: str | None = None) -> Result:
        """Run one command in process (with this on its standard input) and check its exit code."""
        result = CliRunner().invoke(main, [str(a) for a in args], env=self.env(), catch_exceptions=False,
                                    input=input)
        assert result.exit_code == code, f"exit {result.exit_code} != {code}\n{result.output}\n{result.stderr}"
        return result

    def subprocess(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        """Run one command as a separate process (for crashes and concurrency)."""
        return subprocess.run([sys.executable, "-m", "cli", *map(str, args)], cwd=PROJECT,
                              env={**self.env(), **env}, capture_output=True, text=True, timeout=120)


# The agency's contact facts forms print; a root without them refuses those forms (tests/test_agency_settings.py).
AGENCY_CONTACT = ("--phone", "0356-2021888", "--address", "晋城市泽州路1188号政务服务中心三楼",
                  "--report-email", "zwfw@jcs.example.gov.cn")


@pytest.fixture
def daiban(tmp_path) -> Daiban:
    """A freshly initialised data root."""
    runner = Daiban(tmp_path / "数据 根目录")
    runner("init", "--city", "晋城市", *AGENCY_CONTACT, "--self-signed-cert")
    use_sample_library(runner.root)
    return runner


def use_sample_library(root: Path) -> None:
    """Give a root the demo's matter library, in which the sample matters list their materials (the
    built-in starter lists none, so the 告知清单 would be refused)."""
    shutil.copyfile(SAMPLE_LIBRARY, root / "matters.toml")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A root for the web tests of one module (tests/fixtures/web.py): two cases, an account of every role."""
    from fixtures.web import make_world  # it imports this module: loaded only by the tests that want it

    return make_world(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def app(world):
    """The web application on the module's world."""
    from fixtures.web import new_app

    return new_app(world)


@pytest.fixture
def case_no(daiban) -> str:
    """A case opened from the sample project facts."""
    out = daiban("case", "new", "--from", SAMPLE_CASE).output
    return out.split("：")[1].split()[0]


def _text_pdf(path: Path, pages: int, marker: str, text: str) -> Path:
    # The font is embedded, as in every PDF daiban makes or takes from a scanner (PDF/A asks for it).
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    pdf.add_font("dejavu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("dejavu", size=12)
    pdf.set_title(marker or path.name)
    for _ in range(pages):
        pdf.add_page()
        pdf.set_y(60)  # below the band where a dossier stamps its page numbers
        pdf.cell(text=text)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


CJK_FONT = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"


def cjk_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF whose pages hold these lines of (Chinese) text, in an embedded face."""
    pdf = FPDF(format="A4")
    pdf.add_font("wenkai", fname=CJK_FONT)
    pdf.set_font("wenkai", size=14)
    for lines in pages:
        pdf.add_page()
        pdf.set_y(60)
        for line in lines:
            pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def make_pdf(path: Path, pages: int = 1, marker: str = "", text: str = "") -> Path:
    """Write a small valid PDF with the given number of pages (marker makes bytes unique), each with a line
    of text when given (a scan that was read)."""
    if text:
        return _text_pdf(path, pages, marker, text)
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = marker or path.name
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.save(path, static_id=True)
    return path


def file_form(daiban: Daiban, case_no: str, tmp_path: Path, name: str, *flags: str, pages: int = 1) -> None:
    """File a form (signed with --signed) as a PDF with a line of text, different bytes for each case and flags."""
    pdf = make_pdf(tmp_path / f"{case_no}{name}{len(flags)}.pdf", pages=pages, marker=f"{case_no}{name}{flags}",
                   text=f"signed {name}")
    daiban("file", case_no, pdf, "--form", name, *flags)


@dataclass(frozen=True)
class BadPdfs:
    """PDF-named files an archivist may be handed that must be refused."""

    empty: Path
    truncated: Path
    encrypted: Path


def make_bad_pdfs(folder: Path) -> BadPdfs:
    """Write an empty, a truncated and a password-protected PDF into folder."""
    empty = folder / "空文件.pdf"
    empty.write_bytes(b"")
    whole = make_pdf(folder / "whole.pdf", pages=2).read_bytes()
    truncated = folder / "截断.pdf"
    truncated.write_bytes(whole[: len(whole) // 3])
    encrypted = folder / "加密.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(encrypted, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    return BadPdfs(empty, truncated, encrypted)


def snapshot(daiban):
    """Every file under the root with its bytes' hash, and the catalog's row counts."""
    files = {p.relative_to(daiban.root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in daiban.root.rglob("*")
             if p.is_file() and not p.name.startswith("daiban.sqlite") and p.suffix != ".lock"}
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("cases", "documents", "events", "matters", "people")}
    return files, counts
