"""Backups are shown to be restorable (DA/T 70): a consistent copy even while another process files,
checkable with standard tools, restored into a root that verifies with the recorded chain head."""

import json
import subprocess
import sys
import time

from conftest import PROJECT, Daiban, make_bad_pdfs, make_pdf


def restored_ok(daiban, backup, target) -> dict:
    report = json.loads(daiban("restore", backup, target, "--json").output)
    assert report["ok"] and report["problems"] == []
    info = json.loads((backup / "backup.json").read_text(encoding="utf-8"))
    assert report["head"] == info["head"]
    return report


def test_a_backup_checks_with_sha256sum_and_restores_whole(daiban, case_no, tmp_path):
    daiban("file", case_no, make_pdf(tmp_path / "批复.pdf", marker="a"), "--category", "批复证照")
    daiban("file", case_no, make_pdf(tmp_path / "草稿.pdf", marker="b"), "--category", "申请材料")
    daiban("withdraw", case_no, "2", "--reason", "重复")
    daiban("ingest", make_bad_pdfs(tmp_path).empty, code=7)  # a refused input kept in review/failed/
    backup = tmp_path / "备份"
    out = json.loads(daiban("backup", backup, "--json").output)
    assert out["documents"] == 2 and out["head"]
    checked = subprocess.run(["sha256sum", "--quiet", "-c", "manifest-sha256.txt"], cwd=backup,
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert any((backup / "review" / "failed").iterdir())
    report = restored_ok(daiban, backup, tmp_path / "恢复")
    restored = Daiban(tmp_path / "恢复")
    shown = json.loads(restored("case", "show", case_no, "--json").output)
    assert [d["state"] for d in shown["documents"]] == ["filed", "withdrawn"] and report["indexed"] == 1
    assert "批复" in restored("search", "批复").output
    restored("verify", "--head", out["head"])


def test_a_backup_taken_while_another_process_files_restores_clean(daiban, case_no, tmp_path):
    sources = [make_pdf(tmp_path / "待归档" / f"{n:02d}.pdf", marker=f"m{n}") for n in range(12)]
    script = ("import subprocess, sys\n"
              f"for path in {[str(s) for s in sources]!r}:\n"
              f"    subprocess.run([sys.executable, '-m', 'cli', 'file', '{case_no}', path, '--category', 'basic'],"
              " check=True, capture_output=True)\n")
    filer = subprocess.Popen([sys.executable, "-c", script], cwd=PROJECT, env=daiban.env())
    heads = []
    try:
        for n in range(3):
            time.sleep(0.4)
            backup = tmp_path / f"备份{n}"
            heads.append(json.loads(daiban("backup", backup, "--json").output)["head"])
            restored_ok(daiban, backup, tmp_path / f"恢复{n}")
    finally:
        assert filer.wait(timeout=120) == 0
    assert len(set(heads)) == 3  # each backup caught the archive at a different moment
    assert json.loads(daiban("verify", "--json").output)["ok"]


def test_a_damaged_backup_is_not_restored(daiban, case_no, tmp_path):
    daiban("file", case_no, make_pdf(tmp_path / "批复.pdf"), "--category", "批复证照")
    backup = tmp_path / "备份"
    daiban("backup", backup)
    copy = next((backup / "cases").rglob("*.pdf"))
    copy.write_bytes(copy.read_bytes() + b"x")
    result = daiban("restore", backup, tmp_path / "恢复", code=11)
    assert "sha256 与清单不符" in result.stderr and copy.name in result.stderr
    assert not (tmp_path / "恢复").exists()
    assert "已存在且不是空文件夹" in daiban("backup", backup, code=2).stderr


def test_a_filing_killed_half_way_leaves_no_empty_item_in_the_backup(daiban, case_no, tmp_path):
    daiban("file", case_no, make_pdf(tmp_path / "批复.pdf", marker="a"), "--category", "批复证照")
    # Killed with its 件 and its file's row written as pending: the live root explains it, the copy drops it.
    killed = daiban.subprocess("file", case_no, make_pdf(tmp_path / "另一件.pdf", marker="b"), "--category", "basic",
                               DAIBAN_CRASH_AT="store.pending")
    assert killed.returncode != 0
    backup = tmp_path / "备份"
    assert json.loads(daiban("backup", backup, "--json").output)["documents"] == 1
    restored_ok(daiban, backup, tmp_path / "恢复")
