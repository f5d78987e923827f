"""verify (校验): the catalog, the case folders and the event log agree, and nothing was changed."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, text

from archive.base.scratch import abandoned
from archive.base.terms import DocState
from archive.catalog import events
from archive.catalog.cases import REQUIRED_FACTS, case_row
from archive.catalog.schema import APPEND_ONLY_TRIGGERS, cases, documents
from archive.catalog.schema import events as events_table
from archive.catalog.session import Archive
from archive.catalog.store import STUCK
from archive.content.fileinfo import sha256_of

IGNORED_NAMES = {"store.lock"}


@dataclass(frozen=True)
class Finding:
    """One difference verify found: a machine code, where, and a Chinese explanation."""

    code: str
    where: str
    message: str


@dataclass
class Report:
    """What verify checked and found; ok when there are no problems."""

    documents: int = 0
    files: int = 0
    events: int = 0
    problems: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong (notes are explained leftovers, not problems)."""
        return not self.problems


def _check_documents(archive: Archive, rows, stuck: dict[int, str], report: Report) -> set[str]:
    expected = set()
    for doc in rows:
        expected.add(doc.path)
        where = f"{doc.case_no} 件号{doc.item_no:04d} {doc.path}"
        if doc.state == DocState.PENDING:
            if doc.id in stuck:
                report.problems.append(Finding("stuck_pending", where,
                                               f"中断的归档无法回滚：{stuck[doc.id]}。请处理该文件后再写入"))
            else:
                report.notes.append(Finding("interrupted", where, "中断的归档操作（进程被终止）：下一次写入时自动回滚"))
            continue
        report.documents += 1
        path = archive.root.path / doc.path
        if not path.is_file():
            report.problems.append(Finding("missing_file", where, "文件缺失"))
            continue
        size = path.stat().st_size
        if size != doc.size:
            report.problems.append(Finding("size_mismatch", where,
                                           f"文件大小不符：目录记录 {doc.size} 字节，实际 {size} 字节"))
        elif sha256_of(path) != doc.sha256:
            report.problems.append(Finding("checksum_mismatch", where, "文件内容被改动：sha256 与目录记录不符"))
        for name, value in (("title", doc.title), ("category", doc.category), ("sha256", doc.sha256)):
            if not value:
                report.problems.append(Finding("metadata", where, f"缺少必备元数据：{name}"))
    return expected


def _check_folder(archive: Archive, folder: Path, expected: set[str], report: Report) -> None:
    if not folder.exists():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(archive.root.path).as_posix()
        report.files += 1
        if rel not in expected:
            report.problems.append(Finding("unexplained_file", rel, "目录中没有记录的文件（来历不明）"))


def _check_staging(archive: Archive, pending_ids: set[int], report: Report) -> None:
    for path in sorted(archive.root.staging_dir.glob("*")):
        if path.name in IGNORED_NAMES or not path.is_file():
            continue
        stem = path.name.removesuffix(".part")
        if stem.isdigit() and int(stem) in pending_ids:
            continue
        report.problems.append(Finding("unexplained_file", path.relative_to(archive.root.path).as_posix(),
                                       "暂存区中来历不明的文件"))
    for path in abandoned(archive.root.staging_dir):
        report.notes.append(Finding("abandoned_scratch", path.relative_to(archive.root.path).as_posix(),
                                    "被终止的运行留下的临时文件夹：下一次生成表单或入库时自动清理"))


def _check_events(archive: Archive, conn, doc_rows, case_nos: set[str], report: Report) -> None:
    report.events = conn.execute(text("SELECT count(*) FROM events")).scalar()
    report.problems += [Finding("event_chain", "事件日志", p) for p in events.chain_problems(conn)]
    present = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))}
    for name in APPEND_ONLY_TRIGGERS:
        if name not in present:
            report.problems.append(Finding("event_guard", "事件日志", f"防篡改触发器 {name} 被删除"))
    filed = {}
    opened = set()
    for ev in conn.execute(select(events_table.c.action, events_table.c.doc_id, events_table.c.case_no,
                                  events_table.c.details, events_table.c.seq)):
        if ev.action == "document.filed":
            filed[ev.doc_id] = (ev.case_no, ev.seq, ev.details)
        elif ev.action == "case.opened":
            opened.add(ev.case_no)
    known_ids = {d.id for d in doc_rows}
    all_ids = {r[0] for r in conn.execute(select(documents.c.id))}
    for doc_id, (case_no, seq, _details) in filed.items():
        if case_no in case_nos and doc_id not in all_ids:
            report.problems.append(Finding("row_missing", f"{case_no} 文件#{doc_id}",
                                           f"事件 #{seq} 记录了此文件的归档，但目录中已无此记录：目录被删改"))
    for doc in doc_rows:
        if doc.state == DocState.PENDING or doc.id not in known_ids:
            continue
        if doc.id not in filed:
            report.problems.append(Finding("event_missing", f"{doc.case_no} 件号{doc.item_no:04d}",
                                           "没有对应的归档事件：目录记录来历不明"))
        elif json.loads(filed[doc.id][2]).get("sha256") != doc.sha256:
            report.problems.append(Finding("event_mismatch", f"{doc.case_no} 件号{doc.item_no:04d}",
                                           "目录中的 sha256 与归档事件记录不符：目录被改动"))
    for case_no in sorted(case_nos - opened):
        report.problems.append(Finding("event_missing", case_no, "没有立案事件：案件记录来历不明"))


def _check_cases(case_rows, report: Report) -> None:
    for row in case_rows:
        for name in REQUIRED_FACTS:
            if name in row._mapping and not row._mapping[name]:
                report.problems.append(Finding("metadata", row.case_no, f"案件缺少必备信息：{name}"))


def verify(archive: Archive, case_no: str | None = None) -> Report:
    """Check one case or the whole archive and report every difference."""
    report = Report()
    with archive.read() as conn:
        case_query = select(cases)
        if case_no:
            case_query = case_query.where(cases.c.id == case_row(conn, case_no).id)
        case_rows = conn.execute(case_query.order_by(cases.c.id)).all()
        ids = [r.id for r in case_rows]
        doc_rows = conn.execute(select(documents, cases.c.case_no).join(cases)
                                .where(documents.c.case_id.in_(ids))
                                .order_by(documents.c.case_id, documents.c.item_no)).all()
        stuck = {r.doc_id: json.loads(r.details).get("reason", "") for r in conn.execute(
            select(events_table.c.doc_id, events_table.c.details).where(events_table.c.action == STUCK))}
        expected = _check_documents(archive, doc_rows, stuck, report)
        folders = [archive.root.path / r.folder for r in case_rows] if case_no else [archive.root.cases_dir]
        for folder in folders:
            _check_folder(archive, folder, expected, report)
        pending = {d.id for d in doc_rows if d.state == DocState.PENDING}
        if not case_no:
            all_pending = set(conn.execute(select(documents.c.id)
                                           .where(documents.c.state == DocState.PENDING)).scalars())
            _check_staging(archive, all_pending | pending, report)
        _check_cases(case_rows, report)
        _check_events(archive, conn, doc_rows, {r.case_no for r in case_rows}, report)
    return report
