"""The data root: init, missing and foreign roots, and a catalog from a newer daiban."""

import sqlite3
import tomllib

from conftest import SAMPLE_CASE, Daiban


def test_init_creates_the_layout(daiban):
    for name in ("cases", "inbox", "review", "index", "exports", "templates", "daiban.sqlite"):
        assert (daiban.root / name).exists(), name
    settings = tomllib.loads((daiban.root / "daiban.toml").read_text(encoding="utf-8"))
    assert settings["numbering"]["case"] == "DB-{year}-{seq:04d}"
    assert settings["ocr"]["languages"] == "chi_sim" and settings["agency"]["city"] == "晋城市"
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert "已是 daiban 数据根目录" in daiban("init", code=3).stderr


def test_missing_root_says_so(tmp_path):
    result = Daiban(tmp_path / "没有这个目录")("case", "list", code=3)
    assert "数据根目录不存在" in result.stderr and "daiban init" in result.stderr


def test_foreign_root_says_so(tmp_path):
    foreign = tmp_path / "别的文件夹"
    foreign.mkdir()
    (foreign / "笔记.txt").write_text("x", encoding="utf-8")
    runner = Daiban(foreign)
    assert "不是 daiban 数据根目录" in runner("case", "list", code=3).stderr
    assert "不是空文件夹" in runner("init", code=3).stderr


def test_root_option_beats_environment(daiban, tmp_path):
    other = tmp_path / "另一个库"
    daiban("init", "--root", other)
    daiban("case", "new", "--root", other, "--from", SAMPLE_CASE)
    assert "DB-" in daiban("--root", other, "case", "list").output
    assert "DB-" not in daiban("case", "list").output


def test_catalog_from_a_newer_schema_is_refused(daiban):
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    result = daiban("case", "list", code=9)
    assert "结构版本为 99" in result.stderr and "请升级 daiban" in result.stderr


def test_missing_catalog_is_reported(daiban):
    (daiban.root / "daiban.sqlite").unlink()
    assert "目录库缺失" in daiban("case", "list", code=3).stderr
