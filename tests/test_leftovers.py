"""What killed runs leave: no child process outlives daiban, and their scratch folders are reported by
verify and removed by the next run."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PROJECT, make_pdf

pytestmark = pytest.mark.slow  # real LibreOffice and OCR


def children_of(pid: int) -> list[int]:
    """The processes whose parent is pid."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def kill_while_a_tool_runs(daiban, *args) -> set[int]:
    """Start daiban, SIGKILL it once it has started its tool; return the tool's process groups."""
    proc = subprocess.Popen([sys.executable, "-m", "cli", *map(str, args)], cwd=PROJECT, env=daiban.env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (children := children_of(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    groups = {os.getpgid(child) for child in children}
    time.sleep(1.0)  # let the tool fork its own workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert groups, "daiban never started its tool"
    return groups


def scratch(daiban) -> list[Path]:
    return sorted((daiban.root / ".staging").glob("daiban-*"))


@pytest.mark.parametrize("command", [("render", "{case}", "card", "--set", "supervision_phone=0356-1"),
                                     ("ingest", "{scan}")], ids=["LibreOffice", "OCR"])
def test_a_killed_run_leaves_no_process_and_its_scratch_is_swept(daiban, case_no, tmp_path, command):
    scan = make_pdf(tmp_path / "扫描.pdf", pages=3, marker="scan")
    groups = kill_while_a_tool_runs(daiban, *[a.format(case=case_no, scan=scan) for a in command])
    deadline = time.monotonic() + 10
    while any(alive(g) for g in groups) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(g) for g in groups), "a child of the killed daiban is still running"
    left = scratch(daiban)
    assert len(left) == 1
    stamp = time.time() - 3600  # past the grace a run that has just started gets
    os.utime(left[0], (stamp, stamp))
    notes = json.loads(daiban("verify", "--json").output)["notes"]
    assert [n["code"] for n in notes] == ["abandoned_scratch"] and notes[0]["where"].endswith(left[0].name)
    daiban("render", case_no, "card", "--no-pdf", "--set", "supervision_phone=0356-1")
    assert scratch(daiban) == []
    assert json.loads(daiban("verify", "--json").output)["notes"] == []
