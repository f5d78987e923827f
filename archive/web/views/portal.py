"""我的项目 (the enterprise portal): an enterprise's own cases, their progress, the documents handed over and
the dossier with its 移交包 to download, with how to check them (other roles have the case pages)."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from archive.base.terms import UserRole
from archive.outputs.handover import handover_view, portal_page
from archive.web.context import user_archive

portal = Blueprint("portal", __name__)
PER_PAGE = 10


def _enterprise() -> bool:
    return current_user.user.role == UserRole.ENTERPRISE


@portal.route("/portal")
@login_required
def home():
    """The enterprise's cases, newest first, each with its progress, documents and dossier."""
    if not _enterprise():
        return redirect(url_for("dashboard.home"))
    page = max(request.args.get("page", 1, type=int), 1)
    found = portal_page(user_archive(), page, PER_PAGE)
    return render_template("portal.html", found=found, page=page, pages=max(1, -(-found.total // PER_PAGE)))


@portal.route("/portal/<case_no>")
@login_required
def case(case_no: str):
    """One of the enterprise's cases."""
    if not _enterprise():
        return redirect(url_for("cases.show", case_no=case_no))
    return render_template("portal_case.html", view=handover_view(user_archive(), case_no))
