"""The case ledger (台账 / 工作日志): every step of a case as one line — 时间, 内容, 完成许可事项情况.

Nothing is kept twice: the lines are read from the event log (filings, transitions, matter steps, the
staff's own entries, recorded as ledger.added events) and from the deadlines that have passed, so the
ledger cannot disagree with what the archive proves.
"""

from dataclasses import dataclass
from datetime import date

from archive.base.errors import UsageError
from archive.base.terms import DocKind, MatterStatus
from archive.casework.deadlines import case_deadlines
from archive.casework.values import checked_text, past_day
from archive.catalog import events
from archive.catalog.cases import get_case
from archive.catalog.session import Archive
from archive.dataroot.calendar import load_calendar

# What staff record by hand (seed 002 三3: 做好工作日志; 001: 咨询、催办、督办、协调).
KINDS = ("咨询", "催办", "督办", "协调", "补正", "踏勘", "沟通", "其他")
AUTO = "自动"


@dataclass(frozen=True)
class LedgerLine:
    """One line of the ledger: when, what, the matters done by then, its kind and who recorded it."""

    day: str
    content: str
    result: str
    kind: str
    actor: str


@dataclass(frozen=True)
class _Step:
    day: str
    seq: int
    content: str
    kind: str
    actor: str
    adds: bool = False
    finishes: bool = False


def _on(event: events.Event) -> str:
    # A step recorded later carries the day it happened (a matter's submission, its own date).
    d = event.details
    return str(d.get("on") or d.get("submitted") or event.ts)[:10]


def _document(details: dict) -> str:
    label = DocKind(details["kind"]).label if details.get("kind") in DocKind._value2member_map_ else ""
    return f"归档《{details.get('title', '')}》" + (f"（{label}）" if label else "")


def _case_work(log: list[events.Event]) -> list[events.Event]:
    """The events the ledger speaks of: a 件's renditions filed together (.docx and PDF; a signed copy and
    its original scan) are one step, told by the first of each kind; the original scan is never told."""
    seen, kept = set(), []
    for e in log:
        if e.action == "document.filed":
            key = (e.details.get("item_no"), e.details.get("kind"))
            if key in seen or e.details.get("kind") == DocKind.ORIGINAL:
                continue
            seen.add(key)
        kept.append(e)
    return kept


def _content(event: events.Event) -> str | None:
    """The ledger's words for an event of case work; None for reads and housekeeping."""
    d = event.details
    said = {
        "case.opened": lambda: f"立案：{d.get('project', '')}",
        "case.status": lambda: f"案件进入“{d.get('new')}”",
        "case.resumed": lambda: "恢复办理" + (f"：{d['note']}" if d.get("note") else ""),
        "case.manager_changed": lambda: f"项目长变更为 {d.get('new', '')}",
        "case.archived": lambda: "归档（封卷），编定档号",
        "case.supplemented": lambda: f"归档后补充：{d.get('reason', '')}",
        "matter.added": lambda: f"添加审批事项“{d.get('name')}”（{d.get('stage', '')}，{d.get('dept', '')}）",
        "matter.status": lambda: f"审批事项“{d.get('name')}”{d.get('new')}",
        "matter.submitted": lambda: f"审批事项“{d.get('name')}”已申报（推送）",
        "matter.result": lambda: f"审批事项“{d.get('name')}”取得办理结果（件号{d.get('result_item', 0):04d}）",
        "evaluation.enterprise": lambda: f"项目单位评价代办服务（{d.get('method', '')}）："
                                         + "、".join(d.get("ratings", {}).values()),
        "evaluation.department": lambda: f"评价{d.get('dept', '')}的审批服务："
                                         + "、".join(d.get("ratings", {}).values()),
        "document.filed": lambda: _document(d),
        "document.withdrawn": lambda: f"撤回件号{d.get('item_no', 0):04d}：{d.get('reason', '')}",
        "dossier.built": lambda: "生成移交档案和移交包",
        "ledger.added": lambda: f"【{d.get('kind', '其他')}】{d.get('text', '')}",
        "meeting.created": lambda: f"召集会议：{d.get('topic', '')}（{d.get('held', '')}，{d.get('place', '')}）",
        "decision.added": lambda: f"会议议定：{d.get('issue', '')}（{d.get('dept', '')}"
                                  + (f"，{d['deadline']}前）" if d.get("deadline") else "）"),
        "decision.closed": lambda: f"议定事项办结：{d.get('issue', '')}"
                                   + (f"（{d['note']}）" if d.get("note") else ""),
    }
    found = said.get(event.action)
    return found() if found else None


def ledger_lines(archive: Archive, case_no: str, today: date | None = None) -> list[LedgerLine]:
    """The ledger of a case, oldest first: its events of case work and the deadlines that passed."""
    today = today or date.today()
    case = get_case(archive, case_no)
    steps = [_Step(_on(e), e.seq, content, e.details.get("kind", "其他") if e.action == "ledger.added" else AUTO,
                   e.actor, e.action == "matter.added",
                   e.action == "matter.status" and e.details.get("new") == MatterStatus.DONE)
             for e in _case_work(events.read_log(archive, case_no)) if (content := _content(e))]
    passed = [d for d in case_deadlines(archive, case, load_calendar(archive.root)) if d.overdue(today)]
    steps += [_Step(d.due.isoformat(), 0, f"时限已过：{d.what}（{d.basis}）", AUTO, "") for d in passed]
    # Counted in the order things happened (a matter step may be recorded days later, with its date).
    lines, added, done = [], 0, 0
    for step in sorted(steps, key=lambda s: (s.day, s.seq)):
        added, done = added + step.adds, done + step.finishes
        lines.append(LedgerLine(step.day, step.content, f"已办结 {done}/{added} 项" if added else "", step.kind,
                                step.actor))
    return lines


def case_ledger(archive: Archive, case_no: str, today: date | None = None) -> list[LedgerLine]:
    """Show a case's ledger (the viewing is logged, as every read of a case is)."""
    lines = ledger_lines(archive, case_no, today)
    events.record(archive, "ledger.viewed", case_no=case_no)
    return lines


def add_ledger(archive: Archive, case_no: str, text: str, kind: str = "其他", on: date | None = None) -> LedgerLine:
    """Record a line of the staff's own in a case's ledger (咨询, 催办, 协调, …), logged like every change."""
    if kind not in KINDS:
        raise UsageError(f"台账记录类别“{kind}”无效，应为：{'、'.join(KINDS)}")
    past_day(on, "台账只记录已经发生的工作")
    get_case(archive, case_no)
    text = checked_text("台账内容", text, multiline=True)
    if not text.strip():
        raise UsageError("台账内容不能为空")
    event = events.record(archive, "ledger.added", case_no=case_no, text=text, kind=kind,
                          **({"on": on.isoformat()} if on else {}))
    return LedgerLine(_on(event), f"【{kind}】{text}", "", kind, event.actor)
