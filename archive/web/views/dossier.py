"""移交档案与封卷 (to be built)."""

from flask import Blueprint, render_template
from flask_login import login_required

dossier = Blueprint("dossier", __name__)


@dossier.route("/cases/<case_no>/dossier")
@login_required
def page(case_no: str):
    """移交档案与封卷."""
    return render_template("error.html", message="移交档案与封卷：尚未完成", status=501), 501
