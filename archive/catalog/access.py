"""What the acting user may reach and do (issue 15): one table of actions by role, enforced where every
change and every reading is recorded.

Every change daiban makes, and every reading of a case, writes an event (全程留痕), so the event log's
append is the one place no service can pass by: it refuses, inside the same transaction, an action the
user's role does not have or a case the user may not reach, and the transaction leaves nothing behind.
Listings (cases, search hits, deadlines) are filtered by the same rules before they are shown. The CLI
acts as the local operator, who holds the files anyway: full rights. The web interface opens the archive
with the logged-in user's Access.
"""

from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from archive.base.errors import AccessError
from archive.base.terms import CaseStatus, DocState, Role, UserRole
from archive.catalog.schema import cases, documents, people
from docgen.catalog import load_catalog


@dataclass(frozen=True)
class Access:
    """Who acts: a user's login, role, name on cases (项目长/代办员) and, for an enterprise, its credit code."""

    login: str = ""
    role: UserRole | None = None
    name: str = ""
    credit_code: str = ""

    @property
    def full(self) -> bool:
        """True for the local operator and for administrators: every action on every case."""
        return self.role in (None, UserRole.ADMIN)

    @property
    def reads_all(self) -> bool:
        """True for those who may read every case: administrators, archivists, auditors."""
        return self.role in (None, UserRole.ADMIN, UserRole.ARCHIVIST, UserRole.AUDITOR)


FULL = Access()

# Actions that only record a reading (who saw what): allowed wherever the case may be seen.
READS = frozenset({
    "case.viewed", "cases.listed", "document.opened", "search", "log.viewed", "matters.listed", "due.listed",
    "ledger.viewed", "interactions.listed", "evaluations.listed", "report.quarter", "dossier.downloaded",
    "user.login",
})
# Readings of the archive as a whole: the review queue, verify's 四性检测.
ARCHIVE_READS = frozenset({"review.listed", "review.opened", "checks.reported"})
# What an enterprise may read of its own cases: progress, the documents handed over, its dossier.
ENTERPRISE_READS = frozenset({"case.viewed", "cases.listed", "document.opened", "search", "matters.listed",
                              "dossier.downloaded", "user.login"})
CASE_WORK = frozenset({
    "case.opened", "case.status", "case.manager_changed", "case.resumed", "matter.added", "matter.status",
    "matter.submitted", "matter.result", "matter.assist", "meeting.created", "meeting.attached", "decision.added",
    "decision.closed", "ledger.added", "document.filed", "document.withdrawn", "evaluation.enterprise",
    "evaluation.department", "store.recovered", "interaction.added", "review.added", "input.failed",
})
FILING = frozenset({
    "document.filed", "case.status", "meeting.attached", "review.added", "review.filed", "review.rejected",
    "input.failed", "case.archived", "case.supplemented", "dossier.built", "store.recovered", "document.withdrawn",
    "index.rebuilt", "document.text_reread",
})
# What each role may do; administrators may do everything (users, settings, templates). An auditor never
# changes anything: what it does is only ever recorded as a reading.
ALLOWED: dict[UserRole, frozenset[str]] = {
    UserRole.STAFF: READS | CASE_WORK,
    UserRole.ARCHIVIST: READS | ARCHIVE_READS | FILING,
    UserRole.AUDITOR: READS | ARCHIVE_READS,
    UserRole.ENTERPRISE: ENTERPRISE_READS,
}


def allows(access: Access, action: str) -> bool:
    """Whether the user's role has this action at all (which cases it reaches is checked apart)."""
    return access.full or action in ALLOWED[access.role]


def case_unreachable(case_no: str) -> AccessError:
    """The refusal for a case the user may not reach: it does not say whether the case exists."""
    return AccessError(f"案件 {case_no} 不存在，或您无权访问")


def _reaches(conn: Connection, access: Access, case_no: str) -> bool:
    # The same rule as the listings' (case_clause), so that what a user is refused is what they are not shown.
    if access.reads_all:
        return True
    found = select(cases.c.id).where(cases.c.case_no == case_no, case_clause(access))
    return conn.execute(found).first() is not None


@cache
def _handover_forms() -> frozenset[str]:
    # The shipped catalog of forms does not change while daiban runs.
    return frozenset(spec.id for spec in load_catalog().forms.values() if spec.handover)


@cache
def _internal_forms() -> tuple[str, ...]:
    return tuple(sorted(set(load_catalog().forms) - _handover_forms()))


def sees_review_queue(access: Access) -> bool:
    """Whether the user may see the scans waiting in review (archivists, auditors, administrators)."""
    return allows(access, "review.listed")


def hidden_forms(access: Access) -> tuple[str, ...]:
    """The forms a user may not see in search results: the internal ones, for an enterprise."""
    return _internal_forms() if access.role == UserRole.ENTERPRISE else ()


def handed_over(form_id: str | None) -> bool:
    """True for what is handed to the enterprise: uploads, approvals and the forms marked for it
    (the internal 研判表, 台账, 评价, 建议表, 名单 are not)."""
    return form_id is None or form_id in _handover_forms()


def _document_reachable(conn: Connection, doc_id: int) -> bool:
    row = conn.execute(select(documents.c.form_id, documents.c.state).where(documents.c.id == doc_id)).first()
    return row is not None and row.state == DocState.FILED and handed_over(row.form_id)


def check(conn: Connection, access: Access, action: str, case_no: str | None, doc_id: int | None) -> None:
    """Refuse, inside the caller's transaction, what the user may not do: an action beyond their role, a case
    they may not reach, a document not handed over to an enterprise."""
    if access.full:
        return
    if not allows(access, action):
        raise AccessError(f"您的角色（{access.role.label}）无权进行此操作：{action}")
    if case_no is not None and not _reaches(conn, access, case_no):
        raise case_unreachable(case_no)
    if access.role == UserRole.ENTERPRISE and doc_id is not None and not _document_reachable(conn, doc_id):
        raise AccessError("该文件不在移交给企业的材料之内，或您无权访问")


def case_clause(access: Access) -> ColumnElement[bool] | None:
    """A condition on the cases table selecting the cases the user may reach (None: every case)."""
    if access.reads_all:
        return None
    if access.role == UserRole.ENTERPRISE:
        return (cases.c.credit_code == access.credit_code) & (cases.c.credit_code != "") & (
            cases.c.status != CaseStatus.AGENCY_FILE)
    team = select(people.c.case_id).where(people.c.name == access.name, people.c.until.is_(None),
                                          people.c.role.in_([Role.MANAGER, Role.AGENT]))
    return cases.c.id.in_(team) | (cases.c.status == CaseStatus.AGENCY_FILE)
