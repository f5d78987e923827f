"""移交档案与封卷: a case's audit, sealing (归档), the dossier and its 移交包 built, downloaded and checked, and the
case's 四性检测 report shown in the page or downloaded."""

import mimetypes

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from archive.base.terms import CaseStatus, UserRole
from archive.casework import sealing
from archive.catalog.lifecycle import step_to
from archive.outputs.handover import build, case_report, handover_view, open_dossier, verify_package
from archive.web.context import user_archive

dossier = Blueprint("dossier", __name__)


def _htmx() -> bool:
    return bool(request.headers.get("HX-Request"))


def _part(partial: str, case_no: str, **context):
    """An action's result: the fragment htmx swaps in, or a page holding it when the browser runs no script."""
    if _htmx():
        return render_template(partial, case_no=case_no, **context)
    return render_template("dossier_result.html", partial=partial, case_no=case_no, **context)


@dossier.route("/cases/<case_no>/dossier")
@login_required
def page(case_no: str):
    """The case's audit, sealing, dossier and package, and the 四性检测 (enterprises go to their portal)."""
    if current_user.user.role == UserRole.ENTERPRISE:
        return redirect(url_for("portal.case", case_no=case_no))
    view = handover_view(user_archive(), case_no)
    sealable = step_to(CaseStatus.ARCHIVED, view.case.case.status) is not None
    return render_template("dossier.html", view=view, sealable=sealable)


@dossier.route("/cases/<case_no>/dossier/seal", methods=["POST"])
@login_required
def seal_case(case_no: str):
    """封卷（归档）: verify, audit, number and seal the case, then show the page with its 档号."""
    sealed = sealing.seal_case(user_archive(), case_no)
    refs = [ref for _, _, ref in sealed.references]
    flash(f"案件 {case_no} 已归档：{len(refs)} 件" + (f"，档号 {refs[0]} 至 {refs[-1]}" if refs else ""), "info")
    url = url_for("dossier.page", case_no=case_no)
    # htmx follows HX-Redirect itself; a plain form post follows the redirect.
    return ("", 200, {"HX-Redirect": url}) if _htmx() else redirect(url)


@dossier.route("/cases/<case_no>/dossier/build", methods=["POST"])
@login_required
def build_dossier(case_no: str):
    """生成移交档案: the volume and its package, then what went in, what was left out and any warning."""
    built = build(user_archive(), case_no)
    return _part("dossier_handover.html", case_no, latest=built.latest, built=built.dossier, sealed=built.sealed)


@dossier.route("/cases/<case_no>/dossier/files/<which>")
@login_required
def download(case_no: str, which: str):
    """The latest dossier volume (PDF) or 移交包 (zip) as a download; who took it is recorded."""
    path = open_dossier(user_archive(), case_no, which)
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return send_file(path, mimetype=mimetype, conditional=True, as_attachment=True, download_name=path.name,
                     max_age=0)


@dossier.route("/cases/<case_no>/dossier/verify", methods=["POST"])
@login_required
def verify(case_no: str):
    """校验移交包: every file against the bag's sha256 manifest and the dossier's signature, each failure named."""
    return _part("dossier_check.html", case_no, check=verify_package(user_archive(), case_no))


@dossier.route("/cases/<case_no>/dossier/checks", methods=["POST"])
@login_required
def checks(case_no: str):
    """四性检测 of the case: shown in the page (show=1) or its report downloaded as HTML or PDF."""
    show = bool(request.form.get("show"))
    done = case_report(user_archive(), case_no, "html" if show else request.form.get("format", ""))
    if show:
        return _part("dossier_checks.html", case_no, report=done.report)
    mimetype = mimetypes.guess_type(done.path.name)[0] or "application/octet-stream"
    return send_file(done.path, mimetype=mimetype, as_attachment=True, download_name=done.path.name, max_age=0)
