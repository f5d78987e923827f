"""Lifecycle steps no single document proves (恢复), and what a case still lacks for its next step."""

from dataclasses import dataclass

from archive.base.errors import UsageError
from archive.base.terms import CaseStatus
from archive.casework.audit import audit_case
from archive.casework.values import checked_text
from archive.catalog.cases import Case, move_case
from archive.catalog.lifecycle import next_steps
from archive.catalog.session import Archive

READY_TO_SEAL = "材料齐全，可运行 daiban case archive 归档（先校验并检查完整性）"


@dataclass(frozen=True)
class Need:
    """One thing a case lacks before a step: a form (maybe signed) or open matters."""

    step: str
    text: str


def missing_for_next(archive: Archive, case_no: str) -> list[Need]:
    """Say, for each step open from the case's status, what is still missing."""
    audited = audit_case(archive, case_no, thorough=False)
    status = audited.status
    needs = []
    for step in next_steps(status):
        if step.target == CaseStatus.ARCHIVED:
            texts = [m.text for m in audited.missing] or [READY_TO_SEAL]
        elif step.form:
            spec = archive.forms.get(step.form)
            signed = "已签署的" if step.signed else ""
            texts = [f"归档{signed}《{spec.title}》（--form {step.form}{' --signed' if step.signed else ''}）"]
        else:
            texts = ["运行 daiban case resume 说明中止情形已消除"]
        needs += [Need(f"{status} → {step.target}", t) for t in texts]
    return needs


def resume_case(archive: Archive, case_no: str, note: str) -> Case:
    """Resume a suspended case (中止 → 办理), recording why the suspension ended."""
    if not checked_text("说明", note, multiline=True).strip():
        raise UsageError("恢复办理须说明中止情形如何消除（--note）")
    return move_case(archive, case_no, CaseStatus.HANDLING, "case.resumed", note=note)
