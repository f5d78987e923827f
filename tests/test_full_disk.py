"""A full disk: every command fails with one clear message naming the root and leaves the archive as it
was; verify still runs; a filing is either complete (exit 0) or absent (exit 15), never half."""

import os
import subprocess
import sys

import pytest
from conftest import AGENCY_CONTACT, PROJECT, SAMPLE_CASE, Daiban, make_pdf, snapshot

CHUNK = 64 * 1024


@pytest.fixture
def disk(tmp_path):
    """A small file system of its own (tmpfs), so that filling it harms nothing else."""
    mount = tmp_path / "小盘"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(folder, leave: int = 0) -> None:
    """Fill the file system to the last byte, then free `leave` bytes again."""
    with open(folder / "填充", "wb") as filler:
        try:
            while True:
                filler.write(b"\0" * CHUNK)
                filler.flush()
        except OSError:
            pass
    with open(folder / "填充", "r+b") as filler:
        filler.truncate(max(0, os.path.getsize(folder / "填充") - leave))


def big_pdf(path, pages: int) -> os.PathLike:
    """A PDF of some size with unique bytes."""
    return make_pdf(path, pages=pages, marker=path.name)


@pytest.fixture
def on_disk(disk, tmp_path) -> tuple[Daiban, str]:
    """A data root on the small disk with a case and one filed document (the index exists)."""
    daiban = Daiban(disk / "数据")
    daiban("init", *AGENCY_CONTACT)
    case_no = daiban("case", "new", "--from", SAMPLE_CASE).output.split("：")[1].split()[0]
    daiban("file", case_no, make_pdf(tmp_path / "首份.pdf", marker="first"), "--category", "basic")
    return daiban, case_no


def test_every_writing_command_fails_cleanly_on_a_full_disk(on_disk, disk, tmp_path):
    daiban, case_no = on_disk
    fill(disk)
    before = snapshot(daiban)
    for args in (("file", case_no, big_pdf(tmp_path / "批复.pdf", 40), "--category", "批复证照"),
                 ("case", "new", "--from", SAMPLE_CASE),
                 ("matter", "add", case_no, "--stage", "立项", "--name", "备案", "--level", "县级", "--dept", "县局"),
                 ("search", "项目"), ("case", "show", case_no)):
        result = daiban(*args, code=15)
        assert "磁盘空间不足" in result.stderr and str(daiban.root) in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(daiban) == before, args
    assert "校验通过" in daiban("verify").output
    (disk / "填充").unlink()
    daiban("file", case_no, big_pdf(tmp_path / "批复.pdf", 40), "--category", "批复证照")
    assert "校验通过" in daiban("verify").output


@pytest.mark.parametrize("leave_kb", [16, 64, 128, 192, 256, 384, 512])
def test_a_filing_near_the_last_byte_is_whole_or_absent(on_disk, disk, tmp_path, leave_kb):
    daiban, case_no = on_disk
    source = big_pdf(tmp_path / "批复.pdf", 60)
    fill(disk, leave=leave_kb * 1024)
    before = snapshot(daiban)
    result = subprocess.run([sys.executable, "-m", "cli", "file", case_no, str(source), "--category", "批复证照"],
                            cwd=PROJECT, env=daiban.env(), capture_output=True, text=True, timeout=60)
    assert result.returncode in (0, 15), result.stderr
    assert "Traceback" not in result.stderr
    (disk / "填充").unlink()
    listed = daiban("case", "show", case_no, "--json").output
    if result.returncode == 0:
        assert "批复" in listed
    else:
        assert snapshot(daiban)[0] == before[0] and "批复.pdf" not in listed
    verified = daiban("verify", "--json")
    assert '"ok": true' in verified.output
