"""The handover dossier: one PDF volume per GB/T 9705 with the documents in archival order, bookmarks,
page labels, archival page numbers that match the 卷内目录, 归档章 once sealed, internal papers left out."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import bagit
import pdfplumber
import pikepdf
import pytest
from conftest import AGENCY_CONTACT, SAMPLE_CASE, Daiban, file_form, make_pdf
from pypdf import PdfReader

pytestmark = pytest.mark.slow  # fpdf2 subsets the CJK faces for every volume: a few seconds each


@pytest.fixture
def finished(daiban, case_no, tmp_path) -> str:
    """A case at 办结 with its 移交清单 signed: 7 items, of which the 研判表 is internal."""
    daiban("matter", "add", case_no, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局")
    file_form(daiban, case_no, tmp_path, "assess", "--signed")
    file_form(daiban, case_no, tmp_path, "entrust", "--signed", pages=2)
    file_form(daiban, case_no, tmp_path, "plan", pages=3)
    daiban("file", case_no, make_pdf(tmp_path / "备案证.pdf", marker="备案", text="approval Z-7781"),
           "--category", "批复证照", "--date", "2026-03-20", "--doc-no", "泽审批备〔2026〕18号",
           "--author", "泽州县行政审批服务管理局")
    daiban("matter", "accept", case_no, "1")
    daiban("matter", "done", case_no, "1")
    file_form(daiban, case_no, tmp_path, "complete", "--signed")
    file_form(daiban, case_no, tmp_path, "handover", "--signed")
    return case_no


def outline(pdf_path) -> list[tuple[int, str, int]]:
    """Every bookmark as (depth, title, page index)."""
    found = []
    with pikepdf.open(pdf_path) as pdf:
        pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
        with pdf.open_outline() as tree:
            def walk(items, depth):
                for item in items:
                    found.append((depth, item.title, pages[item.destination[0].objgen]))
                    walk(item.children, depth + 1)
            walk(tree.root, 0)
    return found


def page_text(pdf_path, index: int, top_mm: float | None = None) -> str:
    """The text of one page (or of its top band) as poppler's pdftotext reads it."""
    band = ["-x", "0", "-y", "0", "-W", "1000", "-H", str(round(top_mm * 72 / 25.4))] if top_mm else []
    return subprocess.run(["pdftotext", "-f", str(index + 1), "-l", str(index + 1), *band, str(pdf_path), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_the_dossier_holds_the_handed_over_items_in_archival_order(daiban, finished):
    built = json.loads(daiban("dossier", finished, "--json").output)
    titles = [e["title"] for e in built["entries"]]
    assert "一站式项目研判表" not in titles and any("研判表" in line for line in built["left_out"])
    assert titles[0] == "“全代办”服务委托书" and titles[-1] == "移交清单"
    body = sum(e["pages"] for e in built["entries"])
    reader = PdfReader(built["pdf"])
    front = len(reader.pages) - body - 1  # cover and 目录 before, the 备考表 after
    assert front == 2 and built["pages"] == len(reader.pages)
    # Every 目录 page number is the number stamped on that 件's first page; even pages carry theirs too.
    for entry in built["entries"]:
        assert page_text(built["pdf"], front + entry["start"] - 1, top_mm=15).strip() == str(entry["start"])
    assert page_text(built["pdf"], front + 1, top_mm=15).strip() == "2"
    assert reader.page_labels[front] == "1" and reader.page_labels[0].startswith("卷首")
    toc_text = page_text(built["pdf"], 1)
    last = built["entries"][-1]
    assert last["pages"] == 1 and re.search(rf"\n{last['start']}\n", toc_text)
    approval = next(e for e in built["entries"] if e["title"] == "备案证")
    assert approval["doc_no"] == "泽审批备〔2026〕18号" and "泽审批备〔2026〕" in toc_text  # wrapped in its cell
    # The text of the documents survives the stamping (a scan's OCR layer is text like this).
    assert "approval Z-7781" in page_text(built["pdf"], front + approval["start"] - 1)


def test_bookmarks_point_at_every_part_and_stage(daiban, finished):
    built = json.loads(daiban("dossier", finished, "--json").output)
    marks = outline(built["pdf"])
    assert marks[0] == (0, "案卷封面", 0) and marks[1] == (0, "卷内目录", 1)
    assert marks[-1][1] == "卷内备考表" and marks[-1][2] == built["pages"] - 1
    parts = [m for m in marks if m[0] == 1]
    assert [(title, page) for _, title, page in parts] == [(e["title"], 1 + e["start"]) for e in built["entries"]]
    assert {m[1] for m in marks if m[0] == 0} >= {"受理阶段", "办理阶段"}


def test_internal_papers_go_in_only_when_asked(daiban, finished, tmp_path):
    built = json.loads(daiban("dossier", finished, "--include-internal", "--out", tmp_path / "内部",
                              "--json").output)
    assert "一站式项目研判表" in [e["title"] for e in built["entries"]] and built["left_out"] == []
    assert built["pdf"].startswith(str(tmp_path / "内部"))


def test_a_sealed_dossier_carries_references_and_the_seal_on_each_first_page(daiban, finished):
    daiban("case", "archive", finished)
    built = json.loads(daiban("dossier", finished, "--json").output)
    cover = page_text(built["pdf"], 0)
    # The internal 研判表 was numbered 0001 when the case was sealed; it stays out of the handover.
    assert re.search(r"档号\s+Z001-WS·\d{4}-Y-DB-0001\s", cover)  # the volume's: its 件 are 0001-0001…
    for entry in built["entries"]:
        first = page_text(built["pdf"], 1 + entry["start"], top_mm=25)
        assert "全宗号" in first and "Z001" in first and f"{entry['archival_no']:04d}" in first
    log = [e["action"] for e in json.loads(daiban("log", finished, "--json").output)]
    assert log.count("dossier.built") == 1


def test_a_rare_character_in_the_unit_prints_on_the_cover(daiban, tmp_path):
    facts = tmp_path / "case.toml"
    facts.write_text(SAMPLE_CASE.read_text(encoding="utf-8")
                     .replace("晋城市泽州新能源科技有限公司", "山西䶮丰𠮷祥新能源科技有限公司"), encoding="utf-8")
    case_no = json.loads(daiban("case", "new", "--from", facts, "--json").output)["case_no"]
    assert "没有可移交的文件" in daiban("dossier", case_no, code=2).stderr
    daiban("file", case_no, make_pdf(tmp_path / "备案证.pdf", text="approval"), "--category", "批复证照")
    built = json.loads(daiban("dossier", case_no, "--json").output)
    cover = page_text(built["pdf"], 0)
    assert "山西䶮丰𠮷祥新能源科技有限公司" in cover and built["warnings"] == []


def rezip(source: Path, target: Path, change: str | None = None) -> Path:
    """Copy a zip, flipping one byte of the member named change."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for member in old.namelist():
            data = old.read(member)
            if member == change:
                data = data[:-1] + bytes([data[-1] ^ 0x01])
            new.writestr(member, data)
    return target


def test_the_package_is_a_bag_any_bagit_tool_validates(daiban, finished, tmp_path):
    built = json.loads(daiban("dossier", finished, "--json").output)
    package = Path(built["package"])
    with zipfile.ZipFile(package) as bag:
        names = bag.namelist()
        bag.extractall(tmp_path / "unzipped")
    root = f"{package.stem}/"
    assert {root + "bagit.txt", root + "manifest-sha256.txt", root + "data/移交档案.pdf",
            root + "data/移交清单.pdf"} <= set(names)
    assert any(n.startswith(root + "data/原件/") and n.endswith("签署件.pdf") for n in names)
    assert any(n.endswith("备案证.pdf") for n in names)
    checked = json.loads(daiban("dossier", "verify", package, "--json").output)
    assert checked["ok"] and checked["info"]["External-Identifier"] == finished
    assert checked["info"]["Project-Unit"] == "晋城市泽州新能源科技有限公司"
    tool = subprocess.run([sys.executable, "-m", "bagit", "--validate", str(tmp_path / "unzipped" / package.stem)],
                          capture_output=True, text=True)
    assert tool.returncode == 0, tool.stderr
    payload = [n for n in names if "/data/" in n]
    for member in payload:
        changed = rezip(package, tmp_path / "changed.zip", change=member)
        refused = json.loads(daiban("dossier", "verify", changed, "--json", code=11).output)
        assert {p["path"] for p in refused["problems"]} == {member.split("/", 1)[1]}


def test_the_dossier_is_signed_and_a_change_shows_even_with_a_rewritten_manifest(daiban, finished, tmp_path):
    built = json.loads(daiban("dossier", finished, "--json").output)
    assert built["warnings"] == []
    checked = json.loads(daiban("dossier", "verify", built["package"], "--json").output)
    assert checked["signature"]["ok"] and checked["signature"]["self_signed"]
    # Someone changes the dossier and rewrites the bag's checksums to match: the bag validates, the signature not.
    bag = tmp_path / "bag"
    with zipfile.ZipFile(built["package"]) as package:
        package.extractall(bag)
    (root,) = [p.parent for p in bag.rglob("bagit.txt")]
    pdf = root / "data" / "移交档案.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 3] ^= 0x01
    pdf.write_bytes(bytes(data))
    bagit.Bag(str(root)).save(manifests=True)
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as out:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            out.write(path, str(path.relative_to(bag)))
    refused = json.loads(daiban("dossier", "verify", forged, "--json", code=11).output)
    assert refused["problems"] == [{"path": "data/移交档案.pdf", "message": "数字签名不再有效：签名后内容被改动",
                                    "code": "signature"}]


def test_without_a_key_the_dossier_is_built_unsigned_and_says_so(tmp_path):
    runner = Daiban(tmp_path / "无证书")
    runner("init", "--city", "晋城市", *AGENCY_CONTACT)
    case_no = json.loads(runner("case", "new", "--from", SAMPLE_CASE, "--json").output)["case_no"]
    runner("file", case_no, make_pdf(tmp_path / "备案证.pdf", text="approval"), "--category", "批复证照")
    built = json.loads(runner("dossier", case_no, "--json").output)
    assert any("未加数字签名" in w for w in built["warnings"])
    assert "移交档案未加数字签名" in runner("dossier", "verify", built["package"]).output


def test_the_volume_identifies_as_pdfa_2b_and_names_a_part_without_its_fonts(daiban, finished, tmp_path):
    built = json.loads(daiban("dossier", finished, "--json").output)
    with pikepdf.open(built["pdf"]) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and len(intent.DestOutputProfile.read_bytes()) > 1000
    fonts = subprocess.run(["pdffonts", built["pdf"]], capture_output=True, text=True, check=True).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded
    # An upload that does not carry its font is named: the volume cannot be PDF/A with it.
    bare = pikepdf.new()
    page = bare.add_blank_page()
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))
    page.Contents = bare.make_stream(b"BT /F1 12 Tf 72 760 Td (late letter) Tj ET")
    bare.save(tmp_path / "来函.pdf")
    daiban("file", finished, tmp_path / "来函.pdf", "--category", "工作联系函")
    warned = json.loads(daiban("dossier", finished, "--json").output)["warnings"]
    assert any("来函" in w and "Helvetica" in w and "PDF/A-2b" in w for w in warned)


def test_a_file_that_is_not_a_pdf_goes_into_the_package_and_the_notes_say_so(daiban, finished, tmp_path):
    minutes = tmp_path / "联审会议纪要.txt"
    minutes.write_text("第一次联审协调会议纪要：用地预审与规划许可并联办理。", encoding="utf-8")
    daiban("file", finished, minutes, "--category", "会议纪要")
    built = json.loads(daiban("dossier", finished, "--json").output)
    assert any("联审会议纪要" in line and "原件在移交包内" in line for line in built["left_out"])
    with zipfile.ZipFile(built["package"]) as package:
        assert any(name.endswith("联审会议纪要.txt") and "/data/原件/" in name for name in package.namelist())
    assert "原件在移交包内" in page_text(built["pdf"], built["pages"] - 1)  # the 备考表


def test_the_handover_list_in_the_bag_is_the_form_listing_exactly_the_bag(daiban, finished, tmp_path):
    built = json.loads(daiban("dossier", finished, "--json").output)
    with zipfile.ZipFile(built["package"]) as bag:
        root = Path(built["package"]).stem
        payload = sorted(n.removeprefix(f"{root}/") for n in bag.namelist() if n.startswith(f"{root}/data/"))
        (tmp_path / "list.pdf").write_bytes(bag.read(f"{root}/data/移交清单.pdf"))
    with pdfplumber.open(tmp_path / "list.pdf") as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
        rows = [row for page in pdf.pages for table in page.extract_tables() for row in table[1:] if row[1]]
    assert text.startswith("移交清单") and "项目单位：晋城市泽州新能源科技有限公司" in text
    listed = sorted(re.search(r"（(data/.+)）$", "".join(row[1].split())).group(1) for row in rows)
    # The name column wraps a long file name; the names themselves hold spaces: compare without them.
    assert listed == ["".join(n.split()) for n in payload if n != "data/移交清单.pdf"]
    assert f"以上材料共{len(listed)}项" in text
    volume = next(row for row in rows if "".join(row[1].split()).endswith("（data/移交档案.pdf）"))
    assert volume[2] == "案卷" and volume[6] == str(built["pages"])


def test_a_dossier_written_to_another_filesystem_arrives_whole_and_signed(daiban, finished):
    # /dev/shm is a tmpfs: the signed volume cannot be renamed there from the data root's scratch folder.
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(daiban.root).st_dev:
        pytest.skip("no second filesystem to write to")
    out = Path(tempfile.mkdtemp(dir=shm))
    try:
        built = json.loads(daiban("dossier", finished, "--out", out, "--json").output)
        assert Path(built["pdf"]).parent == out and not list(out.glob(".*"))
        checked = json.loads(daiban("dossier", "verify", built["package"], "--json").output)
        assert checked["ok"] and checked["signature"]["ok"]
    finally:
        shutil.rmtree(out)
