"""One bad name must never block the archive: long titles, names that are not UTF-8, special files,
and filings interrupted where their leftovers cannot be removed."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, make_pdf, snapshot

GBK_NAME = "会议纪要（第一次）".encode("gbk") + b".pdf"


def names_fit(root: Path) -> list[str]:
    """Every file or folder name under root longer than 255 bytes (the ext4, XFS and NTFS limit)."""
    return [p.name for p in root.rglob("*") if len(os.fsencode(p.name)) > 255]


@pytest.mark.parametrize("title", ["项" * 90, "😀" * 80, "工程" * 200])
def test_a_long_title_is_filed_with_a_bounded_name_and_kept_whole(daiban, case_no, tmp_path, title):
    filed = json.loads(daiban("file", case_no, make_pdf(tmp_path / "a.pdf"), "--category", "basic",
                              "--title", title[:1000], "--json").output)["documents"][0]
    assert filed["title"] == title[:1000]
    assert len(os.fsencode(Path(filed["path"]).name)) <= 255 and names_fit(daiban.root) == []
    assert "校验通过" in daiban("verify").output


def test_a_long_project_name_gives_a_bounded_case_folder(daiban, tmp_path):
    out = daiban("case", "new", "--from", PROJECT / "demo" / "case.toml", "--project-name", "晋城" * 120,
                 "--json").output
    assert names_fit(daiban.root) == [] and json.loads(out)["facts"]["project_name"] == "晋城" * 120


def pending_row(daiban, path: str) -> int:
    """A pending row as an interrupted filing of an older daiban left it (its copy never written)."""
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        row = db.execute("SELECT * FROM documents ORDER BY id LIMIT 1").fetchone()
        names = [d[0] for d in db.execute("SELECT * FROM documents LIMIT 0").description]
        values = dict(zip(names, row, strict=True)) | {"id": None, "item_no": 99, "path": path, "state": "pending",
                                                      "sha256": "1" * 64}
        cur = db.execute(f"INSERT INTO documents ({','.join(names)}) VALUES ({','.join('?' * len(names))})",
                         [values[n] for n in names])
        return cur.lastrowid


def test_a_pending_row_with_an_impossible_name_is_rolled_back(daiban, case_no, tmp_path):
    first = json.loads(daiban("file", case_no, make_pdf(tmp_path / "a.pdf", marker="a"), "--category", "basic",
                              "--json").output)["documents"][0]
    pending_row(daiban, f"{Path(first['path']).parent}/0002 {'项' * 90} v1 签署件.pdf")
    daiban("file", case_no, make_pdf(tmp_path / "b.pdf", marker="b"), "--category", "basic")
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        assert db.execute("SELECT count(*) FROM documents WHERE state='pending'").fetchone()[0] == 0
    report = json.loads(daiban("verify", "--json").output)
    assert report["ok"] and report["notes"] == []


def test_a_leftover_that_cannot_be_removed_never_blocks_filing_and_verify_reports_it(daiban, case_no, tmp_path):
    daiban("file", case_no, make_pdf(tmp_path / "a.pdf", marker="a"), "--category", "basic")
    doc_id = pending_row(daiban, "cases/leftover.pdf")
    leftover = daiban.root / ".staging" / f"{doc_id}.part"
    leftover.write_bytes(b"half")
    if subprocess.run(["chattr", "+i", str(leftover)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available on this file system")
    try:
        daiban("file", case_no, make_pdf(tmp_path / "b.pdf", marker="b"), "--category", "basic")
        report = json.loads(daiban("verify", "--json", code=11).output)
        assert [p["code"] for p in report["problems"]] == ["stuck_pending"]
        assert f"{doc_id}.part" in report["problems"][0]["message"]
    finally:
        subprocess.run(["chattr", "-i", str(leftover)], check=True)
    daiban("file", case_no, make_pdf(tmp_path / "c.pdf", marker="c"), "--category", "basic")
    assert json.loads(daiban("verify", "--json").output)["ok"]


def run_bytes(daiban, *args) -> subprocess.CompletedProcess:
    """Run daiban with arguments that may be raw bytes (file names that are not UTF-8)."""
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=PROJECT, env=daiban.env(),
                          capture_output=True, timeout=60)


def test_a_gbk_file_name_is_filed_readably_and_its_bytes_kept(daiban, case_no, tmp_path):
    source = os.fsencode(tmp_path) + b"/" + GBK_NAME
    make_pdf(Path(os.fsdecode(source)), marker="gbk")
    done = run_bytes(daiban, "file", case_no, source, "--category", "会议纪要", "--json")
    assert done.returncode == 0, done.stderr.decode()
    filed = json.loads(done.stdout)["documents"][0]
    assert filed["title"] == "会议纪要（第一次）" and filed["path"].endswith("0001 会议纪要（第一次）.pdf")
    event = [e for e in json.loads(daiban("log", case_no, "--json").output) if e["action"] == "document.filed"][0]
    assert event["details"]["source"] == "会议纪要（第一次）.pdf"
    assert bytes.fromhex(event["details"]["source_bytes"]) == GBK_NAME
    assert "校验通过" in daiban("verify").output


def test_odd_names_and_special_files_never_stop_the_inbox_watcher(daiban, tmp_path):
    inbox = os.fsencode(daiban.root / "inbox")
    with open(inbox + b"/" + GBK_NAME, "wb") as bad:
        bad.write(b"not a pdf at all")
    (daiban.root / "inbox" / "扫描.pdf").write_bytes(b"")
    (daiban.root / "inbox" / "second.pdf").write_text("还是文本", encoding="utf-8")
    done = run_bytes(daiban, "watch", "--once", "--settle", "0.2")
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert "会议纪要（第一次）.pdf" in out and "second.pdf" in out
    notes = sorted(p.name for p in (daiban.root / "review" / "failed").iterdir() if p.suffix == ".txt")
    assert sorted(n.split(" ", 1)[1] for n in notes) == sorted(
        ["second.pdf.reason.txt", "会议纪要（第一次）.pdf.reason.txt", "扫描.pdf.reason.txt"])
    assert list((daiban.root / "inbox").iterdir()) == []


def test_a_named_pipe_given_to_ingest_is_refused_at_once(daiban, tmp_path):
    fifo = tmp_path / "扫描.pdf"
    os.mkfifo(fifo)
    before = snapshot(daiban)
    done = run_bytes(daiban, "ingest", os.fsencode(fifo), "--json")
    assert done.returncode == 7, done.stderr.decode()
    outcome = json.loads(done.stdout)[0]
    assert outcome["reason"] == "unsupported" and "不是普通文件" in outcome["message"]
    assert snapshot(daiban)[1] == before[1] | {"events": before[1]["events"] + 1}  # the refusal is on record
