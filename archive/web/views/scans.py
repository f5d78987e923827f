"""扫描件入库 and 待审核: scans uploaded one file per request and ingested as `daiban ingest` does, and the review
queue, each scan shown beside daiban's guesses and filed or sent back in one click."""

from dataclasses import dataclass
from pathlib import PurePosixPath

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required

from archive.base.errors import UsageError
from archive.base.terms import CATEGORIES
from archive.catalog.review import Guess, ReviewItem
from archive.intake.ingest import SCAN_SUFFIXES
from archive.intake.outcomes import IngestStatus
from archive.intake.review import file_item, list_items, open_review_pdf, reject_item, show_waiting
from archive.intake.upload import expected_case, ingest_upload
from archive.web.context import user_archive
from docgen.catalog import FormCatalog
from docgen.identity import parse_identity

scans = Blueprint("scans", __name__)
# How each outcome is shown: the flash style of its row.
OUTCOME_KIND = {IngestStatus.FILED: "info", IngestStatus.REVIEW: "warn", IngestStatus.DUPLICATE: "warn",
                IngestStatus.FAILED: "error"}


@dataclass(frozen=True)
class GuessView:
    """A guess as the queue shows it: the case, and the form version when the page printed its identity."""

    case_no: str
    score: float
    why: str
    form_id: str | None
    form_title: str | None
    version: int | None


@dataclass(frozen=True)
class QueueEntry:
    """A waiting scan with its guesses ready to show."""

    item: ReviewItem
    guesses: list[GuessView]


def _guess_view(guess: Guess, forms: FormCatalog) -> GuessView:
    identity = parse_identity(guess.identity) if guess.identity else None
    spec = forms.get(identity.form_id) if identity else None
    return GuessView(guess.case_no, guess.score, guess.why, spec.id if spec else None,
                     spec.title if spec else None, identity.version if spec else None)


def _entries(items: list[ReviewItem], forms: FormCatalog) -> list[QueueEntry]:
    return [QueueEntry(i, [_guess_view(g, forms) for g in i.guesses]) for i in items]


def _uploaded():
    """The one file of the request, with the name it had on the user's computer."""
    found = request.files.getlist("file")
    if len(found) != 1:
        raise UsageError("每次请上传一个文件（表单字段 file），未做任何更改")
    # Browsers may send a folder upload's relative path, and Windows ones backslashes: keep the last part.
    name = PurePosixPath((found[0].filename or "").replace("\\", "/")).name
    if not name:
        raise UsageError("上传的文件没有文件名，未做任何更改")
    return found[0], name


@scans.route("/scans")
@login_required
def upload():
    """The drop zone: files or a whole folder, each uploaded and ingested on its own, its outcome shown."""
    return render_template("scans.html", expected=expected_case(user_archive(), request.args.get("case")),
                           limit=current_app.config["MAX_CONTENT_LENGTH"], suffixes=sorted(SCAN_SUFFIXES))


@scans.route("/scans/upload", methods=["POST"])
@login_required
def ingest():
    """One uploaded file through ingest: filed by its codes, queued for review, refused or a duplicate."""
    expected = request.form.get("case") or None
    upload_file, name = _uploaded()
    outcomes = ingest_upload(user_archive(), upload_file.stream, name, expected)
    template = "scans_outcome.html" if request.headers.get("HX-Request") else "scans.html"
    return render_template(template, outcomes=outcomes, name=name, expected=expected, kinds=OUTCOME_KIND,
                           limit=current_app.config["MAX_CONTENT_LENGTH"], suffixes=sorted(SCAN_SUFFIXES))


@scans.route("/review")
@login_required
def queue():
    """The scans waiting for a person, oldest first, each with its reason and daiban's guesses."""
    archive = user_archive()
    return render_template("review.html", entries=_entries(list_items(archive), archive.forms))


@scans.route("/review/<int:review_id>")
@login_required
def item(review_id: int):
    """One waiting scan in the viewer beside its guesses, with one-click filing and sending back."""
    archive = user_archive()
    found = _entries([show_waiting(archive, review_id)], archive.forms)
    return render_template("review_item.html", entry=found[0], forms=list(archive.forms.forms.values()),
                           categories=CATEGORIES)


@scans.route("/review/<int:review_id>/viewer")
@login_required
def viewer(review_id: int):
    """The PDF viewer on a waiting scan (its PDF is fetched, and the opening logged, by the viewer)."""
    return render_template("viewer.html", page=1, title="查看待审核件",
                           file_url=url_for("scans.pdf", review_id=review_id),
                           download_url=url_for("scans.pdf", review_id=review_id, download=1))


@scans.route("/review/<int:review_id>/pdf")
@login_required
def pdf(review_id: int):
    """The waiting scan's OCR'd PDF, with byte ranges for the viewer; the opening is logged."""
    path = open_review_pdf(user_archive(), review_id)
    return send_file(path, mimetype="application/pdf", conditional=True, max_age=0,
                     as_attachment=bool(request.args.get("download")),
                     download_name=f"{path.parent.name} {path.name}")


def _done(message: str):
    """Back to the queue with the message; an htmx form is told to go there."""
    flash(message, "info")
    target = url_for("scans.queue")
    if request.headers.get("HX-Request"):
        return "", 200, {"HX-Redirect": target}
    return redirect(target)


@scans.route("/review/<int:review_id>/file", methods=["POST"])
@login_required
def file_scan(review_id: int):
    """File a waiting scan into a case: as the signed copy of a form, or under a category."""
    case_no = request.form.get("case_no", "").strip()
    form_id = request.form.get("form_id") or None
    category = request.form.get("category") or None
    if not case_no:
        raise UsageError("请填写要归入的案件编号，未做任何更改")
    if not form_id and not category:
        raise UsageError("请选择表单（作为其签署件归档）或档案类别，未做任何更改")
    archive = user_archive()
    filed = file_item(archive, review_id, case_no, form_id, category)
    what = f"《{archive.forms.require(form_id).title}》签署件" if form_id else category
    return _done(f"已将待审核 #{review_id} 归入 {case_no}：{what}，件号 {filed[0].item_no:04d}")


@scans.route("/review/<int:review_id>/reject", methods=["POST"])
@login_required
def reject_scan(review_id: int):
    """Send a waiting scan back (it belongs to no case), with the reason."""
    reason = request.form.get("reason", "").strip()
    if not reason:
        raise UsageError("请填写退回原因，未做任何更改")
    rejected = reject_item(user_archive(), review_id, reason)
    return _done(f"已退回待审核 #{rejected.id}：{rejected.source_name}（{rejected.reason}）")
