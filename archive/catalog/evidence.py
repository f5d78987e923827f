"""The event log as evidence: what each event records of the rows users see, and the state it proves.

Every change to a case, a matter or a document writes an event carrying the
values it set. Replaying the log gives the state the catalog must be in; verify
names every row that differs (a case deleted, a document moved or retitled, a
status set, a withdrawal undone), so an edit made with plain SQL shows.
Events written before a field was recorded prove only what they hold.
"""

import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archive.base.terms import FACT_LABELS, CaseStatus, DocState, MatterStatus
from archive.catalog.schema import events

CASE_FIELDS = ("project_name", "unit", "credit_code", "project_code", "project_type", "location", "scale",
               "investment", "funding", "land", "folder", "retention")
DOCUMENT_FIELDS = ("item_no", "category", "title", "form_id", "version", "kind", "doc_no", "author", "doc_date",
                   "pages", "sha256", "size", "path", "stage", "parent_id", "text_sha256", "warnings")
MATTER_FIELDS = ("stage", "name", "level", "dept", "liaison", "time_limit", "parallel", "parallel_group")
LABELS = FACT_LABELS | {
    "folder": "文件夹", "retention": "保管期限", "status": "状态", "suspend_code": "中止情形", "manager": "项目长",
    "item_no": "件号", "category": "类别", "title": "题名", "form_id": "表单", "version": "版本", "kind": "性质",
    "doc_no": "文号", "author": "责任者", "doc_date": "日期", "pages": "页数", "sha256": "sha256", "size": "大小",
    "path": "存放位置", "stage": "阶段", "parent_id": "所签表单", "text_sha256": "文字内容", "name": "名称",
    "level": "层级", "dept": "审批部门", "liaison": "审批联络员", "time_limit": "时限", "parallel": "并联",
    "case_no": "所属案件", "state": "状态", "warnings": "提示", "archival_no": "归档件号", "reference": "档号",
    "meeting_id": "所属会议", "topic": "会议议题", "held": "会议日期", "place": "会议地点", "convener": "主持人",
    "depts": "参会部门", "parallel_group": "并联组", "submitted": "申报日期", "result_item": "办理结果件号",
    "assist_item": "协办单件号", "issue": "议定事项", "deadline": "期限", "closed": "办结日期",
    "closed_note": "办结说明", "login": "用户名", "role": "角色", "disabled": "停用", "password_digest": "密码",
    "volume_no": "案卷号",
}


# The events recording a step of a matter besides its status, and the column each sets.
MATTER_STEPS = {"matter.submitted": "submitted", "matter.result": "result_item", "matter.assist": "assist_item"}


