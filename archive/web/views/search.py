"""检索 (to be built)."""

from flask import Blueprint, render_template
from flask_login import login_required

search = Blueprint("search", __name__)


@search.route("/search")
@login_required
def page():
    """检索."""
    return render_template("error.html", message="检索：尚未完成", status=501), 501
