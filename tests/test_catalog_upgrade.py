"""Opening a data root: older catalogs are upgraded in place, a current one is only read."""

import json
import shutil
import sqlite3
import subprocess
import sys
import time

from conftest import PROJECT, Daiban

from archive.catalog.schema import SCHEMA_VERSION

V2_ROOT = PROJECT / "tests" / "fixtures" / "roots" / "schema-v2"


def tables(root) -> set[str]:
    with sqlite3.connect(root / "daiban.sqlite") as db:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def schema_version(root) -> str:
    with sqlite3.connect(root / "daiban.sqlite") as db:
        return db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]


def test_root_written_by_schema_v2_daiban_is_upgraded_and_its_queued_index_work_kept(tmp_path):
    # The fixture was written by the daiban of schema v2 (git copies no empty folders).
    daiban = Daiban(tmp_path / "旧库")
    shutil.copytree(V2_ROOT, daiban.root)
    assert "DB-2026-0001" in daiban("case", "list").output
    assert schema_version(daiban.root) == str(SCHEMA_VERSION)
    assert "index_queue" not in tables(daiban.root) and "outbox" in tables(daiban.root)
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        assert db.execute("SELECT doc_id, attempts, error FROM outbox").fetchall() == [(2, 1, "索引被占用")]
    assert "校验通过" in daiban("verify").output
    # The index is derived data and was not copied: rebuilding it carries out the queued work too.
    assert "daiban index rebuild" in daiban("index", "check", code=13).stderr
    daiban("index", "rebuild")
    assert "索引与目录库一致" in daiban("index", "check").output
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    assert "企业投资项目备案证明" in daiban("search", "备案证明").output


def test_schema_v1_catalog_gains_the_review_queue_the_outbox_and_the_scan_journal(daiban, case_no):
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        db.execute("DROP TABLE review")
        db.execute("DROP TABLE outbox")
        db.execute("DROP TABLE scan_parts")
        db.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    assert case_no in daiban("case", "list").output
    assert schema_version(daiban.root) == str(SCHEMA_VERSION)
    assert {"review", "outbox", "scan_parts"} <= tables(daiban.root) and "index_queue" not in tables(daiban.root)
    assert "校验通过" in daiban("verify").output


def test_opening_a_current_archive_takes_no_write_lock(daiban, case_no):
    # Another process holds the catalog's write lock: a command that only reads must not wait for it.
    holder = sqlite3.connect(daiban.root / "daiban.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "cli", "verify", case_no], cwd=PROJECT,
                              env=daiban.env(), capture_output=True, text=True, timeout=20)
        assert done.returncode == 0, done.stderr
        assert "校验通过" in done.stdout and time.monotonic() - started < 10
    finally:
        holder.execute("ROLLBACK")
        holder.close()


V5_ROOT = PROJECT / "tests" / "fixtures" / "roots" / "schema-v5"


def test_rebuild_on_a_root_of_the_previous_daiban_reads_its_forms_again(tmp_path):
    # Written by the daiban of schema v5: forms' texts read by pdftotext (cells interleaved, the
    # code's hyphen at a line end dropped), texts NFKC-folded, a format-1 index.
    daiban = Daiban(tmp_path / "旧库")
    shutil.copytree(V5_ROOT, daiban.root, symlinks=True)
    refused = daiban("search", "办理时限", code=13).stderr
    assert "旧版本" in refused and "daiban index rebuild" in refused
    rebuilt = daiban("index", "rebuild").output
    assert "已按新方法重新提取 3 件文件的文字" in rebuilt  # two forms' PDFs from their .docx, one upload
    assert schema_version(daiban.root) == str(SCHEMA_VERSION)
    found = json.loads(daiban("search", "建设工程消防验收备案", "--json").output)["hits"]
    assert any(h["path"].endswith("申请材料一次性告知清单 v1.pdf") for h in found)
    assert any(h["path"].endswith("联审情况报告.pdf") for h in json.loads(
        daiban("search", "2026-140500-44-01-012345 晋城市生态环境局", "--json").output)["hits"])
    snippet = json.loads(daiban("search", "晋政办发", "--json").output)["hits"][0]["snippet"]
    assert "（**晋政办发**〔2026〕12号）" in snippet  # as printed, no longer folded
    # Every new reading is in the log, so verify's evidence still holds; a second rebuild reads nothing.
    assert "校验通过" in daiban("verify").output
    log = [e for e in json.loads(daiban("log", "--json").output) if e["action"] == "document.text_reread"]
    assert sorted(e["doc_id"] for e in log) == [2, 4, 5]
    assert "重新提取" not in daiban("index", "rebuild").output
