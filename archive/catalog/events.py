"""The event log (全程留痕): append-only, each event carrying the hash of the one before."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archive.catalog.access import check
from archive.catalog.engine import ACCESS_KEY, batches
from archive.catalog.schema import events, meta

if TYPE_CHECKING:  # the session appends the first event, so it imports this module
    from archive.catalog.session import Archive

GENESIS = "0" * 64
ACTION_LABELS = {
    "archive.initialised": "初始化档案库", "case.opened": "立案", "case.status": "状态变更",
    "case.manager_changed": "变更项目长", "case.resumed": "恢复办理", "case.archived": "归档",
    "matter.added": "添加审批事项", "matter.status": "事项状态变更", "document.filed": "归档文件",
    "document.withdrawn": "撤回文件", "document.opened": "调阅文件", "store.recovered": "回滚中断的归档",
    "review.added": "转入待审核", "review.filed": "待审核件归档", "review.rejected": "退回待审核件",
    "search": "检索", "index.rebuilt": "重建索引", "case.viewed": "查看案件", "cases.listed": "列出案件",
    "document.text_reread": "重新提取文字",
    "log.viewed": "查看事件日志", "matters.listed": "查看审批事项", "review.listed": "查看待审核队列",
    "backup.made": "备份", "backup.restored": "由备份恢复", "input.failed": "拒收文件",
    "settings.changed": "修改机构设置", "document.regrouped": "并入件（目录库升级）",
    "case.supplemented": "归档后补充", "dossier.built": "生成移交档案",
    "checks.reported": "四性检测", "due.listed": "查看到期事项", "calendar.year_added": "添加年度节假日安排",
    "ledger.added": "台账记录", "ledger.viewed": "查看台账", "meeting.created": "召集会议",
    "meeting.attached": "材料归入会议", "decision.added": "会议议定事项", "decision.closed": "议定事项办结",
    "report.quarter": "季度汇总", "matter.submitted": "事项申报", "matter.result": "事项办理结果",
    "matter.assist": "生成协办单", "interaction.added": "记录政企互动活动", "interactions.listed": "查看政企互动活动",
    "evaluation.enterprise": "记录企业评价", "evaluation.department": "评价审批部门服务",
    "evaluations.listed": "查看服务评价", "user.added": "添加用户", "user.changed": "修改用户",
    "user.login": "登录", "user.login_failed": "登录失败", "users.listed": "查看用户",
    "dossier.downloaded": "下载移交档案", "review.opened": "查看待审核件",
}


# Whole records kept as evidence (verify reads them); the summary shows the keys above them.
UNSHOWN = {"record", "people"}
DETAIL_LABELS = {
    "title": "题名", "category": "类别", "form": "表单", "kind": "性质", "source": "来源文件",
    "old": "原", "new": "新", "proof": "依据", "reason_code": "中止情形", "reason": "原因",
    "name": "名称", "stage": "阶段", "level": "层级", "dept": "部门", "matter": "事项",
    "project": "项目", "unit": "单位", "status": "状态", "note": "说明", "query": "检索词",
    "hits": "命中", "review_id": "待审核号", "backend": "索引后端", "documents": "件数",
    "source_bytes": "来源文件名原始字节", "text_sha256": "文字内容", "reader": "提取方法",
    "key": "设置项", "item_no": "件号", "path": "文件", "on": "日期", "days": "天数", "overdue": "仅逾期",
    "manager": "项目长", "year": "年度", "days_off": "放假天数", "make_up": "调休上班天数",
    "replaced": "替换", "text": "内容", "meeting": "会议", "topic": "议题", "held": "会议日期",
    "place": "地点", "convener": "主持人", "depts": "参会部门", "decision": "议定事项", "issue": "事项",
    "deadline": "期限", "items": "件号", "quarter": "季度", "submitted": "申报日期", "result_item": "办理结果件号",
    "assist_item": "协办单件号", "companies": "参加企业", "content": "活动内容", "ratings": "评价",
    "method": "评价方式", "comments": "意见和建议", "login": "用户名", "role": "角色",
    "credit_code": "统一社会信用代码", "password_set": "设置密码", "disabled": "停用",
}


def action_label(action: str) -> str:
    """Chinese name of an event action for people to read."""
    return ACTION_LABELS.get(action, action)


def describe(details: dict) -> str:
    """An event's details in one line for people (checksums shortened, empty values left out)."""
    parts = []
    for key, value in details.items():
        if value in (None, "", [], {}) or key in UNSHOWN:
            continue
        if key in ("sha256", "text_sha256"):
            value = str(value)[:12] + "…"
        parts.append(f"{DETAIL_LABELS.get(key, key)}：{value}")
    return "；".join(parts)


@dataclass(frozen=True)
class Event:
    """One recorded step: who did what, when, to which case or document."""

    seq: int
    ts: str
    actor: str
    action: str
    case_no: str | None
    doc_id: int | None
    details: dict
    prev_hash: str
    hash: str

    @property
    def label(self) -> str:
        """The action's Chinese name."""
        return action_label(self.action)

    @property
    def summary(self) -> str:
        """The details in one line for people."""
        return describe(self.details)


