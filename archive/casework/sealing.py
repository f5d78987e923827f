"""Sealing (归档): a completed or terminated case whose file verifies and passes the audit is numbered in
archival order, given its 档号 and closed to further filing except a logged 补充."""

from datetime import date

from archive.base.errors import IntegrityError, TransitionError
from archive.casework.audit import audit_case
from archive.catalog.documents import CaseItem, case_items
from archive.catalog.lifecycle import RANK
from archive.catalog.sealing import Sealed, seal
from archive.catalog.session import Archive
from archive.catalog.verify import verify


def archival_order(found: list[CaseItem]) -> list[int]:
    """The 件号 of current items in archival order: by the lifecycle stage each was filed in, then its date."""
    def key(item: CaseItem) -> tuple:
        main = item.main
        return RANK.get(main.stage, len(RANK)), (main.doc_date or main.filed)[:10], item.item_no
    return [item.item_no for item in sorted(found, key=key)]


def seal_case(archive: Archive, case_no: str, today: date | None = None) -> Sealed:
    """Verify and audit a case, then seal it (归档): archival 件号, 档号, the event-chain head kept with it."""
    archive.require("case.archived", case_no)
    report = verify(archive, case_no)
    if not report.ok:
        problems = "\n  ".join(f"{p.where}：{p.message}" for p in report.problems)
        raise IntegrityError(f"案件 {case_no} 校验未通过，不能归档：\n  {problems}")
    audited = audit_case(archive, case_no, verified=report)
    if not audited.ok:
        missing = "\n  ".join(m.text for m in audited.missing)
        raise TransitionError(f"案件 {case_no} 不能归档，完整性检查发现：\n  {missing}")
    order = archival_order(case_items(archive, case_no, include_withdrawn=False))
    return seal(archive, case_no, order, (today or date.today()).year)
