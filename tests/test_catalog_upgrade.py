"""Opening a data root: older catalogs are upgraded in place, a current one is only read."""

import shutil
import sqlite3
import subprocess
import sys
import time

from conftest import PROJECT, Daiban

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
    assert schema_version(daiban.root) == "5"
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
    assert schema_version(daiban.root) == "5"
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
