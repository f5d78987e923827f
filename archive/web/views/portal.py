"""我的项目 (to be built)."""

from flask import Blueprint, render_template
from flask_login import login_required

portal = Blueprint("portal", __name__)


@portal.route("/portal")
@login_required
def home():
    """我的项目."""
    return render_template("error.html", message="我的项目：尚未完成", status=501), 501
