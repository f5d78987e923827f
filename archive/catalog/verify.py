"""verify (校验): the catalog, the case folders and the event log agree, and nothing was changed."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, text

from archive.base.scratch import abandoned
from archive.base.terms import REQUIRED_FACTS, CaseStatus, DocState, ReviewState, Role
from archive.catalog import events
from archive.catalog.cases import case_row
from archive.catalog.evidence import ProvenState, differences, replay, text_digest
from archive.catalog.schema import (
    APPEND_ONLY_TRIGGERS,
    cases,
    decisions,
    documents,
    failed_inputs,
    items,
    matters,
    meetings,
    people,
    review,
)
from archive.catalog.schema import events as events_table
from archive.catalog.session import Archive
from archive.catalog.store import STUCK
from archive.catalog.users import user_rows
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

    items: int = 0
    documents: int = 0
    files: int = 0
    events: int = 0
    problems: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)
    head: str = ""

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


def _check_kept(archive: Archive, rel: str, sha256: str | None, where: str, report: Report) -> None:
    path = archive.root.path / rel
    if not path.is_file():
        report.problems.append(Finding("missing_file", where, f"文件缺失：{rel}"))
    elif sha256 and sha256_of(path) != sha256:
        report.problems.append(Finding("checksum_mismatch", where, f"文件内容被改动：{rel} 的 sha256 与目录记录不符"))


def _check_queue(archive: Archive, conn, report: Report) -> None:
    """The review queue and review/failed/ may hold the only copy of an original: check them like the case files."""
    for row in conn.execute(select(review).where(review.c.state == ReviewState.WAITING)):
        _check_kept(archive, row.original, row.sha256, f"待审核 #{row.id} 原件", report)
        _check_kept(archive, row.pdf, row.pdf_sha256, f"待审核 #{row.id} 识别结果", report)
    known = set()
    for row in conn.execute(select(failed_inputs)):
        known.add(row.path)
        _check_kept(archive, row.path, row.sha256, f"拒收文件 {row.source_name}", report)
    folder = archive.root.review_dir / "failed"
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        rel = path.relative_to(archive.root.path).as_posix()
        if rel not in known and not path.name.endswith(".reason.txt"):
            report.notes.append(Finding("unregistered_failed", rel, "较早版本拒收的文件，未登记校验值"))


def _check_chain(conn, anchor: str | None, case_no: str | None, report: Report) -> None:
    # A case's verify proves its own events and their links; the archive's, the whole chain and its head.
    report.events = conn.execute(text("SELECT count(*) FROM events")).scalar()
    found = events.case_chain_problems(conn, case_no) if case_no else events.chain_problems(conn)
    report.problems += [Finding("event_chain", "事件日志", p) for p in found]
    present = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))}
    for name in APPEND_ONLY_TRIGGERS:
        if name not in present:
            report.problems.append(Finding("event_guard", "事件日志", f"防篡改触发器 {name} 被删除"))
    last = conn.execute(select(events_table.c.seq, events_table.c.hash).order_by(events_table.c.seq.desc())
                        .limit(1)).first()
    report.head = f"{last.seq}:{last.hash}" if last else ""
    if anchor:
        _check_anchor(conn, anchor, report)


def _check_anchor(conn, anchor: str, report: Report) -> None:
    """A head kept outside the database proves that no event up to it was rewritten."""
    seq_text, _, digest = anchor.rpartition(":")
    query = select(events_table.c.seq).where(events_table.c.hash == digest.strip().lower())
    found = conn.execute(query).scalar()
    if found is None or (seq_text and seq_text.strip().isdigit() and int(seq_text) != found):
        report.problems.append(Finding("head_mismatch", "事件日志", f"保存在库外的链头 {anchor} 不在事件日志中："
                                       "此前的事件被改写（链条虽自洽，但与当时记录的不同）"))


def _where(case_no: str, item: object) -> str:
    return f"{case_no} 件号{item:04d}" if isinstance(item, int) else f"{case_no} {item}"


def _check_items(conn, case_ids: list[int], doc_rows, report: Report) -> None:
    """Every file is a rendition of a recorded 件, and every 件 holds a file."""
    rows = conn.execute(select(items.c.case_id, items.c.item_no, cases.c.case_no).join(cases)
                        .where(items.c.case_id.in_(case_ids))).all()
    recorded = {(r.case_id, r.item_no) for r in rows}
    held = {(d.case_id, d.item_no) for d in doc_rows if d.state != DocState.PENDING}
    report.items = len(recorded & held)
    # An interrupted filing's item holds only pending rows: verify explains those apart.
    touched = {(d.case_id, d.item_no) for d in doc_rows}
    for d in doc_rows:
        if d.state != DocState.PENDING and (d.case_id, d.item_no) not in recorded:
            report.problems.append(Finding("item_missing", _where(d.case_no, d.item_no),
                                           f"文件 {d.path} 所属的件不在目录中"))
    for r in rows:
        if (r.case_id, r.item_no) not in touched:
            report.problems.append(Finding("item_empty", _where(r.case_no, r.item_no), "目录中的这一件没有任何文件"))


def _compare_cases(conn, proven: ProvenState, case_rows, whole: bool, report: Report) -> None:
    rows = {r.case_no: r for r in case_rows}
    for case_no, expected in proven.cases.items():
        row = rows.get(case_no)
        if row is None:
            if whole:
                report.problems.append(Finding("case_missing", case_no, "事件日志记录了立案，但目录中已无此案件："
                                               "案件被删除"))
            continue
        actual = dict(row._mapping) | {"manager": _current_manager(conn, row.id)}
        if changed := differences(expected, actual):
            report.problems.append(Finding("case_changed", case_no, "与事件日志不符：" + "；".join(changed)))
    for case_no in sorted(set(rows) - set(proven.cases)):
        report.problems.append(Finding("event_missing", case_no, "没有立案事件：案件记录来历不明"))


def _current_manager(conn, case_id: int) -> str | None:
    return conn.execute(select(people.c.name).where(people.c.case_id == case_id, people.c.role == Role.MANAGER,
                                                    people.c.until.is_(None)).order_by(people.c.id.desc())).scalar()


def _compare_documents(proven: ProvenState, doc_rows, case_nos: set[str], whole: bool, report: Report) -> None:
    rows = {d.id: d for d in doc_rows}
    for doc_id, expected in proven.documents.items():
        row = rows.get(doc_id)
        if row is None:
            if whole or expected["case_no"] in case_nos:
                report.problems.append(Finding("row_missing", f"{expected['case_no']} 文件#{doc_id}",
                                               "事件日志记录了此文件的归档，但目录中已无此记录：目录被删改"))
            continue
        actual = dict(row._mapping) | {"text_sha256": text_digest(row.text)}
        if changed := differences(expected, actual):
            report.problems.append(Finding("document_changed", _where(row.case_no, row.item_no),
                                           "与事件日志不符：" + "；".join(changed)))
    for row in doc_rows:
        if row.state != DocState.PENDING and row.id not in proven.documents:
            report.problems.append(Finding("event_missing", _where(row.case_no, row.item_no),
                                           "没有对应的归档事件：目录记录来历不明"))


def _compare_matters(conn, proven: ProvenState, case_rows, whole: bool, report: Report) -> None:
    ids = {r.id: r.case_no for r in case_rows}
    rows = {m.id: dict(m._mapping) | {"case_no": ids[m.case_id]} for m in conn.execute(
        select(matters).where(matters.c.case_id.in_(list(ids))))}
    for matter_id, expected in proven.matters.items():
        if not whole and expected["case_no"] not in ids.values():
            continue
        actual = rows.get(matter_id)
        if actual is None:
            report.problems.append(Finding("row_missing", f"{expected['case_no']} 事项#{matter_id}",
                                           "事件日志记录了此审批事项，但目录中已无此记录：目录被删改"))
        elif changed := differences(expected, actual):
            report.problems.append(Finding("matter_changed", f"{expected['case_no']} 事项#{matter_id}",
                                           "与事件日志不符：" + "；".join(changed)))
    for matter_id in sorted(set(rows) - set(proven.matters)):
        report.problems.append(Finding("event_missing", f"{rows[matter_id]['case_no']} 事项#{matter_id}",
                                       "没有添加事项的事件：记录来历不明"))


def _check_against_log(conn, case_rows, doc_rows, whole: bool, report: Report) -> None:
    """Replay the event log (a case's own events for one case) and name every case, document and matter that
    differs from what it proves."""
    proven = replay(conn, None if whole else case_rows[0].case_no)
    _compare_cases(conn, proven, case_rows, whole, report)
    _compare_documents(proven, doc_rows, {r.case_no for r in case_rows}, whole, report)
    _compare_matters(conn, proven, case_rows, whole, report)
    _compare_items(conn, proven, case_rows, report)
    _compare_meetings(conn, proven, case_rows, whole, report)
    if whole:
        _compare_users(conn, proven, report)


def _compare_users(conn, proven: ProvenState, report: Report) -> None:
    """Users, their roles and password hashes are those the log recorded: a role raised or a hash swapped with
    plain SQL shows."""
    rows = user_rows(conn)
    for login, expected in proven.users.items():
        actual = rows.get(login)
        if actual is None:
            report.problems.append(Finding("row_missing", f"用户 {login}", "事件日志记录了此用户，但目录中已无此记录"))
        elif changed := differences(expected, actual):
            report.problems.append(Finding("user_changed", f"用户 {login}", "与事件日志不符：" + "；".join(changed)))
    for login in sorted(set(rows) - set(proven.users)):
        report.problems.append(Finding("event_missing", f"用户 {login}", "没有添加此用户的事件：来历不明"))


def _compare_items(conn, proven: ProvenState, case_rows, report: Report) -> None:
    """The 件号 and 档号 of sealed items are those the sealing recorded, and no item has one it did not give."""
    ids = {r.id: r.case_no for r in case_rows}
    rows = conn.execute(select(items).where(items.c.case_id.in_(list(ids)))).all()
    for row in rows:
        case_no = ids[row.case_id]
        expected = proven.items.get((case_no, row.item_no), {"archival_no": None, "reference": None})
        expected = expected | {"meeting_id": proven.item_meetings.get((case_no, row.item_no))}
        if changed := differences(expected, dict(row._mapping)):
            report.problems.append(Finding("item_changed", _where(case_no, row.item_no),
                                           "与归档或会议事件不符：" + "；".join(changed)))


def _compare_rows(kind: str, code: str, proven: dict[int, dict], rows: dict[int, dict], case_nos: set[str],
                  whole: bool, report: Report) -> None:
    """Rows of one table against what the log proves of them: changed, deleted, or never logged."""
    for row_id, expected in proven.items():
        if not whole and expected["case_no"] not in case_nos:
            continue
        actual = rows.get(row_id)
        where = f"{expected['case_no']} {kind}#{row_id}"
        if actual is None:
            report.problems.append(Finding("row_missing", where,
                                           f"事件日志记录了此{kind}，但目录中已无此记录：目录被删改"))
        elif changed := differences(expected, actual):
            report.problems.append(Finding(code, where, "与事件日志不符：" + "；".join(changed)))
    for row_id in sorted(set(rows) - set(proven)):
        report.problems.append(Finding("event_missing", f"{rows[row_id]['case_no']} {kind}#{row_id}",
                                       f"没有记录此{kind}的事件：记录来历不明"))


def _compare_meetings(conn, proven: ProvenState, case_rows, whole: bool, report: Report) -> None:
    ids = {r.id: r.case_no for r in case_rows}
    held = {m.id: dict(m._mapping) | {"case_no": ids[m.case_id], "depts": [[d["dept"], d["name"]] for d in
                                                                            json.loads(m.depts)]}
            for m in conn.execute(select(meetings).where(meetings.c.case_id.in_(list(ids))))}
    decided = {d.id: dict(d._mapping) | {"case_no": ids[d.case_id]} for d in conn.execute(
        select(decisions, meetings.c.case_id).join(meetings, meetings.c.id == decisions.c.meeting_id)
        .where(meetings.c.case_id.in_(list(ids))))}
    numbers = set(ids.values())
    _compare_rows("会议", "meeting_changed", proven.meetings, held, numbers, whole, report)
    _compare_rows("议定事项", "decision_changed", proven.decisions, decided, numbers, whole, report)


def _check_cases(case_rows, report: Report) -> None:
    # The 机构文件 is the agency's, not a project's: it has no project facts to miss.
    for row in (r for r in case_rows if r.status != CaseStatus.AGENCY_FILE):
        for name in REQUIRED_FACTS:
            if name in row._mapping and not row._mapping[name]:
                report.problems.append(Finding("metadata", row.case_no, f"案件缺少必备信息：{name}"))


def verify(archive: Archive, case_no: str | None = None, anchor: str | None = None) -> Report:
    """Check one case or the whole archive and report every difference; anchor is a chain head
    ("seq:hash") kept outside the database, which proves that nothing before it was rewritten. The whole
    archive is for those who read all of it (archivists, auditors); a case for whoever may see it."""
    archive.require("case.viewed" if case_no else "checks.reported", case_no)
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
        _check_items(conn, ids, doc_rows, report)
        if not case_no:
            _check_queue(archive, conn, report)
        _check_chain(conn, anchor, case_no, report)
        _check_against_log(conn, case_rows, doc_rows, case_no is None, report)
    return report
