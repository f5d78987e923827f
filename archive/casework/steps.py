"""Lifecycle steps no single document proves (恢复, 归档), and what a case still lacks for its next step."""

from dataclasses import dataclass

from archive.base.errors import TransitionError, UsageError
from archive.base.terms import CaseStatus, DocKind
from archive.casework.values import checked_text
from archive.catalog.cases import Case, CaseState, case_state, move_case
from archive.catalog.lifecycle import next_steps
from archive.catalog.session import Archive
from docgen.catalog import FormCatalog

# The signed papers an archived case file must hold, besides the one that ended the case.
ARCHIVE_FORMS = ("entrust", "handover")


@dataclass(frozen=True)
class Need:
    """One thing a case lacks before a step: a form (maybe signed) or open matters."""

    step: str
    text: str


def archive_needs(state: CaseState, forms: FormCatalog) -> list[str]:
    """What a completed or terminated case still lacks before it can be archived (the completeness check)."""
    closing = "complete" if state.case.status == CaseStatus.COMPLETED else "terminate"
    required = (ARCHIVE_FORMS[0], closing, ARCHIVE_FORMS[1])
    missing = [f for f in required if DocKind.SIGNED not in state.forms_on_file.get(f, set())]
    needs = [f"缺少已签署的《{forms.get(f).title}》（{f}）" for f in missing]
    if state.case.status == CaseStatus.COMPLETED:
        needs += [f"审批事项未办结：{name}" for name in state.open_matters]
    return needs


def missing_for_next(archive: Archive, case_no: str) -> list[Need]:
    """Say, for each step open from the case's status, what is still missing."""
    state = case_state(archive, case_no)
    status = state.case.status
    needs = []
    for step in next_steps(status):
        if step.target == CaseStatus.ARCHIVED:
            texts = archive_needs(state, archive.forms) or ["材料齐全，可运行 daiban case close 归档"]
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


def close_case(archive: Archive, case_no: str) -> Case:
    """Archive a completed or terminated case (归档) once its file passes the completeness check."""
    status = case_state(archive, case_no).case.status
    if status not in (CaseStatus.COMPLETED, CaseStatus.TERMINATED):
        raise TransitionError(f"案件 {case_no} 当前状态为“{status}”，只有办结或终止的案件才能归档")

    def complete_file(state: CaseState) -> None:
        if needs := archive_needs(state, archive.forms):
            raise TransitionError(f"案件 {case_no} 不能归档：\n  " + "\n  ".join(needs))

    return move_case(archive, case_no, CaseStatus.ARCHIVED, "case.archived", guard=complete_file)
