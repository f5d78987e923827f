"""扫描件入库 (to be built)."""

from flask import Blueprint, render_template
from flask_login import login_required

scans = Blueprint("scans", __name__)


@scans.route("/scans")
@login_required
def upload():
    """扫描件入库."""
    return render_template("error.html", message="扫描件入库：尚未完成", status=501), 501


@scans.route("/review")
@login_required
def queue():
    """待审核."""
    return render_template("error.html", message="待审核：尚未完成", status=501), 501
