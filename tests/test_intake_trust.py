"""Intake you can trust: only real scans prove signatures, stacks never misfile, every file ends in exactly
one visible place, and what intake says is honest."""

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
import zxingcpp
from click.testing import CliRunner
from conftest import AGENCY_CONTACT, PROJECT, SAMPLE_CASE, Daiban, use_sample_library
from PIL import Image, ImageDraw

from archive.intake import ingest as ingest_module
from cli import main
from index.normalize import normalize_text

sys.path.insert(0, str(PROJECT))
from fixtures.scanning import SCAN, scan_pages, uncoded_page  # noqa: E402

from bench.scans import FormFields, make_form_pdf, write_scan  # noqa: E402

pytestmark = pytest.mark.slow  # real OCR and LibreOffice


def erase_qr(page: Image.Image) -> Image.Image:
    """The page as if its QR code were torn or smudged beyond reading."""
    page = page.copy()
    draw = ImageDraw.Draw(page)
    for code in zxingcpp.read_barcodes(page):
        corners = [code.position.top_left, code.position.top_right, code.position.bottom_left,
                   code.position.bottom_right]
        xs, ys = [c.x for c in corners], [c.y for c in corners]
        draw.rectangle((min(xs) - 12, min(ys) - 12, max(xs) + 12, max(ys) + 12), fill="white")
    assert not zxingcpp.read_barcodes(page)
    return page


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A case with its 受理 packet generated (a 2-page 委托书, the 告知清单, the 联系卡)."""
    tmp = tmp_path_factory.mktemp("trust")
    daiban = Daiban(tmp / "根目录")
    daiban("init", *AGENCY_CONTACT)
    use_sample_library(daiban.root)
    case_no = json.loads(daiban("case", "new", "--from", SAMPLE_CASE, "--json").output)["case_no"]
    daiban("matter", "add", case_no, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局")
    packet = json.loads(daiban("packet", case_no, "受理", "--json").output)
    forms = {f["form_id"]: daiban.root / f["pdf"]["path"] for f in packet["forms"]}
    return daiban, case_no, forms, Path(packet["merged"]), tmp


def ingest(daiban, *args, code=0) -> list[dict]:
    return json.loads(daiban("ingest", *args, "--json", code=code).output)


def case_view(daiban, case_no) -> dict:
    return json.loads(daiban("case", "show", case_no, "--json").output)


def test_the_print_packet_proves_no_signature(tmp_path):
    daiban = Daiban(tmp_path / "另一库")
    daiban("init", *AGENCY_CONTACT)
    use_sample_library(daiban.root)
    case_no = json.loads(daiban("case", "new", "--from", SAMPLE_CASE, "--json").output)["case_no"]
    daiban("matter", "add", case_no, "--name", "企业投资项目备案")
    merged = Path(json.loads(daiban("packet", case_no, "受理", "--json").output)["merged"])
    (outcome,) = ingest(daiban, merged, code=7)
    assert (outcome["status"], outcome["reason"]) == ("failed", "not_a_scan")
    assert "不是签字后的扫描件" in outcome["message"]
    shown = case_view(daiban, case_no)
    assert shown["case"]["status"] == "登记" and not [d for d in shown["documents"] if d["kind"] == "signed"]


def test_a_foreign_form_in_a_stack_goes_to_review_saying_so(world):
    daiban, case_no, forms, _, tmp = world
    other = make_form_pdf(FormFields(case_no="DB-2099-0007", form_id="card"), tmp / "别处")
    stack = write_scan(scan_pages(forms["card"], 1) + scan_pages(other, 2) + scan_pages(forms["notice"], 3), SCAN,
                       tmp / "混入外单位表单.pdf")
    outcomes = ingest(daiban, stack)
    assert [(o["status"], o["form_id"]) for o in outcomes] == [("filed", "card"), ("review", None), ("filed", "notice")]
    assert "DB-2099-0007/card/v1" in outcomes[1]["message"] and "没有的案件" in outcomes[1]["message"]


def test_reversed_pages_with_an_unreadable_code_are_put_back_in_order(world):
    daiban, case_no, forms, _, tmp = world
    first, second = scan_pages(forms["entrust"], 4)
    stack = write_scan([erase_qr(second), first], SCAN, tmp / "委托书倒序.pdf")
    (outcome,) = ingest(daiban, stack)
    assert (outcome["status"], outcome["form_id"], outcome["pages"]) == ("filed", "entrust", [2, 1])
    signed = next(d for d in case_view(daiban, case_no)["documents"] if d["form_id"] == "entrust"
                  and d["kind"] == "signed")
    page_one = subprocess.run(["pdftotext", "-f", "1", "-l", "1", daiban.root / signed["path"], "-"],
                              capture_output=True, text=True).stdout
    assert "第1页共2页" in normalize_text(page_one).replace(" ", "")


def test_an_incomplete_form_goes_to_review_with_its_version_guessed(world):
    daiban, case_no, forms, _, tmp = world
    first, _ = scan_pages(forms["entrust"], 5)
    (outcome,) = ingest(daiban, write_scan([erase_qr(first)], SCAN, tmp / "缺页.pdf"))
    assert outcome["status"] == "review" and "页数不全" in outcome["reason"]
    item = next(i for i in json.loads(daiban("review", "list", "--json").output) if i["id"] == outcome["review_id"])
    assert item["guesses"][0]["identity"] == f"{case_no}/entrust/v1"


def accepted_inputs(folder: Path) -> list[Path]:
    """One uncoded page in every form intake accepts: PDF, JPEG, PNG, TIFF, a JPEG named .pdf, a damaged PDF."""
    page = uncoded_page("补充材料\n晋城市新能源装备制造产业园项目\n用地红线图")
    made = [write_scan([page], replace(SCAN, fmt=fmt), folder / f"补充.{ext}")
            for fmt, ext in (("pdf", "pdf"), ("jpeg", "jpg"), ("png", "png"), ("tiff", "tif"))]
    made.append(write_scan([page.rotate(0.1)], replace(SCAN, fmt="jpeg"), folder / "其实是JPEG.pdf"))
    damaged = folder / "交叉引用损坏.pdf"
    data = write_scan([page.rotate(0.2)], SCAN, folder / "原样.pdf").read_bytes()
    start = data.rindex(b"startxref") + len(b"startxref\n")
    damaged.write_bytes(data[:start] + b"999" + data[start:])
    with pikepdf.open(damaged) as pdf:
        assert pdf.get_warnings(), "the damaged PDF should need repair"
    made.append(damaged)
    return made


def test_every_kind_of_accepted_input_can_be_filed_from_review(world):
    daiban, case_no, _, _, tmp = world
    folder = tmp / "各种输入"
    folder.mkdir()
    outcomes = ingest(daiban, *accepted_inputs(folder))
    assert [o["status"] for o in outcomes] == ["review"] * 6
    mislabelled = next(o for o in outcomes if o["source"] == "其实是JPEG.pdf")
    assert any("扩展名为 .pdf" in w for w in mislabelled["warnings"])
    for outcome in outcomes:
        daiban("review", "file", str(outcome["review_id"]), case_no, "--category", "申请材料")
    assert json.loads(daiban("verify", "--json").output)["ok"]


def test_one_failure_never_stops_a_batch(world, monkeypatch):
    daiban, _, _, _, tmp = world
    real = ingest_module.ocr_to_pdfa

    def breaks_on_one(src, *args, **kwargs):
        if src.name == "会出错.pdf":
            raise RuntimeError("unexpected")
        return real(src, *args, **kwargs)

    monkeypatch.setattr(ingest_module, "ocr_to_pdfa", breaks_on_one)
    breaking = write_scan([uncoded_page("会出错的扫描")], SCAN, tmp / "会出错.pdf")
    empty = tmp / "空.pdf"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["ingest", str(breaking), str(empty), "--json"], env=daiban.env(),
                                catch_exceptions=False)
    outcomes = json.loads(result.stdout)
    assert [(o["source"], o["status"]) for o in outcomes] == [("会出错.pdf", "failed"), ("空.pdf", "failed")]
    assert result.exit_code == 1 and "处理失败" in outcomes[0]["message"]
    kept = [p.name for p in (daiban.root / "review" / "failed").iterdir()]
    assert any(n.endswith("会出错.pdf") for n in kept) and any(n.endswith("空.pdf") for n in kept)


def test_verify_watches_the_review_queue_and_refused_inputs(world):
    daiban, _, _, _, tmp = world
    (queued,) = ingest(daiban, write_scan([uncoded_page("待核对的扫描件")], SCAN, tmp / "待核对.pdf"))
    html = tmp / "下载页面.pdf"
    html.write_text("<!DOCTYPE html><html><body>登录后下载</body></html>", encoding="utf-8")
    (refused,) = ingest(daiban, html, code=7)
    assert "HTML 网页" in refused["message"]
    item = next(i for i in json.loads(daiban("review", "list", "--json").output) if i["id"] == queued["review_id"])
    original = daiban.root / item["original"]
    original.write_bytes(original.read_bytes() + b"\0")
    kept = next(p for p in (daiban.root / "review" / "failed").iterdir() if p.name.endswith("下载页面.pdf"))
    kept.unlink()
    problems = json.loads(daiban("verify", "--json", code=11).output)["problems"]
    found = {(p["code"], p["where"]) for p in problems}
    assert ("checksum_mismatch", f"待审核 #{queued['review_id']} 原件") in found
    assert ("missing_file", "拒收文件 下载页面.pdf") in found


def test_queued_scans_are_found_by_their_words_and_filed_by_ingesting_again(world):
    daiban, case_no, _, _, tmp = world
    source = write_scan([uncoded_page("补充说明\n项目单位补交了环评批复复印件")], SCAN, tmp / "环评.pdf")
    (queued,) = ingest(daiban, source)
    hits = json.loads(daiban("search", "环评批复", "--kind", "review", "--json").output)["hits"]
    assert [h["title"] for h in hits] == [f"待审核 #{queued['review_id']} 环评.pdf"]
    (again,) = ingest(daiban, source, "--case", case_no, "--category", "批复证照")
    assert again["status"] == "filed" and again["review_id"] == queued["review_id"]
    assert json.loads(daiban("search", "环评批复", "--kind", "review", "--json").output)["hits"] == []
    titles = [h["title"] for h in json.loads(daiban("search", "环评批复", "--json").output)["hits"]]
    assert titles == ["环评"]


def test_warnings_are_shown_and_stored_with_the_document(world):
    daiban, case_no, _, _, tmp = world
    blank = write_scan([Image.new("RGB", (1240, 1754), "white")], replace(SCAN, fmt="jpeg"), tmp / "空白页.pdf")
    (outcome,) = ingest(daiban, blank, "--case", case_no, "--category", "申请材料")
    assert outcome["status"] == "filed"
    assert any("扩展名为 .pdf" in w for w in outcome["warnings"])
    assert any("识别不到任何文字" in w for w in outcome["warnings"])
    assert "注意" in outcome["message"]
    stored = [d for d in case_view(daiban, case_no)["documents"] if d["id"] in outcome["doc_ids"]]
    assert any("识别不到任何文字" in w for d in stored for w in d["warnings"])


def test_messages_name_the_engine_and_no_temporary_path(world):
    daiban, _, forms, _, tmp = world
    settings = daiban.root / "daiban.toml"
    original = settings.read_text(encoding="utf-8")
    settings.write_text(original.replace("timeout = 600", "timeout = 0.5"), encoding="utf-8")
    try:
        (outcome,) = ingest(daiban, write_scan(scan_pages(forms["card"], 9), SCAN, tmp / "慢.pdf"), code=10)
    finally:
        settings.write_text(original, encoding="utf-8")
    assert "RapidOCR" in outcome["message"] and "超时" in outcome["message"]
    assert ".staging" not in outcome["message"] and "/tmp" not in outcome["message"]


def test_the_page_size_check_honours_user_unit(tmp_path, daiban):
    huge = tmp_path / "大幅面.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(800, 800))
        pdf.pages[0].obj["/UserUnit"] = 5
        pdf.save(huge)
    (outcome,) = ingest(daiban, huge, code=7)
    assert outcome["reason"] == "too_large" and "超过 A0" in outcome["message"]
