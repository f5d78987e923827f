"""Signed scans in, through the CLI, with real OCR: identification, stacks, review, duplicates, inbox, bad input."""

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
from conftest import AGENCY_CONTACT, PROJECT, SAMPLE_CASE, Daiban, make_bad_pdfs, snapshot, use_sample_library
from PIL import Image

sys.path.insert(0, str(PROJECT))
from fixtures.scanning import SCAN, scan_pages, uncoded_page  # noqa: E402

from bench.scans import write_scan  # noqa: E402

# Real OCR or LibreOffice: left out of the quick run (pytest -m 'not slow').
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A case with its 受理 packet generated, and a scanned stack: a loose page, the card, the 委托书."""
    tmp = tmp_path_factory.mktemp("ingest")
    daiban = Daiban(tmp / "根目录")
    daiban("init", *AGENCY_CONTACT)
    use_sample_library(daiban.root)
    case_no = daiban("case", "new", "--from", SAMPLE_CASE, "--json").output
    case_no = json.loads(case_no)["case_no"]
    daiban("matter", "add", case_no, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局")
    forms = {f["form_id"]: daiban.root / f["pdf"]["path"]
             for f in json.loads(daiban("packet", case_no, "受理", "--json").output)["forms"]}
    loose = uncoded_page("补充材料说明\n晋城市新能源装备制造产业园项目\n项目单位已按要求补交用地红线图")
    pages = [loose] + scan_pages(forms["card"], 1) + scan_pages(forms["entrust"], 2)
    stack = write_scan(pages, SCAN, tmp / "扫描 批次1.pdf")
    return daiban, case_no, forms, stack, tmp


@pytest.fixture(scope="module")
def ingested(world):
    daiban, case_no, _, stack, _ = world
    return json.loads(daiban("ingest", stack, "--json").output)


def test_stack_is_split_and_each_form_filed_as_signed(world, ingested):
    daiban, case_no, _, _, _ = world
    assert [(o["status"], o["form_id"], o["pages"]) for o in ingested] == [
        ("review", None, [1]), ("filed", "card", [2]), ("filed", "entrust", [3, 4])]
    assert ingested[2]["identity"] == f"{case_no}/entrust/v1"
    shown = json.loads(daiban("case", "show", case_no, "--json").output)
    assert shown["case"]["status"] == "受理"
    signed = {d["form_id"]: d for d in shown["documents"] if d["kind"] == "signed"}
    assert set(signed) == {"card", "entrust"} and signed["entrust"]["pages"] == 2
    originals = [d for d in shown["documents"] if d["kind"] == "original"]
    assert len(originals) == 1 and originals[0]["pages"] == 4
    # Each signed copy is a rendition of the form version it signs; the stack's original goes with the first.
    renditions = {i["form_id"]: [f["rendition"] for f in i["files"]] for i in shown["items"]}
    assert renditions["entrust"] == ["定稿（Word）", "定稿（PDF）", "签署件（正本）"]
    assert renditions["card"] == ["定稿（Word）", "定稿（PDF）", "签署件（正本）", "原始扫描件"]
    with pikepdf.open(daiban.root / signed["entrust"]["path"]) as pdf:
        assert "/OutputIntents" in pdf.Root and len(pdf.pages) == 2
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        text = db.execute("SELECT text FROM documents WHERE id=?", (signed["entrust"]["id"],)).fetchone()[0]
        parent = db.execute("SELECT parent_id FROM documents WHERE id=?", (signed["entrust"]["id"],)).fetchone()[0]
    assert "晋城市泽州新能源科技有限公司" in text and "委托书" in text
    assert parent is not None
    assert "校验通过" in daiban("verify").output


def test_same_stack_again_is_a_duplicate(world, ingested):
    daiban, _, _, stack, _ = world
    before = snapshot(daiban)
    again = json.loads(daiban("ingest", stack, "--json").output)
    assert [o["status"] for o in again] == ["duplicate"] and "件号" in again[0]["message"]
    assert snapshot(daiban) == before


def test_review_queue_guesses_and_files(world, ingested):
    daiban, case_no, _, _, _ = world
    items = json.loads(daiban("review", "list", "--json").output)
    assert len(items) == 1
    item = items[0]
    assert item["guesses"][0]["case_no"] == case_no and "项目名称" in item["guesses"][0]["why"]
    assert "补充材料" in item["text"]
    daiban("review", "file", str(item["id"]), case_no, "--category", "申请材料")
    assert json.loads(daiban("review", "list", "--json").output) == []
    docs = json.loads(daiban("case", "show", case_no, "--json").output)["documents"]
    assert any(d["category"] == "申请材料" and d["kind"] == "upload" for d in docs)
    assert "已归档" in daiban("review", "file", str(item["id"]), case_no, "--category", "申请材料", code=2).stderr
    assert "校验通过" in daiban("verify").output


def test_inbox_scan_of_signed_form_becomes_new_version(world, ingested):
    daiban, case_no, forms, _, tmp = world
    inbox = daiban.root / "inbox"
    write_scan(scan_pages(forms["card"], 7), SCAN, tmp / "card.pdf").rename(inbox / "联系卡 再次扫描.pdf")
    watched = daiban.subprocess("watch", "--once", "--settle", "0.2")
    assert watched.returncode == 0, watched.stderr
    assert "已归档" in watched.stdout and list(inbox.iterdir()) == []
    cards = [d for d in json.loads(daiban("case", "show", case_no, "--json").output)["documents"]
             if d["form_id"] == "card" and d["kind"] == "signed"]
    assert [d["version"] for d in cards] == [1, 2]


def bad_scans(tmp: Path) -> list[tuple[Path, str, str]]:
    bad = make_bad_pdfs(tmp)
    word = tmp / "说明.docx"
    word.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    huge = tmp / "超大.png"
    Image.new("1", (12000, 9000), 1).save(huge)
    return [(bad.empty, "empty", "为空"), (bad.truncated, "corrupt", "不完整"), (bad.encrypted, "encrypted", "加密"),
            (word, "unsupported", "不支持"), (huge, "too_large", "超过上限")]


def test_bad_input_is_refused_and_kept_in_failed(world, ingested):
    daiban, _, _, _, tmp = world
    bad_dir = tmp / "坏文件"
    bad_dir.mkdir()
    for path, code, word in bad_scans(bad_dir):
        before = snapshot(daiban)
        result = daiban("ingest", path, "--json", code=7)
        outcome = json.loads(result.output)[0]
        assert (outcome["status"], outcome["reason"]) == ("failed", code), outcome
        assert path.name in outcome["message"] and word in outcome["message"], outcome["message"]
        files_after, counts_after = snapshot(daiban)
        new = set(files_after) - set(before[0])
        assert counts_after == before[1] | {"events": before[1]["events"] + 1}  # the refusal is on record
        assert {Path(n).parent.as_posix() for n in new} == {"review/failed"} and len(new) == 2
        assert path.exists()
    assert "校验通过" in daiban("verify").output


def test_ocr_timeout_is_a_clean_failure(world, ingested):
    daiban, _, forms, _, tmp = world
    slow = write_scan(scan_pages(forms["notice"], 3), SCAN, tmp / "告知单扫描.pdf")
    settings = daiban.root / "daiban.toml"
    original = settings.read_text(encoding="utf-8")
    settings.write_text(original.replace("timeout = 600", "timeout = 0.5"), encoding="utf-8")
    try:
        before = snapshot(daiban)
        outcome = json.loads(daiban("ingest", slow, "--json", code=10).output)[0]
    finally:
        settings.write_text(original, encoding="utf-8")
    assert outcome["reason"] == "ocr_timeout" and "超时" in outcome["message"]
    assert snapshot(daiban)[1] == before[1] | {"events": before[1]["events"] + 1}  # the refusal is on record
    assert "校验通过" in daiban("verify").output


def test_unknown_case_or_form_is_refused_before_anything(world):
    daiban, case_no, _, stack, _ = world
    assert "案件不存在" in daiban("ingest", stack, "--case", "DB-1999-0001", code=4).stderr
    assert "未知的表单编号" in daiban("ingest", stack, "--case", case_no, "--form", "xx", code=4).stderr


def test_watch_stops_cleanly_on_ctrl_c(daiban):
    proc = subprocess.Popen([sys.executable, "-m", "cli", "watch"], cwd=PROJECT, env=daiban.env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert "监视收件箱" in proc.stdout.readline()
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "已停止监视收件箱" in out


def test_the_dossier_keeps_the_ocr_text_of_a_scanned_signed_copy(world, ingested):
    daiban, case_no, _, _, _ = world
    built = json.loads(daiban("dossier", case_no, "--include-internal", "--json").output)
    entrust = next(e for e in built["entries"] if e["title"] == "“全代办”服务委托书")
    assert entrust["rendition"] == "签署件（正本）"
    first = built["pages"] - sum(e["pages"] for e in built["entries"]) - 1 + entrust["start"]  # after the front
    text = subprocess.run(["pdftotext", "-f", str(first), "-l", str(first + entrust["pages"] - 1), built["pdf"], "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "晋城市泽州新能源科技有限公司" in "".join(text.split())  # read by OCR from the signed scan
