"""Files of the case files: each download and preview recorded, served with byte ranges for the PDF viewer."""

import mimetypes

from flask import Blueprint, render_template, request, send_file, url_for
from flask_login import login_required

from archive.indexing.search import open_rendition
from archive.web.context import user_archive

files = Blueprint("files", __name__)


@files.route("/files/<int:doc_id>")
@login_required
def download(doc_id: int):
    """One rendition's bytes (inline, or as a download with ?download=1); the opening is logged, once: the
    further byte ranges a PDF viewer asks for are not openings of their own."""
    first = request.range is None or request.range.ranges[0][0] == 0
    doc, path = open_rendition(user_archive(), doc_id, record=first)
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return send_file(path, mimetype=mimetype, conditional=True, as_attachment=bool(request.args.get("download")),
                     download_name=path.name, max_age=0)


@files.route("/viewer/<int:doc_id>")
@login_required
def viewer(doc_id: int):
    """The PDF viewer (pdf.js, shipped with daiban) on one rendition, at ?page=N."""
    return render_template("viewer.html", page=max(request.args.get("page", 1, type=int), 1),
                           file_url=url_for("files.download", doc_id=doc_id),
                           download_url=url_for("files.download", doc_id=doc_id, download=1))