def text_digest(text: str) -> str:
    """The sha256 of a document's stored text (the text itself is too long for an event)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _record(row, names: tuple[str, ...]) -> dict:
    values = row._mapping
    record = {name: values[name] for name in names if name in values}
    if "text_sha256" in names:
        record["text_sha256"] = text_digest(values["text"])
    return record


def case_record(row) -> dict:
    """The values of a case row its opening event records."""
    return _record(row, CASE_FIELDS)


def document_record(row) -> dict:
    """The values of a document row its filing event records."""
    return _record(row, DOCUMENT_FIELDS)


def matter_record(row) -> dict:
    """The values of a matter row its adding event records."""
    return _record(row, MATTER_FIELDS)


@dataclass
class ProvenState:
    """What the event log proves: the expected values of every case, document and matter it mentions."""

    cases: dict[str, dict] = field(default_factory=dict)
    documents: dict[int, dict] = field(default_factory=dict)
    matters: dict[int, dict] = field(default_factory=dict)
    # Sealed items by (case, 件号): the archival 件号 and 档号 the sealing (or a 补充) gave them.
    items: dict[tuple[str, int], dict] = field(default_factory=dict)
    # Items made part of a meeting, by (case, 件号): the meeting's number.
    item_meetings: dict[tuple[str, int], int] = field(default_factory=dict)
    meetings: dict[int, dict] = field(default_factory=dict)
    decisions: dict[int, dict] = field(default_factory=dict)
    # Users of the web interface by login: name, role, credit code, disabled mark, password digest.
    users: dict[str, dict] = field(default_factory=dict)


def _open_case(state: ProvenState, case_no: str, d: dict) -> None:
    record = d.get("record") or {"project_name": d.get("project"), "unit": d.get("unit")}
    state.cases[case_no] = {**record, "status": d.get("status", CaseStatus.REGISTERED), "suspend_code": None}
    managers = [p for p in d.get("people", []) if p[0] == "项目长"]
    if managers:
        state.cases[case_no]["manager"] = managers[-1][1]


def _move_case(state: ProvenState, case_no: str, d: dict) -> None:
    case = state.cases.setdefault(case_no, {})
    case["status"] = d.get("new")
    case["suspend_code"] = d.get("reason_code") if d.get("new") == CaseStatus.SUSPENDED else None
    if "volume" in d:
        case["volume_no"] = d["volume"]


def _file_document(state: ProvenState, case_no: str, doc_id: int, d: dict) -> None:
    state.documents[doc_id] = {"case_no": case_no, "title": d.get("title"), "category": d.get("category"),
                               "form_id": d.get("form"), "kind": d.get("kind"), "sha256": d.get("sha256"),
                               **d.get("record", {}), "state": DocState.FILED}


def _number_items(state: ProvenState, case_no: str, d: dict) -> None:
    for item_no, archival_no, reference in d.get("references", []):
        state.items[(case_no, item_no)] = {"archival_no": archival_no, "reference": reference}


def _meeting_work(state: ProvenState, action: str, case_no: str | None, d: dict) -> None:
    if action == "meeting.created":
        state.meetings[d["meeting"]] = {"case_no": case_no, "topic": d.get("topic"), "held": d.get("held"),
                                        "place": d.get("place"), "convener": d.get("convener"),
                                        "depts": d.get("depts")}
    elif action == "meeting.attached":
        for item_no in d.get("items", []):
            state.item_meetings[(case_no, item_no)] = d.get("meeting")
    elif action == "decision.added":
        state.decisions[d["decision"]] = {"case_no": case_no, "meeting_id": d.get("meeting"),
                                          "issue": d.get("issue"), "dept": d.get("dept"),
                                          "deadline": d.get("deadline"), "closed": None, "closed_note": ""}
    elif action == "decision.closed" and d.get("decision") in state.decisions:
        state.decisions[d["decision"]] |= {"closed": d.get("on"), "closed_note": d.get("note", "")}


def _apply(state: ProvenState, action: str, case_no: str | None, doc_id: int | None, d: dict) -> None:
    if action in ("user.added", "user.changed"):
        state.users[d["login"]] = d.get("record", {})
    elif action.startswith(("meeting.", "decision.")):
        _meeting_work(state, action, case_no, d)
    elif action == "case.opened":
        _open_case(state, case_no, d)
    elif action in ("case.status", "case.resumed", "case.archived"):
        _move_case(state, case_no, d)
        _number_items(state, case_no, d)
    elif action == "case.supplemented":
        _number_items(state, case_no, d)
    elif action == "case.manager_changed":
        state.cases.setdefault(case_no, {})["manager"] = d.get("new")
    elif action == "document.filed":
        _file_document(state, case_no, doc_id, d)
    elif action == "document.text_reread" and doc_id in state.documents:
        state.documents[doc_id]["text_sha256"] = d.get("text_sha256")
    elif action == "document.regrouped" and doc_id in state.documents:
        state.documents[doc_id]["item_no"] = d.get("item_no")
    elif action == "document.withdrawn" and doc_id in state.documents:
        state.documents[doc_id]["state"] = DocState.WITHDRAWN
    elif action == "matter.added":
        state.matters[d["matter"]] = {"case_no": case_no, "stage": d.get("stage"), "name": d.get("name"),
                                      "level": d.get("level"), "dept": d.get("dept"), **d.get("record", {}),
                                      "status": MatterStatus.WAITING}
    elif action == "matter.status" and d.get("matter") in state.matters:
        state.matters[d["matter"]]["status"] = d.get("new")
    elif action in MATTER_STEPS and d.get("matter") in state.matters:
        column = MATTER_STEPS[action]
        state.matters[d["matter"]][column] = d.get(column)


def replay(conn: Connection, case_no: str | None = None) -> ProvenState:
    """Replay the whole event log, or one case's events, into the state it proves."""
    state = ProvenState()
    query = select(events.c.action, events.c.case_no, events.c.doc_id, events.c.details)
    if case_no is not None:
        query = query.where(events.c.case_no == case_no)
    for action, case_no, doc_id, details in conn.execute(query.order_by(events.c.seq)):
        _apply(state, action, case_no, doc_id, json.loads(details))
    return state


def differences(expected: dict, actual: dict) -> list[str]:
    """The fields, by their Chinese labels, whose actual value is not the one the log proves."""
    return [f"{LABELS.get(name, name)}（记录为“{value}”，实为“{actual.get(name)}”）"
            for name, value in expected.items() if name in actual and _differ(value, actual[name])]


def _differ(proven: object, actual: object) -> bool:
    if isinstance(proven, bool) or isinstance(actual, bool):
        return bool(proven) != bool(actual)
    if isinstance(proven, int | float) and isinstance(actual, int | float):
        return float(proven) != float(actual)
    return proven != actual

