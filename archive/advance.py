"""Steps no single document proves (恢复, 归档) and what a case still lacks for its next step."""

from dataclasses import dataclass

from sqlalchemy import select

from archive import events
from archive.cases import case_row
from archive.db import cases, documents, matters
from archive.errors import TransitionError, UsageError
from archive.lifecycle import (
    ARCHIVED, COMPLETED, HANDLING, SUSPENDED, TERMINATED, next_steps, step_to,
)
from archive.matters import DONE
from archive.session import Archive


@dataclass(frozen=True)
class Need:
    """One thing a case lacks before a step: a form (maybe signed) or open matters."""

    step: str
    text: str


def _forms_on_file(conn, case_id: int) -> dict[str, set[str]]:
    rows = conn.execute(select(documents.c.form_id, documents.c.kind).where(
        documents.c.case_id == case_id, documents.c.state == "filed",
        documents.c.form_id.is_not(None)))
    found: dict[str, set[str]] = {}
    for form_id, kind in rows:
        found.setdefault(form_id, set()).add(kind)
    return found


def _archive_needs(archive: Archive, conn, row) -> list[str]:
    on_file = _forms_on_file(conn, row.id)
    closing = "complete" if row.status == COMPLETED else "terminate"
    missing = [f for f in ("entrust", closing, "handover") if "signed" not in on_file.get(f, set())]
    needs = [f"缺少已签署的《{archive.forms.get(f).title}》（{f}）" for f in missing]
    if row.status == COMPLETED:
        open_matters = conn.execute(select(matters.c.name).where(
            matters.c.case_id == row.id, matters.c.status != DONE)).scalars().all()
        needs += [f"审批事项未办结：{name}" for name in open_matters]
    return needs


def missing_for_next(archive: Archive, case_no: str) -> list[Need]:
    """Say, for each step open from the case's status, what is still missing."""
    with archive.engine.connect() as conn:
        row = case_row(conn, case_no)
        needs = []
        for step in next_steps(row.status):
            if step.target == ARCHIVED:
                texts = _archive_needs(archive, conn, row) or ["材料齐全，可运行 daiban case close 归档"]
            elif step.form:
                spec = archive.forms.get(step.form)
                signed = "已签署的" if step.signed else ""
                texts = [f"归档{signed}《{spec.title}》（--form {step.form}{' --signed' if step.signed else ''}）"]
            else:
                texts = ["运行 daiban case resume 说明中止情形已消除"]
            needs += [Need(f"{row.status} → {step.target}", t) for t in texts]
    return needs


def _move(archive: Archive, case_no: str, target: str, action: str, **details) -> None:
    with archive.write() as conn:
        row = case_row(conn, case_no)
        step = step_to(target, row.status)
        if step is None:
            raise TransitionError(f"案件 {case_no} 当前状态为“{row.status}”，不能转为“{target}”")
        if target == ARCHIVED and (needs := _archive_needs(archive, conn, row)):
            raise TransitionError(f"案件 {case_no} 不能归档：\n  " + "\n  ".join(needs))
        values = {"status": target, "updated": events.now()}
        if row.status == SUSPENDED:
            values |= {"suspend_code": None, "suspend_reason": None}
        conn.execute(cases.update().where(cases.c.id == row.id).values(**values))
        events.append(conn, archive.actor, action, case_no=case_no, old=row.status, new=target,
                      **details)


def resume(archive: Archive, case_no: str, note: str) -> None:
    """Resume a suspended case (中止 → 办理), recording why the suspension ended."""
    if not note.strip():
        raise UsageError("恢复办理须说明中止情形如何消除（--note）")
    _move(archive, case_no, HANDLING, "case.resumed", note=note)


def close(archive: Archive, case_no: str) -> None:
    """Archive a completed or terminated case (归档) once its file is complete."""
    with archive.engine.connect() as conn:
        status = case_row(conn, case_no).status
    if status not in (COMPLETED, TERMINATED):
        raise TransitionError(f"案件 {case_no} 当前状态为“{status}”，只有办结或终止的案件才能归档")
    _move(archive, case_no, ARCHIVED, "case.archived")
