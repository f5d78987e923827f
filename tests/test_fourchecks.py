"""The 四性检测 report (DA/T 70-2018): every item of the 归档 and 移交 stages, each judged from real files,
failing by its own number when what it checks is broken, and saying 未检测 when it cannot run."""

import json
import os
import re
import stat
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import Daiban, make_pdf

pytestmark = pytest.mark.slow  # each test builds a signed dossier (fpdf2 subsets the CJK faces)

GD_ITEMS = ["1-1", "1-2", "1-3", "1-4", "2-1", "2-2", "2-3", "3-1", "3-2", "3-3", "4-1", "4-2", "4-3"]
YJ_ITEMS = ["1-1", "1-5", "2-1", "2-4", "3-4", "4-1", "4-2", "4-3"]


def scan_pdf(path: Path, marker: str) -> Path:
    """A signed copy as intake leaves it: a PDF with a text layer that identifies as PDF/A-2b."""
    make_pdf(path, marker=marker, text=f"signed {marker}")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        with pdf.open_metadata() as meta:
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
        pdf.save(path)
    return path


@pytest.fixture
def handed_over(daiban, case_no, tmp_path) -> str:
    """A case carried to the end: signed papers, an approval, matter done, sealed, dossier built."""
    daiban("matter", "add", case_no, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局")
    daiban("file", case_no, scan_pdf(tmp_path / "entrust.pdf", "entrust"), "--form", "entrust", "--signed")
    daiban("file", case_no, make_pdf(tmp_path / "plan.pdf", marker="plan", text="plan"), "--form", "plan")
    daiban("file", case_no, make_pdf(tmp_path / "备案证.pdf", marker="备案", text="approval"),
           "--category", "批复证照", "--date", "2026-03-20")
    daiban("matter", "accept", case_no, "1")
    daiban("matter", "done", case_no, "1")
    for form in ("complete", "handover"):
        daiban("file", case_no, scan_pdf(tmp_path / f"{form}.pdf", form), "--form", form, "--signed")
    daiban("case", "archive", case_no)
    daiban("dossier", case_no)
    return case_no


def report(daiban: Daiban, case_no: str | None, out: Path, code: int = 0) -> dict[tuple[str, str], dict]:
    """Run verify --report and return its items by (stage, number)."""
    args = [case_no] if case_no else []
    found = json.loads(daiban("verify", *args, "--report", out, "--json", code=code).output)
    assert Path(found["four_checks"]["report"]) == out and out.is_file()
    return {(i["stage"], i["item"]): i for i in found["four_checks"]["items"]}


def outcomes(items: dict) -> dict[tuple[str, str], str]:
    return {key: item["outcome"] for key, item in items.items()}


def test_a_case_carried_to_the_end_passes_every_item_that_can_run(daiban, handed_over, tmp_path):
    items = report(daiban, handed_over, tmp_path / "四性检测.html")
    assert list(items) == [("归档", n) for n in GD_ITEMS] + [("移交", n) for n in YJ_ITEMS]
    virus = {("归档", "4-1"), ("移交", "4-1")}
    assert {k: v for k, v in outcomes(items).items() if k not in virus} == {k: "通过" for k in items if k not in virus}
    assert "ClamAV" in items[("归档", "4-1")]["evidence"][0] and items[("归档", "4-1")]["outcome"] == "未检测"
    assert any("数字签名有效" in e for e in items[("移交", "1-1")]["evidence"])
    page = (tmp_path / "四性检测.html").read_text(encoding="utf-8")
    assert 'id="移交-1-5"' in page and "信息包真实性" in page and "DA/T 70-2018" in page
    log = daiban("log", handed_over).output
    assert "四性检测" in log


def test_the_pdf_report_is_readable_chinese_with_every_item(daiban, handed_over, tmp_path):
    out = tmp_path / "报告" / "四性检测.pdf"
    report(daiban, handed_over, out)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "电子档案四性检测报告" in text and "信息包真实性" in text and "元数据与内容关联一致性" in text
    assert len(re.findall(r"通过", text)) >= 19
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts and " no " not in fonts.split("\n", 2)[2]


def test_a_changed_file_fails_source_authenticity_naming_it(daiban, handed_over, tmp_path):
    victim = next(daiban.root.glob("cases/*/*/*/*备案证*.pdf"))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    items = report(daiban, handed_over, tmp_path / "r.html", code=11)
    assert items[("归档", "1-1")]["outcome"] == "不通过"
    assert any(victim.name in e for e in items[("归档", "1-1")]["evidence"])
    assert items[("移交", "1-5")]["outcome"] == "通过"  # the package was made before the change


def test_a_stray_file_fails_location_and_carrier(daiban, handed_over, tmp_path):
    folder = next(daiban.root.glob("cases/*/*/01*"))
    (folder / "来历不明.pdf").write_bytes(b"%PDF-1.4 stray")
    items = report(daiban, handed_over, tmp_path / "r.html", code=11)
    for key in (("归档", "1-4"), ("归档", "4-2")):
        assert items[key]["outcome"] == "不通过" and any("来历不明.pdf" in e for e in items[key]["evidence"])


def test_a_signed_copy_that_is_not_pdfa_fails_content_usability(daiban, case_no, tmp_path):
    daiban("file", case_no, make_pdf(tmp_path / "委托书.pdf", text="signed entrust"), "--form", "entrust", "--signed")
    items = report(daiban, case_no, tmp_path / "r.html", code=11)
    assert items[("归档", "3-2")]["outcome"] == "不通过"
    assert any("签署件" in e and "不是 PDF/A" in e for e in items[("归档", "3-2")]["evidence"])
    # No package yet: the handover items do not apply.
    assert {outcomes(items)[("移交", n)] for n in YJ_ITEMS} == {"不适用"}


def rebuilt(package: Path, compression: int, change: str | None = None) -> None:
    """Rewrite the package in place with another compression, flipping a byte of one member if asked."""
    with zipfile.ZipFile(package) as old:
        members = [(info.filename, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(package, "w", compression=compression) as new:
        for name, data in members:
            new.writestr(name, data[:-1] + bytes([data[-1] ^ 1]) if name == change else data)


def test_a_package_changed_after_handover_fails_the_handover_items(daiban, handed_over, tmp_path):
    package = next(daiban.root.glob("exports/dossiers/*/*移交包.zip"))
    with zipfile.ZipFile(package) as bag:
        original = next(n for n in bag.namelist() if "/data/原件/" in n)
    rebuilt(package, zipfile.ZIP_BZIP2, change=original)
    items = report(daiban, handed_over, tmp_path / "r.html", code=11)
    assert items[("移交", "1-5")]["outcome"] == "不通过"  # not the package the log recorded
    assert any("非通用压缩" in e for e in items[("移交", "3-4")]["evidence"])
    rebuilt(package, zipfile.ZIP_DEFLATED)  # the changed byte stays
    items = report(daiban, handed_over, tmp_path / "r.html", code=11)
    assert items[("移交", "3-4")]["outcome"] == "通过"
    assert any(original.split("/", 1)[1] in e for e in items[("移交", "1-1")]["evidence"])
    assert items[("归档", "1-1")]["outcome"] == "通过"  # the case file itself is intact
    package.write_bytes(b"not a zip")
    items = report(daiban, handed_over, tmp_path / "r.html", code=11)
    assert all("不是可读取的 zip 文件" in items[("移交", n)]["evidence"][0] for n in ("1-5", "2-4", "3-4"))
    package.unlink()
    items = report(daiban, handed_over, tmp_path / "r.html", code=11)
    assert "移交包文件已不在原处" in items[("移交", "1-5")]["evidence"][0]


def test_a_virus_scanner_on_the_path_is_run_and_its_finding_fails(daiban, handed_over, tmp_path, monkeypatch):
    # ClamAV is not installed here; a stand-in with clamscan's exit codes (1 = infected) shows the report uses it.
    tools = tmp_path / "bin"
    tools.mkdir()
    scanner = tools / "clamscan"
    scanner.write_text("#!/bin/sh\necho \"$4: Eicar-Test-Signature FOUND\"\nexit 1\n")
    scanner.chmod(scanner.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    items = report(daiban, handed_over, tmp_path / "r.html", code=11)
    assert items[("归档", "4-1")]["outcome"] == "不通过"
    assert "Eicar-Test-Signature FOUND" in items[("归档", "4-1")]["evidence"][0]


def test_a_report_name_that_is_neither_html_nor_pdf_is_refused_before_any_work(daiban, handed_over, tmp_path):
    result = daiban("verify", handed_over, "--report", tmp_path / "r.docx", code=2)
    assert "只能写成 .html 或 .pdf" in result.output
    assert not (tmp_path / "r.docx").exists() and "四性检测" not in daiban("log", handed_over).output
