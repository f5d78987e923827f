"""Backup and restore of a live archive: the catalog by SQLite's online backup, then exactly the files
that copy refers to, then a manifest (sha256sum format) and the chain head.

A backup taken while others file is consistent: files are never changed once
filed, and the copied catalog names only files that were complete when it was
taken. Restoring checks every checksum first, then verify must pass on the
restored root and its chain head must be the one the backup recorded.
"""

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archive.base.errors import IntegrityError, RootError, UsageError
from archive.base.scratch import PREFIX
from archive.catalog import events
from archive.catalog.backup import snapshot
from archive.catalog.session import Archive, open_archive
from archive.catalog.verify import Report, verify
from archive.content.fileinfo import sha256_of
from archive.dataroot.folders import CATALOG_FILE, SETTINGS_FILE, DataRoot
from archive.indexing.maintenance import rebuild_index

MANIFEST = "manifest-sha256.txt"
INFO = "backup.json"
# Kept whole: refused inputs and returned scans are no catalog rows, but they are the record of them.
KEPT_FOLDERS = ("templates", "review/failed", "review/rejected", "exports")
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class BackupReport:
    """What a backup holds."""

    dest: Path
    files: int
    bytes: int
    head: str
    cases: int
    documents: int


@dataclass(frozen=True)
class RestoreReport:
    """What a restore put back and what verify said of it."""

    root: Path
    files: int
    head: str
    verified: Report
    indexed: int


def _empty_target(path: Path) -> None:
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise UsageError(f"{path} 已存在且不是空文件夹：请指定新的位置")
    path.mkdir(parents=True, exist_ok=True)


def _copy(source: Path, target: Path, expected: str | None) -> str:
    digest = sha256_of(source)
    if expected and digest != expected:
        raise IntegrityError(f"{source}：内容与目录库记录的 sha256 不符，备份中止。请先运行 daiban verify")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    return digest


def _kept_files(root: Path) -> list[str]:
    found = []
    for folder in KEPT_FOLDERS:
        base = root / folder
        if base.is_dir():
            found += [p.relative_to(root).as_posix() for p in sorted(base.rglob("*"))
                      if p.is_file() and not p.name.startswith(PREFIX)]
    return found


def backup(archive: Archive, dest: Path, progress: Progress | None = None) -> BackupReport:
    """Copy the live archive into dest, consistently, with a manifest of every file's sha256."""
    _empty_target(dest)
    taken = snapshot(archive, dest / CATALOG_FILE)
    wanted = [(f.path, f.sha256) for f in taken.files] + [(p, None) for p in _kept_files(archive.root.path)]
    wanted.append((SETTINGS_FILE, None))
    lines, total = [f"{sha256_of(dest / CATALOG_FILE)}  {CATALOG_FILE}"], (dest / CATALOG_FILE).stat().st_size
    for done, (rel, expected) in enumerate(wanted, start=1):
        lines.append(f"{_copy(archive.root.path / rel, dest / rel, expected)}  {rel}")
        total += (dest / rel).stat().st_size
        if progress:
            progress(done, len(wanted))
    (dest / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = BackupReport(dest, len(lines), total, taken.head, taken.cases, taken.documents)
    info = {"head": taken.head, "files": report.files, "bytes": total, "cases": taken.cases,
            "documents": taken.documents, "events": taken.events, "created": events.now(),
            "source": str(archive.root.path)}
    (dest / INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    events.record(archive, "backup.made", dest=str(dest), head=taken.head, files=report.files)
    return report


def _manifest(src: Path) -> list[tuple[str, str]]:
    if not (src / MANIFEST).is_file() or not (src / INFO).is_file():
        raise RootError(f"{src} 不是 daiban 备份（缺少 {MANIFEST} 或 {INFO}）")
    entries = []
    for line in (src / MANIFEST).read_text(encoding="utf-8").splitlines():
        digest, _, rel = line.partition("  ")
        entries.append((digest, rel))
    return entries


def check_backup(src: Path) -> list[str]:
    """Every file of a backup that is missing or differs from its manifest."""
    problems = []
    for digest, rel in _manifest(src):
        path = src / rel
        if not path.is_file():
            problems.append(f"缺少 {rel}")
        elif sha256_of(path) != digest:
            problems.append(f"{rel} 的 sha256 与清单不符")
    return problems


def restore(src: Path, target: Path, actor: str, progress: Progress | None = None) -> RestoreReport:
    """Restore a backup into a new root after checking every file, then verify it and rebuild its index."""
    if problems := check_backup(src):
        raise IntegrityError(f"备份 {src} 不完整，未恢复：" + "；".join(problems[:20]))
    _empty_target(target)
    entries = _manifest(src)
    for done, (_, rel) in enumerate(entries, start=1):
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / rel, target / rel)
        if progress:
            progress(done, len(entries))
    for folder in DataRoot(target).folders():
        folder.mkdir(parents=True, exist_ok=True)
    head = json.loads((src / INFO).read_text(encoding="utf-8"))["head"]
    archive = open_archive(target, actor)
    try:
        verified = verify(archive, anchor=head or None)
        indexed = rebuild_index(archive).documents
        events.record(archive, "backup.restored", source=str(src), head=head)
    finally:
        archive.close()
    return RestoreReport(target, len(entries), head, verified, indexed)
