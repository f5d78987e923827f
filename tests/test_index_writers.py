"""One writer at a time across real processes: waiting, stale locks, killed writers."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.errors import IndexLockedError
from index.locking import LOCK_NAME, writer_lock
from index.maintenance import check, update_documents
from index.registry import index_info
from index.search import search

BACKENDS = ["whoosh", "tantivy"]
WRITER = r"""
import datetime, sys
from pathlib import Path
from index.document import IndexDoc
from index.maintenance import update_documents

index_dir, backend = Path(sys.argv[1]), sys.argv[2]
first, count, batch = map(int, sys.argv[3:6])
text = "代办员马艳陪同项目单位到市自然资源和规划局办理用地预审与选址意见书。" * 40

def doc(i):
    return IndexDoc(i, "DB-2026-0001", "岳阳新正项目", "岳阳新正建材有限公司", "ledger", "工作日志", "办理",
                    "generated", f"台账{i}", "", "", ["马艳"], datetime.date(2026, 1, 1), f"{i}.pdf", text + f"第{i}条")

for start in range(first, first + count, batch):
    update_documents(index_dir, [doc(i) for i in range(start, min(start + batch, first + count))], backend,
                     lock_timeout=60)
    print(start, flush=True)
"""
HOLDER = r"""
import sys, time
from pathlib import Path
from index.locking import writer_lock

with writer_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def start(script: str, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def indexed_ids(index_dir: Path) -> list[int]:
    report = check(index_dir, {})
    assert report.duplicated == []
    return report.extra


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_processes_writing_at_once_both_succeed(tmp_path, backend):
    index_dir = tmp_path / "index"
    writers = [start(WRITER, index_dir, backend, first, 40, 5) for first in (1, 1001)]
    outcomes = [w.communicate(timeout=120) for w in writers]
    assert [w.returncode for w in writers] == [0, 0], outcomes
    assert all(err == "" for _, err in outcomes), outcomes
    assert indexed_ids(index_dir) == [*range(1, 41), *range(1001, 1041)]
    assert search(index_dir, "第1017条").total == 1


def test_a_held_lock_makes_the_next_writer_wait_then_fail_in_chinese(tmp_path):
    index_dir = tmp_path / "index"
    holder = start(HOLDER, index_dir)
    try:
        assert holder.stdout.readline().strip() == "locked"
        began = time.monotonic()
        with pytest.raises(IndexLockedError, match=f"正被另一个进程写入（进程 {holder.pid}）") as locked:
            update_documents(index_dir, [], lock_timeout=0.6)
        assert 0.6 <= time.monotonic() - began < 3
        assert locked.value.exit_code == 12
    finally:
        holder.kill()
        holder.communicate()


def test_the_lock_of_a_killed_holder_is_free_at_once(tmp_path):
    index_dir = tmp_path / "index"
    holder = start(HOLDER, index_dir)
    assert holder.stdout.readline().strip() == "locked"
    holder.send_signal(signal.SIGKILL)
    holder.communicate()
    assert (index_dir / LOCK_NAME).read_text().strip() == str(holder.pid)
    began = time.monotonic()
    with writer_lock(index_dir, timeout=1):
        assert time.monotonic() - began < 0.5


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_writer_killed_mid_batch_leaves_a_readable_index_and_the_next_writer_works(tmp_path, backend):
    index_dir, batch = tmp_path / "index", 100 if backend == "whoosh" else 300
    writer = start(WRITER, index_dir, backend, 1, 20 * batch, batch)
    writer.stdout.readline()
    began = time.monotonic()
    writer.stdout.readline()
    time.sleep((time.monotonic() - began) / 2)  # halfway through the third batch
    writer.send_signal(signal.SIGKILL)
    writer.communicate()
    assert writer.returncode == -signal.SIGKILL

    committed = index_info(index_dir).documents
    assert committed % batch == 0 and 2 * batch <= committed < 20 * batch
    assert search(index_dir, "马艳 用地预审").total == committed
    assert indexed_ids(index_dir) == list(range(1, committed + 1))

    follower = start(WRITER, index_dir, backend, 5001, 10, 10)
    assert follower.communicate(timeout=60)[1] == ""
    assert indexed_ids(index_dir) == [*range(1, committed + 1), *range(5001, 5011)]