def now() -> str:
    """Current local time as ISO 8601 with seconds and offset."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def event_hash(seq: int, ts: str, actor: str, action: str, case_no: str | None,
               doc_id: int | None, details: dict, prev_hash: str) -> str:
    """Hash an event's content together with its predecessor's hash."""
    body = json.dumps(
        [seq, ts, actor, action, case_no, doc_id, details, prev_hash],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(conn: Connection, actor: str, action: str, *, case_no: str | None = None,
           doc_id: int | None = None, **details) -> Event:
    """Append one event inside the caller's transaction, once the acting user's rights allow it."""
    # A connection without an archive's rights (a migration during opening) acts with full rights.
    if (access := conn.info.get(ACCESS_KEY)) is not None:
        check(conn, access, action, case_no, doc_id)
    last = conn.execute(
        select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)
    ).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    ts = now()
    digest = event_hash(seq, ts, actor, action, case_no, doc_id, details, prev)
    conn.execute(events.insert().values(
        seq=seq, ts=ts, actor=actor, action=action, case_no=case_no, doc_id=doc_id,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True),
        prev_hash=prev, hash=digest,
    ))
    # The head is kept apart from the chain so that cutting events off its end shows too.
    conn.execute(meta.delete().where(meta.c.key == "event_head"))
    conn.execute(meta.insert().values(key="event_head", value=f"{seq}:{digest}"))
    return Event(seq, ts, actor, action, case_no, doc_id, details, prev, digest)


def _row_to_event(row) -> Event:
    return Event(row.seq, row.ts, row.actor, row.action, row.case_no, row.doc_id,
                 json.loads(row.details), row.prev_hash, row.hash)


def read_log(archive: Archive, case_no: str | None = None, limit: int | None = None) -> list[Event]:
    """Return events in order, optionally one case's, optionally only the latest `limit`."""
    query = select(events)
    if case_no is not None:
        query = query.where(events.c.case_no == case_no)
    with archive.read() as conn:
        if limit is not None:
            rows = conn.execute(query.order_by(events.c.seq.desc()).limit(limit)).all()
            return [_row_to_event(r) for r in reversed(rows)]
        return [_row_to_event(r) for r in conn.execute(query.order_by(events.c.seq))]


def read_actions(archive: Archive, actions: tuple[str, ...], case_no: str | None = None,
                 case_nos: list[str] | None = None) -> list[Event]:
    """Return the events of these actions in order (of one case, or of these cases, when given)."""
    query = select(events).where(events.c.action.in_(actions))
    if case_no is not None:
        query = query.where(events.c.case_no == case_no)
    if case_nos is None:
        with archive.read() as conn:
            return [_row_to_event(r) for r in conn.execute(query.order_by(events.c.seq))]
    found = []
    with archive.read() as conn:
        for batch in batches(case_nos):
            found += [_row_to_event(r) for r in conn.execute(query.where(events.c.case_no.in_(batch)))]
    return sorted(found, key=lambda e: e.seq)


def record(archive: Archive, action: str, *, case_no: str | None = None, doc_id: int | None = None,
           **details) -> Event:
    """Append one event in a transaction of its own (searches and openings: who saw what)."""
    with archive.write() as conn:
        return append(conn, archive.actor, action, case_no=case_no, doc_id=doc_id, **details)


def _hash_problem(row) -> str | None:
    digest = event_hash(row.seq, row.ts, row.actor, row.action, row.case_no, row.doc_id, json.loads(row.details),
                        row.prev_hash)
    return None if digest == row.hash else f"事件 #{row.seq}（{row.action}）内容与其哈希不符：事件被修改"


def case_chain_problems(conn: Connection, case_no: str) -> list[str]:
    """Check a case's own events: each one's hash, and its links to the events before and after it in the chain
    (the whole chain is what the archive's verify checks)."""
    rows = conn.execute(select(events).where(events.c.case_no == case_no).order_by(events.c.seq)).all()
    seqs = {r.seq for r in rows}
    near = {s - 1 for s in seqs} | {s + 1 for s in seqs}
    around = {}
    wanted = sorted(near - seqs)
    for batch in batches(wanted):
        for row in conn.execute(select(events.c.seq, events.c.hash, events.c.prev_hash)
                                .where(events.c.seq.in_(batch))):
            around[row.seq] = row
    around |= {r.seq: r for r in rows}
    last = conn.execute(select(events.c.seq).order_by(events.c.seq.desc()).limit(1)).scalar() or 0
    problems = [p for r in rows if (p := _hash_problem(r))]
    for row in rows:
        before = around.get(row.seq - 1)
        if row.seq > 1 and before is None:
            problems.append(f"事件 #{row.seq - 1} 缺失（其后为本案事件 #{row.seq}）：事件日志被删改")
        elif row.prev_hash != (before.hash if before else GENESIS):
            problems.append(f"事件 #{row.seq} 的前序哈希与事件 #{row.seq - 1} 不符：链条断裂")
        after = around.get(row.seq + 1)
        if row.seq < last and (after is None or after.prev_hash != row.hash):
            problems.append(f"事件 #{row.seq} 之后的事件 #{row.seq + 1} 缺失或不再指向它：链条断裂")
    return problems


def chain_problems(conn: Connection) -> list[str]:
    """Check the whole chain: sequence, links and hashes; return what is broken."""
    problems = []
    prev, expected_seq = GENESIS, 1
    for row in conn.execute(select(events).order_by(events.c.seq)):
        if row.seq != expected_seq:
            problems.append(f"事件 #{expected_seq} 缺失（下一条为 #{row.seq}）：事件日志被删改")
        if row.prev_hash != prev:
            problems.append(f"事件 #{row.seq} 的前序哈希与事件 #{row.seq - 1} 不符：链条断裂")
        if problem := _hash_problem(row):
            problems.append(problem)
        prev, expected_seq = row.hash, row.seq + 1
    head = conn.execute(select(meta.c.value).where(meta.c.key == "event_head")).scalar()
    if head and head != f"{expected_seq - 1}:{prev}":
        problems.append(f"事件日志末尾与记录的链头（#{head.split(':')[0]}）不符：末尾事件被删除或改动")
    return problems
