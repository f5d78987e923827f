"""Generating a case's forms through the CLI: filed with identity, 文号 and QR; refused cleanly when incomplete."""

import json
import sqlite3
import subprocess

import pytest
import zxingcpp
from conftest import PROJECT, SAMPLE_CASE, make_pdf
from docx import Document
from PIL import Image

# Real OCR or LibreOffice: left out of the quick run (pytest -m 'not slow').
pytestmark = pytest.mark.slow


def pdf_text(path):
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_packet_files_every_stage_form_and_merges_one_pdf(daiban, case_no, tmp_path):
    daiban("matter", "add", case_no, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局", "--days", "1")
    out = json.loads(daiban("packet", case_no, "受理", "--json").output)
    assert [f["form_id"] for f in out["forms"]] == ["entrust", "notice", "card"]
    entrust = out["forms"][0]
    assert entrust["identity"] == f"{case_no}/entrust/v1" and entrust["doc_no"] == "代办代委〔2026〕1号"
    text = pdf_text(daiban.root / entrust["pdf"]["path"])
    for expected in ("“全代办”服务委托书", "晋城市泽州新能源科技有限公司", "立项用地规划许可阶段",
                     "企业投资项目备案", "项目单位未在规定期限内提交审批材料", f"{case_no}/entrust/v1"):
        assert expected in text.replace(" ", "").replace("\n", ""), expected
    merged = daiban.root / "exports" / "packets"
    merged_pdf = next(merged.glob("*.pdf"))
    pages = subprocess.run(["pdfinfo", str(merged_pdf)], capture_output=True, text=True).stdout
    assert "Pages:           4" in pages
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1",
                    str(daiban.root / entrust["pdf"]["path"]), str(tmp_path / "p")], check=True)
    codes = zxingcpp.read_barcodes(Image.open(next(tmp_path.glob("p*.png"))),
                                   formats=zxingcpp.BarcodeFormat.QRCode)
    assert [c.text for c in codes] == [f"{case_no}/entrust/v1"]
    assert "校验通过" in daiban("verify").output


def test_render_again_is_a_new_version_with_the_same_doc_no(daiban, case_no):
    first = json.loads(daiban("render", case_no, "card", "--no-pdf", "--json").output)[0]
    second = json.loads(daiban("render", case_no, "card", "--no-pdf", "--set", "supervision_phone=0356-12345",
                               "--json").output)[0]
    assert (first["identity"], second["identity"]) == (f"{case_no}/card/v1", f"{case_no}/card/v2")
    assert first["doc_no"] == second["doc_no"] and first["pdf"] is None
    other = daiban("case", "new", "--from", SAMPLE_CASE).output.split("：")[1].split()[0]
    third = json.loads(daiban("render", other, "card", "--no-pdf", "--json").output)[0]
    assert third["doc_no"] == "代办代卡〔2026〕2号"


def test_missing_fields_are_listed_and_nothing_is_filed(daiban, case_no):
    result = daiban("render", case_no, "meeting", code=5)
    for label in ("会议议题（subject）", "主持人（convener）", "议定事项（resolutions）"):
        assert label in result.stderr, result.stderr
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    assert not any((daiban.root / "cases").rglob("*.docx"))


def test_generated_suspend_notice_suspends_with_its_reason(daiban, case_no, tmp_path):
    daiban("file", case_no, make_pdf(tmp_path / "委托书签字.pdf"), "--form", "entrust", "--signed")
    data = tmp_path / "中止.toml"
    data.write_text('[suspend]\nreasons = ["项目单位未及时缴纳相关规费"]\n'
                    'details = "项目单位逾期未缴纳城市基础设施配套费"\n', encoding="utf-8")
    daiban("render", case_no, "suspend", "--data", data, "--no-pdf")
    shown = json.loads(daiban("case", "show", case_no, "--json").output)["case"]
    assert (shown["status"], shown["suspend_code"]) == ("中止", 5)


def test_forms_check_reports_syntax_errors_and_unknown_names(daiban, tmp_path):
    broken = tmp_path / "card.docx"
    doc = Document()
    doc.add_paragraph("项目名称：{{ case.project_name }}")
    doc.add_paragraph("联系人：{{ case.contact ")
    doc.save(broken)
    result = daiban("forms", "check", broken, code=14)
    assert "错误" in result.output and "联系人" in result.output
    unknown = tmp_path / "letter.docx"
    doc = Document()
    doc.add_paragraph("{{ case.project_name }} {{ 不存在的字段 }}")
    doc.save(unknown)
    result = daiban("forms", "check", unknown, code=14)
    assert "不存在的字段" in result.output
    assert "检查通过" in daiban("forms", "check", PROJECT / "templates" / "card.docx").output


def test_template_in_the_root_overrides_the_built_in_one(daiban, case_no):
    custom = Document(PROJECT / "templates" / "card.docx")
    custom.add_paragraph("本中心特制联系卡：{{ case.unit }}")
    custom.save(daiban.root / "templates" / "card.docx")
    generated = json.loads(daiban("render", case_no, "card", "--no-pdf", "--json").output)[0]
    text = "\n".join(p.text for p in Document(daiban.root / generated["docx"]["path"]).paragraphs)
    assert "本中心特制联系卡：晋城市泽州新能源科技有限公司" in text
