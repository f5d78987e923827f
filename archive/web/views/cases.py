"""Cases: the list with its filters, a case's page (facts, next steps, matters, items, events, ledger,
audit) and a 件 with its renditions side by side (the original scan beside its OCR copy)."""

from flask import Blueprint, render_template, request
from flask_login import login_required

from archive.base.errors import NotFoundError
from archive.base.terms import CATEGORIES, CaseStatus
from archive.casework.audit import audit_case
from archive.casework.cases import browse_cases, show_case
from archive.casework.facts import labelled_facts
from archive.casework.ledger import case_ledger
from archive.web.context import user_archive

cases = Blueprint("cases", __name__)
PER_PAGE = 50


@cases.route("/cases")
@login_required
def index():
    """The cases the user may reach, newest first, by status, 项目长 and a fragment of number, project or unit."""
    status = request.args.get("status") or None
    page = max(request.args.get("page", 1, type=int), 1)
    found = browse_cases(user_archive(), status, request.args.get("manager") or None, request.args.get("q", ""),
                         page, PER_PAGE)
    return render_template("cases.html", found=found, page=page, pages=max(1, -(-found.total // PER_PAGE)),
                           statuses=[s for s in CaseStatus if s != CaseStatus.AGENCY_FILE])


@cases.route("/cases/<case_no>")
@login_required
def show(case_no: str):
    """One case: facts, status and next steps, the matters checklist, items by category, recent events."""
    view = show_case(user_archive(), case_no)
    by_category = [(c, [i for i in view.items if i.category == c.name]) for c in CATEGORIES]
    return render_template("case.html", view=view, by_category=[(c, i) for c, i in by_category if i],
                           facts=labelled_facts(view.case.facts))


@cases.route("/cases/<case_no>/items/<int:item_no>")
@login_required
def item(case_no: str, item_no: int):
    """A 件 and its renditions, the PDFs shown side by side."""
    view = show_case(user_archive(), case_no)
    found = next((i for i in view.items if i.item_no == item_no), None)
    if found is None:
        raise NotFoundError(f"案件 {case_no} 中没有件号 {item_no:04d}")
    return render_template("item.html", view=view, item=found)


@cases.route("/cases/<case_no>/ledger")
@login_required
def ledger(case_no: str):
    """The case's 台账 (loaded into the case page when opened)."""
    return render_template("_ledger.html", lines=case_ledger(user_archive(), case_no))


@cases.route("/cases/<case_no>/audit")
@login_required
def audit(case_no: str):
    """The completeness audit of the case (fixity of every file included: loaded after the page)."""
    return render_template("_audit.html", audit=audit_case(user_archive(), case_no))
